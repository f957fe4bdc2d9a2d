// Paths and helpers every test uses: the fixtures, the built binary, a scratch folder per test.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "scenario/scenario.h"

namespace polysim::test {

std::filesystem::path fixturesDir();                        // ../shared/fixtures next to the project
std::filesystem::path sourceDir();                          // project root
std::filesystem::path polysimBinary();                      // the built `polysim`
std::filesystem::path scratchDir(const std::string& name);  // fresh empty folder for this test

// The whole file as bytes (empty when it cannot be read).
std::string readFile(const std::filesystem::path& file);
// A shipped scenario (scenarios/NAME.toml) rewritten into `dir` with a small phantom (128 x 128, 4 mm slices),
// so a test makes its images in a few seconds.
std::filesystem::path smallShippedScenario(const std::string& name, const std::filesystem::path& dir);

// A shipped scenario (scenarios/NAME.toml) as loaded, once per test process; throws with the diagnostics when it
// does not load.
const scenario::Scenario& shippedScenario(const std::string& name);

// The shipped cases with a scripted expert and novice: every scenarios/NAME.toml with
// scenarios/scripts/NAME-expert.txt, sorted by name. A new case with scripts is in every shipped-case test at once.
std::vector<std::string> shippedCaseNames();

struct CommandResult {
    int exitCode = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};
// Runs the built `polysim` with a shell-quoted argument string, capturing stdout and stderr.
CommandResult runPolysim(const std::string& args);
// Runs an arbitrary shell command, capturing stdout and stderr.
CommandResult runShell(const std::string& command);

}  // namespace polysim::test
