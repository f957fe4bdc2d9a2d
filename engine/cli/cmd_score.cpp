// `polysim score SCENARIO LOG`: scores a session log, prints the result with its reasons, writes the JSON and the
// HTML debrief, and stores the result in the history database.
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli/args.h"
#include "cli/command.h"
#include "scenario/loader.h"
#include "scoring/debrief.h"
#include "scoring/history.h"
#include "scoring/key_images.h"
#include "scoring/score.h"
#include "session/session.h"

namespace polysim::cli {
namespace {
constexpr std::string_view kUsage =
    "polysim score SCENARIO.toml LOG.jsonl [--json FILE|-] [--html FILE] [--no-images] [--trainee NAME] "
    "[--db FILE|URL] [--no-history]\n"
    "  --json       write the score as JSON (keys: total, passed, critical_errors, findings, order, coverage,\n"
    "               interruptions, conclusion); '-' writes it to stdout instead of the summary\n"
    "  --html       write the debrief: one self-contained HTML file with the depth-time plot and key images\n"
    "  --no-images  leave the key images out of the debrief (no volume is generated or loaded)\n"
    "  --trainee    name in the results history (default: the log's trainee, else $USER)\n"
    "  --db         results database: an SQLite file or postgresql://USER@HOST[:PORT]/DB (default: $POLYSIM_DB,\n"
    "               else $XDG_DATA_HOME/polysim/results.sqlite); a server out of reach: stored locally instead\n"
    "  --no-history do not store the result\n"
    "Exit status: 0 passed, 3 not passed, 1 error.";

bool writeFile(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    out.close();
    if (!out) {
        std::cerr << "polysim score: cannot write " << path << "\n";
        return false;
    }
    return true;
}

int score(const Args& args) {
    std::vector<std::string> positional;
    std::string jsonPath, htmlPath, trainee, dbPath;
    bool history = true, images = true;
    ArgReader in("score");
    in.value("--json", jsonPath, "--json needs a file (or -)")
        .value("--html", htmlPath, "--html needs a file")
        .value("--trainee", trainee, "--trainee needs a name")
        .value("--db", dbPath, "--db needs a file or a postgresql:// URL")
        .flag("--no-history", history, false)
        .flag("--no-images", images, false)
        .positionals(positional);
    if (auto status = in.read(args)) return *status;
    if (positional.size() != 2) return usageError("score", "needs SCENARIO.toml and LOG.jsonl");
    auto loaded = scenario::loadScenario(positional[0]);
    if (!loaded.diagnostics.empty()) std::cerr << scenario::formatDiagnostics(loaded.diagnostics);
    if (!loaded.scenario) {
        std::cerr << "polysim score: " << positional[0] << ": the scenario has errors (above)\n";
        return 1;
    }
    const auto& sc = *loaded.scenario;
    scoring::Score s;
    try {
        s = scoring::scoreLogFile(sc, positional[1]);
    } catch (const session::LogError& e) {
        std::cerr << "polysim score: " << e.what() << "\n";
        return 1;
    }
    for (const auto& w : s.warnings) std::cerr << "warning: " << w << "\n";
    if (!trainee.empty()) s.trainee = trainee;
    if (s.trainee.empty()) s.trainee = session::defaultTrainee();

    auto json = scoring::scoreToJson(s);
    if (jsonPath == "-") {
        std::cout << json.dump(2) << "\n";
    } else {
        std::cout << sc.meta.title << " — " << (s.trainee.empty() ? "unnamed trainee" : s.trainee) << "\n";
        std::cout << "total " << json["total"].dump() << " / 100: " << (s.passed ? "PASSED" : "NOT PASSED") << "\n";
        for (const auto& c : s.criticalErrors) std::cout << "  critical error: " << c << "\n";
        for (const auto& f : s.findings.items)
            std::cout << "  finding " << f.finding->id << ": band " << f.band << "/10 (" << f.bandName
                      << (f.error.empty() ? "" : ", " + f.error) << ") — " << f.why << "\n";
        std::cout << "  order " << json["order"]["score"].dump() << ": " << s.order.why << "\n";
        std::cout << "  coverage " << json["coverage"]["score"].dump() << ": " << s.coverage.why << "\n";
        for (const auto& i : s.interruptions.items)
            std::cout << "  interruption " << i.spec->id << ": " << i.why << "\n";
        std::cout << "  conclusion " << json["conclusion"]["score"].dump() << ": " << s.conclusion.why << "\n";
        std::cout << "  " << s.why << "\n";
        if (!jsonPath.empty() && !writeFile(jsonPath, json.dump(2) + "\n")) return 1;
    }
    if (!htmlPath.empty()) {
        std::string note;
        scoring::KeyImages keyImages;
        if (images)
            keyImages = scoring::renderKeyImages(sc, &note);
        else
            note = "Key images left out (--no-images).";
        if (!note.empty()) std::cerr << "note: " << note << "\n";
        if (!writeFile(htmlPath, scoring::debriefHtml(sc, s, keyImages, note))) return 1;
        if (jsonPath != "-") std::cout << "debrief: " << htmlPath << "\n";
    }
    if (history) {
        try {
            auto where = dbPath.empty() ? scoring::defaultResultsLocation() : scoring::ResultsLocation::parse(dbPath);
            auto stored = scoring::recordScore(where, s, s.trainee, positional[1]);
            if (!stored.problem.empty())
                std::cerr << "warning: " << stored.problem
                          << (stored.storedIn.empty() ? " (the result was not stored)" : "") << "\n";
            if (!stored.storedIn.empty() && jsonPath != "-") std::cout << "stored in " << stored.storedIn << "\n";
        } catch (const scoring::HistoryError& e) {
            std::cerr << "warning: " << e.what() << " (the result was not stored)\n";
        }
    }
    return s.passed ? 0 : 3;
}
}  // namespace

POLYSIM_REGISTER_COMMAND({"score", "score a session log: JSON, HTML debrief, results history", kUsage, score});

}  // namespace polysim::cli
