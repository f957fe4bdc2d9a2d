// Trainees who try to game the score, on the shipped cases: marks where they never looked, paging faster than anyone
// can see, a wrong name at the right place, a Category 1 finding told after its deadline, answers that only pick the
// right-sounding button, negations and loose synonyms. Each is caught by its rule, and each near miss (a brisk but
// human pace, a correct label in other words, a corrected label) is not punished.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "scoring/debrief_model.h"
#include "scoring/score.h"
#include "session/lexicon.h"
#include "session/session.h"
#include "session/trainee_script.h"
#include "support/test_env.h"

using namespace polysim;
using namespace polysim::scoring;

namespace {
const scenario::Scenario& shipped(const std::string& name) {
    return test::shippedScenario(name);
}
std::string shippedScript(const std::string& name) {
    return test::readFile(test::sourceDir() / "scenarios" / "scripts" / (name + ".txt"));
}
std::vector<Json> play(const scenario::Scenario& sc, const std::string& script, session::SessionOptions options = {}) {
    session::SessionClock clock;
    session::EventLog log;
    if (sc.images.phantom) options.fieldOfViewMm = sc.images.phantom->fieldOfViewMm;
    session::Session s(sc, clock, log, options);
    session::runTraineeScript(s, clock, session::parseTraineeScript(script, "probe.txt"));
    return log.events();
}
Score score(const std::string& scenarioName, const std::string& script, session::SessionOptions options = {}) {
    const auto& sc = shipped(scenarioName);
    return scoreSession(sc, play(sc, script, options));
}
const FindingScore& finding(const Score& s, const std::string& id) {
    for (const auto& f : s.findings.items)
        if (f.finding->id == id) return f;
    throw std::runtime_error("no finding " + id);
}
// A shipped script with some lines replaced (exact text) and others added at the end (before `end`).
std::string edited(std::string script, const std::vector<std::pair<std::string, std::string>>& replacements) {
    for (const auto& [from, to] : replacements) {
        auto at = script.find(from);
        if (at == std::string::npos) throw std::runtime_error("script has no '" + from + "'");
        script.replace(at, from.size(), to);
    }
    return script;
}
// A shipped expert's script with one more action just before its `end`, at the same time.
std::string expertWith(const std::string& scenarioName, const std::string& action) {
    auto script = shippedScript(scenarioName + "-expert");
    const auto endAt = script.rfind(" end");
    const auto lineStart = script.rfind('\n', endAt) + 1;
    const std::string endLine = script.substr(lineStart, endAt + 4 - lineStart);
    const std::string time = endLine.substr(0, endLine.find(' '));
    return edited(script, {{endLine, time + " " + action + "\n" + endLine}});
}
}  // namespace

// ---------------------------------------------------------------- the shipped scripts
TEST(Unfoolable, ShippedExpertsStillPassAt95AndNovicesStillFail) {
    // Every case in scenarios/ with an expert script is here (eleven when this was written).
    const auto names = test::shippedCaseNames();
    ASSERT_GE(names.size(), 11u);
    for (const std::string& name : names) {
        auto expert = score(name, shippedScript(name + "-expert"));
        EXPECT_TRUE(expert.passed) << name << ": " << expert.why;
        EXPECT_GE(expert.total, 95.0) << name << ": " << expert.why;
        for (const auto& f : expert.findings.items) EXPECT_TRUE(f.rule.empty()) << name << " " << f.why;
        auto novice = score(name, shippedScript(name + "-novice"));
        EXPECT_FALSE(novice.passed) << name << ": " << novice.why;
        EXPECT_FALSE(novice.criticalErrors.empty()) << name;
    }
}

// ---------------------------------------------------------------- marks where the trainee never looked
TEST(Unfoolable, MarksAndCallsOnFindingsNeverOnScreenEarnNothing) {
    auto s = score("motorcyclist", R"(
00:40 mark -78,20,-400 "tension pneumothorax, right" as ptx
00:41 call ptx trauma_leader
00:42 mark 98,48,-525 "splenic laceration with active extravasation" as spleen
00:43 call spleen visceral_surgeon
00:44 mark -5,5,-775 "pelvic ring fracture, unstable" as pelvis
00:45 call pelvis orthopaedic_surgeon
00:46 conclude "Right tension pneumothorax, active splenic bleeding and an unstable pelvic ring fracture."
00:50 end
)");
    for (const std::string id : {"tension_pneumothorax", "splenic_laceration", "pelvic_ring_fracture"}) {
        const auto& f = finding(s, id);
        EXPECT_EQ(f.rule, "not_seen") << f.why;
        EXPECT_EQ(f.error, "observational");
        EXPECT_FALSE(f.labelCorrect);
        EXPECT_FALSE(f.calledAt.has_value());
        EXPECT_TRUE(f.critical) << f.why;
    }
    EXPECT_FALSE(s.passed);
    auto json = scoreToJson(s);
    EXPECT_EQ(json["findings"]["items"][0]["error"], "not_seen");
    EXPECT_EQ(json["findings"]["items"][0]["error_class"], "observational");
}

TEST(Unfoolable, ANameGuessedBeforeTheLookCountsOnlyOnceTheFindingHasBeenSeen) {
    // Pedestrian: the aorta is named at once, then actually read; only the call after the look counts.
    auto s = score("pedestrian", R"(
00:41 series arterial
00:42 call "aortic isthmus injury" vascular_surgeon
00:43 scroll -185 -> -354 over 8s
00:52 call "aortic isthmus injury" trauma_leader
00:53 mark 26,28,-326 "aortic isthmus injury" as aorta
01:00 end
)");
    const auto& f = finding(s, "aortic_injury");
    ASSERT_TRUE(f.seenAt.has_value()) << f.why;
    EXPECT_GT(*f.seenAt, 42.0);
    ASSERT_TRUE(f.calledAt.has_value()) << f.why;
    EXPECT_DOUBLE_EQ(*f.calledAt, 52.0) << "the guess at 00:42 does not count";
    EXPECT_EQ(f.calledTo, "trauma_leader");
    EXPECT_EQ(f.unseenNames.size(), 1u);
}

// ---------------------------------------------------------------- the right sequence, told late
// Reading the regions in the protocol's sequence is not the point; telling what kills first is. The expert's read
// with the splenic bleeding kept back until near its deadline keeps a perfect sequence, and loses the order part's
// main measure for that finding.
TEST(Unfoolable, APerfectSequenceThatTellsACategory1FindingLateLosesTheOrderPart) {
    const auto expert = score("motorcyclist", shippedScript("motorcyclist-expert"));
    auto late =
        score("motorcyclist", edited(shippedScript("motorcyclist-expert"),
                                     {{"01:55 call spleen visceral_surgeon\n01:56 call spleen trauma_leader\n", ""},
                                      {"03:05 conclude",
                                       "04:30 call spleen visceral_surgeon\n"
                                       "04:31 call spleen trauma_leader\n04:35 conclude"},
                                      {"03:10 end", "04:40 end"}}));
    ASSERT_TRUE(expert.order.priority.has_value());
    EXPECT_DOUBLE_EQ(*expert.order.priority, 1.0) << expert.order.why;
    ASSERT_TRUE(late.order.sequence.has_value());
    EXPECT_DOUBLE_EQ(*late.order.sequence, *expert.order.sequence) << "the same sequence of regions";
    ASSERT_TRUE(late.order.priority.has_value());
    EXPECT_LT(*late.order.priority, 0.9) << late.order.why;
    EXPECT_LT(late.order.score, expert.order.score - 0.05) << late.order.why;
    const auto spleen = std::find_if(late.order.priorities.begin(), late.order.priorities.end(),
                                     [](const auto& p) { return p.finding->id == "splenic_laceration"; });
    ASSERT_NE(spleen, late.order.priorities.end());
    ASSERT_TRUE(spleen->toldAt.has_value());
    EXPECT_DOUBLE_EQ(*spleen->toldAt, 270.0);
    EXPECT_NE(late.order.why.find("What kills first"), std::string::npos) << late.order.why;
    // Never told at all: that finding earns nothing in the order part.
    auto never =
        score("motorcyclist", edited(shippedScript("motorcyclist-expert"),
                                     {{"01:55 call spleen visceral_surgeon\n01:56 call spleen trauma_leader\n", ""}}));
    EXPECT_LT(*never.order.priority, *late.order.priority) << never.order.why;
}

// ---------------------------------------------------------------- the right name with the wrong action
// "Drain now or can it wait?": naming the tension pneumothorax while saying it can wait is the wrong answer the
// question is about, not a right one; "don't wait" is not "wait".
namespace {
// Whether the expert's run with one answer put in other words answers that question right.
bool answeredRight(const std::string& scenarioName, const std::string& interruption, const std::string& expertWords,
                   const std::string& words) {
    auto s = score(scenarioName, edited(shippedScript(scenarioName + "-expert"),
                                        {{"answer " + interruption + " \"" + expertWords + "\"",
                                          "answer " + interruption + " \"" + words + "\""}}));
    for (const auto& i : s.interruptions.items)
        if (i.spec->id == interruption) return i.correct;
    throw std::runtime_error("no " + interruption);
}
}  // namespace

TEST(Unfoolable, TheRightNameWithTheWrongActionIsAWrongAnswer) {
    auto drain = [](const std::string& words) {
        return answeredRight("motorcyclist", "drain_question", "Now: tension pneumothorax on the right.", words);
    };
    EXPECT_FALSE(drain("It can wait until I am done, tension pneumothorax on the right"));
    EXPECT_FALSE(drain("Tension pneumothorax, but drain it later"));
    EXPECT_TRUE(drain("Tension pneumothorax on the right, don't wait until the scan is done"));
    EXPECT_TRUE(drain("Tension pneumothorax on the right: it can't wait, decompress now rather than later"));
    EXPECT_TRUE(drain("Tension pneumothorax on the right"));
    EXPECT_TRUE(drain("Now: tension pneumothorax on the right."));
    // "That L1 is an old wedge fracture, isn't it?": agreeing that it is old while naming the burst is wrong.
    auto l1 = [](const std::string& words) {
        return answeredRight("fall-from-height", "leader_old_fracture",
                             "No - the posterior wall is broken and a fragment is pushed into the canal: an acute "
                             "burst fracture.",
                             words);
    };
    EXPECT_FALSE(l1("Yes, an old fracture: L1 burst with retropulsion"));
    EXPECT_TRUE(l1("Not an old fracture: an acute L1 burst with retropulsion"));
}

// ---------------------------------------------------------------- hedging between two diagnoses
// A reader who looked and says "epidural or subdural" everywhere has not committed to the diagnosis the surgeon
// acts on: it is the partial credit of the wrong one of the pair, never the full credit of the right one, and the
// debrief says it was a hedge.
TEST(Unfoolable, AHedgeBetweenTwoDiagnosesEarnsPartialCreditNotTheDiagnosis) {
    const auto expert = score("fall-from-height", shippedScript("fall-from-height-expert"));
    auto hedged = score(
        "fall-from-height",
        edited(shippedScript("fall-from-height-expert"),
               {{"Right temporoparietal epidural haematoma", "Right temporoparietal epidural or subdural haematoma"},
                {"\"epidural haematoma with midline shift\"", "\"EDH/SDH with midline shift\""},
                {"conclude \"Right epidural haematoma", "conclude \"Right extradural or subdural haematoma"}}));
    const auto& f = finding(hedged, "epidural_hematoma");
    EXPECT_FALSE(f.labelCorrect) << f.why;
    EXPECT_EQ(f.rule, "incomplete") << f.why;
    EXPECT_NE(f.why.find("hedges between it and"), std::string::npos) << f.why;
    EXPECT_TRUE(finding(expert, "epidural_hematoma").labelCorrect);
    EXPECT_LT(hedged.total, expert.total - 10) << hedged.why;
    // Named plainly somewhere else in the same words, it is the expert's call again.
    auto settled = score("fall-from-height",
                         edited(shippedScript("fall-from-height-expert"),
                                {{"Right temporoparietal epidural haematoma",
                                  "Epidural or subdural? Epidural: right temporoparietal epidural haematoma"}}));
    EXPECT_TRUE(finding(settled, "epidural_hematoma").labelCorrect) << finding(settled, "epidural_hematoma").why;
}

// ---------------------------------------------------------------- paging faster than anyone can see
TEST(Unfoolable, PagingAtTwoMillisecondsAnImageIsNotReading) {
    auto s = score("motorcyclist", R"(
00:01 series scout
00:36 series arterial
00:37 window lung
00:38 scroll -185 -> -880 over 1.4s
00:40 window soft_tissue
00:41 scroll -185 -> -880 over 1.4s
00:43 window bone
00:44 scroll -185 -> -1000 over 1.6s
00:46 mark -78,20,-400 "tension pneumothorax" as ptx
00:47 call ptx trauma_leader
00:48 mark 98,48,-525 "splenic laceration with active extravasation" as spleen
00:49 call spleen visceral_surgeon
00:50 mark -5,5,-775 "pelvic ring fracture" as pelvis
00:51 call pelvis orthopaedic_surgeon
01:00 end
)");
    for (const std::string id : {"splenic_laceration", "pelvic_ring_fracture"}) {
        const auto& f = finding(s, id);
        EXPECT_EQ(f.rule, "too_fast") << f.why;
        EXPECT_TRUE(f.tooFast);
        EXPECT_TRUE(f.critical);
    }
    for (const auto& r : s.coverage.regions) {
        if (r.region->id == "scout" || r.region->id == "head") continue;
        EXPECT_FALSE(r.completedAt.has_value()) << r.region->id << ": " << r.why;
        EXPECT_GT(r.slicesTooFast, 0) << r.region->id;
    }
    EXPECT_FALSE(s.passed);
}

TEST(Unfoolable, APerceptualFloorSetByTheCaseIsUsed) {
    // Fall from height: paging at 20 ms an image is too fast by default (30 ms) and fine for a case that sets 10 ms.
    auto sc = shipped("fall-from-height");
    const std::string script = R"(
00:41 series arterial
00:42 window bone
00:43 scroll -185 -> -1000 over 16.3s
01:00 mark 0,40,-537 "L1 burst fracture" as l1
01:01 call l1 trauma_leader
01:10 end
)";
    auto byDefault = scoreSession(sc, play(sc, script));
    EXPECT_EQ(finding(byDefault, "vertebral_burst_fracture").rule, "too_fast");
    sc.weights.minDwellSeconds = 0.010;
    auto relaxed = scoreSession(sc, play(sc, script));
    EXPECT_TRUE(finding(relaxed, "vertebral_burst_fracture").rule.empty())
        << finding(relaxed, "vertebral_burst_fracture").why;
}

TEST(Unfoolable, ABriskButHumanPaceKeepsFullCoverage) {
    // 40 ms an image (25 images a second), faster than the shipped experts, still reads every slice.
    for (const std::string name : {"motorcyclist", "oesophageal-intubation"}) {
        auto s = score(name, edited(shippedScript(name + "-expert"),
                                    {{"scroll -185 -> -1000 over 40s", "scroll -185 -> -1000 over 32.6s"}}));
        for (const auto& r : s.coverage.regions) EXPECT_TRUE(r.completedAt.has_value()) << name << " " << r.why;
        EXPECT_GE(s.total, 95.0) << name << ": " << s.why;
    }
}

// ---------------------------------------------------------------- seen only on what was on screen
TEST(Unfoolable, TheHeadSeriesAtTheLevelOfTheSpleenDoesNotShowTheSpleen) {
    auto s = score("motorcyclist", R"(
00:21 series head
00:22 goto -525
00:23 window soft_tissue
01:05 goto -526
01:30 end
)");
    const auto& f = finding(s, "splenic_laceration");
    EXPECT_FALSE(f.onScreen) << f.why;
    EXPECT_FALSE(f.seen);
    for (const auto& r : s.coverage.regions)
        if (r.region->id == "abdomen_pelvis") {
            EXPECT_EQ(r.slicesSeen, 0) << r.why;
        }
}

TEST(Unfoolable, AReformatShowsAFindingOnlyWhereItLiesInTheDisplayedPlane) {
    // A coronal reformat of the body in a lung window: the plane through the back of the chest misses the
    // pneumothorax; the plane through it shows it.
    auto s = score("motorcyclist", R"(
00:36 series arterial
00:37 window lung
00:38 plane coronal
00:38 goto 200
00:50 goto 20
01:00 end
)");
    const auto& f = finding(s, "tension_pneumothorax");
    ASSERT_TRUE(f.seenAt.has_value()) << f.why;
    EXPECT_DOUBLE_EQ(*f.seenAt, 50.0);
}

// ---------------------------------------------------------------- a wrong name at the right place
TEST(Unfoolable, AMarkNamingADifferentInjuryIsAMisidentificationWhateverElseWasSaid) {
    auto s = score(
        "motorcyclist",
        edited(shippedScript("motorcyclist-expert"),
               {{"\"splenic laceration with active extravasation\" as spleen", "\"liver laceration\" as spleen"}}));
    const auto& f = finding(s, "splenic_laceration");
    EXPECT_EQ(f.rule, "misidentified") << f.why;
    EXPECT_EQ(f.error, "interpretive");
    EXPECT_TRUE(f.critical);
    EXPECT_FALSE(s.passed);
    EXPECT_NE(f.why.find("liver laceration"), std::string::npos) << f.why;

    auto p = score("pedestrian", edited(shippedScript("pedestrian-expert"),
                                        {{"\"aortic isthmus injury with mediastinal haematoma\" as aorta",
                                          "\"ductus diverticulum\" as aorta"}}));
    EXPECT_EQ(finding(p, "aortic_injury").rule, "misidentified") << finding(p, "aortic_injury").why;
    EXPECT_FALSE(p.passed);
}

TEST(Unfoolable, TheLastWordCountsAndContradictionsAreShown) {
    // Called right, then taken back: "no active bleeding from the spleen" is the last word.
    auto s = score(
        "motorcyclist",
        edited(shippedScript("motorcyclist-expert"),
               {{"03:10 end",
                 "03:08 call \"no active bleeding from the spleen, only a laceration\" trauma_leader\n03:10 end"}}));
    const auto& f = finding(s, "splenic_laceration");
    EXPECT_EQ(f.rule, "misidentified") << f.why;
    EXPECT_FALSE(f.contradictions.empty());
    // A wrong label removed and marked again correctly: the last word is right, nothing is lost.
    auto fixed = score("motorcyclist",
                       edited(shippedScript("motorcyclist-expert"),
                              {{"01:54 mark 98,48,-525 \"splenic laceration with active extravasation\" as spleen",
                                "01:53.5 mark 98,48,-525 \"liver laceration\" as wrong\n01:53.8 unmark wrong\n"
                                "01:54 mark 98,48,-525 \"splenic laceration with active extravasation\" as spleen"}}));
    EXPECT_TRUE(finding(fixed, "splenic_laceration").rule.empty()) << finding(fixed, "splenic_laceration").why;
}

TEST(Unfoolable, ACorrectLabelInOtherWordsStillCounts) {
    auto s = score("motorcyclist", edited(shippedScript("motorcyclist-expert"),
                                          {{"\"splenic laceration with active extravasation\" as spleen",
                                            "\"lacerated spleen, actively bleeding (arterial blush)\" as spleen"},
                                           {"\"pelvic ring fracture, lateral compression\" as pelvis",
                                            "\"fractured pubic rami and sacral ala\" as pelvis"}}));
    EXPECT_TRUE(finding(s, "splenic_laceration").rule.empty()) << finding(s, "splenic_laceration").why;
    EXPECT_TRUE(finding(s, "pelvic_ring_fracture").rule.empty()) << finding(s, "pelvic_ring_fracture").why;
    EXPECT_GE(s.total, 95.0);
}

// ---------------------------------------------------------------- late Category 1 calls
TEST(Unfoolable, ACategory1FindingCalledAfterItsDeadlineIsACriticalError) {
    // The tension pneumothorax, seen on the scout, told only at 04:30 (deadline 02:30).
    auto s = score(
        "motorcyclist",
        edited(
            shippedScript("motorcyclist-expert"),
            {{"00:15 answer leader_scout \"Right tension pneumothorax with mediastinal shift - decompress now.\"", ""},
             {"00:17 call \"tension pneumothorax, right\" anaesthetist", ""},
             {"00:47 answer drain_question \"Now: tension pneumothorax on the right.\"", ""},
             {"03:10 end", "04:30 call ptx trauma_leader\n04:40 end"}}));
    const auto& f = finding(s, "tension_pneumothorax");
    EXPECT_EQ(f.rule, "late_critical") << f.why;
    EXPECT_TRUE(f.critical);
    EXPECT_FALSE(s.passed);

    auto o = score("oesophageal-intubation", edited(shippedScript("oesophageal-intubation-expert"),
                                                    {{"00:51 answer leader_etco2 \"No: the tube is behind an empty "
                                                      "trachea, in the oesophagus. It's the tube.\"",
                                                      ""},
                                                     {"00:53 call tube anaesthetist\n", ""},
                                                     {"00:53 call tube trauma_leader\n", ""},
                                                     {"03:00 end", "02:59 call tube anaesthetist\n03:00 end"}}));
    EXPECT_EQ(finding(o, "esophageal_intubation").rule, "late_critical") << finding(o, "esophageal_intubation").why;
    EXPECT_FALSE(o.passed);
}

TEST(Unfoolable, ACaseMayRelaxTheLateCallRuleForOneFinding) {
    auto sc = shipped("motorcyclist");
    for (auto& f : sc.findings)
        if (f.id == "tension_pneumothorax") f.lateCallCritical = false;
    auto s = scoreSession(
        sc,
        play(sc,
             edited(
                 shippedScript("motorcyclist-expert"),
                 {{"00:15 answer leader_scout \"Right tension pneumothorax with mediastinal shift - decompress now.\"",
                   ""},
                  {"00:17 call \"tension pneumothorax, right\" anaesthetist", ""},
                  {"00:47 answer drain_question \"Now: tension pneumothorax on the right.\"", ""},
                  {"03:10 end", "04:30 call ptx trauma_leader\n04:40 end"}})));
    const auto& f = finding(s, "tension_pneumothorax");
    EXPECT_EQ(f.rule, "late") << f.why;
    EXPECT_FALSE(f.critical);
}

// ---------------------------------------------------------------- answers and free text
TEST(Unfoolable, QuickAnswersAreNotOfferedUntilAskedForAndNeverInExamMode) {
    const auto& sc = shipped("motorcyclist");
    session::SessionClock clock;
    session::EventLog log;
    session::Session s(sc, clock, log);
    s.advanceTo(1);
    s.apply(session::OpenSeries{"scout"});
    s.advanceTo(13);
    EXPECT_TRUE(s.offeredChoices("leader_scout").empty()) << "just asked: free text first";
    auto picked = s.apply(session::AnswerInterruption{"leader_scout", "tension", ""});
    EXPECT_FALSE(picked.accepted);
    // A free-text answer they cannot make sense of: they still wait, and the choices are offered now.
    auto vague = s.apply(session::AnswerInterruption{"leader_scout", "", "hmm, let me see"});
    EXPECT_TRUE(vague.accepted);
    EXPECT_FALSE(vague.notice.empty());
    EXPECT_EQ(s.activeInterruptions().size(), 1u);
    auto offered = s.offeredChoices("leader_scout");
    ASSERT_EQ(offered.size(), 2u + session::kDistractorsPerQuestion);

    session::SessionOptions exam;
    exam.exam = true;
    session::EventLog log2;
    session::SessionClock clock2;
    session::Session e(sc, clock2, log2, exam);
    e.advanceTo(1);
    e.apply(session::OpenSeries{"scout"});
    e.advanceTo(200);
    EXPECT_TRUE(e.offeredChoices("leader_scout").empty()) << "exam mode shows no choices";
}

TEST(Unfoolable, ChoicesNeverRevealAFindingInARegionNotYetRead) {
    const auto& sc = shipped("motorcyclist");
    session::SessionClock clock;
    session::EventLog log;
    session::Session s(sc, clock, log);
    s.advanceTo(40);  // asked at 00:12, repeated at 00:32; the scout was never opened
    EXPECT_TRUE(s.offeredChoices("leader_scout").empty());
    s.apply(session::OpenSeries{"scout"});
    EXPECT_EQ(s.offeredChoices("leader_scout").size(), 2u + session::kDistractorsPerQuestion);
}

TEST(Unfoolable, APickedChoiceIsNotADetectionOnItsOwn) {
    // The right-sounding button picked (after they asked again) without ever looking at the chest.
    auto s = score("motorcyclist", R"(
00:33 answer leader_scout tension
01:00 end
)");
    // The scout was never opened, so the choice that names the chest is not even offered.
    EXPECT_FALSE(finding(s, "tension_pneumothorax").calledAt.has_value());
    auto withScout = score("motorcyclist", R"(
00:33 series scout
00:33.01 answer leader_scout tension
01:00 end
)");
    const auto& f = finding(withScout, "tension_pneumothorax");
    EXPECT_FALSE(f.labelCorrect) << "picked 10 ms after the scout appeared: a guess, not a detection";
    EXPECT_FALSE(f.calledAt.has_value());
    EXPECT_EQ(f.unseenNames.size(), 1u);
    EXPECT_EQ(f.rule, "unnamed") << f.why;
    EXPECT_TRUE(f.critical);
}

TEST(Unfoolable, ACorrectCallInTheTraineesOwnWordsCounts) {
    auto s = score("motorcyclist",
                   edited(shippedScript("motorcyclist-expert"),
                          {{"01:16 answer surgeon_bleeding \"Will do - I'll call you as soon as I'm in the abdomen.\"",
                            "01:16 answer surgeon_bleeding \"Will call you\""},
                           {"01:17 answer zebra_challenge \"No - that is contrast outside the vessels, as dense as the "
                            "aorta in this phase and far "
                            "denser than clot: active bleeding.\"",
                            "01:17 answer zebra_challenge \"No, active splenic bleeding\""},
                           {"01:55 call spleen visceral_surgeon",
                            "01:55 call \"Active splenic bleeding, go to theatre\" visceral_surgeon"}}));
    const auto& f = finding(s, "splenic_laceration");
    EXPECT_TRUE(f.rule.empty()) << f.why;
    EXPECT_EQ(f.calledTo, "visceral_surgeon");
    for (const auto& i : s.interruptions.items)
        if (i.spec->id == "surgeon_bleeding" || i.spec->id == "zebra_challenge") {
            EXPECT_TRUE(i.correct) << i.why;
        }
}

TEST(Unfoolable, ACallThatNamesNothingIsReportedAtOnce) {
    const auto& sc = shipped("motorcyclist");
    session::SessionClock clock;
    session::EventLog log;
    session::Session s(sc, clock, log);
    s.advanceTo(40);
    auto vague = s.apply(session::CallFinding{"", "something is wrong in the chest", "trauma_leader"});
    EXPECT_TRUE(vague.accepted);
    EXPECT_TRUE(vague.linkedFindings.empty());
    EXPECT_NE(vague.notice.find("not linked"), std::string::npos);
    auto named = s.apply(session::CallFinding{"", "right tension pneumothorax", "trauma_leader"});
    EXPECT_EQ(named.linkedFindings, std::vector<std::string>{"tension_pneumothorax"});
    EXPECT_TRUE(named.notice.empty());
}

TEST(Unfoolable, NegationsAndWrongAnswersNeverCountAsDetectionOrCall) {
    // Pedestrian: "no aortic injury, no haematoma" to "the chest is clear, isn't it?" is wrong and tells nothing.
    auto s = score("pedestrian",
                   edited(shippedScript("pedestrian-expert"),
                          {{"01:03 answer leader_allclear \"No - there is an aortic isthmus injury with mediastinal "
                            "haematoma. Keep her here, call vascular.\"",
                            "01:03 answer leader_allclear \"no aortic injury, no haematoma\""},
                           {"01:22 mark 26,28,-326 \"aortic isthmus injury with mediastinal haematoma\" as aorta", ""},
                           {"01:23 call aorta vascular_surgeon", ""},
                           {"01:24 call aorta trauma_leader", ""},
                           {"Traumatic aortic isthmus injury for the vascular surgeons, and a small liver laceration.",
                            "No aortic injury and a normal liver."}}));
    const auto& f = finding(s, "aortic_injury");
    EXPECT_FALSE(f.labelCorrect) << f.why;
    EXPECT_TRUE(f.critical);
    for (const auto& i : s.interruptions.items)
        if (i.spec->id == "leader_allclear") {
            EXPECT_FALSE(i.correct);
        }
    EXPECT_DOUBLE_EQ(s.conclusion.score, 0.0) << s.conclusion.why;

    // Oesophageal intubation: the novice's wrong answer names the haemothorax, but a wrong answer tells nothing.
    auto o = score("oesophageal-intubation", shippedScript("oesophageal-intubation-novice"));
    EXPECT_NE(finding(o, "hemothorax").band, 9) << finding(o, "hemothorax").why;
    EXPECT_FALSE(finding(o, "hemothorax").calledAt.has_value());
}

TEST(Unfoolable, AShortKeywordLikePelvisNeverCreditsAKeyPoint) {
    auto s =
        score("motorcyclist", edited(shippedScript("motorcyclist-expert"),
                                     {{"Right tension pneumothorax, active splenic bleeding and a Young-Burgess LC "
                                       "pelvic ring fracture: decompress the chest now, then haemorrhage control.",
                                       "Pneumothorax, spleen, pelvis."}}));
    for (const auto& k : s.conclusion.keyPoints) EXPECT_FALSE(k.named) << k.point->label;
}

// ---------------------------------------------------------------- history and cohort
TEST(Unfoolable, HistoryAndCohortShowTheRuleThatCostEachFinding) {
    auto dir = test::scratchDir("unfoolable_history");
    auto q = [](const std::filesystem::path& p) { return "'" + p.string() + "'"; };
    auto scenarioFile = test::sourceDir() / "scenarios" / "motorcyclist.toml";
    {
        std::ofstream(dir / "wrong-name.txt") << edited(
            shippedScript("motorcyclist-expert"),
            {{"\"splenic laceration with active extravasation\" as spleen", "\"liver laceration\" as spleen"}});
    }
    auto play = test::runPolysim("play " + q(scenarioFile) + " --script " + q(dir / "wrong-name.txt") + " --log " +
                                 q(dir / "run.jsonl") + " --trainee ana");
    ASSERT_EQ(play.exitCode, 0) << play.err;
    auto db = dir / "results.sqlite";
    auto scored = test::runPolysim("score " + q(scenarioFile) + " " + q(dir / "run.jsonl") + " --db " + q(db) +
                                   " --json " + q(dir / "run.json"));
    EXPECT_EQ(scored.exitCode, 3) << scored.err;
    auto history = test::runPolysim("history --all --db " + q(db));
    EXPECT_NE(history.out.find("splenic_laceration: misidentified"), std::string::npos) << history.out;
    auto cohort = test::runPolysim("cohort " + q(db) + " --html " + q(dir / "cohort.html"));
    ASSERT_EQ(cohort.exitCode, 0) << cohort.err;
    auto html = test::readFile(dir / "cohort.html");
    EXPECT_NE(html.find("Rules that decided"), std::string::npos);
    EXPECT_NE(html.find("misidentified 1"), std::string::npos);
}

// ---------------------------------------------------------------- lists of every diagnosis
TEST(Unfoolable, AMarkLabelListingEveryInjuryOfTheCaseNamesNone) {
    const std::string all = "\"tension pneumothorax, active splenic bleeding, unstable pelvic ring fracture\"";
    auto s = score("motorcyclist",
                   edited(shippedScript("motorcyclist-expert"),
                          {{"\"tension pneumothorax, right\" as ptx", all + " as ptx"},
                           {"\"splenic laceration with active extravasation\" as spleen", all + " as spleen"},
                           {"\"pelvic ring fracture, lateral compression\" as pelvis", all + " as pelvis"}}));
    for (const std::string id : {"splenic_laceration", "pelvic_ring_fracture"}) {
        EXPECT_EQ(finding(s, id).rule, "misidentified") << finding(s, id).why;
    }
    EXPECT_FALSE(s.passed);
}

TEST(Unfoolable, AConclusionListingInjuriesThePatientDoesNotHaveLosesPoints) {
    auto s =
        score("pedestrian",
              edited(shippedScript("pedestrian-expert"),
                     {{"Traumatic aortic isthmus injury for the vascular surgeons, and a small liver laceration.",
                       "Traumatic aortic isthmus injury, a small liver laceration, epidural haematoma, tension "
                       "pneumothorax, splenic laceration with active extravasation and a femoral shaft fracture."}}));
    EXPECT_LT(s.conclusion.score, 0.6) << s.conclusion.why;
    EXPECT_NE(s.conclusion.why.find("does not have"), std::string::npos) << s.conclusion.why;
}

// ---------------------------------------------------------------- the level of a spine fracture
TEST(Unfoolable, ASpineFractureCalledAtAnotherLevelIsAMisidentification) {
    // The C5 teardrop fracture marked and called as C6: a fracture at another level.
    auto mark = score("diving-neck", edited(shippedScript("diving-neck-expert"),
                                            {{"\"unstable C5 flexion teardrop", "\"unstable C6 flexion teardrop"}}));
    const auto& m = finding(mark, "cervical_spine_fracture");
    EXPECT_EQ(m.rule, "misidentified") << m.why;
    EXPECT_FALSE(mark.passed);

    // The last word to the team names another level.
    auto call = score("fall-from-height",
                      expertWith("fall-from-height", "call \"T12 burst fracture with retropulsion\" trauma_leader"));
    EXPECT_EQ(finding(call, "vertebral_burst_fracture").rule, "misidentified")
        << finding(call, "vertebral_burst_fracture").why;
    EXPECT_NE(finding(call, "vertebral_burst_fracture").why.find("T12"), std::string::npos)
        << finding(call, "vertebral_burst_fracture").why;

    // The right level in other words loses nothing.
    auto fine = score("fall-from-height",
                      expertWith("fall-from-height", "call \"L1 burst, retropulsed fragment\" trauma_leader"));
    EXPECT_TRUE(finding(fine, "vertebral_burst_fracture").rule.empty())
        << finding(fine, "vertebral_burst_fracture").why;
    EXPECT_TRUE(fine.passed);
}

// ---------------------------------------------------------------- the side of a lateralised finding
TEST(Unfoolable, TheWrongSideOfALateralisedFindingIsAMisidentification) {
    // A mark on the right tension pneumothorax labelled as a left one.
    auto mark = score("motorcyclist",
                      edited(shippedScript("motorcyclist-expert"),
                             {{"\"tension pneumothorax, right\" as ptx", "\"left tension pneumothorax\" as ptx"}}));
    const auto& m = finding(mark, "tension_pneumothorax");
    EXPECT_EQ(m.rule, "misidentified") << m.why;
    EXPECT_EQ(m.error, "interpretive");
    EXPECT_TRUE(m.critical);
    EXPECT_FALSE(mark.passed);
    EXPECT_NE(m.why.find("left"), std::string::npos) << m.why;

    // The last word to the team names the wrong side.
    auto call = score(
        "motorcyclist",
        edited(
            shippedScript("motorcyclist-expert"),
            {{"03:10 end", "03:08 call \"sorry: the tension pneumothorax is on the left\" trauma_leader\n03:10 end"}}));
    EXPECT_EQ(finding(call, "tension_pneumothorax").rule, "misidentified") << finding(call, "tension_pneumothorax").why;
    EXPECT_FALSE(call.passed);

    // The epidural haematoma called on the left to the neurosurgeon.
    auto left =
        score("fall-from-height", expertWith("fall-from-height", "call \"left epidural haematoma\" neurosurgeon"));
    EXPECT_EQ(finding(left, "epidural_hematoma").rule, "misidentified") << finding(left, "epidural_hematoma").why;

    // No side, or the right one in other words, loses nothing.
    auto fine = score("motorcyclist", edited(shippedScript("motorcyclist-expert"),
                                             {{"\"tension pneumothorax, right\" as ptx", "\"tension PTX\" as ptx"}}));
    EXPECT_TRUE(finding(fine, "tension_pneumothorax").rule.empty()) << finding(fine, "tension_pneumothorax").why;
    EXPECT_GE(fine.total, 95.0);
}

// A mark on the bleeding spleen also lies in the haemoperitoneum around it: it is about the spleen, whose name it
// bears, and says nothing (neither right nor wrong) about the free fluid.
TEST(Unfoolable, AMarkOnTwoFindingsIsAboutTheOneItNames) {
    scenario::Scenario sc = shipped("motorcyclist");
    const auto* spleen = sc.findFinding("splenic_laceration");
    ASSERT_NE(spleen, nullptr);
    scenario::Finding fluid;
    fluid.id = "hemoperitoneum";
    fluid.label = "Haemoperitoneum";
    fluid.acrCategory = 2;
    fluid.region = spleen->region;
    fluid.centreLps = spleen->centreLps + glm::dvec3(0, 0, -10);
    fluid.extentMm = glm::dvec3(120, 120, 120);
    fluid.deadlineSeconds = 0;
    sc.findings.push_back(fluid);
    auto s = scoreSession(sc, play(sc, shippedScript("motorcyclist-expert")));
    for (const auto& f : s.findings.items)
        if (f.finding->id == "hemoperitoneum") {
            // Not misidentified by the spleen's mark (not naming the fluid, the expert may still miss it).
            EXPECT_NE(f.rule, "misidentified") << f.why;
        }
    EXPECT_TRUE(finding(s, "splenic_laceration").rule.empty()) << finding(s, "splenic_laceration").why;
    // A label naming neither is still a misidentification of each.
    auto wrong = scoreSession(sc, play(sc, edited(shippedScript("motorcyclist-expert"),
                                                  {{"\"splenic laceration with active extravasation\" as spleen",
                                                    "\"liver laceration\" as spleen"}})));
    EXPECT_EQ(finding(wrong, "splenic_laceration").rule, "misidentified");
}

// ---------------------------------------------------------------- plausible wrong answers
TEST(Unfoolable, ChoicesIncludePlausibleWrongDiagnosesThatNeverCountAsADetection) {
    int questions = 0;
    for (const std::string& name : test::shippedCaseNames()) {
        const auto& sc = shipped(name);
        session::SessionClock clock;
        session::EventLog log;
        session::Session s(sc, clock, log);
        std::set<std::string> checked;
        for (double t = 1; t < sc.durationSeconds && !s.ended(); t += 2) {
            s.advanceTo(t);
            for (const auto& r : sc.regions)
                if (!r.series.empty() && s.seriesArrived(r.series) && !checked.count("open " + r.series)) {
                    checked.insert("open " + r.series);
                    s.apply(session::OpenSeries{r.series});
                }
            for (const auto& in : s.activeInterruptions()) {
                const auto& spec = *in.spec;
                if (checked.count(spec.id)) continue;
                s.apply(session::AnswerInterruption{spec.id, "", "hmm"});  // not understood: the choices are offered
                auto offered = s.offeredChoices(spec.id);
                if (offered.empty() || spec.relatedFindings.empty()) continue;
                checked.insert(spec.id);
                ++questions;
                int lexicon = 0;
                for (const auto* a : offered) {
                    if (a->id.rfind("lexicon:", 0) != 0) continue;
                    ++lexicon;
                    EXPECT_FALSE(a->correct);
                    // Never an injury of this patient: none of its findings is named by it, even in part.
                    for (const auto& f : sc.findings) {
                        auto level = session::nameFinding(a->text, f).level;
                        EXPECT_TRUE(level != session::Naming::Full && level != session::Naming::Partial)
                            << name << ": '" << a->text << "' names " << f.id;
                    }
                }
                EXPECT_EQ(lexicon, int(session::kDistractorsPerQuestion)) << name << " " << spec.id;
            }
        }
    }
    EXPECT_GE(questions, 3) << "questions with choices checked on the shipped cases";
    // The same case offers the same wrong answers in the same order, run after run.
    auto order = [] {
        const auto& sc = shipped("motorcyclist");
        session::SessionClock clock;
        session::EventLog log;
        session::Session s(sc, clock, log);
        s.advanceTo(1);
        s.apply(session::OpenSeries{"scout"});
        s.advanceTo(40);
        std::vector<std::string> ids;
        for (const auto* a : s.offeredChoices("leader_scout")) ids.push_back(a->id);
        return ids;
    };
    EXPECT_EQ(order(), order());
    const auto ids = order();
    const auto wrongId =
        *std::find_if(ids.begin(), ids.end(), [](const std::string& id) { return id.rfind("lexicon:", 0) == 0; });

    // Picking one is a wrong answer that tells nothing.
    auto s = score("motorcyclist", "00:01 series scout\n00:40 answer leader_scout " + wrongId + "\n01:00 end\n");
    bool answered = false;
    for (const auto& i : s.interruptions.items)
        if (i.spec && i.spec->id == "leader_scout") {
            answered = true;
            EXPECT_FALSE(i.correct) << i.answer;
        }
    EXPECT_TRUE(answered) << "the scout question was not answered";
    EXPECT_FALSE(finding(s, "tension_pneumothorax").calledAt.has_value());
    EXPECT_FALSE(finding(s, "tension_pneumothorax").detectedAt.has_value());
}

// ---------------------------------------------------------------- false Category 1 calls
// Telling the team of a Category 1 injury the patient does not have sends them to theatre or angiography for
// nothing: a major discrepancy, scored as a critical error, in a call, an answer or the conclusion.
TEST(Unfoolable, AFalseCategory1CallIsACriticalError) {
    // The pedestrian has an aortic injury and a liver laceration, no pneumothorax.
    auto ptx = score("pedestrian",
                     expertWith("pedestrian", "call \"right tension pneumothorax, decompress now\" trauma_leader"));
    ASSERT_EQ(ptx.findings.falseCalls.size(), 1u);
    EXPECT_EQ(ptx.findings.falseCalls[0].diagnosis, "Tension pneumothorax");
    EXPECT_EQ(ptx.findings.falseCalls[0].kind, "call");
    EXPECT_FALSE(ptx.passed);
    ASSERT_FALSE(ptx.criticalErrors.empty());
    EXPECT_NE(ptx.criticalErrors.back().find("False Category 1 call"), std::string::npos) << ptx.criticalErrors.back();
    EXPECT_NE(scoreToJson(ptx)["findings"]["false_calls"].dump().find("Tension pneumothorax"), std::string::npos);

    // The motorcyclist has a tension pneumothorax, a bleeding spleen and a pelvic fracture: an aortic injury told to
    // the vascular surgeon is false; the one he has, told again, is not.
    auto aorta = score("motorcyclist", expertWith("motorcyclist", "call \"traumatic aortic injury\" vascular_surgeon"));
    EXPECT_EQ(aorta.findings.falseCalls.size(), 1u);
    EXPECT_FALSE(aorta.passed);
    auto again = score("motorcyclist", expertWith("motorcyclist", "call \"tension pneumothorax\" trauma_leader"));
    EXPECT_TRUE(again.findings.falseCalls.empty());
    EXPECT_TRUE(again.passed) << again.why;

    // Saying it is absent is not a call of it; a lesser diagnosis the patient lacks is not Category 1.
    auto denied = score("pedestrian", expertWith("pedestrian", "call \"no pneumothorax, no tension\" trauma_leader"));
    EXPECT_TRUE(denied.findings.falseCalls.empty());
    EXPECT_TRUE(denied.passed) << denied.why;
    auto lesser = score("pedestrian", expertWith("pedestrian", "call \"left clavicle fracture\" trauma_leader"));
    EXPECT_TRUE(lesser.findings.falseCalls.empty());

    // In the conclusion, too.
    auto conclusion = score(
        "pedestrian",
        expertWith("pedestrian", "conclude \"Aortic isthmus injury, liver laceration and an epidural haematoma.\""));
    ASSERT_EQ(conclusion.findings.falseCalls.size(), 1u);
    EXPECT_EQ(conclusion.findings.falseCalls[0].kind, "conclusion");
    EXPECT_FALSE(conclusion.passed);

    // The shipped experts make no false call on any case.
    for (const std::string& name : test::shippedCaseNames())
        EXPECT_TRUE(score(name, shippedScript(name + "-expert")).findings.falseCalls.empty()) << name;
}

// ---------------------------------------------------------------- experts who know before they look
// A shipped expert script acts only on what has been shown: it opens a series only once the series has arrived;
// it answers about a finding, or marks one, only once a series that shows the finding has arrived; and no answer,
// mark, call or conclusion cites a phase ("portal", "arterial", ...) before that series has arrived, unless it
// promises to look ("I'll look at the liver in the portal phase").
namespace {
std::string lowered(std::string s) {
    for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}
std::vector<std::string> phaseWords(const std::optional<phantom::SeriesKind>& kind) {
    if (!kind) return {};
    switch (*kind) {
        case phantom::SeriesKind::Scout:
            return {"scout", "topogram"};
        case phantom::SeriesKind::Head:
        case phantom::SeriesKind::NonContrast:
            return {"non-contrast", "noncontrast", "unenhanced"};
        case phantom::SeriesKind::Arterial:
            return {"arterial"};
        case phantom::SeriesKind::PortalVenous:
            return {"portal", "venous phase"};
    }
    return {};
}
bool promises(const std::string& text) {
    const std::string t = lowered(text);
    for (const char* w : {"i'll ", "i will ", "will look", "not read yet", "once it arrives", "when it arrives"})
        if (t.find(w) != std::string::npos) return true;
    return false;
}
// When the first series that shows the finding arrives: its region's series, else any axial series, or the scout
// for a finding that shows on a scout.
double knowableAt(const scenario::Scenario& sc, const scenario::Finding& f) {
    std::string only;
    for (const auto& r : sc.regions)
        if (r.id == f.region) only = r.series;
    const auto* dx = session::diagnosisOf(f);
    const bool onScout = f.onScout.value_or(dx && dx->onScout);
    double at = 1e9;
    for (const auto& s : sc.images.series) {
        const bool shows = !only.empty() ? s.id == only : s.kind != phantom::SeriesKind::Scout || onScout;
        if (shows) at = std::min(at, s.arrivalSeconds);
    }
    return at;
}
}  // namespace

TEST(Unfoolable, ShippedExpertsOnlyUseWhatHasArrived) {
    for (const std::string& name : test::shippedCaseNames()) {
        const auto& sc = shipped(name);
        auto script = session::parseTraineeScript(shippedScript(name + "-expert"), name + "-expert.txt");
        auto arrival = [&](const std::string& id) {
            for (const auto& s : sc.images.series)
                if (s.id == id) return s.arrivalSeconds;
            ADD_FAILURE() << name << ": no series " << id;
            return 0.0;
        };
        auto findingAt = [&](const glm::dvec3& p) -> const scenario::Finding* {
            for (const auto& f : sc.findings) {
                const glm::dvec3 d = glm::abs(p - f.centreLps);
                if (d.x <= f.extentMm.x / 2 && d.y <= f.extentMm.y / 2 && d.z <= f.extentMm.z / 2) return &f;
            }
            return nullptr;
        };
        for (const auto& a : script.actions) {
            const auto* c = std::get_if<session::Command>(&a.what);
            if (!c) continue;
            const std::string where = name + "-expert.txt:" + std::to_string(a.line) + ": ";
            std::string text;
            std::vector<const scenario::Finding*> about;
            if (const auto* o = std::get_if<session::OpenSeries>(c)) {
                EXPECT_GE(a.t, arrival(o->series)) << where << "opens '" << o->series << "' before it arrives";
            } else if (const auto* m = std::get_if<session::MarkFinding>(c)) {
                text = m->label;
                if (const auto* f = findingAt(m->lps)) about.push_back(f);
            } else if (const auto* ans = std::get_if<session::AnswerInterruption>(c)) {
                text = ans->text;
                for (const auto& i : sc.interruptions)
                    if (i.id == ans->interruption) {
                        for (const auto& o : i.answers)
                            if (!ans->option.empty() && o.id == ans->option) text = o.text;
                        for (const auto& id : i.relatedFindings)
                            for (const auto& f : sc.findings)
                                if (f.id == id) about.push_back(&f);
                    }
            } else if (const auto* call = std::get_if<session::CallFinding>(c)) {
                text = call->text;
            } else if (const auto* w = std::get_if<session::WriteConclusion>(c)) {
                text = w->text;
            }
            if (text.empty() || promises(text)) continue;
            for (const auto* f : about)
                EXPECT_GE(a.t, knowableAt(sc, *f))
                    << where << "speaks of '" << f->id << "' before any series that shows it has arrived";
            for (const auto& s : sc.images.series) {
                if (a.t >= s.arrivalSeconds) continue;
                for (const auto& word : phaseWords(s.kind))
                    EXPECT_EQ(lowered(text).find(word), std::string::npos)
                        << where << "'" << text << "' cites the " << s.id << " series before it arrives";
            }
        }
    }
}

// ---------------------------------------------------------------- pelvic patterns and negation scope, scored
// A conclusion that calls the pelvis "lateral compression" names the pelvic ring fracture and overcalls nothing: it
// is not a vertebral compression fracture this patient does not have.
TEST(Unfoolable, ALateralCompressionPelvisInTheConclusionIsThePelvicFractureNotASpineOvercall) {
    const std::string expertConclusion =
        "Right tension pneumothorax, active splenic bleeding and a Young-Burgess LC pelvic ring fracture: decompress "
        "the chest now, then haemorrhage control.";
    auto expert = score("motorcyclist", shippedScript("motorcyclist-expert"));
    for (const std::string pelvis : {"a lateral compression pelvic fracture", "an LC type pelvic ring injury",
                                     "lateral compression of the pelvis, right rami and left sacral ala"}) {
        auto s = score("motorcyclist",
                       edited(shippedScript("motorcyclist-expert"),
                              {{expertConclusion, "Right tension pneumothorax, active splenic bleeding and " + pelvis +
                                                      ": decompress the chest now, then haemorrhage control."}}));
        EXPECT_EQ(s.conclusion.why.find("does not have"), std::string::npos) << pelvis << ": " << s.conclusion.why;
        EXPECT_DOUBLE_EQ(s.conclusion.score, expert.conclusion.score) << pelvis << ": " << s.conclusion.why;
        EXPECT_DOUBLE_EQ(s.total, expert.total) << pelvis;
    }
}

// "No trace = wrong place" to the anaesthetist is the right answer and tells them the tube is misplaced; "Not read
// yet" to the orthopaedic surgeon is a right answer that names nothing.
TEST(Unfoolable, TeachingPhrasesWithNegationWordsAreRightAnswers) {
    auto o =
        score("oesophageal-intubation",
              edited(shippedScript("oesophageal-intubation-expert"),
                     {{"\"The scout cannot settle it. Wrong place until proven otherwise: check the capnograph now "
                       "- I'll confirm on the axials in thirty seconds.\"",
                       "\"No trace = wrong place: check the capnograph now.\""}}));
    bool asked = false;
    for (const auto& i : o.interruptions.items)
        if (i.spec->id == "anaesthetist_tube") {
            asked = true;
            EXPECT_TRUE(i.correct) << i.answer;
        }
    EXPECT_TRUE(asked);

    auto f = score("fall-from-height",
                   edited(shippedScript("fall-from-height-expert"),
                          {{"\"Not read yet - keep full spinal precautions, I'll tell you before you move him.\"",
                            "\"Not read yet.\""}}));
    asked = false;
    for (const auto& i : f.interruptions.items)
        if (i.spec->id == "ortho_calcaneus") {
            asked = true;
            EXPECT_TRUE(i.correct) << i.answer;
        }
    EXPECT_TRUE(asked);
    auto expert = score("fall-from-height", shippedScript("fall-from-height-expert"));
    for (const auto& st : finding(expert, "vertebral_burst_fracture").statements)
        EXPECT_EQ(st.text.find("Not read yet"), std::string::npos) << "the deferral names the fracture: " << st.text;
}

// ---------------------------------------------------------------- the cervical spine with the airway
// The cervical spine is its own region, read early with the airway in a bone window: an expert who reads it there
// keeps the order; the same read with the neck's bone window left to the final sweep of the whole spine is out of
// order, and the debrief says which region came late.
TEST(Unfoolable, TheCervicalSpineIsReadWithTheAirwayNotLeftToTheEnd) {
    for (const std::string& name : test::shippedCaseNames()) {
        const auto& sc = shipped(name);
        ASSERT_NE(sc.findRegion("cervical_spine"), nullptr) << name;
        const auto order = sc.readingOrder;
        const auto airway = std::find(order.begin(), order.end(), "airway");
        ASSERT_NE(airway, order.end()) << name;
        ASSERT_NE(airway + 1, order.end());
        EXPECT_EQ(*(airway + 1), "cervical_spine") << name << ": the cervical spine comes straight after the airway";
        EXPECT_EQ(sc.findRegion("cervical_spine")->windows, std::vector<std::string>{"bone"});

        const auto script = shippedScript(name + "-expert");
        auto expert = score(name, script);
        EXPECT_DOUBLE_EQ(expert.order.score, 1.0) << name << ": " << expert.order.why;
        // The same read without the early bone-window pass of the neck.
        const auto pass = script.find(" window bone\n", script.find("series arterial"));
        ASSERT_NE(pass, std::string::npos) << name;
        const auto lineStart = script.rfind('\n', pass) + 1;
        const auto scrollEnd = script.find('\n', script.find('\n', pass) + 1) + 1;
        const std::string early = script.substr(lineStart, scrollEnd - lineStart);
        ASSERT_NE(early.find("scroll -275 -> -185"), std::string::npos) << name << ": " << early;
        auto late = score(name, edited(script, {{early, ""}}));
        EXPECT_LT(late.order.score, expert.order.score) << name;
        bool named = false;
        for (const auto& o : late.order.outOfOrder) named = named || o.find("Cervical spine") != std::string::npos;
        EXPECT_TRUE(named) << name << ": the debrief does not say the cervical spine came late";
    }
}

// ---------------------------------------------------------------- extradural called subdural
// An extradural haematoma called "subdural" still goes to theatre: partial credit when it is told in time, not the
// misidentification critical error of a different diagnosis, and not a false Category 1 call. Not told at all, the
// same partly right name is a critical communication error.
TEST(Unfoolable, ExtraduralCalledSubduralEarnsPartialCreditWhenToldInTime) {
    const auto expertScript = shippedScript("fall-from-height-expert");
    auto expert = score("fall-from-height", expertScript);
    const auto subdural = edited(
        expertScript, {{"Right temporoparietal epidural haematoma", "Right acute subdural haematoma"},
                       {"\"epidural haematoma with midline shift\"", "\"subdural haematoma with midline shift\""},
                       {"Right epidural haematoma", "Right acute subdural haematoma"}});
    auto s = score("fall-from-height", subdural);
    const auto& edh = finding(s, "epidural_hematoma");
    EXPECT_EQ(edh.rule, "incomplete") << edh.why;
    EXPECT_EQ(edh.error, "interpretive") << edh.why;
    EXPECT_EQ(edh.band, 5) << edh.why;
    EXPECT_FALSE(edh.critical) << edh.why;
    EXPECT_TRUE(s.findings.falseCalls.empty()) << "a subdural called for an extradural is not a false Category 1 call";
    EXPECT_LT(s.total, expert.total);
    EXPECT_TRUE(s.criticalErrors.empty()) << s.criticalErrors.front();

    // The same partly right name, never told to anyone (no call, and no answer to the neurosurgeon): critical.
    const auto untold = edited(
        subdural, {{"01:47 call edh trauma_leader\n", ""},
                   {"Right acute subdural haematoma with mass effect and midline shift to the left: theatre now.",
                    "Give me a moment."}});
    auto u = score("fall-from-height", untold);
    const auto& edhUntold = finding(u, "epidural_hematoma");
    EXPECT_EQ(edhUntold.rule, "not_called") << edhUntold.why;
    EXPECT_EQ(edhUntold.error, "communication") << edhUntold.why;
    EXPECT_TRUE(edhUntold.critical) << edhUntold.why;
    EXPECT_FALSE(u.criticalErrors.empty());
}

// ---------------------------------------------------------------- accepted alternative orders
// The pedestrian case accepts the head first, as it arrives first: a read that takes the head straight after the
// scout keeps the whole order part, and the debrief says which order it followed. Without that alternative the same
// read is out of order; the expert's read follows the reading order itself.
TEST(Unfoolable, AnAlternativeOrderTheCaseAcceptsKeepsTheOrderPart) {
    const auto& sc = shipped("pedestrian");
    ASSERT_EQ(sc.alternativeOrders.size(), 1u);
    const auto expertScript = shippedScript("pedestrian-expert");
    auto expert = score("pedestrian", expertScript);
    EXPECT_EQ(expert.order.followed, 0);
    EXPECT_DOUBLE_EQ(expert.order.score, 1.0) << expert.order.why;

    const auto headFirst = edited(expertScript, {{"00:41 series arterial\n",
                                                  "00:31 series head\n00:32 window brain\n"
                                                  "00:32 scroll 4 -> -235 over 8s\n"
                                                  "00:41 series arterial\n00:41 window soft_tissue\n"}});
    auto accepted = scoreSession(sc, play(sc, headFirst));
    EXPECT_EQ(accepted.order.followed, 1) << accepted.order.why;
    EXPECT_DOUBLE_EQ(accepted.order.score, 1.0) << accepted.order.why;
    EXPECT_NE(accepted.order.why.find("alternative order 1"), std::string::npos) << accepted.order.why;
    ASSERT_GE(accepted.order.completed.size(), 2u);
    EXPECT_EQ(accepted.order.completed[1].first, "head");
    std::string words;
    for (const auto& t : debriefTexts(buildDebrief(sc, accepted))) words += t + "\n";
    EXPECT_NE(words.find("in an order this case accepts instead of the protocol's (Scout / topogram, Head"),
              std::string::npos)
        << "the debrief does not say in words which order was followed";

    auto strict = sc;
    strict.alternativeOrders.clear();
    auto notAccepted = scoreSession(strict, play(strict, headFirst));
    EXPECT_EQ(notAccepted.order.followed, 0);
    EXPECT_LT(notAccepted.order.score, 1.0) << notAccepted.order.why;
    EXPECT_FALSE(notAccepted.order.outOfOrder.empty());
    // The order does not buy time: the findings part is the same for both.
    EXPECT_DOUBLE_EQ(accepted.findings.score, notAccepted.findings.score);
}

TEST(Unfoolable, GoingStraightToTheInjuriesWithoutReadingTheRestDoesNotPass) {
    // The expert's script without a single scroll: it goes to the slices that hold the injuries, looks, marks, calls
    // and answers as the expert does, and reads nothing else. Someone who has played the case before can do this;
    // on a new patient it misses whatever lies elsewhere.
    bool totalAlonePasses = false;
    for (const std::string name : {"assault-head", "tube-right-bronchus", "pelvis-binder-bleed", "motorcyclist"}) {
        std::string script;
        std::istringstream in(shippedScript(name + "-expert"));
        for (std::string line; std::getline(in, line);)
            if (line.find(" scroll ") == std::string::npos) script += line + "\n";
        const auto& sc = shipped(name);
        auto s = scoreSession(sc, play(sc, script));
        EXPECT_FALSE(s.passed) << name << ": " << s.why;
        auto unread = std::find_if(s.criticalErrors.begin(), s.criticalErrors.end(),
                                   [](const std::string& e) { return e.rfind("Not read by the end", 0) == 0; });
        ASSERT_NE(unread, s.criticalErrors.end()) << name;
        EXPECT_NE(unread->find("Chest: lungs and pleura"), std::string::npos) << *unread;
        int flagged = 0;
        for (const auto& r : s.coverage.regions) flagged += r.unread ? 1 : 0;
        EXPECT_GE(flagged, 3) << name;
        if (s.total >= sc.weights.passThreshold) totalAlonePasses = true;
        // The same read in a case that turns the rule off passes or fails on its total alone.
        auto relaxed = sc;
        relaxed.weights.unreadShare = 0;
        auto r = scoreSession(relaxed, play(relaxed, script));
        EXPECT_EQ(r.passed, r.total >= sc.weights.passThreshold && r.criticalErrors.empty()) << name;
        for (const auto& e : r.criticalErrors) EXPECT_NE(e.rfind("Not read by the end", 0), 0u) << e;
        // The expert, who reads every region, is not touched by it.
        auto expert = score(name, shippedScript(name + "-expert"));
        for (const auto& reg : expert.coverage.regions) EXPECT_FALSE(reg.unread) << name << " " << reg.why;
        EXPECT_TRUE(expert.passed) << name;
    }
    // Without the rule, at least one of these reads would pass on its total: the rule is what fails it.
    EXPECT_TRUE(totalAlonePasses);
}

// The aortic mimic: the driver has a minimal aortic injury (grade I, Category 2) and a ductus diverticulum, and no
// Category 1 aortic injury. Calling the bump a pseudoaneurysm, or the flap a transection, is a false Category 1 call;
// naming the diverticulum, or the minimal injury with the aorta's words ("minimal aortic injury", "intimal flap in
// the aorta"), is not. A sentence of its own that calls the pseudoaneurysm is false even beside one that names the
// minimal injury.
TEST(Unfoolable, APseudoaneurysmCalledAtADuctusDiverticulumIsAFalseCategory1CallAndTheMinimalInjuryIsNot) {
    const std::string sc = "aortic-mimic";
    auto falseCalls = [&](const std::string& text) {
        return score(sc, expertWith(sc, "call \"" + text + "\" vascular_surgeon"));
    };
    for (const char* text :
         {"Pseudoaneurysm at the aortic isthmus - book the endograft", "aortic transection in the descending aorta",
          "Minimal aortic injury lower down. And a pseudoaneurysm at the isthmus."}) {
        const auto s = falseCalls(text);
        ASSERT_EQ(s.findings.falseCalls.size(), 1u) << text;
        EXPECT_EQ(s.findings.falseCalls[0].diagnosis, "Traumatic aortic injury") << text;
        EXPECT_FALSE(s.passed) << text;
    }
    for (const char* text : {"ductus diverticulum at the isthmus, not a pseudoaneurysm: no endograft",
                             "minimal aortic injury: a small intimal flap in the descending aorta",
                             "intimal flap in the proximal descending aorta, SVS grade 1 aortic injury"}) {
        const auto s = falseCalls(text);
        EXPECT_TRUE(s.findings.falseCalls.empty()) << text;
        EXPECT_TRUE(s.passed) << text << ": " << s.why;
    }
    // The novice who books the endograft fails on it.
    const auto novice = score(sc, shippedScript(sc + "-novice"));
    EXPECT_FALSE(novice.findings.falseCalls.empty());
    EXPECT_FALSE(novice.passed);
}

TEST(Unfoolable, AGraverDiagnosisSaidInTheSameSentenceAsAnInjuryOfTheSameOrganIsStillAFalseCall) {
    // A sentence that names the patient's own injury is about that injury only where its name reads as the graver
    // diagnosis too ("minimal aortic injury"); a graver diagnosis said beside it is still told to the team.
    struct Probe {
        std::string scenario, words, falseCall;
    };
    for (const Probe& p :
         {Probe{"ladder-fall", "Left haemothorax with a left tension pneumothorax, needle it now", "Tension"},
          Probe{"aortic-mimic",
                "Minimal aortic injury of the descending aorta; pseudoaneurysm at the isthmus, endograft", "aortic"}}) {
        auto s = score(p.scenario, expertWith(p.scenario, "call \"" + p.words + "\" trauma_leader"));
        const bool called =
            std::any_of(s.findings.falseCalls.begin(), s.findings.falseCalls.end(),
                        [&](const auto& fc) { return fc.diagnosis.find(p.falseCall) != std::string::npos; });
        EXPECT_TRUE(called) << p.scenario << ": " << s.why;
        EXPECT_FALSE(s.passed) << p.scenario;
    }
}
