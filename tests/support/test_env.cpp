// Test environment helpers (see test_env.h).
#include "support/test_env.h"

#include "scenario/loader.h"

#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace polysim::test {
namespace fs = std::filesystem;

fs::path fixturesDir() {
    return fs::path(POLYSIM_FIXTURES_DIR);
}
fs::path sourceDir() {
    return fs::path(POLYSIM_SOURCE_DIR);
}
fs::path polysimBinary() {
    return fs::path(POLYSIM_BINARY);
}

fs::path scratchDir(const std::string& name) {
    const char* base = std::getenv("POLYSIM_TEST_TMP");
    fs::path dir = fs::path(base ? base : "/tmp/polysim-test") / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

std::string readFile(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

const scenario::Scenario& shippedScenario(const std::string& name) {
    static std::map<std::string, scenario::Scenario> loaded;
    auto it = loaded.find(name);
    if (it != loaded.end()) return it->second;
    auto result = scenario::loadScenario(sourceDir() / "scenarios" / (name + ".toml"));
    if (!result.scenario) throw std::runtime_error(scenario::formatDiagnostics(result.diagnostics));
    return loaded.emplace(name, *result.scenario).first->second;
}

std::vector<std::string> shippedCaseNames() {
    std::vector<std::string> names;
    const auto dir = sourceDir() / "scenarios";
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".toml") continue;
        const auto name = entry.path().stem().string();
        if (std::filesystem::exists(dir / "scripts" / (name + "-expert.txt"))) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

fs::path smallShippedScenario(const std::string& name, const fs::path& dir) {
    std::string text = readFile(sourceDir() / "scenarios" / (name + ".toml"));
    const std::string section = "[images.phantom]";
    auto at = text.find(section);
    if (at == std::string::npos) throw std::runtime_error(name + ".toml has no " + section);
    text.insert(at + section.size(), "\nmatrix = 128\nslice_mm = 4");
    fs::path file = dir / (name + "-small.toml");
    std::ofstream(file) << text;
    return file;
}

CommandResult runShell(const std::string& command) {
    static int counter = 0;
    fs::path dir =
        fs::temp_directory_path() / ("polysim-cmd-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(dir);
    std::string full = "(" + command + ") >" + (dir / "out").string() + " 2>" + (dir / "err").string();
    int status = std::system(full.c_str());
    CommandResult r;
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = readFile(dir / "out");
    r.err = readFile(dir / "err");
    fs::remove_all(dir);
    return r;
}

CommandResult runPolysim(const std::string& args) {
    return runShell(polysimBinary().string() + " " + args);
}

}  // namespace polysim::test
