// The TotalSegmentator example's DICOM series with its own segmentation. Its files carry no SeriesInstanceUID: the
// loader groups them into one series (as dcm2niix does), and the mask must land on that series.
#include <gtest/gtest.h>

#include "imaging/dicom_loader.h"
#include "imaging/segmentation.h"
#include "scenario/loader.h"
#include "support/test_env.h"

using namespace polysim;
namespace fs = std::filesystem;

namespace {
fs::path tsDir() {
    return test::fixturesDir() / "real" / "totalsegmentator-example";
}

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
    ASSERT_TRUE(ct) << "example_ct_dicom (files without a SeriesInstanceUID) did not load as one series";
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
    ASSERT_TRUE(exampleDicom()) << "example_ct_dicom (files without a SeriesInstanceUID) did not load as one series";
    const fs::path dir = test::scratchDir("seg_dicom_import");
    auto r =
        test::runPolysim("import segmented '" + (tsDir() / "example_ct_dicom").string() + "' --masks '" +
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

// `author --new FOLDER --masks SEG`: a mask that does not lie on the folder's series is refused before anything is
// written, naming the mask and the reason; --masks makes no sense on the phantom.
TEST(SegmentationOnDicom, AuthorNewRefusesAMaskOffTheSeriesNamingIt) {
    const fs::path dir = test::scratchDir("seg_dicom_author_off");
    auto seg = imaging::readSegmentation(tsDir() / "example_seg_dicom.nii.gz");
    seg.geometry.origin.z += 500;
    imaging::writeNiftiLabels(seg, dir / "shifted_seg.nii.gz");
    auto r = test::runPolysim("author --new '" + (tsDir() / "example_ct_dicom").string() + "' --masks '" +
                              (dir / "shifted_seg.nii.gz").string() + "' --out '" + (dir / "case.toml").string() + "'");
    EXPECT_EQ(r.exitCode, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("shifted_seg.nii.gz"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("does not overlap"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / "case.toml"));
    r = test::runPolysim("author --new phantom --masks '" + (dir / "shifted_seg.nii.gz").string() + "' --out '" +
                         (dir / "p.toml").string() + "'");
    EXPECT_EQ(r.exitCode, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("--masks and --labels go with --new DICOM_FOLDER"), std::string::npos) << r.err;
}

// `landmarks --masks`: the example's own mask gives the landmarks it has and the output says where they came from; a
// mask beside the series is a clear error naming it.
TEST(SegmentationOnDicom, LandmarksWithTheMaskSayWhereTheyCameFrom) {
    const std::string ct = "'" + (tsDir() / "example_ct_dicom").string() + "'";
    auto r = test::runPolysim("landmarks " + ct + " --masks '" + (tsDir() / "example_seg_dicom.nii.gz").string() +
                              "' --json");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("\"source\": \"segmentation and images\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"id\": \"spine\""), std::string::npos) << r.out;
    const fs::path dir = test::scratchDir("seg_dicom_landmarks_off");
    auto seg = imaging::readSegmentation(tsDir() / "example_seg_dicom.nii.gz");
    seg.geometry.origin.x += 600;
    imaging::writeNiftiLabels(seg, dir / "beside_seg.nii.gz");
    r = test::runPolysim("landmarks " + ct + " --masks '" + (dir / "beside_seg.nii.gz").string() + "'");
    EXPECT_EQ(r.exitCode, 1) << r.out;
    EXPECT_NE(r.err.find("beside_seg.nii.gz"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("does not overlap"), std::string::npos) << r.err;
    r = test::runPolysim("landmarks " + ct);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("(landmarks from the images)"), std::string::npos) << r.out;
}
