// Images without a SeriesInstanceUID: the loader groups them by study, series number, orientation and geometry (as
// dcm2niix does), says what was missing, and never merges two series that happen to share a folder.
#include <gtest/gtest.h>

#include <algorithm>

#include "imaging/dicom_loader.h"
#include "support/dicom_writer.h"
#include "support/test_env.h"

namespace polysim::test {
namespace {
using namespace polysim::imaging;
namespace fs = std::filesystem;

// One stack of slices at the given z positions, written into `dir` with a file-name prefix.
void writeStack(const fs::path& dir, const std::string& prefix, SyntheticSlice base, const std::vector<double>& z) {
    fs::create_directories(dir);
    base.rescaleIntercept = -1024;
    for (std::size_t i = 0; i < z.size(); ++i) {
        SyntheticSlice s = base;
        s.instanceNumber = int(i) + 1;
        s.position = base.position + glm::dvec3(0, 0, z[i]);
        writeCtSlice(dir / (prefix + std::to_string(100 + i) + ".dcm"), s);
    }
}

std::vector<const SeriesReport*> ctSeries(const ScanReport& scan) {
    std::vector<const SeriesReport*> out;
    for (const auto& s : scan.series)
        if (s.isCt) out.push_back(&s);
    return out;
}

bool warns(const SeriesReport& s, const std::string& words) {
    return std::any_of(s.warnings.begin(), s.warnings.end(),
                       [&](const std::string& w) { return w.find(words) != std::string::npos; });
}

TEST(DicomGrouping, TheTotalSegmentatorSeriesWithoutSeriesUidLoadsAsOneVolumeAndSaysWhatWasMissing) {
    const fs::path dir = fixturesDir() / "real/totalsegmentator-example/example_ct_dicom";
    ASSERT_TRUE(fs::is_directory(dir)) << dir;
    ScanReport scan = scanDicom(dir);
    EXPECT_TRUE(scan.skipped.empty()) << scan.skipped.front().path << ": " << scan.skipped.front().reason;
    ASSERT_EQ(scan.series.size(), 1u);
    const SeriesReport& s = scan.series.front();
    EXPECT_EQ(s.imageCount, 20);
    EXPECT_TRUE(s.loadable) << s.notLoadableReason;
    EXPECT_TRUE(s.seriesInstanceUid.empty());
    EXPECT_EQ(s.id.rfind("nouid-", 0), 0u) << s.id;
    EXPECT_EQ(seriesKey(s), s.id);
    // The files lack the series UID, the study UID and the series number: the warning names all three.
    EXPECT_TRUE(warns(s, "SeriesInstanceUID")) << s.warnings.front();
    EXPECT_TRUE(warns(s, "StudyInstanceUID"));
    EXPECT_TRUE(warns(s, "SeriesNumber"));
    // The id is the same on every scan, so a case file can name the series.
    EXPECT_EQ(scanDicom(dir).series.front().id, s.id);
    auto volume = loadCtVolume(scan, s.id);
    EXPECT_EQ(volume->dims(), glm::ivec3(512, 512, 20));
    EXPECT_NEAR(volume->geometry().spacing.z, 2.0, 1e-3);
    EXPECT_EQ(loadCtVolume(dir)->dims().z, 20);  // and it is the default CT volume of its folder
}

TEST(DicomGrouping, TwoSeriesWithoutUidsInOneFolderAreNotMerged) {
    // Two reconstructions of the same range, interleaved in one folder, told apart only by their series numbers.
    const fs::path dir = scratchDir("nouid-two-series");
    SyntheticSlice a;
    a.seriesNumber = 2;
    SyntheticSlice b = a;
    b.seriesNumber = 3;
    writeStack(dir, "x", a, {0, 2, 4, 6, 8});
    writeStack(dir, "y", b, {0, 2, 4, 6, 8, 10, 12});
    ScanReport scan = scanDicom(dir);
    auto series = ctSeries(scan);
    ASSERT_EQ(series.size(), 2u);
    std::vector<int> counts{series[0]->imageCount, series[1]->imageCount};
    std::sort(counts.begin(), counts.end());
    EXPECT_EQ(counts, (std::vector<int>{5, 7}));
    for (const auto* s : series) {
        EXPECT_EQ(s->duplicatePositions, 0) << s->id;
        EXPECT_TRUE(s->splitReason.empty()) << s->id;
        EXPECT_TRUE(warns(*s, "SeriesInstanceUID")) << s->id;
        EXPECT_FALSE(warns(*s, "StudyInstanceUID")) << "the study UID is present";
    }
    EXPECT_NE(series[0]->id, series[1]->id);
    EXPECT_EQ(loadCtVolume(scan)->dims().z, 7);
    const auto& five = series[0]->imageCount == 5 ? *series[0] : *series[1];
    EXPECT_EQ(loadCtVolume(scan, five.id)->dims().z, 5);
}

TEST(DicomGrouping, SameSeriesNumberButAnotherStudyOrientationOrMatrixStaysApart) {
    const fs::path dir = scratchDir("nouid-same-number");
    SyntheticSlice axial;
    axial.seriesNumber = 1;
    writeStack(dir / "axial", "a", axial, {0, 2, 4, 6});
    SyntheticSlice otherStudy = axial;
    otherStudy.studyInstanceUid = newUid();
    writeStack(dir / "study2", "s", otherStudy, {0, 2, 4});
    SyntheticSlice coronal = axial;
    coronal.rowDirection = {1, 0, 0};
    coronal.columnDirection = {0, 0, -1};
    SyntheticSlice bigger = axial;
    bigger.rows = bigger.columns = 96;
    writeStack(dir / "bigger", "b", bigger, {1, 3});
    // A coronal stack steps along y.
    fs::create_directories(dir / "coronal");
    for (int i = 0; i < 3; ++i) {
        SyntheticSlice s = coronal;
        s.rescaleIntercept = -1024;
        s.instanceNumber = i + 1;
        s.position = {0, 10.0 * i, 50};
        writeCtSlice(dir / "coronal" / ("c" + std::to_string(i) + ".dcm"), s);
    }
    ScanReport scan = scanDicom(dir);
    auto series = ctSeries(scan);
    ASSERT_EQ(series.size(), 4u);
    std::vector<int> counts;
    for (const auto* s : series) {
        counts.push_back(s->imageCount);
        EXPECT_TRUE(s->splitReason.empty()) << s->id << " should be a series of its own, not a split part";
        EXPECT_TRUE(s->loadable) << s->id;
    }
    std::sort(counts.begin(), counts.end());
    EXPECT_EQ(counts, (std::vector<int>{2, 3, 3, 4}));
}

TEST(DicomGrouping, ImagesWithAUidAreNeverJoinedToImagesWithout) {
    const fs::path dir = scratchDir("nouid-mixed");
    SyntheticSlice with;
    with.seriesInstanceUid = newUid();
    SyntheticSlice without;
    writeStack(dir, "w", with, {0, 2, 4});
    writeStack(dir, "n", without, {6, 8});
    ScanReport scan = scanDicom(dir);
    auto series = ctSeries(scan);
    ASSERT_EQ(series.size(), 2u);
    for (const auto* s : series) {
        if (s->seriesInstanceUid.empty()) {
            EXPECT_EQ(s->imageCount, 2);
        } else {
            EXPECT_EQ(s->seriesInstanceUid, with.seriesInstanceUid);
            EXPECT_EQ(s->imageCount, 3);
            EXPECT_FALSE(warns(*s, "SeriesInstanceUID"));
        }
    }
}

TEST(DicomGrouping, InfoListsTheGroupWithItsWarningAndNoSeriesUid) {
    const fs::path dir = fixturesDir() / "real/totalsegmentator-example/example_ct_dicom";
    auto r = runPolysim("info --json --headers-only '" + dir.string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("\"series_instance_uid\": null"), std::string::npos) << r.out.substr(0, 2000);
    EXPECT_NE(r.out.find("\"default_ct_series\": \"nouid-"), std::string::npos);
    EXPECT_NE(r.out.find("without SeriesInstanceUID (0020,000E)"), std::string::npos);
}

}  // namespace
}  // namespace polysim::test
