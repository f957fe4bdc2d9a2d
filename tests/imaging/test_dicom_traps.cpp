// The traps real CT folders hold, written by the test with DCMTK: the loader must sort, split, rescale, regrid and
// skip exactly as a radiologist would expect, and say what it did.
#include <gtest/gtest.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <atomic>
#include <cmath>
#include <fstream>

#include "imaging/dicom_loader.h"
#include "support/dicom_writer.h"
#include "support/test_env.h"

namespace polysim::test {
namespace {
using namespace polysim::imaging;
namespace fs = std::filesystem;

// Writes a stack: one file per z, file names in the given order, HU = stored - 1024 (signed storage).
struct Stack {
    fs::path dir;
    std::string uid = newUid();
    std::vector<double> z;
    std::vector<int> instance;  // defaults to 1..n
    SyntheticSlice base;

    Stack(fs::path folder, std::vector<double> positions) : dir(std::move(folder)), z(std::move(positions)) {
        base.seriesInstanceUid = uid;
        base.rescaleIntercept = -1024;
    }
    SyntheticSlice slice(std::size_t i) const {
        SyntheticSlice s = base;
        s.instanceNumber = instance.empty() ? int(i) + 1 : instance[i];
        s.position = glm::dvec3(-32, -32, z[i]);
        // Pattern keyed by position, so the expected content of each z is known whatever the file order.
        s.stored = testPattern(s.rows, s.columns, int(std::lround(z[i] * 10)));
        return s;
    }
    void write(const std::string& prefix = "img") const {
        fs::create_directories(dir);
        for (std::size_t i = 0; i < z.size(); ++i)
            writeCtSlice(dir / (prefix + std::to_string(1000 + i) + ".dcm"), slice(i));
    }
};

// HU a slice of the stack at position z has at (i, j).
int16_t expectedHu(const SyntheticSlice& base, double z, int i, int j) {
    auto p = testPattern(base.rows, base.columns, int(std::lround(z * 10)));
    return int16_t(p[std::size_t(j) * base.columns + i] - 1024);
}

void expectSliceIs(const Volume& v, int k, const SyntheticSlice& base, double z) {
    for (int j = 0; j < base.rows; j += 7)
        for (int i = 0; i < base.columns; i += 5)
            ASSERT_EQ(v.at(i, j, k), expectedHu(base, z, i, j))
                << "slice " << k << " should be z=" << z << " at " << i << "," << j;
}

TEST(DicomTraps, ReversedInstanceNumbersDoNotChangeTheAnatomicOrder) {
    Stack s(scratchDir("reversed"), {0, 2, 4, 6});
    s.instance = {4, 3, 2, 1};
    s.write();
    LoadReport report;
    auto v = loadCtVolume(s.dir, {}, {}, &report);
    ASSERT_EQ(v->dims(), glm::ivec3(64, 64, 4));
    for (int k = 0; k < 4; ++k) expectSliceIs(*v, k, s.base, 2.0 * k);
    EXPECT_DOUBLE_EQ(v->geometry().spacing.z, 2.0);
    EXPECT_FALSE(report.resampled);
}

TEST(DicomTraps, EqualInstanceNumbersAreSortedByPosition) {
    Stack s(scratchDir("equal-instance"), {6, 0, 4, 2});
    s.instance = {1, 1, 1, 1};
    s.write();
    auto v = loadCtVolume(s.dir);
    ASSERT_EQ(v->dims().z, 4);
    for (int k = 0; k < 4; ++k) expectSliceIs(*v, k, s.base, 2.0 * k);
}

TEST(DicomTraps, DescendingPositionsGiveAnAscendingVolumeWithTheRightOrigin) {
    Stack s(scratchDir("descending"), {30, 27.5, 25, 22.5, 20});
    s.write();
    auto v = loadCtVolume(s.dir);
    const auto& g = v->geometry();
    EXPECT_NEAR(g.origin.z, 20.0, 1e-6);
    EXPECT_NEAR(g.spacing.z, 2.5, 1e-6);
    EXPECT_NEAR(g.indexToPatient({0, 0, 4}).z, 30.0, 1e-6);
    expectSliceIs(*v, 0, s.base, 20);
    expectSliceIs(*v, 4, s.base, 30);
}

TEST(DicomTraps, CoronalSeriesKeepsItsPatientGeometry) {
    fs::path dir = scratchDir("coronal");
    SyntheticSlice base;
    base.seriesInstanceUid = newUid();
    base.rowDirection = {1, 0, 0};
    base.columnDirection = {0, 0, -1};
    base.pixelSpacing = {0.8, 1.5};
    for (int k = 0; k < 3; ++k) {
        SyntheticSlice s = base;
        s.instanceNumber = k + 1;
        s.position = {-20, 10.0 + 3.0 * k, 50};  // stacked along +y (posterior)
        writeCtSlice(dir / ("c" + std::to_string(k) + ".dcm"), s);
    }
    ScanReport scan = scanDicom(dir);
    ASSERT_EQ(scan.series.size(), 1u);
    EXPECT_EQ(scan.series[0].orientation, "coronal");
    auto v = loadCtVolume(scan);
    const auto& g = v->geometry();
    // Voxel (i, j, k) sits at position_k + i * 0.8 * row + j * 1.5 * column.
    glm::dvec3 p = g.indexToPatient({10, 20, 2});
    EXPECT_NEAR(p.x, -20 + 10 * 0.8, 1e-6);
    EXPECT_NEAR(p.y, 16.0, 1e-6);
    EXPECT_NEAR(p.z, 50 - 20 * 1.5, 1e-6);
    EXPECT_NEAR(g.spacing.x, 0.8, 1e-9);
    EXPECT_NEAR(g.spacing.y, 1.5, 1e-9);
}

TEST(DicomTraps, UnevenSpacingIsReportedAndResampledOntoARegularGrid) {
    Stack s(scratchDir("uneven"), {0, 2, 4, 7, 9});
    s.write();
    ScanReport scan = scanDicom(s.dir);
    ASSERT_EQ(scan.series.size(), 1u);
    const auto& r = scan.series[0];
    EXPECT_FALSE(r.uniformSpacing);
    EXPECT_EQ(r.missingSlices, 0);
    EXPECT_NEAR(r.minSliceGap, 2.0, 1e-6);
    EXPECT_NEAR(r.maxSliceGap, 3.0, 1e-6);
    EXPECT_TRUE(r.needsResampling);
    LoadReport report;
    auto v = loadCtVolume(scan, {}, {}, &report);
    EXPECT_TRUE(report.resampled);
    EXPECT_NE(report.resampling.find("regular orthogonal grid"), std::string::npos);
    const auto& g = v->geometry();
    ASSERT_EQ(g.dims.z, 6);  // 9 mm at the smallest gap (2 mm) -> 5 intervals of 1.8 mm
    EXPECT_NEAR(g.spacing.z, 1.8, 1e-9);
    expectSliceIs(*v, 0, s.base, 0);
    expectSliceIs(*v, 5, s.base, 9);
    // z = 5.4 lies between the slices at 4 and 7: 8/15 of the way.
    const double w = (5.4 - 4.0) / 3.0;
    double expected = expectedHu(s.base, 4, 10, 10) * (1 - w) + expectedHu(s.base, 7, 10, 10) * w;
    EXPECT_NEAR(v->at(10, 10, 3), expected, 1.0);
}

TEST(DicomTraps, AMissingSliceIsNamedAndFilledByInterpolation) {
    Stack s(scratchDir("missing"), {0, 2, 4, 8, 10});
    s.write();
    ScanReport scan = scanDicom(s.dir);
    const auto& r = scan.series.at(0);
    EXPECT_EQ(r.missingSlices, 1);
    bool named = false;
    for (const auto& w : r.warnings) named |= w.find("missing") != std::string::npos;
    EXPECT_TRUE(named);
    auto v = loadCtVolume(scan);
    ASSERT_EQ(v->dims().z, 6);
    EXPECT_NEAR(v->geometry().spacing.z, 2.0, 1e-9);
    expectSliceIs(*v, 4, s.base, 8);
    double mid = 0.5 * (expectedHu(s.base, 4, 3, 3) + expectedHu(s.base, 8, 3, 3));
    EXPECT_NEAR(v->at(3, 3, 3), mid, 1.0);
}

TEST(DicomTraps, DuplicatePositionsAreCountedAndTheFirstPhaseIsUsed) {
    Stack s(scratchDir("duplicates"), {0, 2, 4, 0, 2, 4});
    s.instance = {1, 2, 3, 4, 5, 6};
    s.write();
    // Make the second phase different: rewrite it with a brighter pattern.
    for (int i = 3; i < 6; ++i) {
        SyntheticSlice later = s.slice(std::size_t(i));
        for (auto& v : later.stored) v = uint16_t(v + 500);
        writeCtSlice(s.dir / ("img" + std::to_string(1000 + i) + ".dcm"), later);
    }
    ScanReport scan = scanDicom(s.dir);
    EXPECT_EQ(scan.series.at(0).duplicatePositions, 3);
    auto v = loadCtVolume(scan);
    ASSERT_EQ(v->dims().z, 3);
    for (int k = 0; k < 3; ++k) expectSliceIs(*v, k, s.base, 2.0 * k);
}

// An AP topogram of 40 columns by 80 rows (rows run from head to feet) with the rest of `base`'s header.
SyntheticSlice apScout(const SyntheticSlice& base) {
    SyntheticSlice scout = base;
    scout.localizer = true;
    scout.rows = 80;
    scout.columns = 40;
    scout.rowDirection = {1, 0, 0};
    scout.columnDirection = {0, 0, -1};
    scout.position = {-100, 0, 200};
    return scout;
}

TEST(DicomTraps, ALocalizerInsideTheSeriesIsSplitOffAndNotStacked) {
    Stack s(scratchDir("localizer"), {0, 2, 4, 6, 8});
    s.write();
    SyntheticSlice scout = apScout(s.base);
    scout.instanceNumber = 99;
    writeCtSlice(s.dir / "scout.dcm", scout);
    ScanReport scan = scanDicom(s.dir);
    ASSERT_EQ(scan.series.size(), 2u);
    const SeriesReport* localizer = nullptr;
    for (const auto& r : scan.series)
        if (r.localizer) localizer = &r;
    ASSERT_NE(localizer, nullptr);
    EXPECT_NE(localizer->splitReason.find("localizer"), std::string::npos);
    EXPECT_FALSE(localizer->loadable);
    auto v = loadCtVolume(scan, s.uid);
    EXPECT_EQ(v->dims(), glm::ivec3(64, 64, 5));
}

TEST(DicomTraps, AScoutImageLoadsOnItsOwnPlacedByItsHeader) {
    Stack s(scratchDir("localizer-alone"), {0, 2, 4});
    s.write();
    SyntheticSlice scout = apScout(s.base);
    scout.seriesInstanceUid = newUid();
    scout.pixelSpacing = {0.5, 1.5};  // between columns, between rows
    scout.stored = testPattern(scout.rows, scout.columns, 7);
    writeCtSlice(s.dir / "scout.dcm", scout);

    // Asked for by its series, or found as the folder's only localizer: one coronal image, not the stack.
    for (const std::string& uid : {scout.seriesInstanceUid, std::string()}) {
        auto v = loadLocalizer(s.dir, uid);
        ASSERT_EQ(v->dims(), glm::ivec3(40, 80, 1));
        EXPECT_TRUE(v->complete());
        const auto& g = v->geometry();
        EXPECT_NEAR(glm::length(g.indexToPatient({0, 0, 0}) - glm::dvec3(-100, 0, 200)), 0.0, 1e-9);
        // Column index runs along the row direction (patient left), row index down the patient (S to I).
        EXPECT_NEAR(glm::length(g.indexToPatient({39, 79, 0}) - glm::dvec3(-100 + 39 * 0.5, 0, 200 - 79 * 1.5)), 0.0,
                    1e-9);
        EXPECT_NEAR(std::abs(g.direction[2].y), 1.0, 1e-12) << "an AP topogram looks along P";
        for (int j = 0; j < 80; j += 9)
            for (int i = 0; i < 40; i += 7)
                ASSERT_EQ(v->at(i, j, 0), int16_t(scout.stored[std::size_t(j) * 40 + i] - 1024)) << i << "," << j;
    }
    // The stack is no localizer: asking for it by its UID says so and names the folder.
    try {
        loadLocalizer(s.dir, s.uid);
        FAIL() << "the axial stack was loaded as a scout";
    } catch (const SeriesNotFoundError& e) {
        EXPECT_NE(std::string(e.what()).find(s.dir.string()), std::string::npos) << e.what();
    }
}

TEST(DicomTraps, TwoSeriesInOneFolderAreBothListedAndTheLargerIsTheDefault) {
    fs::path dir = scratchDir("two-series");
    Stack small(dir / "a", {0, 5, 10});
    Stack large(dir / "b", {0, 1, 2, 3, 4, 5, 6});
    small.write();
    large.write();
    ScanReport scan = scanDicom(dir);
    ASSERT_EQ(scan.series.size(), 2u);
    EXPECT_EQ(chooseCtSeries(scan).seriesInstanceUid, large.uid);
    EXPECT_EQ(loadCtVolume(scan)->dims().z, 7);
    EXPECT_EQ(loadCtVolume(scan, small.uid)->dims().z, 3);
    EXPECT_THROW(loadCtVolume(scan, "1.2.3.4.5.6.7"), SeriesNotFoundError);
}

TEST(DicomTraps, EachSliceUsesItsOwnRescale) {
    fs::path dir = scratchDir("rescale");
    SyntheticSlice a;
    a.seriesInstanceUid = newUid();
    a.stored.assign(64 * 64, 1100);
    a.rescaleIntercept = -1024;  // 76 HU
    SyntheticSlice b = a;
    b.instanceNumber = 2;
    b.position.z = 2;
    b.rescaleSlope = 2.0;
    b.rescaleIntercept = -2048;  // 2 * 1100 - 2048 = 152 HU
    SyntheticSlice c = b;
    c.instanceNumber = 3;
    c.position.z = 4;
    c.rescaleSlope = 0.5;
    c.rescaleIntercept = -500.25;  // 550 - 500.25 = 49.75 -> 50 HU
    writeCtSlice(dir / "a.dcm", a);
    writeCtSlice(dir / "b.dcm", b);
    writeCtSlice(dir / "c.dcm", c);
    auto v = loadCtVolume(dir);
    EXPECT_EQ(v->at(5, 5, 0), 76);
    EXPECT_EQ(v->at(5, 5, 1), 152);
    EXPECT_EQ(v->at(5, 5, 2), 50);
}

TEST(DicomTraps, UnsignedStorageWithIntercept1024AndHighBitsOutsideBitsStored) {
    fs::path dir = scratchDir("unsigned");
    SyntheticSlice s;
    s.seriesInstanceUid = newUid();
    s.pixelSigned = false;
    s.bitsStored = 12;
    s.rescaleIntercept = -1024;
    s.stored = testPattern(64, 64, 3);
    s.stored[0] = 0;                      // -1024 HU
    s.stored[1] = 4095;                   // 3071 HU
    s.stored[2] = uint16_t(0xF000 | 24);  // garbage above BitsStored must be ignored: -1000 HU
    writeCtSlice(dir / "u.dcm", s);
    auto v = loadCtVolume(dir);
    EXPECT_EQ(v->at(0, 0, 0), -1024);
    EXPECT_EQ(v->at(1, 0, 0), 3071);
    EXPECT_EQ(v->at(2, 0, 0), -1000);
    EXPECT_EQ(v->at(10, 10, 0), int(testPattern(64, 64, 3)[10 * 64 + 10]) - 1024);
}

TEST(DicomTraps, SignedTwelveBitStorageIsSignExtended) {
    fs::path dir = scratchDir("signed12");
    SyntheticSlice s;
    s.seriesInstanceUid = newUid();
    s.bitsStored = 12;
    s.stored.assign(64 * 64, 0);
    s.stored[0] = 0x0FFF;  // -1 in 12-bit two's complement
    s.stored[1] = 0x0800;  // -2048
    writeCtSlice(dir / "s.dcm", s);
    auto v = loadCtVolume(dir);
    EXPECT_EQ(v->at(0, 0, 0), -1);
    EXPECT_EQ(v->at(1, 0, 0), -2048);
}

TEST(DicomTraps, PaddingPixelsBecomeAirNotRescaledValues) {
    fs::path dir = scratchDir("padding");
    SyntheticSlice s;
    s.seriesInstanceUid = newUid();
    s.rescaleIntercept = -1024;
    s.paddingValue = -2000;
    s.stored.assign(64 * 64, 1064);                                                    // 40 HU
    for (int i = 0; i < 64; ++i) s.stored[std::size_t(i)] = uint16_t(int16_t(-2000));  // first row is padding
    writeCtSlice(dir / "p.dcm", s);
    auto v = loadCtVolume(dir);
    EXPECT_EQ(v->at(5, 0, 0), Volume::kAirHU);  // not -3024
    EXPECT_EQ(v->at(5, 1, 0), 40);
}

TEST(DicomTraps, JunkTruncatedAndNonImageFilesAreSkippedWithReasons) {
    Stack s(scratchDir("junk"), {0, 2, 4});
    s.write();
    { std::ofstream(s.dir / "notes.txt") << "not an image\n"; }
    { std::ofstream(s.dir / "empty.dcm"); }
    {
        std::ofstream out(s.dir / "random.bin", std::ios::binary);
        for (int i = 0; i < 5000; ++i) out.put(char((i * 7919) % 251));
    }
    // A truncated copy of a good slice.
    {
        std::ifstream in(s.dir / "img1000.dcm", std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), {});
        std::ofstream(s.dir / "truncated.dcm", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    }
    // A DICOM object without pixels (a structured report).
    {
        DcmFileFormat sr;
        sr.getDataset()->putAndInsertString(DCM_SOPClassUID, UID_BasicTextSRStorage);
        sr.getDataset()->putAndInsertString(DCM_SOPInstanceUID, newUid().c_str());
        sr.getDataset()->putAndInsertString(DCM_SeriesInstanceUID, newUid().c_str());
        sr.getDataset()->putAndInsertString(DCM_Modality, "SR");
        ASSERT_TRUE(sr.saveFile((s.dir / "report.dcm").c_str(), EXS_LittleEndianExplicit).good());
    }
    ScanReport scan = scanDicom(s.dir);
    auto reasonFor = [&](const std::string& name) -> std::string {
        for (const auto& k : scan.skipped)
            if (k.path.filename() == name) return k.reason;
        return "(not skipped)";
    };
    EXPECT_EQ(reasonFor("notes.txt"), "not a DICOM file");
    EXPECT_EQ(reasonFor("empty.dcm"), "empty file");
    EXPECT_NE(reasonFor("random.bin"), "(not skipped)");
    EXPECT_NE(reasonFor("truncated.dcm").find("truncated"), std::string::npos) << reasonFor("truncated.dcm");
    EXPECT_NE(reasonFor("report.dcm").find("no image"), std::string::npos) << reasonFor("report.dcm");
    auto v = loadCtVolume(scan);
    EXPECT_EQ(v->dims().z, 3);
    for (int k = 0; k < 3; ++k) expectSliceIs(*v, k, s.base, 2.0 * k);
}

TEST(DicomTraps, AFolderWithoutCtIsAClearErrorNamingTheFolder) {
    fs::path dir = scratchDir("no-ct");
    { std::ofstream(dir / "readme.txt") << "hello"; }
    SyntheticSlice mr;
    mr.seriesInstanceUid = newUid();
    mr.modality = "MR";
    writeCtSlice(dir / "mr.dcm", mr);
    try {
        loadCtVolume(dir);
        FAIL() << "expected NoCtSeriesError";
    } catch (const NoCtSeriesError& e) {
        EXPECT_NE(std::string(e.what()).find(dir.string()), std::string::npos) << e.what();
    }
    EXPECT_THROW(scanDicom(dir / "does-not-exist"), DicomLoadError);
}

TEST(DicomTraps, EveryWrittenTransferSyntaxDecodesToTheSameHu) {
    fs::path dir = scratchDir("syntaxes");
    const DicomSyntax syntaxes[] = {DicomSyntax::ExplicitLittle,
                                    DicomSyntax::ImplicitLittle,
                                    DicomSyntax::ExplicitBig,
                                    DicomSyntax::Deflated,
                                    DicomSyntax::Rle,
                                    DicomSyntax::JpegLossless,
                                    DicomSyntax::JpegLsLossless};
    std::vector<std::shared_ptr<Volume>> volumes;
    for (DicomSyntax syntax : syntaxes) {
        SyntheticSlice s;
        s.seriesInstanceUid = newUid();
        s.rescaleIntercept = -1024;
        s.stored = testPattern(64, 64, 9);
        s.stored[5] = uint16_t(int16_t(-1500));  // negative stored value
        s.syntax = syntax;
        fs::path file = dir / ("s" + std::to_string(int(syntax)) + ".dcm");
        writeCtSlice(file, s);
        LoadReport report;
        volumes.push_back(loadCtVolume(file, {}, {}, &report));
        EXPECT_TRUE(report.skipped.empty()) << int(syntax) << ": " << report.skipped.front().reason;
    }
    for (std::size_t n = 1; n < volumes.size(); ++n) {
        auto a = volumes[0]->voxels(), b = volumes[n]->voxels();
        ASSERT_TRUE(std::equal(a.begin(), a.end(), b.begin(), b.end())) << "syntax " << n << " differs";
    }
    EXPECT_EQ(volumes[0]->at(5, 0, 0), -1500 - 1024);
}

TEST(DicomTraps, MeasuredGantryTiltWinsOverTheHeaderAndTheSeriesIsRegridded) {
    fs::path dir = scratchDir("tilt");
    SyntheticSlice base;
    base.seriesInstanceUid = newUid();
    base.statedGantryTilt = 0.0;  // the header lies
    const double tilt = 20.0 * M_PI / 180.0;
    for (int k = 0; k < 6; ++k) {
        SyntheticSlice s = base;
        s.instanceNumber = k + 1;
        s.position = {-32, -32 + std::tan(tilt) * 3.0 * k, 3.0 * k};  // slides along y as z climbs
        writeCtSlice(dir / ("t" + std::to_string(k) + ".dcm"), s);
    }
    ScanReport scan = scanDicom(dir);
    const auto& r = scan.series.at(0);
    EXPECT_NEAR(r.gantryTiltDegrees, 20.0, 0.01);
    EXPECT_TRUE(r.needsResampling);
    LoadReport report;
    auto v = loadCtVolume(scan, {}, {}, &report);
    EXPECT_TRUE(report.resampled);
    const auto& g = v->geometry();
    EXPECT_EQ(g.dims.z, 6);
    EXPECT_NEAR(g.spacing.z, 3.0, 1e-9);
    EXPECT_GT(g.dims.y, 64);  // widened to hold the shifted slices
    // The last acquired slice's first pixel is found at its true patient position in the regridded volume.
    glm::dvec3 lastFirstPixel(-32, -32 + std::tan(tilt) * 15.0, 15.0);
    glm::dvec3 ijk = g.patientToIndex(lastFirstPixel);
    EXPECT_NEAR(ijk.z, 5.0, 1e-6);
    EXPECT_NEAR(ijk.x, 0.0, 1e-6);
    int j = int(std::lround(ijk.y));
    auto pattern = testPattern(64, 64, 6);
    EXPECT_NEAR(v->at(0, j, 5), int(pattern[0]), 12.0);  // bilinear across a sub-pixel shift
}

TEST(DicomTraps, StreamingLoadShowsSlicesAsTheyArriveAndReportsProgress) {
    Stack s(scratchDir("streaming"), {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22});
    s.write();
    std::atomic<std::size_t> lastDone{0}, total{0};
    LoadOptions options;
    options.progress = [&](std::size_t done, std::size_t all) {
        std::size_t prev = lastDone.load();
        while (done > prev && !lastDone.compare_exchange_weak(prev, done)) {
        }
        total = all;
    };
    auto load = StreamingLoad::start(s.dir, {}, options);
    auto v = load->volume();
    ASSERT_EQ(v->dims().z, 12);  // geometry known before any pixel is decoded
    const LoadReport& report = load->report();
    EXPECT_TRUE(v->complete());
    EXPECT_EQ(lastDone.load(), 12u);
    EXPECT_EQ(total.load(), 12u);
    EXPECT_EQ(load->filesDone(), 12u);
    EXPECT_TRUE(report.series.hu.measured);
    for (int k = 0; k < 12; ++k) expectSliceIs(*v, k, s.base, 2.0 * k);
}

TEST(DicomTraps, IdentifyingAttributesPresentAreReported) {
    fs::path dir = scratchDir("privacy");
    SyntheticSlice s;
    s.seriesInstanceUid = newUid();
    s.institutionName = "General Hospital";
    writeCtSlice(dir / "a.dcm", s);
    ScanReport scan = scanDicom(dir);
    auto& ids = scan.identifyingAttributes;
    EXPECT_NE(std::find(ids.begin(), ids.end(), "PatientName"), ids.end());
    EXPECT_NE(std::find(ids.begin(), ids.end(), "InstitutionName"), ids.end());
    EXPECT_EQ(std::find(ids.begin(), ids.end(), "PatientBirthDate"), ids.end());
}

TEST(DicomTraps, EnhancedMultiFrameCtIsPlacedFromItsPerFramePositions) {
    fs::path dir = scratchDir("enhanced");
    DcmFileFormat file;
    DcmDataset* d = file.getDataset();
    d->putAndInsertString(DCM_SOPClassUID, UID_EnhancedCTImageStorage);
    d->putAndInsertString(DCM_SOPInstanceUID, newUid().c_str());
    d->putAndInsertString(DCM_StudyInstanceUID, newUid().c_str());
    d->putAndInsertString(DCM_SeriesInstanceUID, newUid().c_str());
    d->putAndInsertString(DCM_Modality, "CT");
    d->putAndInsertString(DCM_ImageType, "ORIGINAL\\PRIMARY\\AXIAL\\NONE");
    d->putAndInsertString(DCM_NumberOfFrames, "4");
    d->putAndInsertUint16(DCM_Rows, 64);
    d->putAndInsertUint16(DCM_Columns, 64);
    d->putAndInsertUint16(DCM_SamplesPerPixel, 1);
    d->putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
    d->putAndInsertUint16(DCM_BitsAllocated, 16);
    d->putAndInsertUint16(DCM_BitsStored, 16);
    d->putAndInsertUint16(DCM_HighBit, 15);
    d->putAndInsertUint16(DCM_PixelRepresentation, 1);
    DcmItem *shared = nullptr, *group = nullptr;
    ASSERT_TRUE(d->findOrCreateSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, -2).good());
    shared->findOrCreateSequenceItem(DCM_PixelMeasuresSequence, group, -2);
    group->putAndInsertString(DCM_PixelSpacing, "0.5\\0.5");
    group->putAndInsertString(DCM_SliceThickness, "2");
    shared->findOrCreateSequenceItem(DCM_PlaneOrientationSequence, group, -2);
    group->putAndInsertString(DCM_ImageOrientationPatient, "1\\0\\0\\0\\1\\0");
    shared->findOrCreateSequenceItem(DCM_PixelValueTransformationSequence, group, -2);
    group->putAndInsertString(DCM_RescaleIntercept, "-1024");
    group->putAndInsertString(DCM_RescaleSlope, "1");
    std::vector<uint16_t> pixels;
    for (int f = 0; f < 4; ++f) {
        DcmItem *frame = nullptr, *position = nullptr;
        d->findOrCreateSequenceItem(DCM_PerFrameFunctionalGroupsSequence, frame, -2);
        frame->findOrCreateSequenceItem(DCM_PlanePositionSequence, position, -2);
        const double z = (3 - f) * 2.0;  // frames stored top to bottom
        position->putAndInsertString(DCM_ImagePositionPatient, ("-16\\-16\\" + std::to_string(z)).c_str());
        auto p = testPattern(64, 64, int(std::lround(z * 10)));
        pixels.insert(pixels.end(), p.begin(), p.end());
    }
    d->putAndInsertUint16Array(DCM_PixelData, pixels.data(), static_cast<unsigned long>(pixels.size()));
    ASSERT_TRUE(file.saveFile((dir / "enhanced.dcm").c_str(), EXS_LittleEndianExplicit).good());

    ScanReport scan = scanDicom(dir);
    ASSERT_EQ(scan.series.size(), 1u);
    EXPECT_TRUE(scan.series[0].multiframe);
    LoadReport report;
    auto v = loadCtVolume(scan, {}, {}, &report);
    ASSERT_EQ(v->dims(), glm::ivec3(64, 64, 4));
    EXPECT_NEAR(v->geometry().spacing.x, 0.5, 1e-9);
    EXPECT_NEAR(v->geometry().spacing.z, 2.0, 1e-9);
    SyntheticSlice base;  // same pattern and intercept as the Stack helper
    for (int k = 0; k < 4; ++k) expectSliceIs(*v, k, base, 2.0 * k);

    // A multi-frame image without per-frame positions cannot be placed: skipped, saying so.
    d->remove(DCM_PerFrameFunctionalGroupsSequence);
    ASSERT_TRUE(file.saveFile((dir / "enhanced.dcm").c_str(), EXS_LittleEndianExplicit).good());
    scan = scanDicom(dir);
    ASSERT_EQ(scan.skipped.size(), 1u);
    EXPECT_NE(scan.skipped[0].reason.find("without per-frame positions"), std::string::npos) << scan.skipped[0].reason;
}

TEST(DicomTraps, ADicomdirLoadsTheFilesItListsAndNamesMissingOnes) {
    fs::path dir = scratchDir("dicomdir");
    Stack s(dir / "SUB", {0, 2, 4});
    fs::create_directories(s.dir);
    for (std::size_t i = 0; i < 3; ++i) writeCtSlice(s.dir / ("IMG000" + std::to_string(i)), s.slice(i));
    Stack stray(dir / "OTHER", {0, 1, 2, 3, 4, 5, 6});  // not listed: must not be read
    stray.write();
    DcmFileFormat index;
    DcmDataset* d = index.getDataset();
    d->putAndInsertString(DCM_FileSetID, "TEST");
    for (const char* name : {"SUB\\IMG0000", "SUB\\IMG0001", "SUB\\IMG0002", "SUB\\IMG0009"}) {
        DcmItem* record = nullptr;
        d->findOrCreateSequenceItem(DCM_DirectoryRecordSequence, record, -2);
        record->putAndInsertString(DCM_DirectoryRecordType, "IMAGE");
        record->putAndInsertString(DCM_ReferencedFileID, name);
    }
    index.getMetaInfo()->putAndInsertString(DCM_MediaStorageSOPClassUID, UID_MediaStorageDirectoryStorage);
    ASSERT_TRUE(index.saveFile((dir / "DICOMDIR").c_str(), EXS_LittleEndianExplicit).good());
    ScanReport scan = scanDicom(dir / "DICOMDIR");
    ASSERT_EQ(scan.series.size(), 1u);
    EXPECT_EQ(scan.series[0].seriesInstanceUid, s.uid);
    ASSERT_EQ(scan.skipped.size(), 1u);
    EXPECT_EQ(scan.skipped[0].path.filename(), "IMG0009");
    EXPECT_EQ(scan.skipped[0].reason, "listed in the DICOMDIR but missing");
    auto v = loadCtVolume(scan);
    EXPECT_EQ(v->dims().z, 3);
    expectSliceIs(*v, 2, s.base, 4);
}

TEST(DicomTraps, InfoOnAFolderWithoutCtListsWhatItFoundAndFails) {
    fs::path dir = scratchDir("info-no-ct");
    { std::ofstream(dir / "notes.txt") << "not an image"; }
    SyntheticSlice mr;
    mr.seriesInstanceUid = newUid();
    mr.modality = "MR";
    writeCtSlice(dir / "mr.dcm", mr);
    auto r = runPolysim("info " + dir.string());
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("no CT series in " + dir.string()), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("notes.txt: not a DICOM file"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("modality MR"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace polysim::test
