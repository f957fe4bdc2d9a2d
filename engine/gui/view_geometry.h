// How a Volume is shown in the three linked views: which voxel axes run across and down the screen, in the
// radiological convention (patient's right on the viewer's left, anterior or superior at the top).
// Pure geometry, no OpenGL, so it can be tested without a window.
#pragma once

#include <array>
#include <string_view>

#include <glm/glm.hpp>

#include "imaging/axis_map.h"
#include "imaging/plane.h"
#include "imaging/volume.h"

namespace polysim::gui {

using imaging::Plane;
using imaging::planeName;

using imaging::AxisMap;

// One view's mapping between its image (u across, v down, both 0..1 over the whole plane) and voxel indices.
struct PlaneMapping {
    Plane plane = Plane::Axial;
    int normalAxis = 2;          // voxel axis the view cuts across
    int nextStep = 1;            // index step of "next image": towards the feet, the back, the patient's left
    int textureAxisX = 0;        // voxel axis stored along the texture's x (the lower-numbered in-plane axis)
    int textureAxisY = 1;        // voxel axis stored along the texture's y
    int acrossAxis = 0;          // voxel axis that runs left-to-right on screen
    bool acrossFlipped = false;  // true when the index decreases left-to-right
    int downAxis = 1;            // voxel axis that runs top-to-bottom on screen
    bool downFlipped = false;
    glm::dvec2 sizeMm{0.0};                    // physical width and height of the whole plane
    std::array<std::string_view, 4> labels{};  // orientation letters at left, right, top, bottom

    static PlaneMapping of(Plane plane, const imaging::VolumeGeometry& g);

    // Continuous voxel index (voxel centres at integers) of image point (u, v) on the plane through `cursor`.
    glm::dvec3 voxelAt(glm::dvec2 uv, const glm::dvec3& cursor, const glm::ivec3& dims) const;
    // Where voxel index `ijk` falls in this view's image, (u, v) in 0..1.
    glm::dvec2 uvOf(const glm::dvec3& ijk, const glm::ivec3& dims) const;
    // Column-major 3x3 matrix for the shader: (u, v, 1) -> texture coordinates.
    std::array<float, 9> uvToTexture() const;
};

// The image rectangle of a plane drawn in a view of `viewSize` pixels: fitted with its aspect ratio, then zoomed
// about the view centre and panned.
struct ImageRect {
    glm::dvec2 min{0.0}, max{0.0};
    glm::dvec2 size() const { return max - min; }
    glm::dvec2 toUv(glm::dvec2 px) const { return (px - min) / size(); }
    glm::dvec2 toPixels(glm::dvec2 uv) const { return min + uv * size(); }
};
ImageRect fitImage(glm::dvec2 viewMin, glm::dvec2 viewSize, glm::dvec2 planeSizeMm, double zoom, glm::dvec2 panPx);

// A shown plane as a map between view pixels and patient mm: which patient axis (0 L, 1 P, 2 S) runs across the
// view, which runs down, which is the plane's normal, and where the plane lies along it. Exact for volumes acquired
// along the patient axes; for oblique ones it uses the nearest patient axes, as the view labels do.
struct PlaneFrame {
    Plane plane = Plane::Axial;
    int acrossAxis = 0, downAxis = 1, normalAxis = 2;  // patient axes
    glm::dvec2 pxPerMm{1.0};   // signed: pixels per mm of acrossAxis along x and of downAxis along y
    glm::dvec2 pxAtZero{0.0};  // pixel where acrossAxis and downAxis are both 0 mm
    double sliceMm = 0;        // position of the shown plane along normalAxis
    double sliceThicknessMm = 1;

    glm::dvec2 toPixels(const glm::dvec3& lps) const {
        return pxAtZero + pxPerMm * glm::dvec2(lps[acrossAxis], lps[downAxis]);
    }
    // The patient position under pixel `px` on the shown plane.
    glm::dvec3 toLps(glm::dvec2 px) const {
        glm::dvec3 lps(0.0);
        lps[acrossAxis] = (px.x - pxAtZero.x) / pxPerMm.x;
        lps[downAxis] = (px.y - pxAtZero.y) / pxPerMm.y;
        lps[normalAxis] = sliceMm;
        return lps;
    }
};

}  // namespace polysim::gui
