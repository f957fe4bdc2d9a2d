// Event logs and trainee scripts a user (or a trainee gaming the score) might hand over: devices, pipes, logs whose
// times go backwards, logs of two sessions, logs from another version. Each is refused or warned about, naming the
// file and line, at once.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "scoring/score.h"
#include "session/resume.h"
#include "session/session.h"
#include "session/trainee_script.h"
#include "session/trauma_case.h"
#include "support/test_env.h"

namespace polysim::test {
namespace {
using namespace polysim::session;
namespace fs = std::filesystem;

std::vector<std::string> expertLogLines() {
    auto sc = traumaCase();
    SessionClock clock;
    EventLog log;
    Session s(sc, clock, log);
    runTraineeScript(s, clock, parseTraineeScript(kExpertScript, "expert.txt"));
    std::vector<std::string> lines;
    for (const auto& e : log.events()) lines.push_back(EventLog::format(e));
    return lines;
}

fs::path writeLog(const fs::path& file, const std::vector<std::string>& lines) {
    std::ofstream out(file, std::ios::binary);
    for (const auto& l : lines) out << l << "\n";
    return file;
}

int lineOf(const std::vector<std::string>& lines, const std::string& needle) {
    for (std::size_t i = 0; i < lines.size(); ++i)
        if (lines[i].find(needle) != std::string::npos) return int(i) + 1;
    return 0;
}

std::string errorOf(const fs::path& log) {
    try {
        readEventLog(log);
    } catch (const LogError& e) {
        return e.what();
    }
    return {};
}

TEST(LogHostile, ADeviceOrAPipeIsRefusedAsLogScriptOrResumedLogAtOnce) {
    const fs::path dir = scratchDir("log_devices");
    const fs::path fifo = dir / "pipe.jsonl";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const auto start = std::chrono::steady_clock::now();
    for (const fs::path& bad : {fs::path("/dev/zero"), fifo}) {
        std::string e = errorOf(bad);
        EXPECT_NE(e.find(bad.string()), std::string::npos) << e;
        EXPECT_NE(e.find("not a regular file"), std::string::npos) << e;
        try {
            loadTraineeScript(bad);
            ADD_FAILURE() << bad << " read as a script";
        } catch (const ScriptError& s) {
            EXPECT_NE(std::string(s.what()).find("not a regular file"), std::string::npos) << s.what();
        }
        auto sc = traumaCase();
        SessionClock clock;
        EXPECT_THROW(resumeSession(sc, clock, bad), LogError);
    }
    // Writing a log into a FIFO would wait for a reader forever.
    try {
        EventLog log(fifo, false);
        ADD_FAILURE() << "a FIFO was opened as a log";
    } catch (const LogError& e) {
        EXPECT_NE(std::string(e.what()).find("FIFO"), std::string::npos) << e.what();
    }
    EXPECT_NO_THROW(EventLog("/dev/null", false));  // throwing the log away stays possible
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));  // hang guard, not a speed claim

    auto r =
        runPolysim("score " + (sourceDir() / "scenarios" / "motorcyclist.toml").string() + " /dev/zero --no-history");
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("/dev/zero"), std::string::npos) << r.err;
}

TEST(LogHostile, TimeGoingBackwardsIsAnErrorAtItsLineSoABackdatedMarkIsNeverScored) {
    const fs::path dir = scratchDir("log_backwards");
    auto lines = expertLogLines();
    // Move the mark to 5 s, before everything around it: "I saw it at once".
    const int at = lineOf(lines, "\"action\":\"mark\"");
    ASSERT_GT(at, 0);
    auto event = Json::parse(lines[std::size_t(at - 1)]);
    event["t"] = 5.0;
    lines[std::size_t(at - 1)] = EventLog::format(event);
    const fs::path log = writeLog(dir / "backdated.jsonl", lines);
    std::string e = errorOf(log);
    EXPECT_NE(e.find(log.string() + ":" + std::to_string(at) + ":"), std::string::npos) << e;
    EXPECT_NE(e.find("backwards"), std::string::npos) << e;
    EXPECT_THROW(scoring::scoreLogFile(traumaCase(), log), LogError);
}

TEST(LogHostile, AnUnknownLogFormatOrASecondSessionOfAnotherScenarioIsAnErrorNamingFileAndLine) {
    const fs::path dir = scratchDir("log_format");
    auto lines = expertLogLines();
    auto start = Json::parse(lines[0]);
    start["log_format"] = 99;
    auto changed = lines;
    changed[0] = EventLog::format(start);
    std::string e = errorOf(writeLog(dir / "future.jsonl", changed));
    EXPECT_NE(e.find("future.jsonl:1:"), std::string::npos) << e;
    EXPECT_NE(e.find("log_format 99"), std::string::npos) << e;

    auto other = Json::parse(lines[0]);
    other["scenario"] = "another_case";
    auto twoSessions = lines;
    twoSessions.insert(twoSessions.begin() + 5, EventLog::format(other));
    // Keep time order: the inserted start is at the time of the line before it.
    auto fixed = Json::parse(twoSessions[5]);
    fixed["t"] = Json::parse(twoSessions[4])["t"];
    twoSessions[5] = EventLog::format(fixed);
    e = errorOf(writeLog(dir / "two.jsonl", twoSessions));
    EXPECT_NE(e.find("two.jsonl:6:"), std::string::npos) << e;
    EXPECT_NE(e.find("another_case"), std::string::npos) << e;
}

TEST(LogHostile, UnknownEventKindsAndBrokenActionsAreWarnedAboutWithFileAndLine) {
    const fs::path dir = scratchDir("log_unknown");
    auto lines = expertLogLines();
    auto t = Json::parse(lines[3])["t"];
    lines.insert(lines.begin() + 3, EventLog::format(Json{{"t", t}, {"event", "teleport"}}));
    const int mark = lineOf(lines, "\"action\":\"mark\"");
    auto broken = Json::parse(lines[std::size_t(mark - 1)]);
    broken.erase("label");
    broken.erase("lps");
    broken["action"] = "mark.twice";
    lines[std::size_t(mark - 1)] = EventLog::format(broken);
    const fs::path log = writeLog(dir / "odd.jsonl", lines);
    auto contents = readEventLog(log);
    bool unknownNamed = false;
    for (const auto& w : contents.warnings)
        unknownNamed = unknownNamed || (w.find(log.string() + ":4:") == 0 && w.find("teleport") != std::string::npos);
    EXPECT_TRUE(unknownNamed) << ::testing::PrintToString(contents.warnings);
    auto score = scoring::scoreLogFile(traumaCase(), log);
    bool actionNamed = false;
    for (const auto& w : score.warnings)
        actionNamed = actionNamed || w.find(log.string() + ":" + std::to_string(mark) + ":") == 0;
    EXPECT_TRUE(actionNamed) << ::testing::PrintToString(score.warnings);
}

}  // namespace
}  // namespace polysim::test
