// `polysim validate FILE...`: checks scenario files and prints every problem as file:line:column: error: message.
// Exit 0 when every file is valid (warnings allowed), 1 when any has an error, 2 on a usage error.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli/args.h"
#include "cli/command.h"
#include "scenario/loader.h"

namespace polysim::cli {
namespace {
int validate(const Args& args) {
    scenario::LoadOptions options;
    bool quiet = false, werror = false;
    std::vector<std::string> inputs;
    ArgReader in("validate");
    in.flag("--require-data", options.requireData)
        .flag("--no-scan", options.scanDicom, false)
        .flag("--quiet", quiet)
        .flag("-q", quiet)
        .flag("--warnings-as-errors", werror)
        .flag("-Werror", werror)
        .positionals(inputs);
    if (auto status = in.read(args)) return *status;
    std::vector<std::string> files;
    for (const auto& a : inputs) {
        if (std::error_code ec; std::filesystem::is_directory(a, ec)) {
            // A folder stands for every scenario in it, e.g. `polysim validate scenarios/`.
            std::vector<std::string> inside;
            for (const auto& e : std::filesystem::directory_iterator(a, ec))
                if (e.path().extension() == ".toml") inside.push_back(e.path().string());
            std::sort(inside.begin(), inside.end());
            if (inside.empty()) return usageError("validate", "no .toml files in folder '" + a + "'");
            files.insert(files.end(), inside.begin(), inside.end());
        } else {
            files.push_back(a);
        }
    }
    if (files.empty()) return usageError("validate", "no scenario file given");
    int invalid = 0;
    for (const auto& f : files) {
        auto result = scenario::loadScenario(f, options);
        for (const auto& d : result.diagnostics) std::cerr << d.format() << "\n";
        const bool bad = !result.ok() || (werror && result.warningCount() > 0);
        if (bad) ++invalid;
        if (!quiet) {
            std::cout << f << ": " << (bad ? "invalid" : "valid");
            if (result.errorCount() || result.warningCount())
                std::cout << " (" << result.errorCount() << " error" << (result.errorCount() == 1 ? "" : "s") << ", "
                          << result.warningCount() << " warning" << (result.warningCount() == 1 ? "" : "s") << ")";
            if (result.scenario)
                std::cout << ": " << result.scenario->meta.title << ", " << result.scenario->findings.size()
                          << " findings, " << result.scenario->interruptions.size() << " interruptions";
            std::cout << "\n";
        }
    }
    return invalid ? 1 : 0;
}
}  // namespace
POLYSIM_REGISTER_COMMAND({"validate", "check scenario files and report every problem with line and column",
                          "polysim validate [--require-data] [--no-scan] [--warnings-as-errors] [--quiet] "
                          "SCENARIO.toml|FOLDER...\n"
                          "  Prints each problem as FILE:LINE:COLUMN: error|warning: MESSAGE on stderr and one\n"
                          "  summary line per file on stdout. Exit status: 0 all valid, 1 any invalid, 2 usage error.\n"
                          "  --require-data        DICOM data missing on this machine is an error (default: warning)\n"
                          "  --no-scan             do not read DICOM headers (skip series UID and geometry checks)\n"
                          "  --warnings-as-errors  a file with warnings counts as invalid\n"
                          "  --quiet               no summary lines, only the problems",
                          validate});
}  // namespace polysim::cli
