// Landmarks, regions and contrast phase found in real CT and in the phantom: where a radiologist would put them,
// and nothing the images do not hold (no head on a chest CT, no chest on a head CT).
#include <gtest/gtest.h>

#include <algorithm>

#include "imaging/body_landmarks.h"
#include "imaging/dicom_loader.h"
#include "phantom/phantom.h"
#include "scenario/image_regions.h"
#include "support/test_env.h"

namespace polysim::test {
namespace {
using namespace polysim::imaging;
namespace fs = std::filesystem;

struct Found {
    BodyLandmarks landmarks;
    ContrastEstimate contrast;
    std::vector<scenario::Region> regions;
    std::vector<std::string> why;
    const scenario::Region* region(const std::string& id) const {
        auto it = std::find_if(regions.begin(), regions.end(), [&](const auto& r) { return r.id == id; });
        return it == regions.end() ? nullptr : &*it;
    }
    std::string ids() const {
        std::string out;
        for (const auto& r : regions) out += r.id + " ";
        return out;
    }
};

Found analyse(const Volume& v) {
    Found f;
    f.landmarks = findLandmarks(v);
    f.contrast = estimateContrastPhase(v, f.landmarks);
    f.regions = scenario::regionsFromLandmarks(f.landmarks, &f.why);
    return f;
}

const Found& realCt(const std::string& folder) {
    static std::map<std::string, Found> cache;
    auto it = cache.find(folder);
    if (it == cache.end()) {
        const fs::path dir = fixturesDir() / "real" / folder;
        it = cache.emplace(folder, analyse(*loadCtVolume(dir))).first;
    }
    return it->second;
}

const Found& phantomSeries(phantom::SeriesKind kind) {
    static std::map<phantom::SeriesKind, Found> cache;
    auto it = cache.find(kind);
    if (it == cache.end()) {
        phantom::PhantomOptions o;
        o.matrix = 192;
        o.sliceMm = 3;
        o.phases = {kind};
        it = cache.emplace(kind, analyse(*phantom::generateSeries(o, kind))).first;
    }
    return it->second;
}

TEST(BodyLandmarks, TheLidcChestCtHasLungsDomesAndCarinaButNoHeadAndNoAbdomenAboveTheDiaphragm) {
    const auto& f = realCt("lidc-idri-0001-chest");
    const auto& L = f.landmarks;
    ASSERT_TRUE(L.lungs);
    EXPECT_FALSE(L.cranium);
    EXPECT_FALSE(L.skullBase);
    EXPECT_FALSE(L.iliacCrests) << "a chest CT ends above the pelvis";
    EXPECT_FALSE(L.femoralHeads);
    EXPECT_FALSE(L.thighs);
    // The images run from the neck base to the upper abdomen: the apices just below the top, the bases above the end.
    EXPECT_LT(L.volume.toMm - L.lungs->toMm, 40);
    EXPECT_GT(L.lungs->fromMm - L.volume.fromMm, 20);
    // The domes lie between the bases (the posterior recesses go lower) and the hila, the right one higher here.
    ASSERT_TRUE(L.diaphragmDomeRight && L.diaphragmDomeLeft);
    for (double dome : {*L.diaphragmDomeRight, *L.diaphragmDomeLeft}) {
        EXPECT_GT(dome - L.lungs->fromMm, 30) << "dome above the lung bases";
        EXPECT_LT(dome - L.lungs->fromMm, 130);
        EXPECT_LT(dome, L.lungs->toMm - 100) << "dome far below the apex";
    }
    // Read on the coronal and sagittal reformats: right dome at about -189 mm, left at about -208 mm.
    EXPECT_NEAR(*L.diaphragmDomeRight, -189, 15);
    EXPECT_NEAR(*L.diaphragmDomeLeft, -208, 15);
    // The carina (read on the coronal reformat at about -112 mm) lies 5 to 10 cm below the apices.
    ASSERT_TRUE(L.carina);
    EXPECT_NEAR(*L.carina, -112, 15);
    EXPECT_TRUE(L.spine);

    EXPECT_EQ(f.region("head"), nullptr) << f.ids();
    EXPECT_EQ(f.region("extremities"), nullptr);
    ASSERT_NE(f.region("chest_lungs"), nullptr);
    EXPECT_NEAR(f.region("chest_lungs")->zFromMm, L.lungs->fromMm, 1);
    EXPECT_NEAR(f.region("chest_lungs")->zToMm, L.lungs->toMm, 1);
    ASSERT_NE(f.region("chest_mediastinum"), nullptr);
    EXPECT_NEAR(f.region("chest_mediastinum")->zFromMm, *L.lowerDome(), 1);
    // The upper abdomen on a chest CT starts at the higher dome, never inside the chest above it.
    if (const auto* abdomen = f.region("abdomen_pelvis")) {
        EXPECT_LE(abdomen->zToMm, *L.higherDome() + 1);
    }
    ASSERT_NE(f.region("airway"), nullptr);
    EXPECT_NEAR(f.region("airway")->zFromMm, *L.carina, 1);
}

TEST(BodyLandmarks, TheLidcContrastChestIsNotNonContrast) {
    const auto& c = realCt("lidc-idri-0001-chest").contrast;
    EXPECT_NE(c.phase, ContrastPhase::NonContrast) << c.reason;
    EXPECT_NE(c.phase, ContrastPhase::Unknown) << c.reason;
    ASSERT_TRUE(c.aortaHu);
    EXPECT_GT(*c.aortaHu, 200) << "a bright aorta, well above blood's 40 HU";
}

TEST(BodyLandmarks, TheHeadCtHasTheSkullAndTheUpperNeckOnly) {
    const auto& f = realCt("cptac-gbm-head");
    const auto& L = f.landmarks;
    ASSERT_TRUE(L.cranium && L.skullBase);
    EXPECT_FALSE(L.lungs);
    EXPECT_FALSE(L.diaphragmDomeRight || L.diaphragmDomeLeft);
    EXPECT_FALSE(L.iliacCrests || L.pubicSymphysis || L.femoralHeads || L.thighs) << "no pelvis in a head";
    // Read on the sagittal reformat: vertex at the top of the images, foramen magnum about -74 mm.
    ASSERT_TRUE(L.vertex);
    EXPECT_NEAR(*L.vertex, L.volume.toMm, 5);
    EXPECT_NEAR(*L.skullBase, -74, 12);
    ASSERT_TRUE(L.cervicalSpine);
    EXPECT_LE(L.cervicalSpine->toMm, *L.skullBase + 3);
    for (const auto& r : f.regions)
        EXPECT_TRUE(r.id == "head" || r.id == "airway" || r.id == "cervical_spine" || r.id == "spine")
            << r.id << " in a head CT";
    ASSERT_NE(f.region("head"), nullptr);
    EXPECT_NEAR(f.region("head")->zToMm, L.volume.toMm, 5);
    EXPECT_EQ(f.contrast.phase, ContrastPhase::Unknown) << "no aorta in a head CT";
    EXPECT_EQ(scenario::seriesKindFromImages(L, f.contrast), polysim::phantom::SeriesKind::Head);
}

TEST(BodyLandmarks, TheTotalSegmentatorSliceStackIsAbdomenAndSpineInThePortalPhase) {
    const auto& f = realCt("totalsegmentator-example/example_ct_dicom");
    const auto& L = f.landmarks;
    EXPECT_FALSE(L.lungs);
    EXPECT_FALSE(L.cranium);
    std::vector<std::string> ids;
    for (const auto& r : f.regions) ids.push_back(r.id);
    EXPECT_EQ(ids, (std::vector<std::string>{"abdomen_pelvis", "spine"})) << f.ids();
    // The TotalSegmentator example is a venous-phase CT.
    EXPECT_EQ(f.contrast.phase, ContrastPhase::PortalVenous) << f.contrast.reason;
    ASSERT_TRUE(f.contrast.aortaHu);
    EXPECT_GT(*f.contrast.aortaHu, 120);
    EXPECT_LT(*f.contrast.aortaHu, 250);
}

TEST(BodyLandmarks, ThePhantomsLandmarksLieWhereItsAnatomyIsBuilt) {
    const auto& f = phantomSeries(phantom::SeriesKind::Arterial);
    const auto& L = f.landmarks;
    // The phantom's anatomy (engine/phantom/anatomy.cpp): vertex at 0, liver dome at -468, iliac crests at the L4-L5
    // disc (about -655), acetabular roofs at -758 over femoral heads topping at -768 (a disc of bone 15 mm in radius
    // from about -774), thighs apart below about -880.
    ASSERT_TRUE(L.vertex && L.skullBase && L.lungs && L.diaphragmDomeRight && L.iliacCrests && L.femoralHeads);
    EXPECT_NEAR(*L.vertex, 0, 6);
    EXPECT_NEAR(*L.diaphragmDomeRight, -468, 15);
    EXPECT_NEAR(*L.iliacCrests, -655, 15);
    EXPECT_LE(*L.femoralHeads, -765);
    EXPECT_GE(*L.femoralHeads, -785);
    ASSERT_TRUE(L.thighs);
    EXPECT_LT(L.thighs->toMm, *L.femoralHeads - 60);
    ASSERT_TRUE(L.spine);
    EXPECT_GT(L.spine->length(), 500) << "from the neck to the sacrum";
    // Every region in its order down the body, each inside the phantom's own ranges.
    for (const char* id : {"head", "airway", "cervical_spine", "chest_lungs", "chest_mediastinum", "abdomen_pelvis",
                           "spine", "extremities"})
        EXPECT_NE(f.region(id), nullptr) << id;
    // The cervical spine is its own region, above the thoracolumbar spine and down to about the lung apices.
    EXPECT_GE(f.region("cervical_spine")->zFromMm, f.region("spine")->zToMm - 1);
    EXPECT_NEAR(f.region("cervical_spine")->zFromMm, L.lungs->toMm, 25);
    EXPECT_GT(f.region("head")->zFromMm, f.region("chest_lungs")->zToMm);
    EXPECT_GT(f.region("chest_lungs")->zToMm, f.region("abdomen_pelvis")->zToMm);
    EXPECT_GT(f.region("abdomen_pelvis")->zFromMm, f.region("extremities")->zFromMm);
}

TEST(BodyLandmarks, ThePhantomsThreePhasesAreToldApartByTheAortaAndLiver) {
    const auto& art = phantomSeries(phantom::SeriesKind::Arterial).contrast;
    const auto& pv = phantomSeries(phantom::SeriesKind::PortalVenous).contrast;
    const auto& nc = phantomSeries(phantom::SeriesKind::NonContrast).contrast;
    EXPECT_EQ(art.phase, ContrastPhase::Arterial) << art.reason;
    EXPECT_EQ(pv.phase, ContrastPhase::PortalVenous) << pv.reason;
    EXPECT_EQ(nc.phase, ContrastPhase::NonContrast) << nc.reason;
    // The phantom's aorta is 330 / 175 HU and its liver 82 / 118 HU in the arterial / portal phase.
    ASSERT_TRUE(art.aortaHu && pv.aortaHu && art.liverHu && pv.liverHu);
    EXPECT_NEAR(*art.aortaHu, 330, 30);
    EXPECT_NEAR(*pv.aortaHu, 175, 30);
    EXPECT_NEAR(*art.liverHu, 82, 15);
    EXPECT_NEAR(*pv.liverHu, 118, 15);
}

TEST(BodyLandmarks, ASegmentationDrivesTheLandmarksByItsStructureNames) {
    // A label volume on a 1 mm grid, z from -100 to 99: boxes standing in for TotalSegmentator's structures.
    StructureLabels labels;
    labels.geometry.dims = {20, 20, 200};
    labels.geometry.origin = {0, 0, -100};
    labels.voxels.assign(labels.geometry.voxelCount(), 0);
    labels.names = {{10, "lung_upper_lobe_left"},
                    {14, "lung_lower_lobe_right"},
                    {5, "liver"},
                    {1, "spleen"},
                    {90, "brain"},
                    {46, "vertebrae_C5"},
                    {31, "vertebrae_L1"},
                    {77, "hip_left"},
                    {78, "hip_right"},
                    {75, "femur_left"},
                    {76, "femur_right"},
                    {999, "made_up_thing"}};
    int column = 0;  // each structure in a column of its own, so no box overwrites another
    auto box = [&](int label, int zFrom, int zTo) {
        const int i0 = column++;
        for (int z = zFrom; z <= zTo; ++z)
            for (int j = 5; j < 8; ++j)
                for (int i = i0; i < i0 + 1; ++i)
                    labels.voxels[(std::size_t(z + 100) * 20 + j) * 20 + i] = uint16_t(label);
    };
    box(90, 80, 99);
    box(46, 60, 70);
    box(10, 20, 50);
    box(14, 10, 45);
    box(5, -10, 15);
    box(1, -5, 12);
    box(31, -20, -5);
    box(77, -60, -35);
    box(78, -62, -38);
    box(75, -90, -45);
    box(76, -92, -47);
    const auto L = findLandmarks(labels);
    EXPECT_EQ(L.source, "segmentation");
    ASSERT_TRUE(L.lungs && L.cranium && L.cervicalSpine && L.spine && L.iliacCrests && L.femoralHeads);
    EXPECT_DOUBLE_EQ(L.lungs->fromMm, 10);
    EXPECT_DOUBLE_EQ(L.lungs->toMm, 50);
    EXPECT_DOUBLE_EQ(*L.diaphragmDomeRight, 15);
    EXPECT_DOUBLE_EQ(*L.diaphragmDomeLeft, 12);
    EXPECT_DOUBLE_EQ(*L.skullBase, 80);
    EXPECT_DOUBLE_EQ(L.cervicalSpine->fromMm, 60);
    EXPECT_DOUBLE_EQ(L.spine->fromMm, -20);
    EXPECT_DOUBLE_EQ(*L.iliacCrests, -38);
    EXPECT_DOUBLE_EQ(*L.femoralHeads, -47);
    EXPECT_DOUBLE_EQ(*L.pelvisBottom, -60);
    const auto regions = scenario::regionsFromLandmarks(L);
    auto find = [&](const char* id) {
        return std::find_if(regions.begin(), regions.end(), [&](const auto& r) { return r.id == id; });
    };
    ASSERT_NE(find("chest_lungs"), regions.end());
    ASSERT_NE(find("abdomen_pelvis"), regions.end());
    EXPECT_DOUBLE_EQ(find("abdomen_pelvis")->zToMm, 15) << "the abdomen starts at the liver's top";

    labels.voxels.pop_back();
    EXPECT_THROW(findLandmarks(labels), std::invalid_argument) << "a segmentation off the CT's grid is refused";
}

TEST(BodyLandmarks, TheLandmarksCommandPrintsRegionsAndRefusesBadInputClearly) {
    const fs::path chest = fixturesDir() / "real/lidc-idri-0001-chest";
    auto r = runPolysim("landmarks --json '" + chest.string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("\"id\": \"chest_lungs\""), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("\"id\": \"head\""), std::string::npos) << "no head region on a chest CT";
    EXPECT_NE(r.out.find("\"phase\": \"arterial\""), std::string::npos);

    auto missing = runPolysim("landmarks /no/such/folder");
    EXPECT_EQ(missing.exitCode, 1);
    EXPECT_NE(missing.err.find("/no/such/folder"), std::string::npos) << missing.err;
    auto none = runPolysim("landmarks");
    EXPECT_EQ(none.exitCode, 2) << "a usage error";
    EXPECT_NE(none.err.find("missing PATH"), std::string::npos) << none.err;
}

TEST(BodyLandmarks, ACoronalSeriesGetsNoInventedLandmarks) {
    VolumeGeometry g;
    g.dims = {64, 64, 40};
    g.spacing = {2, 2, 2};
    g.direction = glm::dmat3(glm::dvec3(1, 0, 0), glm::dvec3(0, 0, -1), glm::dvec3(0, 1, 0));  // slices along y
    Volume v(g, 40);
    v.markAllReady();
    const auto L = findLandmarks(v);
    EXPECT_FALSE(L.body || L.lungs || L.cranium || L.spine);
    ASSERT_FALSE(L.notes.empty());
    EXPECT_NE(L.notes.front().find("not axial"), std::string::npos) << L.notes.front();
    EXPECT_TRUE(scenario::regionsFromLandmarks(L).empty()) << "no region is placed without landmarks";
}

// The cervical spine dataset names its vertebra masks C1..C7 and T1..T12: they count as vertebrae; and a partial
// segmentation (vertebrae only) keeps the landmarks the images found for the rest.
TEST(BodyLandmarks, DatasetVertebraNamesCountAndAPartialSegmentationIsCompletedByTheImages) {
    StructureLabels labels;
    labels.geometry.dims = {4, 4, 100};
    labels.geometry.origin = {0, 0, -50};
    labels.voxels.assign(labels.geometry.voxelCount(), 0);
    labels.names = {{2, "C2"}, {8, "T1"}, {20, "C2x"}};
    auto slab = [&](int label, int zFrom, int zTo) {
        for (int z = zFrom; z <= zTo; ++z) labels.voxels[std::size_t(z + 50) * 16 + 5] = uint16_t(label);
    };
    slab(2, 30, 40);
    slab(8, -10, 0);
    slab(20, -50, -40);  // not a vertebra's name
    const auto fromMasks = findLandmarks(labels);
    ASSERT_TRUE(fromMasks.spine && fromMasks.cervicalSpine);
    EXPECT_DOUBLE_EQ(fromMasks.spine->fromMm, -10);
    EXPECT_DOUBLE_EQ(fromMasks.spine->toMm, 40);
    EXPECT_DOUBLE_EQ(fromMasks.cervicalSpine->fromMm, 30);
    EXPECT_FALSE(fromMasks.lungs);

    BodyLandmarks fromImages;
    fromImages.volume = fromMasks.volume;
    fromImages.lungs = ZInterval{-40, 20};
    fromImages.spine = ZInterval{-50, 10};
    fromImages.cervicalSpine = ZInterval{25, 45};
    const auto both = combineLandmarks(fromMasks, fromImages);
    ASSERT_TRUE(both.lungs && both.spine && both.cervicalSpine);
    EXPECT_DOUBLE_EQ(both.lungs->fromMm, -40) << "the images' lungs, which the masks lack";
    EXPECT_DOUBLE_EQ(both.spine->fromMm, -50) << "the spine spans both";
    EXPECT_DOUBLE_EQ(both.spine->toMm, 40);
    EXPECT_DOUBLE_EQ(both.cervicalSpine->fromMm, 30) << "the masks' vertebrae before the images'";
    EXPECT_EQ(both.source, "segmentation and images");
}

}  // namespace
}  // namespace polysim::test
