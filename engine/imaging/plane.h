// The three orthogonal planes a CT volume is read in. One enum for the whole program: the viewer, the session log,
// scoring and `polysim snapshot` all speak of the same planes.
#pragma once

#include <optional>
#include <string_view>

namespace polysim::imaging {

enum class Plane { Axial = 0, Coronal = 1, Sagittal = 2 };

std::string_view planeName(Plane p);                     // "axial" | "coronal" | "sagittal"
std::optional<Plane> parsePlane(std::string_view name);  // the inverse; empty for anything else

}  // namespace polysim::imaging
