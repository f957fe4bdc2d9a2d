// Real DICOM files from scanners and other toolkits: the NEMA WG04 compression set must decode to the pixels of its
// uncompressed twin, and the tilted GE head CT must come out on the same grid dcm2niix (an independent reader) makes.
#include <gtest/gtest.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "imaging/dicom_loader.h"
#include "support/test_env.h"

namespace polysim::test {
namespace {
using namespace polysim::imaging;
namespace fs = std::filesystem;

fs::path wg04(const std::string& name) {
    return fixturesDir() / "dicom" / "wg04" / name;
}

std::shared_ptr<Volume> loadFile(const fs::path& file) {
    LoadReport report;
    auto v = loadCtVolume(file, {}, {}, &report);
    EXPECT_EQ(report.skipped.size(), 0u) << file << ": " << (report.skipped.empty() ? "" : report.skipped[0].reason);
    return v;
}

struct Difference {
    int maxAbs = 0;
    double meanAbs = 0;
};
Difference compare(const Volume& a, const Volume& b) {
    Difference d;
    auto va = a.voxels(), vb = b.voxels();
    EXPECT_EQ(va.size(), vb.size());
    double sum = 0;
    for (std::size_t i = 0; i < std::min(va.size(), vb.size()); ++i) {
        int diff = std::abs(int(va[i]) - int(vb[i]));
        d.maxAbs = std::max(d.maxAbs, diff);
        sum += diff;
    }
    d.meanAbs = va.empty() ? 0 : sum / double(va.size());
    return d;
}

// NEAR of a JPEG-LS stream: the byte after the component specifications in the start-of-scan segment.
int jpegLsNear(const fs::path& file) {
    DcmFileFormat f;
    EXPECT_TRUE(f.loadFile(file.c_str()).good());
    DcmElement* e = nullptr;
    f.getDataset()->findAndGetElement(DCM_PixelData, e);
    auto* pixel = OFdynamic_cast(DcmPixelData*, e);
    DcmPixelSequence* seq = nullptr;
    pixel->getEncapsulatedRepresentation(EXS_JPEGLSLossy, nullptr, seq);
    DcmPixelItem* item = nullptr;
    seq->getItem(item, 1);
    Uint8* data = nullptr;
    item->getUint8Array(data);
    for (Uint32 i = 0; i + 1 < item->getLength(); ++i)
        if (data[i] == 0xFF && data[i + 1] == 0xDA) {
            int components = data[i + 4];
            return data[i + 5 + 2 * components];
        }
    ADD_FAILURE() << "no start of scan in " << file;
    return -1;
}

// --- NIfTI written by dcm2niix, the independent reader ---

struct Nifti {
    glm::ivec3 dims{0};
    glm::dvec3 pixdim{0.0};
    glm::dmat4 affine{1.0};      // voxel index -> RAS mm (srow_x/y/z), glm column-major
    std::vector<double> values;  // scaled voxel values (int16 data only), NIfTI order
};

Nifti readNifti(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    char h[348];
    in.read(h, sizeof h);
    EXPECT_TRUE(in.good()) << file;
    Nifti n;
    int16_t dim[8];
    float pixdim[8], srow[12];
    std::memcpy(dim, h + 40, sizeof dim);
    std::memcpy(pixdim, h + 76, sizeof pixdim);
    std::memcpy(srow, h + 280, sizeof srow);
    n.dims = {dim[1], dim[2], dim[3]};
    n.pixdim = {pixdim[1], pixdim[2], pixdim[3]};
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 4; ++c) n.affine[c][r] = srow[r * 4 + c];
    int16_t datatype;
    float voxOffset, slope, inter;
    std::memcpy(&datatype, h + 70, 2);
    std::memcpy(&voxOffset, h + 108, 4);
    std::memcpy(&slope, h + 112, 4);
    std::memcpy(&inter, h + 116, 4);
    if (datatype == 4) {  // DT_INT16
        std::vector<int16_t> raw(std::size_t(n.dims.x) * n.dims.y * std::max(1, n.dims.z));
        in.seekg(std::streamoff(voxOffset));
        in.read(reinterpret_cast<char*>(raw.data()), std::streamsize(raw.size() * 2));
        for (int16_t v : raw) n.values.push_back(v * (slope == 0 ? 1.0 : slope) + inter);
    }
    return n;
}

class Wg04 : public ::testing::TestWithParam<std::string> {};

TEST_P(Wg04, LosslessSyntaxesDecodeToExactlyTheUncompressedPixels) {
    const std::string ct = GetParam();
    auto reference = loadFile(wg04(ct + "_UNC.dcm"));
    ASSERT_EQ(reference->dims(), glm::ivec3(512, 512, 1));
    for (const char* syntax : {"RLE", "JPLL", "JLSL", "J2KR"}) {
        auto v = loadFile(wg04(ct + "_" + syntax + ".dcm"));
        Difference d = compare(*reference, *v);
        EXPECT_EQ(d.maxAbs, 0) << ct << "_" << syntax << " differs from " << ct << "_UNC";
        EXPECT_EQ(v->geometry().origin, reference->geometry().origin);
    }
}

TEST_P(Wg04, NearLosslessJpegLsStaysWithinItsBound) {
    const std::string ct = GetParam();
    auto reference = loadFile(wg04(ct + "_UNC.dcm"));
    const int near = jpegLsNear(wg04(ct + "_JLSN.dcm"));
    ASSERT_GT(near, 0);
    Difference d = compare(*reference, *loadFile(wg04(ct + "_JLSN.dcm")));
    EXPECT_LE(d.maxAbs, near);  // RescaleSlope is 1: the bound in stored units is the bound in HU
    EXPECT_GT(d.maxAbs, 0);     // it is lossy: identical pixels would mean we read the wrong file
}

TEST_P(Wg04, LossyJpeg2000IsDecodedAsDcm2niixDecodesIt) {
    const std::string ct = GetParam();
    const fs::path in = scratchDir("j2ki-in-" + ct), out = scratchDir("j2ki-out-" + ct);
    fs::copy_file(wg04(ct + "_J2KI.dcm"), in / "j2ki.dcm");
    auto run = runShell("dcm2niix -b n -z n -f j2ki -o '" + out.string() + "' '" + in.string() + "'");
    ASSERT_EQ(run.exitCode, 0) << run.out << run.err;
    const Nifti theirs = readNifti(out / "j2ki.nii");
    ASSERT_EQ(theirs.dims, glm::ivec3(512, 512, 1));
    auto ours = loadFile(wg04(ct + "_J2KI.dcm"));
    // dcm2niix stores rows bottom-up. It keeps PixelPaddingValue pixels as they are; we turn padding (and, when
    // the padding lies below air, anything a lossy codec left below air) into air.
    const SliceHeader header = scanDicom(wg04(ct + "_J2KI.dcm")).series.at(0).slices.at(0);
    const bool paddingBelowAir =
        header.paddingValue && *header.paddingValue * header.rescaleSlope + header.rescaleIntercept < Volume::kAirHU;
    int mismatches = 0;
    for (int j = 0; j < 512; ++j)
        for (int i = 0; i < 512; ++i) {
            double v = theirs.values[std::size_t(511 - j) * 512 + i];
            if (paddingBelowAir) v = std::max(v, double(Volume::kAirHU));
            if (std::abs(v - ours->at(i, j, 0)) > 0.5) ++mismatches;
        }
    EXPECT_EQ(mismatches, 0);
    // And it is lossy: close to, not equal to, the uncompressed original.
    Difference d = compare(*loadFile(wg04(ct + "_UNC.dcm")), *ours);
    EXPECT_GT(d.maxAbs, 0);
    EXPECT_LT(d.meanAbs, 30.0) << "mean absolute error in HU";
}

INSTANTIATE_TEST_SUITE_P(Nema, Wg04, ::testing::Values("CT1", "CT2"));

TEST(Wg04Folder, InfoListsEverySyntaxAndTheIdentifyingAttributes) {
    auto r = runPolysim("info --json " + wg04("").string());
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    std::set<std::string> syntaxes;
    for (const auto& s : j["series"])
        for (const auto& t : s["transfer_syntaxes"]) syntaxes.insert(t.get<std::string>());
    for (const char* name : {"Explicit VR Little Endian", "RLE Lossless", "JPEG Lossless SV1", "JPEG-LS Lossless",
                             "JPEG-LS Near-Lossless", "JPEG 2000 Lossless", "JPEG 2000"})
        EXPECT_TRUE(syntaxes.count(name)) << name;
    auto ids = j["identifying_attributes"].get<std::vector<std::string>>();
    EXPECT_NE(std::find(ids.begin(), ids.end(), "PatientName"), ids.end());
    EXPECT_TRUE(j["skipped"].empty());
}

// --- GE head CT with gantry tilt and two slice thicknesses, against dcm2niix ---

TEST(GeHeadTilt, DimensionsSpacingAndPatientMappingAgreeWithDcm2niix) {
    const fs::path folder = fixturesDir() / "dicom" / "ge-head-tilt";
    const fs::path out = scratchDir("dcm2niix-ge");
    auto run = runShell("dcm2niix -b n -z n -f ge -o '" + out.string() + "' '" + folder.string() + "'");
    ASSERT_EQ(run.exitCode, 0) << run.out << run.err;
    fs::path corrected;
    for (const auto& e : fs::directory_iterator(out))
        if (e.path().filename().string().find("Tilt_Eq") != std::string::npos) corrected = e.path();
    ASSERT_FALSE(corrected.empty()) << "dcm2niix made no tilt-corrected, equalised volume:\n" << run.out;
    const Nifti ref = readNifti(corrected);

    LoadReport report;
    auto volume = loadCtVolume(folder, {}, {}, &report);
    const VolumeGeometry& g = volume->geometry();
    EXPECT_TRUE(report.resampled);
    EXPECT_NEAR(report.series.gantryTiltDegrees, 18.5, 0.05);
    EXPECT_EQ(report.series.imageCount, 28);

    // Both readers stack all 28 slices (4 mm and 7 mm parts), widen the rows for the tilt and equalise the
    // spacing to the same number of slices.
    EXPECT_EQ(g.dims, ref.dims);
    EXPECT_NEAR(g.spacing.x, ref.pixdim.x, 1e-4);
    EXPECT_NEAR(g.spacing.y, ref.pixdim.y, 1e-4);
    EXPECT_NEAR(g.spacing.z, ref.pixdim.z, 1e-3);

    // dcm2niix writes RAS and stores rows bottom-up: its voxel (i, j, k) is our (i, rows-1-j, k), and its x and y
    // axes point the other way. Bring its affine into our index order and LPS.
    const glm::dmat4 lpsFromRas(glm::dvec4(-1, 0, 0, 0), glm::dvec4(0, -1, 0, 0), glm::dvec4(0, 0, 1, 0),
                                glm::dvec4(0, 0, 0, 1));
    const glm::dmat4 flipRows(glm::dvec4(1, 0, 0, 0), glm::dvec4(0, -1, 0, 0), glm::dvec4(0, 0, 1, 0),
                              glm::dvec4(0, g.dims.y - 1, 0, 1));
    const glm::dmat4 theirs = lpsFromRas * ref.affine * flipRows;
    const glm::dmat4 ours = g.indexToPatientMatrix();
    auto near = [](const glm::dvec3& a, const glm::dvec3& b, double tol) { return glm::length(a - b) < tol; };
    // The corner voxels of the first slice coincide, and the column axis is the same.
    for (glm::dvec3 corner : {glm::dvec3(0, 0, 0), glm::dvec3(g.dims.x - 1, 0, 0), glm::dvec3(0, g.dims.y - 1, 0)}) {
        glm::dvec3 a(ours * glm::dvec4(corner, 1)), b(theirs * glm::dvec4(corner, 1));
        EXPECT_TRUE(near(a, b, 0.05) || corner.y == 0) << "corner " << corner.x << "," << corner.y;
    }
    EXPECT_TRUE(near(glm::dvec3(ours[0]), glm::dvec3(theirs[0]), 1e-4));
    // Along the slices both place slice k at the same height (z) and in-plane y step per row.
    EXPECT_NEAR(ours[2].z, theirs[2].z, 1e-3);
    EXPECT_NEAR(ours[1].y, theirs[1].y, 1e-4);
    // Where the two differ, dcm2niix is knowingly approximate: its tilt correction shifts rows inside each slice
    // but leaves the header's shear (it prints "Gantry Tilt Correction is new: please validate conversions"), so
    // its row axis and slice axis are not perpendicular. Ours is orthonormal by construction...
    EXPECT_NEAR(glm::dot(glm::normalize(glm::dvec3(ours[1])), glm::normalize(glm::dvec3(ours[2]))), 0.0, 1e-9);
    // ...and exact against the DICOM itself: slice 0 contains the first file's pixels at their stated positions,
    // and the top slice lies in the plane of the last file.
    const auto& slices = report.series.slices;
    glm::dvec3 first = g.patientToIndex(slices.front().position);
    EXPECT_NEAR(first.x, 0.0, 1e-6);
    EXPECT_NEAR(first.z, 0.0, 1e-6);
    EXPECT_NEAR(first.y, std::round(first.y), 1e-6);
    glm::dvec3 last = g.patientToIndex(slices.back().position);
    EXPECT_NEAR(last.z, g.dims.z - 1, 1e-6);
    EXPECT_GE(last.y, 0.0);
    EXPECT_LE(last.y + 511, g.dims.y - 1 + 1e-6);

    auto firstFile = loadCtVolume(slices.front().file);
    const int j0 = int(std::lround(first.y));
    for (int j = 0; j < 512; j += 31)
        for (int i = 0; i < 512; i += 17) ASSERT_EQ(volume->at(i, j + j0, 0), firstFile->at(i, j, 0)) << i << "," << j;
}

TEST(GeHeadTilt, InfoReportsTiltUnevenSpacingAndResampling) {
    auto r = runPolysim("info --json " + (fixturesDir() / "dicom" / "ge-head-tilt").string());
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j["series"].size(), 1u);
    const auto& s = j["series"][0];
    EXPECT_NEAR(s["gantry_tilt_deg"].get<double>(), 18.5, 0.05);
    EXPECT_FALSE(s["uniform_spacing"].get<bool>());
    EXPECT_TRUE(s["volume"]["resampled"].get<bool>());
    EXPECT_EQ(j["skipped"].size(), 1u);  // the LICENSE file
    EXPECT_EQ(j["skipped"][0]["reason"], "not a DICOM file");
}

// Damaged copies of real compressed files (bytes overwritten in the header and in the compressed stream, or cut
// short) must each either load or be refused with a DicomLoadError, quickly, and never crash or hang.
TEST(DamagedFiles, AreLoadedOrRefusedButNeverCrashTheLoader) {
    const fs::path dir = scratchDir("damaged");
    unsigned seed = 20261123u;
    auto next = [&] { return seed = seed * 1664525u + 1013904223u; };
    for (const char* name : {"CT1_J2KR.dcm", "CT2_JLSL.dcm", "CT1_RLE.dcm", "CT2_JPLL.dcm"}) {
        std::ifstream in(wg04(name), std::ios::binary);
        const std::string good((std::istreambuf_iterator<char>(in)), {});
        for (int n = 0; n < 12; ++n) {
            std::string bytes = good;
            const std::size_t span = n % 2 ? std::min<std::size_t>(bytes.size(), 2000) : bytes.size();
            for (unsigned f = 0, flips = 1 + next() % 8; f < flips; ++f) bytes[next() % span] = char(next() >> 24);
            if (n % 4 == 3) bytes.resize(next() % bytes.size());
            const fs::path file = dir / (std::string(name) + "." + std::to_string(n));
            std::ofstream(file, std::ios::binary) << bytes;
            try {
                auto v = loadCtVolume(file);
                EXPECT_TRUE(v->complete());
            } catch (const DicomLoadError& e) {
                EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
            }
        }
    }
}

}  // namespace
}  // namespace polysim::test
