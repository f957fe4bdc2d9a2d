// Renders planes of a Volume through a window to 8-bit images, and writes PNG files. Used by the GUI's CPU fallback,
// the debrief key images and `polysim snapshot`. Orientation is radiological: patient's right on the image left,
// anterior up on axial, superior up on coronal and sagittal (anterior on the left).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "imaging/plane.h"
#include "imaging/volume.h"
#include "imaging/window.h"

namespace polysim::imaging {

struct Image8 {
    int width = 0, height = 0;
    int channels = 1;                  // 1 = grey, 3 = RGB
    std::vector<std::uint8_t> pixels;  // row-major, top row first
};

// Extent of the volume along a plane's normal in LPS mm (z for axial, y for coronal, x for sagittal).
struct PlaneRange {
    double from = 0, to = 0;
};
PlaneRange planeRange(const Volume& v, Plane plane);

// The plane at `positionMm` along its normal, sampled at `pixelMm` (0: the finest in-plane voxel spacing) with
// trilinear interpolation, so reformats have the true aspect ratio whatever the slice spacing. Points outside the
// volume are air. Works for any volume orientation (it samples in patient coordinates).
Image8 renderPlane(const Volume& v, Plane plane, double positionMm, const Window& w, double pixelMm = 0);

// Windowed HU to grey, the same mapping the GPU shader uses.
inline std::uint8_t windowed(double hu, const Window& w) {
    const double t = (hu - w.lower()) / w.width;
    return std::uint8_t(t <= 0 ? 0 : t >= 1 ? 255 : int(t * 255.0 + 0.5));
}

// Writes 8-bit grey or RGB PNG; throws std::runtime_error naming the file when it cannot.
void writePng(const std::filesystem::path& file, const Image8& image);

}  // namespace polysim::imaging
