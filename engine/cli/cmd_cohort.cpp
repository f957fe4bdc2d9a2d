// `polysim cohort DB_OR_JSON... --html FILE`: compares a group of trainees on the same scenarios (for instructors
// after a simulation session).
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli/args.h"
#include "cli/command.h"
#include "scoring/cohort.h"
#include "scoring/history.h"

namespace polysim::cli {
namespace {
constexpr std::string_view kUsage =
    "polysim cohort [DB_OR_JSON...] [--html FILE]\n"
    "  inputs: results databases (results.sqlite files or postgresql://USER@HOST[:PORT]/DB URLs) and/or score\n"
    "          files from 'polysim score --json'; none: the database $POLYSIM_DB names\n"
    "  --html  write the comparison as one self-contained HTML file; a text summary is always printed";

int cohort(const Args& args) {
    std::vector<std::string> inputs;
    std::string html;
    ArgReader in("cohort");
    in.value("--html", html, "--html needs a file").positionals(inputs);
    if (auto status = in.read(args)) return *status;
    std::vector<std::filesystem::path> sources(inputs.begin(), inputs.end());
    std::vector<scoring::HistoryEntry> results;
    try {
        if (sources.empty()) {
            const char* db = std::getenv("POLYSIM_DB");
            if (!db || !*db) return usageError("cohort", "give at least one results database or score JSON file");
            auto where = scoring::ResultsLocation::parse(db);
            sources.push_back(where.sqlite() ? where.sqlite()->file.string() : where.postgres()->url);
        }
        results = scoring::loadResults(sources);
    } catch (const scoring::HistoryError& e) {
        std::cerr << "polysim cohort: " << e.what() << "\n";
        return 1;
    }
    if (results.empty()) {
        std::cerr << "polysim cohort: no scored sessions in the inputs\n";
        return 1;
    }
    std::cout << scoring::cohortText(results);
    if (!html.empty()) {
        std::ofstream out(html, std::ios::binary);
        out << scoring::cohortHtml(results);
        out.close();
        if (!out) {
            std::cerr << "polysim cohort: cannot write " << html << "\n";
            return 1;
        }
        std::cout << "report: " << html << "\n";
    }
    return 0;
}
}  // namespace

POLYSIM_REGISTER_COMMAND({"cohort", "compare trainees on the same scenarios (HTML report for instructors)", kUsage,
                          cohort});

}  // namespace polysim::cli
