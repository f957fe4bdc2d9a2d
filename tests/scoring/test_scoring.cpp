// Scoring as a resident and an instructor see it: an expert passes, a novice who never opens the lung window
// misses the tension pneumothorax and fails, interruptions cost a measurable resumption lag, and the same run
// always gets the same score.
#include <gtest/gtest.h>

#include "scoring/score.h"
#include "session/session.h"
#include "session/trainee_script.h"
#include "session/trauma_case.h"

using namespace polysim;
using namespace polysim::scoring;

namespace {
std::vector<Json> play(const scenario::Scenario& sc, const std::string& script) {
    session::SessionClock clock;
    session::EventLog log;
    session::Session s(sc, clock, log);
    auto run = session::runTraineeScript(s, clock, session::parseTraineeScript(script, "script.txt"));
    EXPECT_TRUE(run.refused.empty()) << run.refused.front();
    return log.events();
}
const FindingScore& finding(const Score& s, const std::string& id) {
    for (const auto& f : s.findings.items)
        if (f.finding->id == id) return f;
    throw std::runtime_error("no finding " + id);
}
const InterruptionScore& interruption(const Score& s, const std::string& id) {
    for (const auto& i : s.interruptions.items)
        if (i.spec->id == id) return i;
    throw std::runtime_error("no interruption " + id);
}
}  // namespace

TEST(Scoring, AnExpertRunPassesWithAHighScore) {
    auto sc = test::traumaCase();
    auto s = scoreSession(sc, play(sc, test::kExpertScript));
    EXPECT_TRUE(s.passed) << s.why;
    EXPECT_GE(s.total, 85.0) << s.why;
    EXPECT_TRUE(s.criticalErrors.empty());
    const auto& ptx = finding(s, "tension_pneumothorax");
    EXPECT_EQ(ptx.band, 10) << ptx.why;
    EXPECT_EQ(*ptx.calledAt, 42.0);
    EXPECT_EQ(ptx.calledTo, "trauma_leader");
    EXPECT_EQ(finding(s, "splenic_laceration").band, 10);
    ASSERT_TRUE(s.order.tau.has_value());
    EXPECT_DOUBLE_EQ(*s.order.tau, 1.0);
    EXPECT_TRUE(s.order.outOfOrder.empty());
    for (const auto& r : s.coverage.regions) EXPECT_TRUE(r.completedAt.has_value()) << r.why;
    EXPECT_DOUBLE_EQ(s.conclusion.score, 1.0) << s.conclusion.why;
    const auto& neuro = interruption(s, "neuro_q1");
    EXPECT_TRUE(neuro.correct);
    EXPECT_EQ(neuro.resumption, "resumed where stopped") << neuro.why;
}

TEST(Scoring, ANoviceWhoNeverOpensTheLungWindowMissesTheTensionPneumothoraxAndFails) {
    auto sc = test::traumaCase();
    auto events = play(sc, test::kNoviceScript);
    auto s = scoreSession(sc, events);
    const auto& ptx = finding(s, "tension_pneumothorax");
    EXPECT_TRUE(ptx.onScreen);  // scrolled past it in a soft-tissue window...
    EXPECT_FALSE(ptx.seen);     // ...where a pneumothorax does not show
    EXPECT_EQ(ptx.error, "observational") << ptx.why;
    EXPECT_TRUE(ptx.critical);
    EXPECT_LE(ptx.band, 2);
    EXPECT_FALSE(s.passed);
    ASSERT_FALSE(s.criticalErrors.empty());
    EXPECT_NE(s.criticalErrors[0].find("Tension pneumothorax"), std::string::npos) << s.criticalErrors[0];
    // The spleen was on screen in a suitable window but never named: interpretive.
    EXPECT_EQ(finding(s, "splenic_laceration").error, "interpretive");
    EXPECT_FALSE(interruption(s, "neuro_q1").correct);
    // The patient deteriorated at the pneumothorax deadline.
    bool deteriorated = false;
    for (const auto& e : events)
        if (e.value("event", "") == "deterioration" && e["t"].get<double>() == 240.0) deteriorated = true;
    EXPECT_TRUE(deteriorated);
    EXPECT_FALSE(s.order.notCompleted.empty());
}

TEST(Scoring, AnInterruptionMidChestShowsAMeasuredResumptionLag) {
    auto sc = test::traumaCase();
    auto s = scoreSession(sc, play(sc, test::kInterruptedScript));
    const auto& neuro = interruption(s, "neuro_q1");
    EXPECT_EQ(neuro.startedAt, 120.0);
    ASSERT_TRUE(neuro.responseSeconds.has_value());
    EXPECT_DOUBLE_EQ(*neuro.responseSeconds, 6.0);
    ASSERT_TRUE(neuro.resumptionLagSeconds.has_value());
    EXPECT_DOUBLE_EQ(*neuro.resumptionLagSeconds, 4.0);  // answered 02:06, next slice 02:10
    EXPECT_EQ(*neuro.stoppedAtMm, -360.0);
    EXPECT_EQ(neuro.resumption, "resumed where stopped");
}

TEST(Scoring, RestartingTheChestFromTheTopAfterAnInterruptionIsReSearching) {
    auto sc = test::traumaCase();
    std::string script = test::kInterruptedScript;
    script.replace(script.find("02:10 scroll -360"), 17, "02:12 scroll -270");
    auto s = scoreSession(sc, play(sc, script));
    const auto& neuro = interruption(s, "neuro_q1");
    EXPECT_EQ(neuro.resumption, "re-searched covered ground") << neuro.why;
    EXPECT_DOUBLE_EQ(*neuro.resumptionLagSeconds, 6.0);
}

TEST(Scoring, JumpingAheadAfterAnInterruptionSkipsUncoveredGround) {
    auto sc = test::traumaCase();
    std::string script = test::kInterruptedScript;
    script.replace(script.find("02:10 scroll -360"), 17, "02:10 scroll -440");
    auto s = scoreSession(sc, play(sc, script));
    const auto& neuro = interruption(s, "neuro_q1");
    EXPECT_EQ(neuro.resumption, "skipped uncovered ground") << neuro.why;
    EXPECT_LT(neuro.score, interruption(scoreSession(sc, play(sc, test::kInterruptedScript)), "neuro_q1").score);
}

TEST(Scoring, ReadingTheHeadFirstPutsTheChestOutOfOrder) {
    auto sc = test::traumaCase();
    auto s = scoreSession(sc, play(sc, R"(00:01 series head
00:02 window brain
00:03 scroll 0 -> -200 over 20s
00:30 series arterial
00:31 window lung
00:32 scroll -260 -> -480 over 20s
01:00 end
)"));
    ASSERT_TRUE(s.order.tau.has_value());
    EXPECT_DOUBLE_EQ(*s.order.tau, -1.0);  // head (protocol step 3) completed before chest (step 1)
    ASSERT_EQ(s.order.outOfOrder.size(), 1u);
    // Said with the region's label, as the debrief shows it.
    EXPECT_NE(s.order.outOfOrder[0].find("Chest: lungs and pleura (protocol step 1)"), std::string::npos)
        << s.order.outOfOrder[0];
    EXPECT_EQ(s.order.notCompleted, std::vector<std::string>{"abdomen_pelvis"});
}

TEST(Scoring, AMarkWithTheWrongNameIsAnInterpretiveError) {
    auto sc = test::traumaCase();
    auto s = scoreSession(sc, play(sc, R"(00:01 series arterial
00:02 window lung
00:03 scroll -260 -> -480 over 20s
00:30 mark -80,0,-360 "atelectasis"
00:40 end
)"));
    const auto& ptx = finding(s, "tension_pneumothorax");
    EXPECT_TRUE(ptx.seen);
    EXPECT_TRUE(ptx.marked);
    EXPECT_FALSE(ptx.labelCorrect);
    EXPECT_EQ(ptx.error, "interpretive");
    EXPECT_TRUE(ptx.critical);
}

TEST(Scoring, ACategory1CallAfterTheDeadlineIsACriticalErrorUnlessTheCaseRelaxesIt) {
    auto sc = test::traumaCase();
    const char* script = R"(00:01 series arterial
00:02 window lung
00:03 scroll -260 -> -480 over 20s
00:30 mark -80,0,-360 "tension pneumothorax" as ptx
04:30 call ptx trauma_leader
04:40 end
)";
    auto s = scoreSession(sc, play(sc, script));
    const auto& ptx = finding(s, "tension_pneumothorax");
    EXPECT_EQ(ptx.band, 5) << ptx.why;
    EXPECT_EQ(ptx.error, "communication");
    EXPECT_EQ(ptx.rule, "late_critical");
    EXPECT_TRUE(ptx.critical);
    sc.findings[0].lateCallCritical = false;
    auto relaxed = scoreSession(sc, play(sc, script));
    const auto& late = finding(relaxed, "tension_pneumothorax");
    EXPECT_EQ(late.band, 5) << late.why;
    EXPECT_EQ(late.rule, "late");
    EXPECT_FALSE(late.critical);
}

TEST(Scoring, TheSameRunAlwaysGetsTheSameScore) {
    auto sc = test::traumaCase();
    auto a = scoreToJson(scoreSession(sc, play(sc, test::kNoviceScript))).dump();
    auto b = scoreToJson(scoreSession(sc, play(sc, test::kNoviceScript))).dump();
    EXPECT_EQ(a, b);
}

TEST(Scoring, TheJsonHasTheDocumentedTopLevelKeysAndEveryPartSaysWhy) {
    auto sc = test::traumaCase();
    auto j = scoreToJson(scoreSession(sc, play(sc, test::kExpertScript)));
    for (const char* key :
         {"total", "passed", "critical_errors", "findings", "order", "coverage", "interruptions", "conclusion"})
        EXPECT_TRUE(j.contains(key)) << key;
    for (const char* part : {"findings", "order", "coverage", "interruptions", "conclusion"}) {
        EXPECT_FALSE(j[part]["why"].get<std::string>().empty()) << part;
        EXPECT_TRUE(j[part]["score"].is_number()) << part;
    }
    for (const auto& f : j["findings"]["items"]) EXPECT_FALSE(f["why"].get<std::string>().empty());
    for (const auto& r : j["coverage"]["regions"]) EXPECT_FALSE(r["why"].get<std::string>().empty());
}

TEST(Scoring, ALogOfAnotherScenarioIsRefusedWithAClearMessage) {
    auto sc = test::traumaCase();
    auto events = play(sc, "");
    auto other = sc;
    other.meta.id = "another_case";
    try {
        scoreSession(other, events);
        FAIL() << "expected LogError";
    } catch (const session::LogError& e) {
        EXPECT_NE(std::string(e.what()).find("test_chest_case"), std::string::npos) << e.what();
    }
}

TEST(Scoring, TheWindowsOnScreenAreNamedByPresetOrByWholeHounsfieldUnits) {
    auto sc = test::traumaCase();
    auto s = scoreSession(sc, play(sc, R"(00:01 series arterial
00:02 window 1523.456/-600.123
00:03 scroll -260 -> -480 over 20s
00:30 window 1500/-600
00:31 scroll -480 -> -260 over 20s
)"));
    const auto& ptx = finding(s, "tension_pneumothorax");
    // A dragged window is given to the whole HU; one that lands on a preset's values is that preset.
    EXPECT_EQ(ptx.onScreenWindows, (std::vector<std::string>{"1523/-600", "lung"}));
    EXPECT_EQ(windowName(ptx.onScreenWindows.front()), "W/L 1523/-600");
}
