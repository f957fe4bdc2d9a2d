// Multiplanar reading: a region counts as read in each plane it is read in (the spine on sagittal reformats, the
// abdomen and pelvis on coronal ones), under the same perceptual floor and window rules as axial paging; a plane it
// does not list earns nothing, and a sweep must cross the whole span.
#include <gtest/gtest.h>

#include "scoring/debrief_model.h"
#include "scoring/score.h"
#include "session/matching.h"
#include "session/session.h"
#include "session/trainee_script.h"
#include "support/test_env.h"

using namespace polysim;
using namespace polysim::scoring;
using imaging::Plane;

namespace {
std::vector<Json> play(const scenario::Scenario& sc, const std::string& script) {
    session::SessionClock clock;
    session::EventLog log;
    session::SessionOptions options;
    if (sc.images.phantom) options.fieldOfViewMm = sc.images.phantom->fieldOfViewMm;
    session::Session s(sc, clock, log, options);
    auto run = session::runTraineeScript(s, clock, session::parseTraineeScript(script, "probe.txt"));
    EXPECT_TRUE(run.refused.empty()) << run.refused.front();
    return log.events();
}
const RegionCoverage& region(const Score& s, const std::string& id) {
    for (const auto& r : s.coverage.regions)
        if (r.region->id == id) return r;
    throw std::runtime_error("no region " + id);
}
const PlaneCoverage& plane(const RegionCoverage& r, Plane p) {
    for (const auto& pc : r.planes)
        if (pc.plane == p) return pc;
    throw std::runtime_error("region " + r.region->id + " is not read in that plane");
}
scenario::Region& regionIn(scenario::Scenario& sc, const std::string& id) {
    for (auto& r : sc.regions)
        if (r.id == id) return r;
    throw std::runtime_error("no region " + id);
}

// Fall from height: the body CT arrives at 0:40. Only the spine's sagittal sweep, in the window and at the pace given.
std::string sagittalSpine(const std::string& window, const std::string& sweep) {
    return "00:41 series arterial\n00:42 window " + window + "\n00:43 plane sagittal\n00:43 " + sweep + "\n01:30 end\n";
}
// Every word of a debrief, its tables' cells included.
std::string debriefText(const Debrief& d) {
    std::string out;
    for (const auto& sec : d.sections)
        for (const auto& b : sec.blocks) {
            out += b.label + "\n" + b.text + "\n";
            for (const auto& item : b.items) out += item + "\n";
            for (const auto& row : b.table.rows)
                for (const auto& cell : row.cells) out += cell.text + "\n";
        }
    return out;
}
Score fallFromHeight(const std::string& script) {
    const auto& sc = test::shippedScenario("fall-from-height");
    return scoreSession(sc, play(sc, script));
}
}  // namespace

TEST(Multiplanar, TheSpineReadOnlyOnSagittalReformatsAtAHumanPaceInABoneWindowIsComplete) {
    // Right pedicle to left pedicle, 51 images over 5 s: 100 ms an image, far above the 30 ms floor.
    auto s = fallFromHeight(sagittalSpine("bone", "scroll -25 -> 25 over 5s"));
    const auto& spine = region(s, "spine");
    ASSERT_TRUE(spine.completedAt.has_value()) << spine.why;
    EXPECT_EQ(spine.plane, Plane::Sagittal);
    EXPECT_EQ(spine.slices, 50) << "x -25 to 25 mm in 1 mm slices";
    EXPECT_EQ(spine.slicesSeen, 50) << spine.why;
    EXPECT_DOUBLE_EQ(spine.fraction, 1.0);
    EXPECT_EQ(spine.slicesTooFast, 0);
    EXPECT_EQ(plane(spine, Plane::Axial).slicesSeen, 0) << "not one axial slice of it was shown";
    EXPECT_NE(spine.why.find("read in the sagittal plane"), std::string::npos) << spine.why;
    EXPECT_NE(spine.why.find("sagittal slices"), std::string::npos) << spine.why;
    // A sagittal slice of the body CT shows the whole column: the same sweep reads the cervical spine (x -16 to 16).
    EXPECT_TRUE(region(s, "cervical_spine").completedAt.has_value()) << region(s, "cervical_spine").why;
    EXPECT_EQ(region(s, "cervical_spine").plane, Plane::Sagittal);

    // The JSON names the plane it was read in and each plane's numbers.
    const Json j = scoreToJson(s);
    for (const auto& r : j["coverage"]["regions"]) {
        if (r["region"] != "spine") continue;
        EXPECT_EQ(r["plane"], "sagittal");
        ASSERT_EQ(r["planes"].size(), 2u);
        EXPECT_EQ(r["planes"][1]["plane"], "sagittal");
        EXPECT_EQ(r["planes"][1]["slices_seen"], 50);
        EXPECT_EQ(r["planes"][1]["from_mm"], -25.0);
        EXPECT_EQ(r["planes"][0]["plane"], "axial");
        EXPECT_EQ(r["planes"][0]["slices_seen"], 0);
    }
    // The debrief says so in words.
    const auto model = buildDebrief(test::shippedScenario("fall-from-height"), s);
    const std::string words = debriefText(model);
    EXPECT_NE(words.find("Read on reformats: "), std::string::npos) << words;
    EXPECT_NE(words.find("Thoracolumbar spine on sagittal slices"), std::string::npos)
        << words << "the summary names the region read on reformats";
    EXPECT_NE(words.find("100 % of 50 sagittal slices"), std::string::npos) << "the coverage table names the plane";
}

TEST(Multiplanar, FlickingThroughTheSagittalStackFasterThanTheFloorReadsNothing) {
    // 51 images in 1 s: 20 ms an image, under the 30 ms floor; only the last image, left on screen, is read.
    auto s = fallFromHeight(sagittalSpine("bone", "scroll -25 -> 25 over 1s"));
    const auto& spine = region(s, "spine");
    EXPECT_FALSE(spine.completedAt.has_value()) << spine.why;
    EXPECT_LE(spine.slicesSeen, 1) << spine.why;
    EXPECT_GE(spine.slicesTooFast, 48) << spine.why;
    EXPECT_NE(spine.why.find("too fast"), std::string::npos) << spine.why;
}

TEST(Multiplanar, ASagittalSweepInASoftTissueWindowDoesNotReadTheSpine) {
    auto s = fallFromHeight(sagittalSpine("soft_tissue", "scroll -25 -> 25 over 5s"));
    const auto& spine = region(s, "spine");
    EXPECT_FALSE(spine.completedAt.has_value()) << spine.why;
    EXPECT_EQ(spine.slicesSeen, 0) << spine.why;
    EXPECT_GT(spine.seconds, 4.0) << "it was on screen, in the wrong window";
    EXPECT_EQ(spine.plane, Plane::Sagittal) << "the debrief speaks of the plane it was looked at in";
}

TEST(Multiplanar, ASweepOverHalfTheSpinesWidthDoesNotCompleteIt) {
    // Right pedicle to the midline only.
    auto s = fallFromHeight(sagittalSpine("bone", "scroll -25 -> 0 over 5s"));
    const auto& spine = region(s, "spine");
    EXPECT_FALSE(spine.completedAt.has_value()) << spine.why;
    EXPECT_NEAR(spine.fraction, 0.5, 0.03) << spine.why;
    EXPECT_LT(spine.fraction, spine.region->minCoverage);
}

TEST(Multiplanar, ARegionThatDoesNotListAPlaneGetsNoCreditFromIt) {
    // The same human-pace sagittal sweep in a case whose spine is read axially only...
    auto sc = test::shippedScenario("fall-from-height");
    regionIn(sc, "spine").planes = {Plane::Axial};
    auto s = scoreSession(sc, play(sc, sagittalSpine("bone", "scroll -25 -> 25 over 5s")));
    const auto& spine = region(s, "spine");
    EXPECT_FALSE(spine.completedAt.has_value()) << spine.why;
    EXPECT_EQ(spine.slicesSeen, 0) << spine.why;
    EXPECT_EQ(spine.plane, Plane::Axial);
    // ...and a coronal sweep of the chest in a lung window: the lungs are read on axial slices.
    auto chest = fallFromHeight(
        "00:41 series arterial\n00:42 window lung\n00:43 plane coronal\n00:43 scroll -120 -> 110 over 23s\n01:30 "
        "end\n");
    const auto& lungs = region(chest, "chest_lungs");
    EXPECT_EQ(lungs.slicesSeen, 0) << lungs.why;
    EXPECT_FALSE(lungs.completedAt.has_value());
    EXPECT_EQ(lungs.planes.size(), 1u) << "axial only";
}

TEST(Multiplanar, TheAbdomenAndPelvisReadOnCoronalReformatsCountAsRead) {
    // Front of the cavity to the back of the sacrum (y -88 to 97 mm), 186 images over 14 s (75 ms an image).
    auto s = fallFromHeight(
        "00:41 series arterial\n00:42 window soft_tissue\n00:43 plane coronal\n00:43 scroll -88 -> 97 over 14s\n"
        "01:30 end\n");
    const auto& abdomen = region(s, "abdomen_pelvis");
    ASSERT_TRUE(abdomen.completedAt.has_value()) << abdomen.why;
    EXPECT_EQ(abdomen.plane, Plane::Coronal);
    EXPECT_EQ(abdomen.slices, 185);
    // The spine is not read coronally: the same sweep, which crosses it, gives it nothing.
    EXPECT_EQ(region(s, "spine").slicesSeen, 0);
}

TEST(Multiplanar, AReformatOfASeriesThatDoesNotHoldTheWholeRegionDoesNotReadIt) {
    // The head series stops at the skull base: its sagittal slices do not show the thoracolumbar spine.
    auto s = fallFromHeight(
        "00:21 series head\n00:22 window bone\n00:23 plane sagittal\n00:23 scroll -25 -> 25 over 5s\n"
        "01:30 end\n");
    EXPECT_EQ(region(s, "spine").slicesSeen, 0) << region(s, "spine").why;
}

TEST(Multiplanar, TheBestPlaneCountsAndTheSameRunScoresTheSame) {
    // Half the spine axially, all of it sagittally: the region is complete, in the sagittal plane.
    const std::string script =
        "00:41 series arterial\n00:42 window bone\n00:43 goto -275\n00:43 scroll -275 -> -575 over 15s\n"
        "01:00 plane sagittal\n01:00 scroll -25 -> 25 over 5s\n01:30 end\n";
    auto a = fallFromHeight(script), b = fallFromHeight(script);
    const auto& spine = region(a, "spine");
    ASSERT_TRUE(spine.completedAt.has_value()) << spine.why;
    EXPECT_EQ(spine.plane, Plane::Sagittal);
    EXPECT_NEAR(plane(spine, Plane::Axial).fraction, 300.0 / 605.0, 0.01) << spine.why;
    EXPECT_NE(spine.why.find("axial slices"), std::string::npos) << "the other plane is named: " << spine.why;
    EXPECT_EQ(scoreToJson(a).dump(), scoreToJson(b).dump());
}

TEST(Multiplanar, ASagittalSliceOpensTheSpineForTheSession) {
    const auto& sc = test::shippedScenario("fall-from-height");
    const auto* spine = sc.findRegion("spine");
    ASSERT_TRUE(spine);
    session::ViewState v;
    v.series = "arterial";
    v.plane = Plane::Sagittal;
    v.cursor = {0, 0, 0};
    EXPECT_TRUE(session::regionOnScreen(v, *spine));
    v.cursor.x = 40;  // lateral to the facets: outside the span
    EXPECT_FALSE(session::regionOnScreen(v, *spine));
    v.cursor.x = 0;
    v.plane = Plane::Coronal;  // the spine is not read coronally
    EXPECT_FALSE(session::regionOnScreen(v, *spine));
}
