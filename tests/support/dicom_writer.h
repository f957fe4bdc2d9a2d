// Writes small synthetic CT slices with DCMTK, so tests can build the traps real scanners produce
// (odd sorting, tilts, gaps, rescale, padding, transfer syntaxes) and check what the loader makes of them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <glm/glm.hpp>

namespace polysim::test {

enum class DicomSyntax { ExplicitLittle, ImplicitLittle, ExplicitBig, Deflated, Rle, JpegLossless, JpegLsLossless };

struct SyntheticSlice {
    std::string studyInstanceUid;   // empty: one fixed test study
    std::string seriesInstanceUid;  // empty: attribute absent (as in some exported series)
    std::string sopInstanceUid;     // empty: a fresh UID
    std::string modality = "CT";
    std::string seriesDescription = "synthetic";
    int seriesNumber = 1;
    int instanceNumber = 1;
    int rows = 64, columns = 64;
    glm::dvec3 position{0.0};             // ImagePositionPatient (LPS mm)
    glm::dvec3 rowDirection{1, 0, 0};     // first three ImageOrientationPatient values
    glm::dvec3 columnDirection{0, 1, 0};  // last three
    glm::dvec2 pixelSpacing{1.0, 1.0};    // x = between columns, y = between rows
    double sliceThickness = 2.0;
    bool pixelSigned = true;  // PixelRepresentation
    int bitsStored = 16;
    double rescaleSlope = 1.0, rescaleIntercept = 0.0;
    std::optional<int32_t> paddingValue;       // PixelPaddingValue in stored units
    bool localizer = false;                    // ImageType ORIGINAL\PRIMARY\LOCALIZER
    std::optional<double> statedGantryTilt;    // (0018,1120)
    std::string patientName = "PHANTOM^TEST";  // empty: attribute absent
    std::string patientId = "TEST-0001";
    std::string institutionName;  // empty: absent
    DicomSyntax syntax = DicomSyntax::ExplicitLittle;
    std::vector<uint16_t> stored;  // rows*columns stored values (bit patterns); empty: a test pattern
};

// A test pattern of stored values that differs for every pixel and slice (so a wrong order shows).
std::vector<uint16_t> testPattern(int rows, int columns, int seed);

std::string newUid();

// Writes one CT Image Storage file. Throws std::runtime_error when DCMTK refuses.
void writeCtSlice(const std::filesystem::path& file, const SyntheticSlice& slice);

}  // namespace polysim::test
