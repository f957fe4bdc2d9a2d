// `polysim history`: a trainee's scored sessions from the results database, oldest first, with the trend.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>

#include "cli/args.h"
#include "cli/command.h"
#include "scoring/history.h"
#include "session/session.h"

namespace polysim::cli {
namespace {
constexpr std::string_view kUsage =
    "polysim history [--trainee NAME | --all] [--scenario ID] [--db FILE]\n"
    "  --trainee  whose results (default: $USER); --all: everyone\n"
    "  --scenario only this scenario id\n"
    "  --db       results database (default: $POLYSIM_DB, else $XDG_DATA_HOME/polysim/results.sqlite)";

// One character per session, height by total: the trend at a glance.
std::string sparkline(const std::vector<double>& totals) {
    static const char* bars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    std::string out;
    for (double t : totals) out += bars[std::min(7, std::max(0, int(t / 100.0 * 8.0)))];
    return out;
}

int history(const Args& args) {
    std::string trainee, scenario, dbPath;
    bool all = false;
    ArgReader in("history");
    in.value("--trainee", trainee, "--trainee needs a name")
        .value("--scenario", scenario, "--scenario needs an id")
        .value("--db", dbPath, "--db needs a file")
        .flag("--all", all)
        .unknown("unexpected argument 'ARG'");
    if (auto status = in.read(args)) return *status;
    if (trainee.empty() && !all) trainee = session::defaultTrainee();
    std::filesystem::path path = dbPath.empty() ? scoring::defaultHistoryPath() : std::filesystem::path(dbPath);
    if (!std::filesystem::exists(path)) {
        std::cout << "No results yet (" << path.string() << " does not exist). Score a session with 'polysim score'.\n";
        return 0;
    }
    std::vector<scoring::HistoryEntry> entries;
    try {
        scoring::History db(path);
        entries = db.entries(all ? "" : trainee);
    } catch (const scoring::HistoryError& e) {
        std::cerr << "polysim history: " << e.what() << "\n";
        return 1;
    }
    if (!scenario.empty())
        std::erase_if(entries, [&](const auto& e) { return e.scenarioId != scenario; });
    std::cout << "Results of " << (all ? std::string("everyone") : trainee) << " in " << path.string() << "\n";
    if (entries.empty()) {
        std::cout << "  none yet\n";
        return 0;
    }
    std::printf("  %-19s %-14s %-24s %6s %-4s %4s %5s %5s %5s %5s %5s  %s\n", "scored (UTC)", "trainee", "scenario",
                "total", "pass", "crit", "find", "order", "cover", "intr", "concl", "errors (finding: rule)");
    for (const auto& e : entries) {
        std::string errors;
        for (const auto& [id, rule] : scoring::findingErrors(e.scoreJson))
            errors += (errors.empty() ? "" : ", ") + id + ": " + rule;
        std::printf("  %-19s %-14.14s %-24.24s %6.1f %-4s %4d %5.2f %5.2f %5.2f %5.2f %5.2f  %s\n", e.scoredAt.c_str(),
                    e.trainee.c_str(), e.scenarioId.c_str(), e.total, e.passed ? "yes" : "no", e.criticalErrors,
                    e.findings, e.order, e.coverage, e.interruptions, e.conclusion, errors.empty() ? "-" : errors.c_str());
    }
    std::map<std::pair<std::string, std::string>, std::vector<const scoring::HistoryEntry*>> groups;
    for (const auto& e : entries) groups[{e.trainee, e.scenarioId}].push_back(&e);
    std::cout << "Trend:\n";
    for (const auto& [key, list] : groups) {
        std::vector<double> totals;
        int passes = 0;
        for (const auto* e : list) {
            totals.push_back(e->total);
            passes += e->passed ? 1 : 0;
        }
        std::printf("  %s on %s: %s  %zu session(s), first %.1f, last %.1f (%+.1f), best %.1f, passed %d of %zu\n",
                    key.first.c_str(), key.second.c_str(), sparkline(totals).c_str(), totals.size(), totals.front(),
                    totals.back(), totals.back() - totals.front(), *std::max_element(totals.begin(), totals.end()),
                    passes, totals.size());
    }
    return 0;
}
}  // namespace

POLYSIM_REGISTER_COMMAND({"history", "a trainee's scored sessions and their trend", kUsage, history});

}  // namespace polysim::cli
