// Radiological-convention mapping between the three views and the voxel grid (see view_geometry.h).
#include "gui/view_geometry.h"

#include <algorithm>
#include <cmath>

namespace polysim::gui {

namespace {
// A direction in the patient: an LPS axis (0 L, 1 P, 2 S) and which way along it.
struct Towards {
    int axis, sign;
};
// Where a plane's screen right, screen down and "next image" point in the patient, and its orientation letters.
struct Layout {
    Towards right, down, next;
    std::array<std::string_view, 4> labels;
};

Layout layoutOf(Plane plane) {
    constexpr int L = 0, P = 1, S = 2;
    if (plane == Plane::Coronal)  // looking from the front: superior at the top
        return {{L, 1}, {S, -1}, {P, 1}, {"R", "L", "S", "I"}};
    if (plane == Plane::Sagittal)  // looking from the patient's left: anterior on screen left
        return {{P, 1}, {S, -1}, {L, 1}, {"A", "P", "S", "I"}};
    // Axial, looking from the feet: the patient's left on screen right, posterior at the bottom.
    return {{L, 1}, {P, 1}, {S, -1}, {"R", "L", "A", "P"}};
}
}  // namespace

PlaneMapping PlaneMapping::of(Plane plane, const imaging::VolumeGeometry& g) {
    const AxisMap a = AxisMap::of(g);
    const Layout t = layoutOf(plane);
    PlaneMapping m;
    m.plane = plane;
    m.normalAxis = a.voxelAxis[t.next.axis];
    m.acrossAxis = a.voxelAxis[t.right.axis], m.acrossFlipped = a.sign[t.right.axis] * t.right.sign < 0;
    m.downAxis = a.voxelAxis[t.down.axis], m.downFlipped = a.sign[t.down.axis] * t.down.sign < 0;
    m.labels = t.labels;
    m.nextStep = a.sign[t.next.axis] * t.next.sign;
    m.textureAxisX = std::min(m.acrossAxis, m.downAxis);
    m.textureAxisY = std::max(m.acrossAxis, m.downAxis);
    m.sizeMm = {g.dims[m.acrossAxis] * g.spacing[m.acrossAxis], g.dims[m.downAxis] * g.spacing[m.downAxis]};
    return m;
}

glm::dvec3 PlaneMapping::voxelAt(glm::dvec2 uv, const glm::dvec3& cursor, const glm::ivec3& dims) const {
    glm::dvec3 ijk = cursor;
    double u = acrossFlipped ? 1.0 - uv.x : uv.x;
    double v = downFlipped ? 1.0 - uv.y : uv.y;
    ijk[acrossAxis] = u * dims[acrossAxis] - 0.5;
    ijk[downAxis] = v * dims[downAxis] - 0.5;
    return ijk;
}

glm::dvec2 PlaneMapping::uvOf(const glm::dvec3& ijk, const glm::ivec3& dims) const {
    double u = (ijk[acrossAxis] + 0.5) / dims[acrossAxis];
    double v = (ijk[downAxis] + 0.5) / dims[downAxis];
    return {acrossFlipped ? 1.0 - u : u, downFlipped ? 1.0 - v : v};
}

std::array<float, 9> PlaneMapping::uvToTexture() const {
    const float a1 = acrossFlipped ? -1.f : 1.f, a0 = acrossFlipped ? 1.f : 0.f;
    const float b1 = downFlipped ? -1.f : 1.f, b0 = downFlipped ? 1.f : 0.f;
    if (acrossAxis == textureAxisX) return {a1, 0, 0, 0, b1, 0, a0, b0, 1};
    return {0, a1, 0, b1, 0, 0, b0, a0, 1};
}

ImageRect fitImage(glm::dvec2 viewMin, glm::dvec2 viewSize, glm::dvec2 planeSizeMm, double zoom, glm::dvec2 panPx) {
    ImageRect r;
    if (planeSizeMm.x <= 0 || planeSizeMm.y <= 0) return r;
    double scale = std::min(viewSize.x / planeSizeMm.x, viewSize.y / planeSizeMm.y) * zoom;
    glm::dvec2 size = planeSizeMm * scale;
    glm::dvec2 centre = viewMin + viewSize * 0.5 + panPx;
    r.min = centre - size * 0.5;
    r.max = centre + size * 0.5;
    return r;
}

}  // namespace polysim::gui
