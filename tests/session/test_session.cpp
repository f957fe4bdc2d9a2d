// The session engine as a trainee meets it: images arrive, people interrupt and insist, an uncalled tension
// pneumothorax makes the patient deteriorate, and the event log is exact, replayable and survives being cut off.
#include <gtest/gtest.h>

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "session/matching.h"
#include "session/resume.h"
#include "session/session.h"
#include "session/trainee_script.h"
#include "session/trauma_case.h"
#include "support/test_env.h"

using namespace polysim;
using namespace polysim::session;

namespace {
const Json* firstEvent(const EventLog& log, const std::string& name) {
    for (const auto& e : log.events())
        if (e.value("event", "") == name) return &e;
    return nullptr;
}
std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
void playToFile(const scenario::Scenario& sc, const char* script, const std::filesystem::path& log) {
    SessionClock clock;
    EventLog out(log, false);
    Session s(sc, clock, out);
    runTraineeScript(s, clock, parseTraineeScript(script, "script.txt"));
}
}  // namespace

TEST(Session, ATraineeWhoDoesNothingHearsTheNeurosurgeonAskRepeatAndEscalate) {
    auto sc = test::traumaCase();
    SessionClock clock;
    EventLog log;
    Session s(sc, clock, log);
    runTraineeScript(s, clock, parseTraineeScript("", "empty.txt"));
    const Json* start = firstEvent(log, "interruption_start");
    ASSERT_NE(start, nullptr);
    EXPECT_EQ((*start)["id"], "neuro_q1");
    EXPECT_EQ((*start)["t"].get<double>(), 120.0);
    const Json* repeat = firstEvent(log, "interruption_repeat");
    ASSERT_NE(repeat, nullptr);
    EXPECT_EQ((*repeat)["t"].get<double>(), 140.0);
    EXPECT_EQ((*repeat)["text"], "Hello? The head?");
    const Json* escalate = firstEvent(log, "interruption_escalate");
    ASSERT_NE(escalate, nullptr);
    EXPECT_EQ((*escalate)["t"].get<double>(), 160.0);
    EXPECT_TRUE(s.ended());
    EXPECT_EQ(s.endReason(), "time_up");
    EXPECT_EQ(*s.endedAt(), 600.0);
}

TEST(Session, ImagesArriveAndTheFirstSeriesOpensByItself) {
    auto sc = test::traumaCase();
    for (auto& series : sc.images.series) series.arrivalSeconds = 2;
    SessionClock clock;
    EventLog log;
    Session s(sc, clock, log);
    EXPECT_FALSE(s.seriesArrived("head"));
    auto refused = s.apply(SetPosition{-100});
    EXPECT_FALSE(refused.accepted);  // nothing to scroll before images arrive
    clock.advanceTo(5);
    s.update();
    EXPECT_TRUE(s.seriesArrived("head"));
    EXPECT_EQ(s.view().series, "head");
    auto states = s.seriesStates();
    ASSERT_EQ(states.size(), 2u);
    EXPECT_DOUBLE_EQ(states[0].arrivedFraction, 0.3);  // head streams in over 10 s from 00:02
    EXPECT_TRUE(s.apply(SetPosition{-100}).accepted);
    EXPECT_EQ(s.view().cursor.z, -100.0);
}

TEST(Session, AnUncalledTensionPneumothoraxMakesThePatientDeteriorateAtItsDeadline) {
    auto sc = test::traumaCase();
    SessionClock clock;
    EventLog log;
    Session s(sc, clock, log);
    s.advanceTo(239);
    EXPECT_EQ(firstEvent(log, "deterioration"), nullptr);
    double sysBefore = s.vitals().systolic;
    s.advanceTo(241);
    const Json* d = firstEvent(log, "deterioration");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ((*d)["t"].get<double>(), 240.0);
    EXPECT_EQ((*d)["finding"], "tension_pneumothorax");
    EXPECT_EQ((*d)["announcement"], "Pressure's dropping, what's going on in the chest?");
    s.advanceTo(300);
    EXPECT_LT(s.vitals().systolic, sysBefore - 15);  // drifting to 70 over 60 s
    EXPECT_NEAR(s.vitals().systolic, 70, 0.5);
}

TEST(Session, CallingThePneumothoraxToTheTraumaLeaderInTimePreventsTheDeterioration) {
    auto sc = test::traumaCase();
    SessionClock clock;
    EventLog log;
    Session s(sc, clock, log);
    s.advanceTo(30);
    ASSERT_TRUE(s.apply(MarkFinding{{-80, 0, -360}, "Tension PTX right", ""}).accepted);
    auto r = s.apply(CallFinding{"m1", "", "trauma_leader"});
    ASSERT_TRUE(r.accepted);
    EXPECT_EQ(*s.calledInTimeTo("tension_pneumothorax"), 30.0);
    s.advanceTo(400);
    EXPECT_EQ(firstEvent(log, "deterioration"), nullptr);
    EXPECT_EQ(firstEvent(log, "deadline_missed"), nullptr);
}

TEST(Session, TellingTheWrongPersonDoesNotCountAsTheCall) {
    auto sc = test::traumaCase();
    SessionClock clock;
    EventLog log;
    Session s(sc, clock, log);
    s.advanceTo(30);
    ASSERT_TRUE(s.apply(CallFinding{"", "tension pneumothorax on the right", "nurse"}).accepted);
    s.advanceTo(250);
    EXPECT_NE(firstEvent(log, "deterioration"), nullptr);
}

TEST(Session, RefusedActionsAreLoggedWithTheirReason) {
    auto sc = test::traumaCase();
    SessionClock clock;
    EventLog log;
    Session s(sc, clock, log);
    s.advanceTo(10);
    auto r = s.apply(AnswerInterruption{"neuro_q1", "not_yet", ""});
    EXPECT_FALSE(r.accepted);
    EXPECT_NE(r.reason.find("has not happened yet"), std::string::npos);
    const auto& last = log.events().back();
    EXPECT_EQ(last["action"], "answer");
    EXPECT_EQ(last["refused"], r.reason);
}

TEST(Session, TheSameScriptTwiceGivesAByteIdenticalLog) {
    auto dir = test::scratchDir("session_identical");
    auto sc = test::traumaCase();
    playToFile(sc, test::kExpertScript, dir / "a.jsonl");
    playToFile(sc, test::kExpertScript, dir / "b.jsonl");
    std::string a = slurp(dir / "a.jsonl"), b = slurp(dir / "b.jsonl");
    EXPECT_GT(a.size(), 1000u);
    EXPECT_EQ(a, b);
    EXPECT_EQ(a.find("wall"), std::string::npos);
}

TEST(Session, ALogCutMidLineResumesWithNothingLost) {
    auto dir = test::scratchDir("session_resume");
    auto sc = test::traumaCase();
    auto script = parseTraineeScript(test::kExpertScript, "expert.txt");
    playToFile(sc, test::kExpertScript, dir / "full.jsonl");
    std::string full = slurp(dir / "full.jsonl");
    // Kill the session in the middle of writing a line about two thirds through.
    std::size_t cut = full.find('\n', full.size() * 2 / 3) + 25;
    ASSERT_LT(cut, full.size());
    std::ofstream(dir / "cut.jsonl", std::ios::binary) << full.substr(0, cut);

    auto contents = readEventLog(dir / "cut.jsonl");
    ASSERT_EQ(contents.warnings.size(), 1u);
    EXPECT_NE(contents.warnings[0].find("damaged last line"), std::string::npos) << contents.warnings[0];

    SessionClock clock;
    auto resumed = resumeSession(sc, clock, dir / "cut.jsonl");
    EXPECT_GT(resumed.actionsReplayed, 10u);
    runTraineeScript(*resumed.session, clock, script, resumed.actionsReplayed);
    resumed.log.reset();
    EXPECT_EQ(slurp(dir / "cut.jsonl"), full);  // every event the full run logged, exactly once
}

TEST(Session, ADamagedLineInTheMiddleIsAnErrorNamingFileAndLine) {
    auto dir = test::scratchDir("session_damaged");
    std::ofstream(dir / "bad.jsonl") << "{\"t\":0,\"event\":\"session_start\"}\n{oops\n{\"t\":1,\"event\":\"x\"}\n";
    try {
        readEventLog(dir / "bad.jsonl");
        FAIL() << "expected LogError";
    } catch (const LogError& e) {
        EXPECT_NE(std::string(e.what()).find("bad.jsonl:2:"), std::string::npos) << e.what();
    }
}

TEST(TraineeScript, MistakesAreReportedWithFileLineAndColumn) {
    auto expectError = [](const std::string& text, const std::string& where, const std::string& what) {
        try {
            parseTraineeScript(text, "run.txt");
            ADD_FAILURE() << "no error for: " << text;
        } catch (const ScriptError& e) {
            std::string m = e.what();
            EXPECT_EQ(m.rfind(where, 0), 0u) << m;
            EXPECT_NE(m.find(what), std::string::npos) << m;
        }
    };
    expectError("00:05 window lugn\n", "run.txt:1:14:", "unknown window 'lugn'");
    expectError("# ok\n00:05 goto -12x\n", "run.txt:2:12:", "expected a position in mm");
    expectError("00:10 scroll 0 -> -100 over 20s\n00:20 window lung\n", "run.txt:2:1:", "before the previous action");
    expectError("0:75 end\n", "run.txt:1:1:", "expected a time");
    expectError("00:01 mark 1,2 \"x\"\n", "run.txt:1:12:", "X,Y,Z");
    expectError("00:01 conclude \"no end\n", "run.txt:1:16:", "unterminated");
    expectError("00:01 jump 3\n", "run.txt:1:7:", "unknown action 'jump'");
}

TEST(TraineeScript, AScrollStepsThroughEverySliceAtAnEvenPace) {
    auto sc = test::traumaCase();
    SessionClock clock;
    EventLog log;
    Session s(sc, clock, log);
    runTraineeScript(
        s, clock,
        parseTraineeScript("00:01 series arterial\n00:10 scroll -260 -> -300 over 10s\n00:30 end\n", "s.txt"));
    std::vector<std::pair<double, double>> positions;
    for (const auto& e : log.events())
        if (e.value("action", "") == "position") positions.push_back({e["t"].get<double>(), e["mm"].get<double>()});
    ASSERT_EQ(positions.size(), 11u);  // 40 mm in 4 mm slices
    EXPECT_EQ(positions.front(), std::make_pair(10.0, -260.0));
    EXPECT_EQ(positions[5], std::make_pair(15.0, -280.0));
    EXPECT_EQ(positions.back(), std::make_pair(20.0, -300.0));
}

TEST(TraineeScript, PlayedFrameByFrameItLogsExactlyWhatOneRunLogs) {
    // The app steps a script to each frame's time (ScriptPlayer), `polysim play` runs it in one go: same log.
    auto sc = test::traumaCase();
    auto script = parseTraineeScript(test::kExpertScript, "expert.txt");
    SessionClock wholeClock;
    EventLog whole;
    Session wholeRun(sc, wholeClock, whole);
    runTraineeScript(wholeRun, wholeClock, script);

    SessionClock clock;
    EventLog framed;
    Session s(sc, clock, framed);
    ScriptRunner runner(script);
    int frames = 0;
    for (double t = 0; !runner.finished() && !s.ended(); t += 1.0 / 30.0, ++frames) {
        runner.runUntil(s, clock, t);
        s.advanceTo(t);
    }
    runner.runUntil(s, clock, std::numeric_limits<double>::infinity());
    if (!s.ended()) s.advanceTo(std::max(sc.durationSeconds, clock.now()));
    EXPECT_GT(frames, 100);
    ASSERT_EQ(framed.events().size(), whole.events().size());
    for (std::size_t i = 0; i < whole.events().size(); ++i) EXPECT_EQ(framed.events()[i], whole.events()[i]) << i;
}

TEST(TraineeScript, AScrollStoppedHalfwayHasShownOnlyTheSlicesDueSoFar) {
    auto sc = test::traumaCase();
    SessionClock clock;
    EventLog log;
    Session s(sc, clock, log);
    ScriptRunner runner(parseTraineeScript("00:01 series arterial\n00:10 scroll -260 -> -300 over 10s\n", "s.txt"));
    auto positions = [&] {
        std::vector<double> mm;
        for (const auto& e : log.events())
            if (e.value("action", "") == "position") mm.push_back(e["mm"].get<double>());
        return mm;
    };
    runner.runUntil(s, clock, 15.5);  // 4 mm slices every second from 10 s: 10, 11, ... 15 s are due
    EXPECT_EQ(positions(), (std::vector<double>{-260, -264, -268, -272, -276, -280}));
    EXPECT_FALSE(runner.finished());
    EXPECT_EQ(clock.now(), 15.0);
    runner.runUntil(s, clock, 30);
    EXPECT_TRUE(runner.finished());
    EXPECT_EQ(positions().size(), 11u);
    EXPECT_EQ(positions().back(), -300);
    EXPECT_EQ(runner.applied(), 12);  // the series and eleven slices
}

TEST(Trainee, WithoutUserInTheEnvironmentTheAccountsNameIsUsed) {
    // A desktop launcher or a service may start the app without $USER: the results history still knows who read.
    const char* saved = std::getenv("USER");
    const std::string before = saved ? saved : "";
    ::setenv("USER", "ana", 1);
    EXPECT_EQ(polysim::session::defaultTrainee(), "ana");
    ::unsetenv("USER");
    const passwd* pw = ::getpwuid(::getuid());
    ASSERT_NE(pw, nullptr);
    EXPECT_EQ(polysim::session::defaultTrainee(), pw->pw_name);
    EXPECT_FALSE(polysim::session::defaultTrainee().empty());
    if (saved) ::setenv("USER", before.c_str(), 1);
}

// A case that brings no scout gets one computed from its body series. Showing it is opening a series like any other:
// logged, replayed, and read as one projection image, so the minutes spent on it are not counted as reading the body
// series' slice that was open before.
TEST(Session, TheComputedScoutOpensOnceItsBodySeriesHasArrivedAndIsReadAsAProjection) {
    auto sc = test::traumaCase();  // a head and an arterial body series, no scout
    ASSERT_NE(computedScoutSource(sc), nullptr);
    EXPECT_EQ(computedScoutSource(sc)->id, "arterial") << "projected from the body, not the head";
    SessionClock clock;
    EventLog log;
    Session s(sc, clock, log);
    clock.advanceTo(5);
    s.advanceTo(5);
    auto early = s.apply(OpenSeries{std::string(kComputedScout)});
    EXPECT_FALSE(early.accepted) << "the arterial series is still arriving";
    EXPECT_NE(early.reason.find("arterial"), std::string::npos) << early.reason;
    clock.advanceTo(25);
    s.advanceTo(25);
    ASSERT_TRUE(s.apply(OpenSeries{"arterial"}).accepted);
    ASSERT_TRUE(s.apply(SetPosition{-200}).accepted);
    ASSERT_TRUE(s.apply(OpenSeries{std::string(kComputedScout)}).accepted);
    EXPECT_EQ(s.view().series, kComputedScout);
    EXPECT_TRUE(s.view().projection);
    for (const auto& region : sc.regions)
        EXPECT_FALSE(regionOnScreen(s.view(), region)) << region.id << " counted as read on the computed scout";
    bool logged = false;
    for (const auto& e : log.events())
        logged = logged || (e.value("action", "") == "series" && e.value("series", "") == kComputedScout);
    EXPECT_TRUE(logged) << "showing the computed scout is not in the log";

    // A case with a scout of its own shows that one.
    auto withScout = sc;
    scenario::SeriesSpec scout;
    scout.id = "topogram";
    scout.kind = phantom::SeriesKind::Scout;
    scout.label = "Topogram";
    withScout.images.series.insert(withScout.images.series.begin(), scout);
    EXPECT_EQ(computedScoutSource(withScout), nullptr);
    SessionClock clock2;
    EventLog log2;
    Session s2(withScout, clock2, log2);
    clock2.advanceTo(25);
    s2.advanceTo(25);
    auto refused = s2.apply(OpenSeries{std::string(kComputedScout)});
    EXPECT_FALSE(refused.accepted);
    EXPECT_NE(refused.reason.find("scout of its own"), std::string::npos) << refused.reason;
}

// Moving the crosshair within an image changes what the other two views show: it is a logged action, replayed to the
// same point.
TEST(Session, ACrosshairMoveIsLoggedAndReplayedToTheSamePoint) {
    auto sc = test::traumaCase();
    const auto dir = test::scratchDir("session-crosshair");
    playToFile(sc, "00:21 series arterial\n00:22 crosshair 12.3456,-40,-250\n00:23 end\n", dir / "log.jsonl");
    const std::string text = slurp(dir / "log.jsonl");
    EXPECT_NE(text.find("\"action\":\"crosshair\""), std::string::npos) << text;
    EXPECT_NE(text.find("[12.346,-40.0,-250.0]"), std::string::npos)
        << "kept to the micrometre the log prints: " << text;
    // Replayed from the log (a resumed session) to the same point.
    std::ifstream in(dir / "log.jsonl");
    std::ofstream cut(dir / "cut.jsonl");
    for (std::string line; std::getline(in, line);)
        if (line.find("session_end") == std::string::npos && line.find("\"end\"") == std::string::npos)
            cut << line << "\n";
    cut.close();
    SessionClock clock;
    auto resumed = resumeSession(sc, clock, dir / "cut.jsonl");
    EXPECT_EQ(resumed.session->view().cursor, glm::dvec3(12.346, -40, -250));
    // Refused before any image has arrived.
    auto later = sc;
    for (auto& series : later.images.series) series.arrivalSeconds = 30;
    SessionClock clock2;
    EventLog log2;
    Session s2(later, clock2, log2);
    EXPECT_FALSE(s2.apply(SetCrosshair{{1, 2, 3}}).accepted);
}

TEST(SessionView, EachPlaneKeepsItsOwnZoomAndPanAndAResetLogsOneActionThatReplays) {
    auto sc = test::traumaCase();
    const auto dir = test::scratchDir("session-framing");
    playToFile(sc,
               "00:21 series arterial\n00:22 zoom 2\n00:22 pan 10,-20\n00:23 plane coronal\n00:24 zoom 3\n"
               "00:25 plane axial\n",
               dir / "log.jsonl");
    SessionClock clock;
    auto resumed = resumeSession(sc, clock, dir / "log.jsonl");
    const Session& s = *resumed.session;
    // Back in the axial plane the axial zoom and centre return (shown and scored alike), and the coronal keeps its own.
    EXPECT_EQ(s.view().plane, Plane::Axial);
    EXPECT_EQ(s.view().zoom, 2.0);
    EXPECT_EQ(s.view().panMm, glm::dvec2(10, -20));
    EXPECT_EQ(s.framing(Plane::Axial), (Framing{2.0, glm::dvec2(10, -20)}));
    EXPECT_EQ(s.framing(Plane::Coronal).zoom, 3.0);
    EXPECT_FALSE(s.framing(Plane::Sagittal).centreMm);

    // "reset" puts every view back whole and centred, as one logged action a replay repeats.
    playToFile(
        sc, "00:21 series arterial\n00:22 zoom 2\n00:22 pan 10,-20\n00:23 plane coronal\n00:24 zoom 3\n00:25 reset\n",
        dir / "reset.jsonl");
    EXPECT_NE(slurp(dir / "reset.jsonl").find("\"action\":\"reset_view\""), std::string::npos);
    SessionClock clock2;
    auto reset = resumeSession(sc, clock2, dir / "reset.jsonl");
    for (Plane p : {Plane::Axial, Plane::Coronal, Plane::Sagittal}) EXPECT_EQ(reset.session->framing(p), Framing{});
    EXPECT_EQ(reset.session->view().zoom, 1.0);
}

TEST(SessionView, TheBigViewsPlaneIsALoggedLayoutThatReplaysAndChangesNoPlanesView) {
    auto sc = test::traumaCase();
    const auto dir = test::scratchDir("session-layout");
    playToFile(sc, "00:21 series arterial\n00:22 zoom 2\n00:23 layout sagittal\n", dir / "log.jsonl");
    EXPECT_NE(slurp(dir / "log.jsonl").find("\"action\":\"layout\",\"big\":\"sagittal\""), std::string::npos);
    SessionClock clock;
    auto resumed = resumeSession(sc, clock, dir / "log.jsonl");
    const Session& s = *resumed.session;
    EXPECT_EQ(s.bigPlane(), Plane::Sagittal) << "a replay lost which plane the big view showed";
    // Where the planes are on screen is not what is read: the plane, its zoom and the view history stay as they were.
    EXPECT_EQ(s.view().plane, Plane::Axial);
    EXPECT_EQ(s.view().zoom, 2.0);
    playToFile(sc, "00:21 series arterial\n00:22 zoom 2\n", dir / "without.jsonl");
    SessionClock clock2;
    auto without = resumeSession(sc, clock2, dir / "without.jsonl");
    EXPECT_EQ(s.viewChanges().size(), without.session->viewChanges().size());
    EXPECT_EQ(without.session->bigPlane(), Plane::Axial);
    // A script line that names no plane is an error at its place.
    try {
        parseTraineeScript("00:01 layout oblique\n", "run.txt");
        ADD_FAILURE() << "a layout with no plane was accepted";
    } catch (const ScriptError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("run.txt:1:14:", 0), 0u) << e.what();
    }
}

TEST(SessionView, ADragInProgressShowsAtOnceButIsLoggedOnlyWhenApplied) {
    auto sc = test::traumaCase();
    SessionClock clock;
    EventLog log;
    Session s(sc, clock, log);
    clock.advanceTo(21);
    ASSERT_TRUE(s.apply(OpenSeries{"arterial"}).accepted);
    const auto logged = log.events().size();
    const auto before = s.view();
    ASSERT_TRUE(s.preview(SetWindow{"", {900, 120}}).accepted);
    ASSERT_TRUE(s.preview(SetPan{{5, 6}}).accepted);
    EXPECT_EQ(s.shownView().window, (imaging::Window{900, 120}));
    EXPECT_EQ(s.shownFraming(Plane::Axial).centreMm, glm::dvec2(5, 6));
    EXPECT_EQ(s.view(), before) << "a preview changed the view the log and the score have";
    EXPECT_EQ(log.events().size(), logged) << "a preview was logged";
    EXPECT_FALSE(s.preview(MarkFinding{{0, 0, 0}, "x", ""}).accepted) << "only a change of view can be previewed";
    EXPECT_FALSE(s.preview(SetZoom{50}).accepted) << "a preview is checked as apply checks it";
    // A command applied meanwhile (the scenario moves the slice) shows under the drag, which keeps its own changes.
    ASSERT_TRUE(s.apply(SetPosition{-300}).accepted);
    EXPECT_EQ(s.shownView().cursor.z, -300);
    EXPECT_EQ(s.shownView().window, (imaging::Window{900, 120}));
    // Logged where the drag stops: the preview is then what the session has.
    ASSERT_TRUE(s.apply(SetWindow{"", {900, 120}}).accepted);
    ASSERT_TRUE(s.apply(SetPan{{5, 6}}).accepted);
    EXPECT_EQ(s.shownView(), s.view());
    ASSERT_TRUE(s.preview(SetWindow{"", {100, 10}}).accepted);
    s.dropPreview();
    EXPECT_EQ(s.shownView(), s.view());
}
