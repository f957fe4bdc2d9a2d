// New cases without a scenario file (`polysim author --new`): the phantom skeleton carries the injuries' ground
// truth, the DICOM skeleton points at the real series with their UIDs, and both load without errors and survive a
// save and reload.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>

#include "gui/authoring.h"
#include "imaging/dicom_loader.h"
#include "phantom/phantom.h"
#include "scenario/loader.h"
#include "scenario/new_case.h"
#include "scenario/writer.h"
#include "support/dicom_writer.h"
#include "support/test_env.h"

namespace fs = std::filesystem;
using namespace polysim;
using scenario::Diagnostic;

namespace {
int errors(const std::vector<Diagnostic>& ds) {
    return int(std::count_if(ds.begin(), ds.end(),
                             [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::Error; }));
}

fs::path headCtFolder() {
    return test::fixturesDir() / "dicom" / "ge-head-tilt";
}

// POLYSIM_DATA decides how a DICOM folder is written; each test sets it as it needs and the fixture restores it.
class NewDicomCase : public ::testing::Test {
protected:
    void SetUp() override {
        if (const char* v = std::getenv("POLYSIM_DATA")) saved_ = v;
        ::unsetenv("POLYSIM_DATA");
    }
    void TearDown() override {
        if (saved_)
            ::setenv("POLYSIM_DATA", saved_->c_str(), 1);
        else
            ::unsetenv("POLYSIM_DATA");
    }
    std::optional<std::string> saved_;
};
}  // namespace

TEST(NewPhantomCase, HasOneFindingPerInjuryInTheRegionHoldingItAndLoadsWithoutErrors) {
    auto dir = test::scratchDir("new-case-phantom");
    scenario::NewPhantomCaseOptions o;
    o.seed = 42;
    o.injuries = {"tension_pneumothorax", "splenic_laceration", "epidural_hematoma", "femur_fracture"};
    o.matrix = 128;
    o.sliceMm = 4;
    auto made = scenario::newPhantomCase(dir / "Night shift 3.toml", o);
    const auto& s = made.scenario;
    EXPECT_EQ(s.meta.id, "night_shift_3") << "the id comes from the file name";
    EXPECT_FALSE(s.meta.title.empty());
    ASSERT_TRUE(s.images.phantom);
    EXPECT_EQ(s.images.phantom->seed, 42u);
    EXPECT_EQ(s.images.phantom->injuries, o.injuries);
    EXPECT_EQ(s.readingOrder, scenario::defaultReadingOrder());

    ASSERT_EQ(s.findings.size(), o.injuries.size());
    phantom::PhantomOptions po;
    po.seed = 42;
    po.injuries = o.injuries;
    const auto truth = phantom::groundTruth(po);
    for (std::size_t i = 0; i < truth.size(); ++i) {
        const auto& f = s.findings[i];
        EXPECT_EQ(f.phantomInjury, truth[i].id);
        EXPECT_EQ(f.region, truth[i].region) << f.id;
        EXPECT_NEAR(f.centreLps.z, truth[i].centreLps.z, 1e-9) << f.id;
        const auto* region = s.findRegion(f.region);
        ASSERT_NE(region, nullptr) << f.id << " names region " << f.region;
        EXPECT_GE(f.centreLps.z, region->zFromMm) << f.id << " lies below its region " << f.region;
        EXPECT_LE(f.centreLps.z, region->zToMm) << f.id << " lies above its region " << f.region;
        if (f.acrCategory == 1) {
            EXPECT_LE(f.deadlineSeconds, 300) << f.id;
            EXPECT_FALSE(f.tell.empty()) << "a Category 1 finding is told to someone: " << f.id;
        }
    }
    EXPECT_EQ(s.conclusion.keyPoints.size(), s.findings.size());
    EXPECT_EQ(errors(scenario::validateScenario(s)), 0) << scenario::formatDiagnostics(scenario::validateScenario(s));

    // Save, reload: the same case, and the loader finds no error in the file.
    std::string error;
    ASSERT_TRUE(scenario::saveScenario(s, dir / "Night shift 3.toml", &error)) << error;
    auto r = scenario::loadScenario(dir / "Night shift 3.toml");
    ASSERT_TRUE(r.ok()) << scenario::formatDiagnostics(r.diagnostics);
    const auto& back = *r.scenario;
    EXPECT_EQ(back.meta.id, s.meta.id);
    ASSERT_EQ(back.findings.size(), s.findings.size());
    for (std::size_t i = 0; i < s.findings.size(); ++i) {
        EXPECT_EQ(back.findings[i].id, s.findings[i].id);
        EXPECT_EQ(back.findings[i].region, s.findings[i].region);
        EXPECT_NEAR(glm::distance(back.findings[i].centreLps, s.findings[i].centreLps), 0, 0.06);
    }
    ASSERT_EQ(back.regions.size(), s.regions.size());
    for (std::size_t i = 0; i < s.regions.size(); ++i) {
        EXPECT_EQ(back.regions[i].id, s.regions[i].id);
        EXPECT_NEAR(back.regions[i].zFromMm, s.regions[i].zFromMm, 1e-6);
        EXPECT_NEAR(back.regions[i].zToMm, s.regions[i].zToMm, 1e-6);
    }
    ASSERT_EQ(back.images.series.size(), 3u);
    EXPECT_EQ(back.images.series[0].kind, phantom::SeriesKind::Scout);
    EXPECT_LT(back.images.series[1].arrivalSeconds, back.images.series[2].arrivalSeconds);
}

TEST(NewPhantomCase, HasTheShippedCasesRegions) {
    // The shipped phantom cases leave [[regions]] out and get the phantom's anatomy: the skeleton writes the same.
    auto shipped = scenario::loadScenario(test::sourceDir() / "scenarios" / "motorcyclist.toml");
    ASSERT_TRUE(shipped.ok());
    auto made = scenario::newPhantomCase("x.toml");
    ASSERT_EQ(made.scenario.regions.size(), shipped.scenario->regions.size());
    for (std::size_t i = 0; i < made.scenario.regions.size(); ++i) {
        EXPECT_EQ(made.scenario.regions[i].id, shipped.scenario->regions[i].id);
        EXPECT_EQ(made.scenario.regions[i].zFromMm, shipped.scenario->regions[i].zFromMm);
        EXPECT_EQ(made.scenario.regions[i].zToMm, shipped.scenario->regions[i].zToMm);
        EXPECT_EQ(made.scenario.regions[i].windows, shipped.scenario->regions[i].windows);
    }
    EXPECT_TRUE(made.scenario.findings.empty());
    EXPECT_EQ(errors(scenario::validateScenario(made.scenario)), 0);
}

TEST(NewPhantomCase, UnknownInjuryIsNamed) {
    try {
        scenario::newPhantomCase("x.toml", {1, {"tension_pneumothorax", "broken_heart"}});
        FAIL() << "an unknown injury must be refused";
    } catch (const scenario::NewCaseError& e) {
        EXPECT_NE(std::string(e.what()).find("'broken_heart'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("splenic_laceration"), std::string::npos) << "lists the valid ids";
    }
}

TEST_F(NewDicomCase, ListsTheSeriesWithItsUidAndRegionsInsideItAndValidates) {
    auto dir = test::scratchDir("new-case-dicom");
    const fs::path out = dir / "head-ct.toml";
    auto made = scenario::newDicomCase(headCtFolder(), out);
    const auto& s = made.scenario;
    EXPECT_FALSE(s.images.phantom);

    // What the folder holds, read independently: one CT series of 28 slices.
    const auto scan = imaging::scanDicom(headCtFolder());
    const auto& ct = imaging::chooseCtSeries(scan);
    ASSERT_EQ(s.images.series.size(), 1u) << "one CT series, no localizer";
    const auto& sp = s.images.series[0];
    EXPECT_EQ(sp.seriesInstanceUid, ct.seriesInstanceUid);
    EXPECT_EQ(sp.kind, phantom::SeriesKind::Head) << "no description, but a 250 mm field of view and a short stack";
    EXPECT_TRUE(fs::equivalent(sp.folder, headCtFolder()));
    // The fixtures lie far from the scratch folder (more than two levels up): written absolute, not "../../../..".
    EXPECT_TRUE(fs::path(sp.folderText).is_absolute()) << sp.folderText;

    // Every region lies inside the z range the slices cover (corners of the tilted slices included).
    double lo = 1e300, hi = -1e300;
    for (const auto& sl : ct.slices)
        for (int c = 0; c < 4; ++c) {
            glm::dvec3 p = sl.position +
                           (c & 1 ? sl.rowDirection * (sl.pixelSpacing.x * (sl.columns - 1)) : glm::dvec3(0)) +
                           (c & 2 ? sl.columnDirection * (sl.pixelSpacing.y * (sl.rows - 1)) : glm::dvec3(0));
            lo = std::min(lo, p.z);
            hi = std::max(hi, p.z);
        }
    ASSERT_FALSE(s.regions.empty());
    for (const auto& r : s.regions) {
        EXPECT_GE(r.zFromMm, lo - 0.1) << r.id;
        EXPECT_LE(r.zToMm, hi + 0.1) << r.id;
        EXPECT_LT(r.zFromMm, r.zToMm) << r.id;
        EXPECT_FALSE(r.windows.empty()) << r.id;
    }
    EXPECT_EQ(s.findRegion("scout"), nullptr) << "no localizer, so no scout region to read";
    // A head CT (posterior fossa to vertex) holds no neck, chest, abdomen or limbs: the head region alone, found
    // from the skull in the images, over most of the series.
    ASSERT_EQ(s.regions.size(), 1u);
    EXPECT_EQ(s.regions[0].id, "head");
    EXPECT_GT(s.regions[0].zToMm - s.regions[0].zFromMm, 0.5 * (hi - lo));  // the corners of tilted slices reach far
    EXPECT_EQ(s.readingOrder, std::vector<std::string>{"head"});
    for (const char* body : {"Chest", "Abdomen", "Extremities", "Airway"})
        EXPECT_EQ(s.expertReport.find(body), std::string::npos) << body << " in\n" << s.expertReport;
    EXPECT_NE(s.expertReport.find("Head:"), std::string::npos) << s.expertReport;
    const bool saysHead = std::any_of(made.notes.begin(), made.notes.end(), [](const std::string& n) {
        return n.find("Region head:") != std::string::npos && n.find("vertex") != std::string::npos;
    });
    EXPECT_TRUE(saysHead) << "the author is told where the head region comes from";
    const bool saysNoChest = std::any_of(made.notes.begin(), made.notes.end(), [](const std::string& n) {
        return n.find("Region chest_lungs: left out") != std::string::npos;
    });
    EXPECT_TRUE(saysNoChest) << "and why there is no chest";
    // A finding placed in the brain belongs to the head.
    gui::AuthoringModel model(s, out);
    EXPECT_EQ(model.addFindingAt({0, 0, (lo + hi) / 2}, 40.0).region, "head");

    // The file loads with the headers scanned: the UID is found and nothing is an error.
    std::string error;
    ASSERT_TRUE(scenario::saveScenario(s, out, &error)) << error;
    scenario::LoadOptions lo2;
    lo2.requireData = true;
    auto r = scenario::loadScenario(out, lo2);
    ASSERT_TRUE(r.ok()) << scenario::formatDiagnostics(r.diagnostics);
    ASSERT_EQ(r.scenario->images.series.size(), 1u);
    EXPECT_EQ(r.scenario->images.series[0].seriesInstanceUid, ct.seriesInstanceUid);
    EXPECT_TRUE(fs::equivalent(r.scenario->images.series[0].folder, headCtFolder()));
}

TEST_F(NewDicomCase, FolderUnderPolysimDataIsWrittenWithTheVariable) {
    ::setenv("POLYSIM_DATA", test::fixturesDir().c_str(), 1);
    auto dir = test::scratchDir("new-case-dicom-data");
    auto made = scenario::newDicomCase(headCtFolder(), dir / "case.toml");
    ASSERT_EQ(made.scenario.images.series.size(), 1u);
    EXPECT_EQ(made.scenario.images.series[0].folderText, "${POLYSIM_DATA}/dicom/ge-head-tilt");
    ASSERT_TRUE(scenario::saveScenario(made.scenario, dir / "case.toml"));
    EXPECT_NE(test::readFile(dir / "case.toml").find("\"${POLYSIM_DATA}/dicom/ge-head-tilt\""), std::string::npos);
    auto r = scenario::loadScenario(dir / "case.toml");
    EXPECT_TRUE(r.ok()) << scenario::formatDiagnostics(r.diagnostics);
}

TEST_F(NewDicomCase, FolderWithoutCtIsAnErrorNamingIt) {
    auto dir = test::scratchDir("new-case-no-ct");
    fs::create_directories(dir / "notes");
    std::ofstream(dir / "notes" / "readme.txt") << "not an image\n";
    try {
        scenario::newDicomCase(dir / "notes", dir / "case.toml");
        FAIL() << "a folder without CT series cannot become a case";
    } catch (const scenario::NewCaseError& e) {
        EXPECT_NE(std::string(e.what()).find((dir / "notes").string()), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("no CT series"), std::string::npos) << e.what();
    }
    EXPECT_THROW(scenario::newDicomCase(dir / "missing", dir / "case.toml"), scenario::NewCaseError);
}

TEST_F(NewDicomCase, AStudyWithSeveralSeriesGetsEachInItsFolderAndTheLocalizerAsScout) {
    // A trauma study as a PACS export lays it out: one folder per series, the topogram first.
    auto dir = test::scratchDir("new-case-study");
    const fs::path study = dir / "study";
    const std::string scoutUid = test::newUid(), headUid = test::newUid(), bodyUid = test::newUid();
    test::SyntheticSlice loc;
    loc.seriesInstanceUid = scoutUid;
    loc.seriesDescription = "Topogram 0.6 T20f";
    loc.localizer = true;
    loc.seriesNumber = 1;
    loc.rowDirection = {1, 0, 0};
    loc.columnDirection = {0, 0, -1};
    loc.position = {-32, 0, 0};
    fs::create_directories(study / "1_scout");
    test::writeCtSlice(study / "1_scout" / "IM1.dcm", loc);
    auto series = [&](const std::string& sub, const std::string& uid, const std::string& description, int number,
                      double zTop, int slices) {
        fs::create_directories(study / sub);
        for (int k = 0; k < slices; ++k) {
            test::SyntheticSlice sl;
            sl.seriesInstanceUid = uid;
            sl.seriesDescription = description;
            sl.seriesNumber = number;
            sl.instanceNumber = k + 1;
            sl.position = {-32, -32, zTop - 2.0 * k};
            test::writeCtSlice(study / sub / ("IM" + std::to_string(k + 1) + ".dcm"), sl);
        }
    };
    series("2_head", headUid, "Head non-contrast", 2, 0, 8);
    series("3_body", bodyUid, "Polytrauma arterial", 3, -10, 20);

    const fs::path out = dir / "cases" / "study.toml";
    fs::create_directories(out.parent_path());
    auto made = scenario::newDicomCase(study, out);
    const auto& s = made.scenario;
    ASSERT_EQ(s.images.series.size(), 3u);
    EXPECT_EQ(s.images.series[0].kind, phantom::SeriesKind::Scout);
    EXPECT_EQ(s.images.series[0].seriesInstanceUid, scoutUid);
    EXPECT_EQ(s.images.series[0].arrivalSeconds, 0);
    EXPECT_EQ(s.images.series[1].kind, phantom::SeriesKind::Head);
    EXPECT_EQ(s.images.series[1].seriesInstanceUid, headUid);
    EXPECT_EQ(s.images.series[1].folderText, "../study/2_head") << "the series' own folder, relative to the case";
    EXPECT_EQ(s.images.series[2].kind, phantom::SeriesKind::Arterial);
    EXPECT_EQ(s.images.series[2].seriesInstanceUid, bodyUid);
    EXPECT_EQ(s.images.series[2].folderText, "../study/3_body");
    EXPECT_LT(s.images.series[1].arrivalSeconds, s.images.series[2].arrivalSeconds) << "arrivals are staggered";
    ASSERT_NE(s.findRegion("scout"), nullptr);
    for (const auto& r : s.regions) {
        EXPECT_GE(r.zFromMm, -48.0 - 0.1) << r.id;  // the body's last slice
        EXPECT_LE(r.zToMm, 0.0 + 0.1) << r.id;      // the head's first slice
    }

    std::string error;
    ASSERT_TRUE(scenario::saveScenario(s, out, &error)) << error;
    scenario::LoadOptions o;
    o.requireData = true;
    auto r = scenario::loadScenario(out, o);
    ASSERT_TRUE(r.ok()) << scenario::formatDiagnostics(r.diagnostics);
    EXPECT_EQ(r.scenario->images.series.size(), 3u);
}

TEST(NewPhantomCase, EveryInjuryOfTheLibraryMakesAValidCaseWithItsFindingInsideItsRegion) {
    for (const auto& injury : phantom::injuryLibrary()) {
        auto made = scenario::newPhantomCase("x.toml", {3, {injury.id}});
        ASSERT_EQ(made.scenario.findings.size(), 1u) << injury.id;
        const auto& f = made.scenario.findings[0];
        const auto* region = made.scenario.findRegion(f.region);
        ASSERT_NE(region, nullptr) << injury.id;
        EXPECT_GE(f.centreLps.z, region->zFromMm) << injury.id << " in " << f.region;
        EXPECT_LE(f.centreLps.z, region->zToMm) << injury.id << " in " << f.region;
        const auto ds = scenario::validateScenario(made.scenario);
        EXPECT_EQ(errors(ds), 0) << injury.id << "\n" << scenario::formatDiagnostics(ds);
    }
}

// A real case saved and loaded back as the reading room would load it (the data required).
scenario::LoadResult saveAndLoad(const scenario::Scenario& s, const fs::path& out) {
    std::string error;
    EXPECT_TRUE(scenario::saveScenario(s, out, &error)) << error;
    scenario::LoadOptions o;
    o.requireData = true;
    return scenario::loadScenario(out, o);
}

TEST_F(NewDicomCase, AContrastChestCtWithoutDescriptionGetsChestRegionsFromItsImagesAndAContrastKind) {
    auto dir = test::scratchDir("new-case-lidc");
    auto made = scenario::newDicomCase(test::fixturesDir() / "real/lidc-idri-0001-chest", dir / "lidc.toml");
    const auto& s = made.scenario;
    ASSERT_EQ(s.images.series.size(), 1u);
    EXPECT_NE(s.images.series[0].kind, phantom::SeriesKind::NonContrast) << "the aorta is bright: a contrast CT";
    EXPECT_NE(s.images.series[0].kind, phantom::SeriesKind::Head);
    EXPECT_EQ(s.findRegion("head"), nullptr) << "no head on a chest CT";
    EXPECT_EQ(s.findRegion("extremities"), nullptr);
    const auto* lungs = s.findRegion("chest_lungs");
    const auto* mediastinum = s.findRegion("chest_mediastinum");
    ASSERT_TRUE(lungs && mediastinum);
    // The lungs fill most of this chest CT (neck base to upper abdomen, -340 to -10 mm).
    EXPECT_GT(lungs->zToMm - lungs->zFromMm, 200);
    if (const auto* abdomen = s.findRegion("abdomen_pelvis")) {
        EXPECT_LT(abdomen->zToMm, mediastinum->zToMm - 100) << "the abdomen starts at the diaphragm, not in the chest";
        EXPECT_GE(abdomen->zToMm, lungs->zFromMm);
    }
    auto r = saveAndLoad(s, dir / "lidc.toml");
    EXPECT_TRUE(r.ok()) << scenario::formatDiagnostics(r.diagnostics);
}

TEST_F(NewDicomCase, ASeriesWithoutSeriesUidBecomesACaseThatNamesItByItsDerivedId) {
    auto dir = test::scratchDir("new-case-totalseg");
    const fs::path folder = test::fixturesDir() / "real/totalsegmentator-example/example_ct_dicom";
    auto made = scenario::newDicomCase(folder, dir / "ts.toml");
    const auto& s = made.scenario;
    ASSERT_EQ(s.images.series.size(), 1u);
    EXPECT_EQ(s.images.series[0].seriesInstanceUid.rfind("nouid-", 0), 0u) << s.images.series[0].seriesInstanceUid;
    EXPECT_EQ(s.images.series[0].kind, phantom::SeriesKind::PortalVenous) << "a venous-phase abdomen";
    std::vector<std::string> ids;
    for (const auto& r : s.regions) ids.push_back(r.id);
    EXPECT_EQ(ids, (std::vector<std::string>{"abdomen_pelvis", "spine"}));
    auto r = saveAndLoad(s, dir / "ts.toml");
    ASSERT_TRUE(r.ok()) << scenario::formatDiagnostics(r.diagnostics);
    EXPECT_EQ(r.scenario->images.series[0].seriesInstanceUid, s.images.series[0].seriesInstanceUid);
    EXPECT_EQ(imaging::loadCtVolume(folder, r.scenario->images.series[0].seriesInstanceUid)->dims().z, 20);
}

// With its segmentation the regions come from the structures: the spine region spans the masks' vertebrae (within the
// images), and a mask of another position is refused, naming the mask and why.
TEST_F(NewDicomCase, ASegmentationGivenPlacesTheRegionsByItsStructures) {
    auto dir = test::scratchDir("new-case-totalseg-masks");
    const fs::path ts = test::fixturesDir() / "real/totalsegmentator-example";
    scenario::NewDicomCaseOptions options;
    options.segmentation = imaging::readSegmentation(ts / "example_seg_dicom.nii.gz");
    auto made = scenario::newDicomCase(ts / "example_ct_dicom", dir / "ts.toml", options);
    const auto& s = made.scenario;
    ASSERT_EQ(s.images.series.size(), 1u);
    EXPECT_EQ(s.images.series[0].kind, phantom::SeriesKind::PortalVenous) << "a venous-phase abdomen";
    EXPECT_EQ(s.findRegion("head"), nullptr);
    const auto* spine = s.findRegion("spine");
    const auto* abdomen = s.findRegion("abdomen_pelvis");
    ASSERT_TRUE(spine && abdomen);
    const auto placed =
        imaging::placeOnGeometry(*options.segmentation, imaging::loadCtVolume(ts / "example_ct_dicom")->geometry());
    double lo = 1e300, hi = -1e300;
    for (const auto& [label, e] : imaging::structureExtents(placed))
        if (placed.nameOf(label).rfind("vertebrae_", 0) == 0) lo = std::min(lo, e.lo.z), hi = std::max(hi, e.hi.z);
    ASSERT_LT(lo, hi);
    EXPECT_NEAR(spine->zFromMm, std::max(lo, made.zFromMm), 3.0);
    EXPECT_NEAR(spine->zToMm, std::min(hi, made.zToMm), 3.0);
    EXPECT_TRUE(std::any_of(made.notes.begin(), made.notes.end(), [](const std::string& n) {
        return n.find("landmarks from the segmentation example_seg_dicom.nii.gz") != std::string::npos;
    }));
    auto r = saveAndLoad(s, dir / "ts.toml");
    EXPECT_TRUE(r.ok()) << scenario::formatDiagnostics(r.diagnostics);

    // The same mask half a metre away lies on no series: an error naming it and the reason, no case.
    options.segmentation->geometry.origin.z += 500;
    try {
        scenario::newDicomCase(ts / "example_ct_dicom", dir / "off.toml", options);
        ADD_FAILURE() << "a mask off the series was accepted";
    } catch (const scenario::NewCaseError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("example_seg_dicom.nii.gz"), std::string::npos) << what;
        EXPECT_NE(what.find("does not overlap"), std::string::npos) << what;
    }
}
