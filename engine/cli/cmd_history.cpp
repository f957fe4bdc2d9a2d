// `polysim history`: a trainee's scored sessions from the results database, oldest first, with the trend.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>

#include "cli/args.h"
#include "cli/command.h"
#include "scoring/history.h"
#include "session/session.h"

namespace polysim::cli {
namespace {
constexpr std::string_view kUsage =
    "polysim history [--trainee NAME | --all] [--scenario ID] [--db FILE|URL] [--push URL]\n"
    "  --trainee  whose results (default: $USER); --all: everyone\n"
    "  --scenario only this scenario id\n"
    "  --db       results database: an SQLite file or postgresql://USER@HOST[:PORT]/DB (default: $POLYSIM_DB,\n"
    "             else $XDG_DATA_HOME/polysim/results.sqlite)\n"
    "  --push     upload every result of --db to this database (a programme's server) in one transaction;\n"
    "             results already there are not added again";

// One character per session, height by total: the trend at a glance.
std::string sparkline(const std::vector<double>& totals) {
    static const char* bars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    std::string out;
    for (double t : totals) out += bars[std::min(7, std::max(0, int(t / 100.0 * 8.0)))];
    return out;
}

// Uploads every result of `from` to `to`: all or nothing; `from` is only read.
int push(const scoring::ResultsLocation& from, const std::string& toText) {
    try {
        auto to = scoring::ResultsLocation::parse(toText);
        if (from.sqlite() && !std::filesystem::exists(from.sqlite()->file)) {
            std::cout << "Nothing to push (" << from.describe() << " does not exist).\n";
            return 0;
        }
        scoring::History source(from);
        scoring::History target(to);
        auto r = source.pushTo(target);
        std::cout << "Pushed " << from.describe() << " to " << target.describe() << ": " << r.added << " added, "
                  << r.updated << " updated, " << r.unchanged << " already there";
        if (r.keptNewer) std::cout << ", " << r.keptNewer << " kept as scored later there";
        std::cout << "\n";
        return 0;
    } catch (const scoring::HistoryError& e) {
        std::cerr << "polysim history: the push failed; nothing was added to the target and the local results are "
                     "unchanged: "
                  << e.what() << "\n";
        return 1;
    }
}

int history(const Args& args) {
    std::string trainee, scenario, dbPath, pushTo;
    bool all = false;
    ArgReader in("history");
    in.value("--trainee", trainee, "--trainee needs a name")
        .value("--scenario", scenario, "--scenario needs an id")
        .value("--db", dbPath, "--db needs a file or a postgresql:// URL")
        .value("--push", pushTo, "--push needs a postgresql:// URL (or a file)")
        .flag("--all", all);
    if (auto status = in.read(args)) return *status;
    if (trainee.empty() && !all) trainee = session::defaultTrainee();
    std::optional<scoring::ResultsLocation> where;
    try {
        where = dbPath.empty() ? scoring::defaultResultsLocation() : scoring::ResultsLocation::parse(dbPath);
    } catch (const scoring::HistoryError& e) {
        std::cerr << "polysim history: " << e.what() << "\n";
        return 1;
    }
    if (!pushTo.empty()) return push(*where, pushTo);
    if (where->sqlite() && !std::filesystem::exists(where->sqlite()->file)) {
        std::cout << "No results yet (" << where->describe()
                  << " does not exist). Score a session with 'polysim score'.\n";
        return 0;
    }
    std::vector<scoring::HistoryEntry> entries;
    try {
        scoring::History db(*where);
        entries = db.entries(all ? "" : trainee);
    } catch (const scoring::HistoryError& e) {
        std::cerr << "polysim history: " << e.what() << "\n";
        return 1;
    }
    if (!scenario.empty()) std::erase_if(entries, [&](const auto& e) { return e.scenarioId != scenario; });
    std::cout << "Results of " << (all ? std::string("everyone") : trainee) << " in " << where->describe() << "\n";
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
                    e.findings, e.order, e.coverage, e.interruptions, e.conclusion,
                    errors.empty() ? "-" : errors.c_str());
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
