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

// How a DICOM folder is written in a case file saved in `caseFolder`: relative to it when the folder lies at most two
// levels above it (the case and its data move together, "../study/2_head"), otherwise absolute, so a case saved in
// /tmp does not point at "../../work/data/...".
std::string dicomFolderText(const std::filesystem::path& folder, const std::filesystem::path& caseFolder);

// Writes toToml(scenario) to `file` through a temporary file renamed into place, so a crash never leaves half a
// scenario. Returns false and fills `error` (naming the file) when the file cannot be written.
bool saveScenario(const Scenario& scenario, const std::filesystem::path& file, std::string* error = nullptr);

}  // namespace polysim::scenario
