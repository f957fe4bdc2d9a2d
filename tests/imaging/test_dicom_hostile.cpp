// Hostile DICOM files, written by the test: each must be refused or left out with a reason that names it, quickly,
// and never take the good slices beside it (or the process) down with it.
#include <gtest/gtest.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <fstream>

#include "imaging/dicom_loader.h"
#include "support/dicom_writer.h"
#include "support/test_env.h"

namespace polysim::test {
namespace {
using namespace polysim::imaging;
namespace fs = std::filesystem;

// A good 64 x 64 stack at 2 mm, HU = stored - 1024.
std::string writeStack(const fs::path& dir, int count, DicomSyntax syntax = DicomSyntax::ExplicitLittle) {
    fs::create_directories(dir);
    const std::string uid = newUid();
    for (int i = 0; i < count; ++i) {
        SyntheticSlice s;
        s.seriesInstanceUid = uid;
        s.instanceNumber = i + 1;
        s.position = glm::dvec3(-32, -32, 2.0 * i);
        s.rescaleIntercept = -1024;
        s.syntax = syntax;
        char name[32];
        std::snprintf(name, sizeof name, "slice%03d.dcm", i);
        writeCtSlice(dir / name, s);
    }
    return uid;
}

// Changes attributes of a written file in place (DCMTK keeps encapsulated pixel data as it is).
template <class Edit>
void editFile(const fs::path& file, Edit edit) {
    DcmFileFormat f;
    ASSERT_TRUE(f.loadFile(file.c_str()).good());
    edit(*f.getDataset());
    ASSERT_TRUE(f.saveFile(file.c_str(), f.getDataset()->getOriginalXfer()).good());
}

const SkippedFile* skippedEntry(const ScanReport& scan, const fs::path& file) {
    for (const auto& s : scan.skipped)
        if (s.path == file) return &s;
    return nullptr;
}

std::string bytesOf(const fs::path& file) {
    return readFile(file);
}
void writeBytes(const fs::path& file, const std::string& bytes) {
    std::ofstream(file, std::ios::binary) << bytes;
}

// Offset of the data set in a Part 10 file written in explicit VR little endian: after the group 0002 elements.
std::size_t dataSetStart(const std::string& b) {
    std::size_t pos = 132;
    while (pos + 8 <= b.size() && uint8_t(b[pos]) == 0x02 && b[pos + 1] == 0) {
        const bool longForm = (b[pos + 4] == 'O' && b[pos + 5] == 'B') || (b[pos + 4] == 'U' && b[pos + 5] == 'N');
        uint32_t len = longForm ? uint32_t(uint8_t(b[pos + 8])) | uint32_t(uint8_t(b[pos + 9])) << 8 |
                                      uint32_t(uint8_t(b[pos + 10])) << 16 | uint32_t(uint8_t(b[pos + 11])) << 24
                                : uint32_t(uint8_t(b[pos + 6])) | uint32_t(uint8_t(b[pos + 7])) << 8;
        pos += (longForm ? 12 : 8) + len;
    }
    return pos;
}

// `depth` nested undefined-length sequences (ReferencedImageSequence), each holding one undefined-length item.
std::string nestedSequences(int depth) {
    const std::string open(
        "\x08\x00\x40\x11SQ\x00\x00\xff\xff\xff\xff"
        "\xfe\xff\x00\xe0\xff\xff\xff\xff",
        20);
    const std::string close(
        "\xfe\xff\x0d\xe0\x00\x00\x00\x00"
        "\xfe\xff\xdd\xe0\x00\x00\x00\x00",
        16);
    std::string out;
    out.reserve(std::size_t(depth) * 36);
    for (int i = 0; i < depth; ++i) out += open;
    for (int i = 0; i < depth; ++i) out += close;
    return out;
}

TEST(DicomHostile, TenThousandNestedSequencesAreRefusedAndTheFortyGoodSlicesBesideThemLoad) {
    const fs::path dir = scratchDir("deep_sequences");
    const std::string uid = writeStack(dir, 40);
    std::string bytes = bytesOf(dir / "slice000.dcm");
    const std::size_t at = dataSetStart(bytes);
    bytes.insert(at, nestedSequences(10000));
    writeBytes(dir / "deep.dcm", bytes);

    ScanReport scan = scanDicom(dir);
    const SkippedFile* deep = skippedEntry(scan, dir / "deep.dcm");
    ASSERT_NE(deep, nullptr) << "the deep file must be listed as skipped";
    EXPECT_NE(deep->reason.find("nest"), std::string::npos) << deep->reason;
    LoadReport report;
    auto volume = loadCtVolume(scan, uid, {}, &report);
    EXPECT_EQ(volume->geometry().dims.z, 40);
}

TEST(DicomHostile, AValueClaimingGigabytesBeyondTheEndOfTheFileIsRefusedBeforeAllocating) {
    // Found by fuzz_dicom: a 426-byte file whose string element claims 4 GB; DCMTK allocated the claim on first use.
    const fs::path dir = scratchDir("claims_4gb");
    const std::string uid = writeStack(dir, 3);
    std::string bytes = bytesOf(dir / "slice001.dcm");
    // A private LO element of the data set's first group, claiming (in the long form of UN) 4,294,967,127 bytes.
    bytes.insert(dataSetStart(bytes), std::string("\x09\x00\x10\x10UN\x00\x00\x57\xff\xff\xff", 12));
    writeBytes(dir / "slice001.dcm", bytes);
    ScanReport scan = scanDicom(dir);
    const SkippedFile* out = skippedEntry(scan, dir / "slice001.dcm");
    ASSERT_NE(out, nullptr);
    EXPECT_NE(out->reason.find("claims 4294967127 bytes"), std::string::npos) << out->reason;
    EXPECT_EQ(loadCtVolume(scan, uid)->geometry().dims.z, 2);
    const ScanReport corpus = scanDicom(sourceDir() / "tests/fuzz/corpus/dicom/string-value-claims-4gb.dcm");
    ASSERT_EQ(corpus.skipped.size(), 1u);
    EXPECT_NE(corpus.skipped[0].reason.find("claims"), std::string::npos) << corpus.skipped[0].reason;
}

TEST(DicomHostile, ShallowNestingAsRealFilesHaveItIsStillRead) {
    // Five levels, as enhanced CT has: read as before.
    const fs::path dir = scratchDir("shallow_sequences");
    const std::string uid = writeStack(dir, 3);
    std::string bytes = bytesOf(dir / "slice001.dcm");
    bytes.insert(dataSetStart(bytes), nestedSequences(5));
    writeBytes(dir / "slice001.dcm", bytes);
    ScanReport scan = scanDicom(dir);
    EXPECT_TRUE(scan.skipped.empty()) << scan.skipped.front().path << ": " << scan.skipped.front().reason;
    EXPECT_EQ(loadCtVolume(scan, uid)->geometry().dims.z, 3);
}

TEST(DicomHostile, ASliceWithAnAbsurdPositionIsLeftOutNamingItsFile) {
    for (const glm::dvec3 wrong :
         {glm::dvec3(-32, -32, 1e308), glm::dvec3(-32, -32, 30000.0), glm::dvec3(3000.0, -32, 12.0)}) {
        const fs::path dir = scratchDir("absurd_position");
        const std::string uid = writeStack(dir, 20);
        editFile(dir / "slice007.dcm", [&](DcmDataset& ds) {
            char text[200];
            std::snprintf(text, sizeof text, "%.17g\\%.17g\\%.17g", wrong.x, wrong.y, wrong.z);
            ds.putAndInsertString(DCM_ImagePositionPatient, text);
        });
        ScanReport scan = scanDicom(dir);
        const SkippedFile* out = skippedEntry(scan, dir / "slice007.dcm");
        ASSERT_NE(out, nullptr) << "z = " << wrong.z;
        EXPECT_NE(out->reason.find("ImagePositionPatient"), std::string::npos) << out->reason;
        ASSERT_EQ(scan.series.size(), 1u);
        bool warned = false;
        for (const auto& w : scan.series[0].warnings) warned = warned || w.find("left out") != std::string::npos;
        EXPECT_TRUE(warned);
        LoadReport report;
        auto volume = loadCtVolume(scan, uid, {}, &report);
        // 19 slices, one gap of 4 mm where the left-out one was: regridded at 2 mm, 39 mm tall, 64 wide.
        EXPECT_EQ(volume->geometry().dims.x, 64);
        EXPECT_EQ(volume->geometry().dims.y, 64);
        EXPECT_EQ(volume->geometry().dims.z, 20);
    }
}

TEST(DicomHostile, JpegLsWithRowsAndColumnsBlownUpIsRefusedBeforeAllocating) {
    const fs::path dir = scratchDir("jpegls_blown_up");
    const std::string uid = writeStack(dir, 4, DicomSyntax::JpegLsLossless);
    editFile(dir / "slice001.dcm", [](DcmDataset& ds) {
        ds.putAndInsertUint16(DCM_Rows, 32768);
        ds.putAndInsertUint16(DCM_Columns, 65535);
    });
    editFile(dir / "slice002.dcm", [](DcmDataset& ds) {  // within the size limit, but not what the stream holds
        ds.putAndInsertUint16(DCM_Rows, 4096);
        ds.putAndInsertUint16(DCM_Columns, 4096);
    });
    ScanReport scan = scanDicom(dir);
    const SkippedFile* huge = skippedEntry(scan, dir / "slice001.dcm");
    ASSERT_NE(huge, nullptr);
    EXPECT_NE(huge->reason.find("32768 x 65535"), std::string::npos) << huge->reason;
    // The 4096 x 4096 claim is its own part of the series; loading it fails naming the file and both sizes.
    std::string partId;
    for (const auto& s : scan.series)
        if (s.matrix.x == 4096) partId = s.id;
    ASSERT_FALSE(partId.empty());
    try {
        loadCtVolume(scan, partId);
        ADD_FAILURE() << "a 64x64 stream was loaded as 4096x4096";
    } catch (const DicomLoadError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find((dir / "slice002.dcm").string()), std::string::npos) << what;
        EXPECT_NE(what.find("64x64"), std::string::npos) << what;
        EXPECT_NE(what.find("4096x4096"), std::string::npos) << what;
    }
    // The good slices still load.
    EXPECT_EQ(loadCtVolume(scan, uid)->geometry().dims.z, 2);
}

TEST(DicomHostile, UnusablePixelSpacingOrRescaleSkipsTheFileNamingTheAttribute) {
    struct Case {
        const char* name;
        DcmTagKey key;
        const char* value;
        const char* attribute;
    };
    const Case cases[] = {{"spacing_zero", DCM_PixelSpacing, "0\\0", "PixelSpacing"},
                          {"spacing_inf", DCM_PixelSpacing, "inf\\0.7", "PixelSpacing"},
                          {"spacing_negative", DCM_PixelSpacing, "-0.7\\-0.7", "PixelSpacing"},
                          {"slope_nan", DCM_RescaleSlope, "nan", "RescaleSlope"},
                          {"slope_inf", DCM_RescaleSlope, "inf", "RescaleSlope"},
                          {"intercept_nan", DCM_RescaleIntercept, "nan", "RescaleIntercept"},
                          {"intercept_inf", DCM_RescaleIntercept, "-inf", "RescaleIntercept"}};
    for (const auto& c : cases) {
        const fs::path dir = scratchDir(c.name);
        writeStack(dir, 3);
        editFile(dir / "slice001.dcm", [&](DcmDataset& ds) { ds.putAndInsertString(c.key, c.value); });
        ScanReport scan = scanDicom(dir);
        const SkippedFile* out = skippedEntry(scan, dir / "slice001.dcm");
        ASSERT_NE(out, nullptr) << c.name;
        EXPECT_NE(out->reason.find(c.attribute), std::string::npos) << c.name << ": " << out->reason;
        ASSERT_FALSE(scan.series.empty());
        EXPECT_EQ(scan.series[0].imageCount, 2) << c.name;
    }
}

TEST(DicomHostile, ADamagedDuplicateWithoutSliceThicknessDoesNotSplitTheTiltedHead) {
    const fs::path source = fixturesDir() / "dicom" / "ge-head-tilt";
    const fs::path dir = scratchDir("head_tilt_damaged_duplicate");
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(source))
        if (e.is_regular_file() && e.path().filename() != "LICENSE") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) fs::copy_file(f, dir / f.filename());
    const ScanReport clean = scanDicom(dir);
    const SeriesReport& cleanMain = chooseCtSeries(clean);
    ASSERT_EQ(cleanMain.imageCount, 28);

    fs::copy_file(files[5], dir / "damaged-duplicate.dcm");
    editFile(dir / "damaged-duplicate.dcm", [](DcmDataset& ds) {
        delete ds.remove(DCM_SliceThickness);
        ds.putAndInsertString(DCM_SOPInstanceUID, newUid().c_str());
    });
    ScanReport scan = scanDicom(dir);
    const SeriesReport& main = chooseCtSeries(scan);
    EXPECT_EQ(main.imageCount, 28);
    LoadReport report;
    auto volume = loadCtVolume(scan, main.id, {}, &report);
    EXPECT_EQ(volume->geometry().dims, loadCtVolume(clean, cleanMain.id)->geometry().dims);
}

}  // namespace
}  // namespace polysim::test
