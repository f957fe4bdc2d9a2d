// A first look at a file before DCMTK parses it: its size, whether it has the DICM preamble, and how deeply its
// sequences nest. DCMTK reads nested sequences by recursion without a limit, so a file of ten thousand nested
// undefined-length sequences overflows the stack and takes the whole process (and every other slice) with it;
// this walk bounds the nesting without recursion and without reading values it does not need (pixel data stays on
// disk).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace polysim::imaging::detail {

struct FileProbe {
    std::uintmax_t size = 0;
    bool part10 = false;  // 128-byte preamble followed by "DICM"
    int maxDepth = 0;     // deepest nesting of sequences and items seen
    std::string problem;  // non-empty: the file must not be handed to the parser (the reason names it)
    // The data set's own PixelData when it has a defined length (native pixels): where its value starts, how long.
    std::uint64_t pixelDataOffset = 0, pixelDataLength = 0;
    bool littleEndian = true;
};

// Sequences in real CT nest a few levels (enhanced CT: about 4).
inline constexpr int kMaxDicomNesting = 64;

// Opens `path` once, walks its element structure iteratively and says whether it is safe to parse.
// A structure the walk cannot follow (a length past the end, say) is left to the parser to report.
FileProbe probeDicomFile(const std::filesystem::path& path, int depthLimit = kMaxDicomNesting);

// The same walk over bytes already in memory (the fuzz targets use it).
FileProbe probeDicomBytes(const uint8_t* data, std::size_t size, int depthLimit = kMaxDicomNesting);

}  // namespace polysim::imaging::detail
