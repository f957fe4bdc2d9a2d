// A taught session: the instructor stops the clock to teach, brings interruptions in or holds them back, speaks as a
// member of the team and writes notes. All of it is in the one event log, so a replay, a resume and the score
// reproduce the session exactly, and time held by a pause counts in no timing score.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

#include "scoring/debrief_model.h"
#include "scoring/score.h"
#include "session/resume.h"
#include "session/session.h"
#include "session/trainee_script.h"
#include "session/trauma_case.h"
#include "support/test_env.h"

using namespace polysim;
using namespace polysim::session;

namespace {
// The expert's run, taught: a pause to talk about the lung window, a question from the instructor as the trauma
// leader, a remark, a note, the neurosurgeon held back and the phone brought in early.
const char* kTaughtScript = R"(# taught run of the test case
00:01 series arterial
00:02 window lung
00:03 hold neuro_q1
00:04 scroll -260 -> -480 over 30s
00:35 pause
00:35 note "Stopped to show the lung window: the pleural line is only visible here."
00:35 window soft_tissue
00:35 window lung
00:35 resume 95s
00:36 inject phone
00:38 say trauma_leader "Is there anything in the chest I should deal with now?" about tension_pneumothorax
00:40 mark -80,0,-360 "tension pneumothorax" as ptx
00:41 answer say1 "Right tension pneumothorax, decompress now."
00:42 call ptx trauma_leader
00:44 say anaesthetist "We're ready to go to theatre when you are."
00:50 window soft_tissue
00:51 scroll -480 -> -800 over 40s
01:35 mark 90,20,-560 "splenic laceration"
01:40 series head
01:41 window brain
01:42 scroll 0 -> -110 over 14s
01:57 inject neuro_q1
02:05 answer neuro_q1 not_yet
02:08 scroll -110 -> -200 over 10s
02:20 primary-survey-complete
02:30 conclude "Right tension pneumothorax, decompress now; splenic laceration."
02:31 note "Debrief: ask why the head was read last."
02:32 end instructor
)";

std::vector<Json> play(const scenario::Scenario& sc, const std::string& script,
                       std::vector<std::string>* refused = nullptr) {
    SessionClock clock;
    EventLog log;
    Session s(sc, clock, log);
    auto run = runTraineeScript(s, clock, parseTraineeScript(script, "taught.txt"));
    if (refused)
        *refused = run.refused;
    else
        EXPECT_TRUE(run.refused.empty()) << run.refused.front();
    return log.events();
}

std::string lines(const std::vector<Json>& events) {
    std::string out;
    for (const auto& e : events) out += EventLog::format(e) + "\n";
    return out;
}

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<Json> withAction(const std::vector<Json>& events, const std::string& action) {
    std::vector<Json> out;
    for (const auto& e : events)
        if (e.value("action", "") == action) out.push_back(e);
    return out;
}
std::vector<Json> withEvent(const std::vector<Json>& events, const std::string& event) {
    std::vector<Json> out;
    for (const auto& e : events)
        if (e.value("event", "") == event) out.push_back(e);
    return out;
}
}  // namespace

TEST(TaughtSession, EveryInstructorCommandIsANamedLineOfTheOneLog) {
    auto sc = test::traumaCase();
    auto events = play(sc, kTaughtScript);
    for (const char* action : {"pause", "resume", "note", "hold", "inject", "say"})
        EXPECT_FALSE(withAction(events, action).empty()) << action;
    auto resume = withAction(events, "resume");
    ASSERT_EQ(resume.size(), 1u);
    EXPECT_EQ(resume[0]["t"], 35.0);  // the clock stood still while it was paused
    EXPECT_EQ(resume[0]["held_s"], 95.0);
    auto said = withAction(events, "say");
    ASSERT_EQ(said.size(), 2u);
    EXPECT_EQ(said[0]["id"], "say1");
    // The instructor's words start an interruption like a scripted one, marked as said by the instructor.
    auto starts = withEvent(events, "interruption_start");
    auto say1 = std::find_if(starts.begin(), starts.end(), [](const Json& e) { return e["id"] == "say1"; });
    ASSERT_NE(say1, starts.end());
    EXPECT_EQ((*say1)["role"], "trauma_leader");
    EXPECT_EQ((*say1)["said_by"], "instructor");
    // Held back, the neurosurgeon did not ask at 02:00; brought in at 01:57, he asked then.
    auto neuro = std::find_if(starts.begin(), starts.end(), [](const Json& e) { return e["id"] == "neuro_q1"; });
    ASSERT_NE(neuro, starts.end());
    EXPECT_EQ((*neuro)["t"], 117.0);
    EXPECT_EQ((*neuro)["by"], "instructor");
    auto end = withEvent(events, "session_end");
    ASSERT_EQ(end.size(), 1u);
    EXPECT_EQ(end[0]["reason"], "instructor");
}

TEST(TaughtSession, AReplayOfItsLogGivesTheSameLogAndTheSameScore) {
    auto sc = test::traumaCase();
    auto events = play(sc, kTaughtScript);
    // Replayed (as `polysim score` and resuming do): the same lines, byte for byte.
    SessionClock clock;
    EventLog replayed;
    Session s(sc, clock, replayed, optionsFromLog(events.front()));
    auto warnings = s.replay(events);
    EXPECT_TRUE(warnings.empty()) << warnings.front();
    EXPECT_EQ(lines(replayed.events()), lines(events));
    auto a = scoring::scoreToJson(scoring::scoreSession(sc, events)).dump();
    auto b = scoring::scoreToJson(scoring::scoreSession(sc, replayed.events())).dump();
    EXPECT_EQ(a, b);
}

TEST(TaughtSession, ResumedFromALogCutInThePauseItCarriesOnToTheSameLog) {
    auto dir = test::scratchDir("taught_resume");
    auto sc = test::traumaCase();
    auto script = parseTraineeScript(kTaughtScript, "taught.txt");
    auto playTo = [&](const std::filesystem::path& file, double until) {
        SessionClock clock;
        EventLog log(file, false);
        Session s(sc, clock, log);
        ScriptRunner runner(script);
        runner.runUntil(s, clock, until);
        return runner.applied();
    };
    playTo(dir / "full.jsonl", std::numeric_limits<double>::infinity());
    playTo(dir / "cut.jsonl", 40);
    // `polysim play --resume`: the log's actions are replayed, the script carries on after them.
    SessionClock clock;
    auto resumed = resumeSession(sc, clock, dir / "cut.jsonl");
    EXPECT_TRUE(resumed.warnings.empty()) << resumed.warnings.front();
    auto run = runTraineeScript(*resumed.session, clock, script, resumed.actionsReplayed);
    EXPECT_TRUE(run.refused.empty()) << run.refused.front();
    resumed.log.reset();
    EXPECT_EQ(slurp(dir / "cut.jsonl"), slurp(dir / "full.jsonl"));
}

TEST(TaughtSession, TimeHeldByAPauseCountsInNoTimingScore) {
    auto sc = test::traumaCase();
    // The app drives the clock from real frame times; five minutes pass in the room while the clock is stopped.
    SessionClock clock;
    EventLog log;
    Session s(sc, clock, log);
    ScriptRunner runner(parseTraineeScript(test::kExpertScript, "expert.txt"));
    runner.runUntil(s, clock, 35);
    s.advanceTo(35);
    ASSERT_TRUE(s.apply(PauseClock{}).accepted);
    for (int frame = 0; frame < 300 * 60; ++frame) {
        clock.advanceBy(1.0 / 60);
        s.update();
    }
    EXPECT_DOUBLE_EQ(s.now(), 35.0);
    EXPECT_TRUE(s.activeInterruptions().empty());                     // the neurosurgeon's 02:00 has not come
    EXPECT_TRUE(withEvent(log.events(), "deadline_missed").empty());  // nor the pneumothorax's 04:00 deadline
    // The trainee may look around but not mark, call or answer while it stands still.
    auto refused = s.apply(CallFinding{"", "tension pneumothorax", "trauma_leader"});
    EXPECT_FALSE(refused.accepted);
    EXPECT_EQ(refused.reason, "the instructor has paused the session");
    EXPECT_TRUE(s.apply(SetWindow{"lung", {1500, -600}}).accepted);
    ASSERT_TRUE(s.apply(ResumeClock{300}).accepted);
    runner.runUntil(s, clock, std::numeric_limits<double>::infinity());
    EXPECT_TRUE(runner.refused().empty()) << runner.refused().front();

    auto taught = scoring::scoreSession(sc, log.events());
    auto plain = scoring::scoreSession(sc, play(sc, test::kExpertScript));
    auto ptx = [](const scoring::Score& score) {
        for (const auto& f : score.findings.items)
            if (f.finding->id == "tension_pneumothorax") return f;
        throw std::runtime_error("no pneumothorax");
    };
    ASSERT_TRUE(ptx(taught).calledAt.has_value());
    EXPECT_EQ(*ptx(taught).calledAt, 42.0);  // not 342: the five minutes held are not in it
    EXPECT_TRUE(ptx(taught).calledInTime);
    ASSERT_EQ(taught.interruptions.items.size(), plain.interruptions.items.size());
    for (std::size_t i = 0; i < taught.interruptions.items.size(); ++i)
        EXPECT_EQ(taught.interruptions.items[i].responseSeconds, plain.interruptions.items[i].responseSeconds);
    EXPECT_DOUBLE_EQ(taught.total, plain.total) << taught.why << "\n" << plain.why;
    EXPECT_EQ(taught.endTime, plain.endTime);
}

TEST(TaughtSession, AQuestionWithFindingsIsScoredAndARemarkIsNot) {
    auto sc = test::traumaCase();
    auto score = scoring::scoreSession(sc, play(sc, kTaughtScript));
    std::vector<std::string> ids;
    for (const auto& i : score.interruptions.items) ids.push_back(i.spec->id);
    EXPECT_NE(std::find(ids.begin(), ids.end(), "say1"), ids.end());
    EXPECT_EQ(std::find(ids.begin(), ids.end(), "say2"), ids.end());  // "ready when you are" needs no answer
    for (const auto& i : score.interruptions.items)
        if (i.spec->id == "say1") {
            EXPECT_TRUE(i.correct) << i.why;
            EXPECT_EQ(i.spec->role, "trauma_leader");
            EXPECT_EQ(i.responseSeconds, 3.0);
        }
}

TEST(TaughtSession, NotesAndPausesAppearInTheDebriefTimeline) {
    auto sc = test::traumaCase();
    auto score = scoring::scoreSession(sc, play(sc, kTaughtScript));
    auto texts = scoring::debriefTexts(scoring::buildDebrief(sc, score));
    auto has = [&](const std::string& needle) {
        return std::any_of(texts.begin(), texts.end(),
                           [&](const std::string& t) { return t.find(needle) != std::string::npos; });
    };
    EXPECT_TRUE(has("Instructor's note: “Stopped to show the lung window"));
    EXPECT_TRUE(has("Instructor restarted the clock after 95 s"));
    EXPECT_TRUE(has("Instructor, as Trauma team leader: “Is there anything in the chest"));
    EXPECT_TRUE(has("Instructor ended the session"));
}

TEST(TaughtSession, InstructorCommandsThatCannotApplyAreRefusedWithAReason) {
    auto sc = test::traumaCase();
    SessionClock clock;
    EventLog log;
    Session s(sc, clock, log);
    EXPECT_EQ(s.apply(ResumeClock{}).reason, "the clock is not paused");
    EXPECT_EQ(s.apply(InjectInterruption{"nobody"}).reason, "no interruption 'nobody' in this session");
    EXPECT_EQ(s.apply(Say{"trauma_leader", "Anything?", {"no_such_finding"}, {}, ""}).reason,
              "no finding 'no_such_finding' in this scenario");
    ASSERT_TRUE(s.apply(InjectInterruption{"neuro_q1"}).accepted);
    EXPECT_EQ(s.apply(HoldInterruption{"neuro_q1"}).reason,
              "'neuro_q1' has already begun; it can no longer be held back");
    ASSERT_TRUE(s.apply(PauseClock{}).accepted);
    EXPECT_EQ(s.apply(PauseClock{}).reason, "the clock is already paused");
    EXPECT_FALSE(s.apply(EndSession{}).accepted);             // the trainee cannot end a paused session
    EXPECT_TRUE(s.apply(EndSession{"instructor"}).accepted);  // the instructor can
    EXPECT_TRUE(s.ended());
    // A phone the instructor rings needs no words.
    SessionClock clock2;
    EventLog log2;
    Session s2(sc, clock2, log2);
    auto rung = s2.apply(Say{"phone", "", {}, {}, ""});
    ASSERT_TRUE(rung.accepted) << rung.reason;
    ASSERT_EQ(s2.activeInterruptions().size(), 1u);
    EXPECT_EQ(s2.activeInterruptions()[0].spec->role, "phone");
    s2.advanceTo(kRemarkSeconds + 1);
    EXPECT_TRUE(s2.activeInterruptions().empty());  // it rang out
}
