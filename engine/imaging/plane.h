// The three orthogonal planes a CT volume is read in. One enum for the whole program: the viewer, the session log,
// scoring and `polysim snapshot` all speak of the same planes.
#pragma once

#include <optional>
#include <string_view>

namespace polysim::imaging {

enum class Plane { Axial = 0, Coronal = 1, Sagittal = 2 };

std::string_view planeName(Plane p);                     // "axial" | "coronal" | "sagittal"
std::optional<Plane> parsePlane(std::string_view name);  // the inverse; empty for anything else

// The patient axis (LPS: 0 x, 1 y, 2 z) along a plane's normal, which is also the voxel axis of an axial stack:
// z for axial, y for coronal, x for sagittal.
constexpr int normalAxis(Plane p) {
    return p == Plane::Axial ? 2 : p == Plane::Coronal ? 1 : 0;
}

}  // namespace polysim::imaging
