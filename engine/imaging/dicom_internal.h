// Pieces of the DICOM loader shared between scanning, decoding and volume assembly (not a public API).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "imaging/dicom_loader.h"

namespace polysim::imaging::detail {

// DCMTK's decoder registries are global; register the JPEG, JPEG-LS and RLE decoders exactly once per process.
void registerCodecsOnce();

// Everything one file says about itself, or why it was not usable.
struct FileHeader {
    std::filesystem::path path;
    std::string skipReason;  // non-empty: the file is skipped with this reason
    bool isDicomdir = false;
    std::vector<std::filesystem::path> dicomdirFiles;  // files a DICOMDIR refers to
    std::vector<SliceHeader> images;                   // one per frame
    std::string seriesInstanceUid, studyInstanceUid, description, modality;
    int seriesNumber = 0;
    bool hasSeriesNumber = false;
    std::string convolutionKernel;  // tells two reconstructions apart when the SeriesInstanceUID is missing
    std::optional<double> statedGantryTilt;
    std::vector<std::string> identifying;
};

FileHeader readFileHeader(const std::filesystem::path& path);

// CT images are 512 or 1024 pixels a side; microscopy-sized claims come from damaged headers.
inline constexpr int kMaxImageSide = 8192;

bool transferSyntaxSupported(const std::string& uid);
bool isJpeg2000(const std::string& uid);
bool isEncapsulated(const std::string& uid);  // compressed: pixel data in fragments

// Decodes one frame to HU into `out` (columns * rows values). Throws DicomLoadError naming the file on failure.
void decodeToHu(const SliceHeader& slice, int16_t* out);

// Decodes a JPEG 2000 codestream (or JP2 file) holding one grey component. Returns an error text on failure.
// When `image` already holds a width and height, a stream of another size is refused before decoding.
struct Jpeg2000Image {
    int width = 0, height = 0;
    bool isSigned = false;
    int precision = 0;
    std::vector<int32_t> samples;
};
std::optional<std::string> decodeJpeg2000(const uint8_t* data, std::size_t size, Jpeg2000Image& image);

}  // namespace polysim::imaging::detail
