// Paths and helpers every test uses: the fixtures, the built binary, a scratch folder per test.
#pragma once

#include <filesystem>
#include <string>

namespace polysim::test {

std::filesystem::path fixturesDir();                  // ../shared/fixtures next to the project
std::filesystem::path sourceDir();                    // project root
std::filesystem::path polysimBinary();                // the built `polysim`
std::filesystem::path scratchDir(const std::string& name);  // fresh empty folder for this test

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
