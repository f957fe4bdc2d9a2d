// The TotalSegmentator example's DICOM series with its own segmentation. Its files carry no SeriesInstanceUID: until
// the loader groups such files these tests are skipped with the reason, and from then on they check the placement.
#include <gtest/gtest.h>

#include "imaging/dicom_loader.h"
#include "imaging/segmentation.h"
#include "scenario/loader.h"
#include "support/test_env.h"

using namespace polysim;
namespace fs = std::filesystem;

namespace {
fs::path tsDir() { return test::fixturesDir() / "real" / "totalsegmentator-example"; }

std::shared_ptr<imaging::Volume> exampleDicom() {
    const auto scan = imaging::scanDicom(tsDir() / "example_ct_dicom");
    for (const auto& s : scan.series)
        if (s.isCt && s.loadable) return imaging::loadCtVolume(scan);
    return nullptr;
}

double meanHu(const imaging::Volume& ct, const imaging::LabelMap& map, int label) {
    double sum = 0;
    std::size_t n = 0;
    auto v = ct.voxels();
    for (std::size_t i = 0; i < map.labels.size(); ++i)
        if (map.labels[i] == label) sum += v[i], ++n;
    return n ? sum / double(n) : std::nan("");
}
}  // namespace

// The mask lands on the series' own tissue: organs on soft tissue, vertebrae on bone, the spleen on the left.
TEST(SegmentationOnDicom, ExampleMaskLandsOnItsSeries) {
    const auto ct = exampleDicom();
    if (!ct) GTEST_SKIP() << "the loader does not yet group example_ct_dicom (no SeriesInstanceUID)";
    const auto seg = imaging::readSegmentation(tsDir() / "example_seg_dicom.nii.gz");
    const auto placed = imaging::placeOnGeometry(seg, ct->geometry());
    const auto counts = imaging::labelCounts(placed);
    EXPECT_GE(counts.size(), 20u);
    int organs = 0, bones = 0;
    for (const auto& [label, n] : counts) {
        if (n < 200) continue;
        const std::string name = placed.nameOf(label);
        const double hu = meanHu(*ct, placed, label);
        if (name == "liver" || name == "spleen" || name == "kidney_left" || name == "kidney_right") {
            ++organs;
            EXPECT_GT(hu, 0.0) << name;
            EXPECT_LT(hu, 250.0) << name;
        } else if (name.rfind("vertebrae_", 0) == 0) {
            ++bones;
            EXPECT_GT(hu, 120.0) << name;
        }
    }
    EXPECT_GT(organs + bones, 0);
    if (auto spleen = placed.labelOf("spleen"), liver = placed.labelOf("liver");
        spleen && liver && counts.count(*spleen) && counts.count(*liver)) {
        EXPECT_GT(imaging::structureExtent(placed, *spleen).centroid.x,
                  imaging::structureExtent(placed, *liver).centroid.x);
    }
}

// The whole import on the example's DICOM series: the laceration's ground truth lies in the spleen of the mask.
TEST(SegmentationOnDicom, InjuriesInsertedIntoTheExampleSeries) {
    if (!exampleDicom()) GTEST_SKIP() << "the loader does not yet group example_ct_dicom (no SeriesInstanceUID)";
    const fs::path dir = test::scratchDir("seg_dicom_import");
    auto r = test::runPolysim("import segmented '" + (tsDir() / "example_ct_dicom").string() + "' --masks '" +
                              (tsDir() / "example_seg_dicom.nii.gz").string() +
                              "' --insert splenic_laceration,rib_fracture --out '" + (dir / "case.toml").string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err << r.out;
    const auto loaded = scenario::loadScenario(dir / "case.toml");
    ASSERT_TRUE(loaded.ok()) << scenario::formatDiagnostics(loaded.diagnostics);
    const auto seg = imaging::readSegmentation(tsDir() / "example_seg_dicom.nii.gz");
    const auto spleen = imaging::structureExtent(seg, *seg.labelOf("spleen"));
    const auto* lac = loaded.scenario->findFinding("splenic_laceration");
    ASSERT_TRUE(lac);
    for (int a = 0; a < 3; ++a) {
        EXPECT_GT(lac->centreLps[a], spleen.lo[a] - 5) << a;
        EXPECT_LT(lac->centreLps[a], spleen.hi[a] + 5) << a;
    }
}
