// Writing a scenario back to TOML (the authoring mode saves with this): what loadScenario reads from the output
// is the same model, with every value explicit.
#pragma once

#include <filesystem>
#include <string>

#include "scenario/scenario.h"

namespace polysim::scenario {

// The scenario in the format of scenarios/README.md, sections in the guide's order, every value explicit (phantom
// findings keep their `injury` so the link to the ground truth survives). A DICOM folder written relative in the
// source file is written relative to `folderBase` (the folder the text will be saved in) when that is given.
std::string toToml(const Scenario& scenario, const std::filesystem::path& folderBase = {});

// Writes toToml(scenario) to `file` through a temporary file renamed into place, so a crash never leaves half a
// scenario. Returns false and fills `error` (naming the file) when the file cannot be written.
bool saveScenario(const Scenario& scenario, const std::filesystem::path& file, std::string* error = nullptr);

}  // namespace polysim::scenario
