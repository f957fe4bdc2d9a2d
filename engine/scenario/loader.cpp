// Entry points of the scenario reader: parse the TOML, read the model, check it, sort the diagnostics.
#include "scenario/loader.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "scenario/read.h"
#include "scenario/toml_depth.h"

namespace polysim::scenario {

std::string Diagnostic::format() const {
    std::string out = where.file.empty() ? std::string("<scenario>") : where.file;
    if (where.line > 0) {
        out += ":" + std::to_string(where.line);
        if (where.column > 0) out += ":" + std::to_string(where.column);
    }
    out += severity == Severity::Error ? ": error: " : ": warning: ";
    out += message;
    return out;
}

int LoadResult::errorCount() const {
    return int(std::count_if(diagnostics.begin(), diagnostics.end(),
                             [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::Error; }));
}
int LoadResult::warningCount() const {
    return int(diagnostics.size()) - errorCount();
}
bool LoadResult::ok() const {
    return errorCount() == 0;
}
std::vector<Diagnostic> LoadResult::unreadable() const {
    std::vector<Diagnostic> out;
    for (const auto& d : diagnostics)
        if (d.unreadable) out.push_back(d);
    return out;
}

std::string formatDiagnostics(const std::vector<Diagnostic>& diagnostics) {
    std::string out;
    for (const auto& d : diagnostics) out += d.format() + "\n";
    return out;
}

namespace {
void sortDiagnostics(std::vector<Diagnostic>& d) {
    std::stable_sort(d.begin(), d.end(), [](const Diagnostic& a, const Diagnostic& b) {
        if (a.where.file != b.where.file) return a.where.file < b.where.file;
        if (a.where.line != b.where.line) return a.where.line < b.where.line;
        return a.where.column < b.where.column;
    });
    // The same problem reached by two paths (e.g. a key both unknown and mistyped) is said once.
    d.erase(std::unique(d.begin(), d.end(),
                        [](const Diagnostic& a, const Diagnostic& b) {
                            return a.where.line == b.where.line && a.where.column == b.where.column &&
                                   a.message == b.message && a.where.file == b.where.file;
                        }),
            d.end());
}
}  // namespace

LoadResult parseScenario(std::string_view text, const std::filesystem::path& nameForMessages,
                         const LoadOptions& options) {
    LoadResult result;
    detail::Report report;
    report.file = nameForMessages.string();
    if (auto deep = findTomlNestingProblem(text)) {
        report.unreadable({report.file, deep->line, deep->column}, deep->message);
        result.diagnostics = std::move(report.diagnostics);
        return result;
    }
    toml::table doc;
    try {
        doc = toml::parse(text, std::string_view(report.file));
    } catch (const toml::parse_error& e) {
        const auto& src = e.source();
        std::string what(e.description());
        report.unreadable({report.file, int(src.begin.line), int(src.begin.column)}, "TOML syntax: " + what);
        result.diagnostics = std::move(report.diagnostics);
        return result;
    }
    Scenario s;
    s.sourceFile = nameForMessages;
    detail::Locations locations;
    try {
        detail::readScenario(doc, s, locations, report);
        detail::checkScenario(s, locations, options, report);
    } catch (const std::exception& e) {
        // A bug of ours must still not take the user's program down; say where it happened.
        report.unreadable({report.file, 0, 0}, std::string("internal error while checking the scenario: ") + e.what());
    }
    sortDiagnostics(report.diagnostics);
    result.diagnostics = std::move(report.diagnostics);
    if (result.unreadable().empty()) result.draft = s;
    if (result.ok()) result.scenario = std::move(s);
    return result;
}

LoadResult loadScenario(const std::filesystem::path& file, const LoadOptions& options) {
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) {
        LoadResult r;
        r.diagnostics.push_back({Diagnostic::Severity::Error,
                                 {file.string(), 0, 0},
                                 "is a folder, not a scenario file (give a .toml file)",
                                 true});
        return r;
    }
    // A scenario is a few tens of kilobytes; refuse devices, pipes and huge files rather than read them forever.
    constexpr std::uintmax_t kMaxBytes = 8u << 20;
    if (std::filesystem::exists(file, ec) && !std::filesystem::is_regular_file(file, ec)) {
        LoadResult r;
        r.diagnostics.push_back({Diagnostic::Severity::Error, {file.string(), 0, 0}, "is not a regular file", true});
        return r;
    }
    if (auto size = std::filesystem::file_size(file, ec); !ec && size > kMaxBytes) {
        LoadResult r;
        r.diagnostics.push_back({Diagnostic::Severity::Error,
                                 {file.string(), 0, 0},
                                 "is " + std::to_string(size >> 20) + " MB, too large to be a scenario file",
                                 true});
        return r;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        LoadResult r;
        r.diagnostics.push_back({Diagnostic::Severity::Error,
                                 {file.string(), 0, 0},
                                 std::filesystem::exists(file, ec) ? "cannot be read (permissions?)" : "no such file",
                                 true});
        return r;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return parseScenario(ss.str(), file, options);
}

std::vector<Diagnostic> validateScenario(const Scenario& scenario, const LoadOptions& options) {
    detail::Report report;
    report.file = scenario.sourceFile.string();
    detail::Locations none;
    try {
        detail::checkScenario(scenario, none, options, report);
    } catch (const std::exception& e) {
        report.error({report.file, 0, 0}, std::string("internal error while checking the scenario: ") + e.what());
    }
    sortDiagnostics(report.diagnostics);
    return report.diagnostics;
}

// ---- where scenarios live ----

namespace {
std::filesystem::path executableDir() {
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path() : exe.parent_path();
}
bool hasScenarios(const std::filesystem::path& dir) {
    std::error_code ec;
    return !dir.empty() && std::filesystem::exists(dir / "motorcyclist.toml", ec);
}
}  // namespace

std::filesystem::path scenarioDirectory() {
    if (const char* env = std::getenv("POLYSIM_SCENARIOS"); env && *env) return env;
#ifdef POLYSIM_SCENARIO_DIR
    if (hasScenarios(POLYSIM_SCENARIO_DIR)) return POLYSIM_SCENARIO_DIR;
#endif
    // Installed: <prefix>/bin/polysim next to <prefix>/share/polysim/scenarios.
    auto installed = executableDir() / ".." / "share" / "polysim" / "scenarios";
    if (hasScenarios(installed)) return installed.lexically_normal();
#ifdef POLYSIM_SCENARIO_INSTALL_DIR
    if (hasScenarios(POLYSIM_SCENARIO_INSTALL_DIR)) return POLYSIM_SCENARIO_INSTALL_DIR;
#endif
#ifdef POLYSIM_SCENARIO_DIR
    return POLYSIM_SCENARIO_DIR;
#else
    return "scenarios";
#endif
}

std::filesystem::path defaultScenarioPath() {
    return scenarioDirectory() / "motorcyclist.toml";
}

std::vector<std::filesystem::path> shippedScenarios() {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(scenarioDirectory(), ec))
        if (e.path().extension() == ".toml" && e.is_regular_file(ec)) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace polysim::scenario
