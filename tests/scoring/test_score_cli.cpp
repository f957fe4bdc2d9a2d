// The shipped motorcyclist scenario played headless by the shipped trainee scripts, scored and debriefed through
// the `polysim` binary, as an instructor would run it.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/test_env.h"

using polysim::test::runPolysim;
using polysim::test::runShell;
namespace fs = std::filesystem;

namespace {
fs::path scenario() {
    return polysim::test::sourceDir() / "scenarios" / "motorcyclist.toml";
}
fs::path script(const std::string& who) {
    return polysim::test::sourceDir() / "scenarios" / "scripts" / ("motorcyclist-" + who + ".txt");
}
std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
std::string q(const fs::path& p) {
    return "'" + p.string() + "'";
}

// Plays a shipped script and scores it; returns the score JSON.
nlohmann::json playAndScore(const fs::path& dir, const std::string& who, int expectedExit) {
    auto play = runPolysim("play " + q(scenario()) + " --script " + q(script(who)) + " --log " +
                           q(dir / (who + ".jsonl")) + " --trainee " + who);
    EXPECT_EQ(play.exitCode, 0) << play.err;
    EXPECT_EQ(play.err.find("refused"), std::string::npos) << play.err;  // the scripts only do what the case allows
    auto score = runPolysim("score " + q(scenario()) + " " + q(dir / (who + ".jsonl")) + " --json " +
                            q(dir / (who + ".json")) + " --db " + q(dir / "results.sqlite"));
    EXPECT_EQ(score.exitCode, expectedExit) << score.out << score.err;
    return nlohmann::json::parse(slurp(dir / (who + ".json")));
}
const nlohmann::json& item(const nlohmann::json& list, const std::string& id) {
    for (const auto& x : list)
        if (x["id"] == id) return x;
    throw std::runtime_error("no " + id);
}
}  // namespace

TEST(ScoreCli, TheExpertRunOfTheMotorcyclistPassesWithAHighScore) {
    auto dir = polysim::test::scratchDir("cli_expert");
    auto j = playAndScore(dir, "expert", 0);
    EXPECT_TRUE(j["passed"].get<bool>());
    EXPECT_GE(j["total"].get<double>(), 90.0) << j["why"];
    EXPECT_TRUE(j["critical_errors"].empty());
    for (const auto& f : j["findings"]["items"]) EXPECT_GE(f["band"].get<int>(), 9) << f["why"];
    EXPECT_DOUBLE_EQ(j["order"]["tau"].get<double>(), 1.0) << j["order"]["why"];
}

TEST(ScoreCli, TheNoviceMissesTheTensionPneumothoraxObservationallyAndFails) {
    auto dir = polysim::test::scratchDir("cli_novice");
    auto j = playAndScore(dir, "novice", 3);
    EXPECT_FALSE(j["passed"].get<bool>());
    const auto& ptx = item(j["findings"]["items"], "tension_pneumothorax");
    EXPECT_EQ(ptx["error"], "missed") << ptx["why"];
    EXPECT_EQ(ptx["error_class"], "observational") << ptx["why"];
    EXPECT_TRUE(ptx["critical"].get<bool>());
    EXPECT_FALSE(ptx["seen"].get<bool>());
    EXPECT_EQ(ptx["on_screen_windows"], nlohmann::json::array({"soft_tissue"}));
    bool listed = false;
    for (const auto& c : j["critical_errors"])
        listed = listed || c.get<std::string>().find("Tension pneumothorax") != std::string::npos;
    EXPECT_TRUE(listed) << j["critical_errors"];
    // Its deadline passed without a call: the anaesthetist's announcement is in the log at 02:30.
    std::string log = slurp(dir / "novice.jsonl");
    EXPECT_NE(log.find("{\"t\":150.0,\"event\":\"deterioration\",\"finding\":\"tension_pneumothorax\""),
              std::string::npos);
}

TEST(ScoreCli, ARunInterruptedMidChestShowsAMeasuredResumptionLag) {
    auto dir = polysim::test::scratchDir("cli_interrupted");
    auto j = playAndScore(dir, "interrupted", 3);
    const auto& phone = item(j["interruptions"]["items"], "phone_ed");
    EXPECT_DOUBLE_EQ(phone["started_at"].get<double>(), 55.0);
    EXPECT_DOUBLE_EQ(phone["answered_at"].get<double>(), 60.0);
    EXPECT_DOUBLE_EQ(phone["resumption_lag_seconds"].get<double>(), 6.0);
    EXPECT_DOUBLE_EQ(phone["stopped_at_mm"].get<double>(), -400.0);
    EXPECT_EQ(phone["resumption"], "re-searched covered ground") << phone["why"];
}

TEST(ScoreCli, TheSameScriptTwiceGivesByteIdenticalLogsAndScores) {
    auto dir = polysim::test::scratchDir("cli_identical");
    for (const char* n : {"a", "b"}) {
        auto r = runPolysim("play " + q(scenario()) + " --script " + q(script("novice")) + " --log " +
                            q(dir / (std::string(n) + ".jsonl")) + " --trainee same");
        ASSERT_EQ(r.exitCode, 0) << r.err;
        runPolysim("score " + q(scenario()) + " " + q(dir / (std::string(n) + ".jsonl")) + " --no-history --json " +
                   q(dir / (std::string(n) + ".json")));
    }
    EXPECT_EQ(slurp(dir / "a.jsonl"), slurp(dir / "b.jsonl"));
    EXPECT_EQ(slurp(dir / "a.json"), slurp(dir / "b.json"));
    EXPECT_GT(slurp(dir / "a.json").size(), 2000u);
}

TEST(ScoreCli, AKilledSessionResumesFromItsLogWithNothingLost) {
    auto dir = polysim::test::scratchDir("cli_resume");
    auto full = runPolysim("play " + q(scenario()) + " --script " + q(script("expert")) + " --log " +
                           q(dir / "full.jsonl") + " --trainee r");
    ASSERT_EQ(full.exitCode, 0) << full.err;
    std::string text = slurp(dir / "full.jsonl");
    std::size_t cut = text.find('\n', text.size() / 2) + 30;  // killed while writing a line
    std::ofstream(dir / "killed.jsonl", std::ios::binary) << text.substr(0, cut);
    auto resumed = runPolysim("play " + q(scenario()) + " --script " + q(script("expert")) + " --log " +
                              q(dir / "killed.jsonl") + " --resume");
    EXPECT_EQ(resumed.exitCode, 0) << resumed.err;
    EXPECT_NE(resumed.err.find("damaged last line"), std::string::npos) << resumed.err;
    EXPECT_EQ(slurp(dir / "killed.jsonl"), text);
}

TEST(ScoreCli, AMistakeInATraineeScriptNamesFileLineAndColumn) {
    auto dir = polysim::test::scratchDir("cli_bad_script");
    std::ofstream(dir / "bad.txt") << "# my run\n00:05 series arterial\n00:10 windw lung\n";
    auto r = runPolysim("play " + q(scenario()) + " --script " + q(dir / "bad.txt") + " --log " + q(dir / "x.jsonl"));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find((dir / "bad.txt").string() + ":3:7: unknown action 'windw'"), std::string::npos) << r.err;
}

TEST(ScoreCli, TheDebriefWithKeyImagesRendersInHeadlessChromium) {
    auto dir = polysim::test::scratchDir("cli_debrief");
    playAndScore(dir, "novice", 3);
    auto r = runPolysim("score " + q(scenario()) + " " + q(dir / "novice.jsonl") + " --no-history --html " +
                        q(dir / "debrief.html"));
    ASSERT_EQ(r.exitCode, 3) << r.err;
    std::string html = slurp(dir / "debrief.html");
    // One key image per finding, inline.
    std::size_t images = 0;
    for (std::size_t p = 0; (p = html.find("data:image/png;base64,", p)) != std::string::npos; ++p) ++images;
    EXPECT_EQ(images, 3u) << r.err;
    auto shot = runShell("cd " + q(dir) + " && HOME=" + q(dir) +
                         " timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking "
                         "--no-first-run --screenshot=" +
                         q(dir / "shot.png") + " --window-size=1200,2000 file://" + (dir / "debrief.html").string());
    ASSERT_TRUE(fs::exists(dir / "shot.png")) << shot.err;
    auto colours = runShell("convert " + q(dir / "shot.png") + " -format %k info:");
    EXPECT_GT(std::stoi(colours.out), 50) << colours.out << colours.err;
}

TEST(ScoreCli, HistoryShowsATraineesTrendAndCohortComparesTrainees) {
    auto dir = polysim::test::scratchDir("cli_history");
    auto db = dir / "results.sqlite";
    for (const char* who : {"novice", "expert"}) {
        runPolysim("play " + q(scenario()) + " --script " + q(script(who)) + " --log " +
                   q(dir / (std::string(who) + ".jsonl")));
        auto r = runPolysim("score " + q(scenario()) + " " + q(dir / (std::string(who) + ".jsonl")) +
                            " --trainee ana --db " + q(db));
        ASSERT_NE(r.exitCode, 1) << r.err;
    }
    auto h = runPolysim("history --trainee ana --db " + q(db));
    EXPECT_EQ(h.exitCode, 0) << h.err;
    EXPECT_NE(h.out.find("ana on motorcyclist"), std::string::npos) << h.out;
    EXPECT_NE(h.out.find("2 session(s)"), std::string::npos) << h.out;
    EXPECT_NE(h.out.find("passed 1 of 2"), std::string::npos) << h.out;
    // POLYSIM_DB is the default database.
    auto env = runShell("POLYSIM_DB=" + q(db) + " " + polysim::test::polysimBinary().string() + " history --all");
    EXPECT_NE(env.out.find("ana on motorcyclist"), std::string::npos) << env.out << env.err;

    auto ben = runPolysim("score " + q(scenario()) + " " + q(dir / "expert.jsonl") +
                          " --trainee ben --no-history --json " + q(dir / "ben.json"));
    auto c = runPolysim("cohort " + q(db) + " " + q(dir / "ben.json") + " --html " + q(dir / "cohort.html"));
    EXPECT_EQ(c.exitCode, 0) << c.err;
    EXPECT_NE(c.out.find("ana: "), std::string::npos) << c.out;
    EXPECT_NE(c.out.find("ben: "), std::string::npos) << c.out;
    std::string html = slurp(dir / "cohort.html");
    EXPECT_NE(html.find("<svg"), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    auto bad = runPolysim("cohort " + q(dir / "novice.jsonl"));
    EXPECT_EQ(bad.exitCode, 1);
    EXPECT_NE(bad.err.find("novice.jsonl"), std::string::npos) << bad.err;
}

TEST(ScoreCli, EveryShippedPhantomScenarioHasAnExpertRunThatPassesAndANoviceRunThatFails) {
    auto dir = polysim::test::scratchDir("cli_all_scripts");
    auto scripts = polysim::test::sourceDir() / "scenarios" / "scripts";
    int scenarios = 0;
    for (const auto& entry : fs::directory_iterator(scripts)) {
        std::string name = entry.path().filename().string();
        if (!name.ends_with("-expert.txt")) continue;
        std::string id = name.substr(0, name.size() - std::string("-expert.txt").size());
        auto toml = polysim::test::sourceDir() / "scenarios" / (id + ".toml");
        ASSERT_TRUE(fs::exists(toml)) << toml;
        ++scenarios;
        for (const char* who : {"expert", "novice"}) {
            auto log = dir / (id + "-" + who + ".jsonl");
            auto play = runPolysim("play " + q(toml) + " --script " + q(scripts / (id + "-" + who + ".txt")) +
                                   " --log " + q(log));
            ASSERT_EQ(play.exitCode, 0) << id << " " << who << ": " << play.err;
            EXPECT_EQ(play.err.find("refused"), std::string::npos) << id << " " << who << ": " << play.err;
            auto score = runPolysim("score " + q(toml) + " " + q(log) + " --no-history --json -");
            auto j = nlohmann::json::parse(score.out);
            if (std::string(who) == "expert") {
                EXPECT_EQ(score.exitCode, 0) << id << ": " << j["why"];
                EXPECT_GE(j["total"].get<double>(), 90.0) << id << ": " << j["why"];
            } else {
                EXPECT_EQ(score.exitCode, 3) << id << ": " << j["why"];
                EXPECT_FALSE(j["critical_errors"].empty()) << id;
            }
        }
    }
    EXPECT_GE(scenarios, 4);
}
