// Writing a scenario back to TOML (the authoring mode saves with this): what loadScenario reads from the output
// is the same model, and the text holds what the author wrote or changed, not every default.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario.h"

namespace polysim::scenario {

// The scenario in the format of scenarios/README.md, sections in the guide's order. A value the reader would take
// anyway is left out: the default regions, series and reading order, a phantom finding's ground truth (label,
// synonyms, category, region, centre, extent, description: the finding keeps its `injury` and follows the phantom),
// vitals carried over from the entry before, default weights, zero delays. Deadlines are always written. Millimetres
// are written to a tenth. A DICOM folder written relative in the source file is written relative to `folderBase`
// (the folder the text will be saved in) when that is given (see dicomFolderText).
// `header` (comment lines) opens the text; without one, a line with the title and one on checking the file.
std::string toToml(const Scenario& scenario, const std::filesystem::path& folderBase = {},
                   const std::string& header = {});

// The text saveScenario writes to `file`: toToml relative to the file's folder, opened by the comments that open
// `file` today (or, for a new file, the scenario's source file), so a hand-written introduction survives saving.
std::string scenarioText(const Scenario& scenario, const std::filesystem::path& file);

// The comments of a TOML text (what follows a '#' outside strings, trimmed), in order.
std::vector<std::string> tomlComments(std::string_view text);
// The comment block that opens a TOML text (comment and blank lines before the first key or table), or "".
std::string leadingComments(std::string_view text);
// How many comments of `before` are not in `after`: what replacing the one text by the other would lose.
int commentsLost(std::string_view before, std::string_view after);

// How a DICOM folder is written in a case file saved in `caseFolder`: relative to it when the folder lies at most two
// levels above it (the case and its data move together, "../study/2_head"), otherwise absolute, so a case saved in
// /tmp does not point at "../../work/data/...".
std::string dicomFolderText(const std::filesystem::path& folder, const std::filesystem::path& caseFolder);

// Writes scenarioText(scenario, file) to `file` through a temporary file renamed into place, so a crash never leaves
// half a scenario. Returns false and fills `error` (naming the file) when the file cannot be written.
bool saveScenario(const Scenario& scenario, const std::filesystem::path& file, std::string* error = nullptr);

}  // namespace polysim::scenario
