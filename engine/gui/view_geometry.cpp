// Radiological-convention mapping between the three views and the voxel grid (see view_geometry.h).
#include "gui/view_geometry.h"

#include <algorithm>
#include <cmath>

namespace polysim::gui {

PlaneMapping PlaneMapping::of(Plane plane, const imaging::VolumeGeometry& g) {
    const AxisMap a = AxisMap::of(g);
    PlaneMapping m;
    m.plane = plane;
    constexpr int L = 0, P = 1, S = 2;
    switch (plane) {
        case Plane::Axial:  // looking from the feet: patient's left on screen right, posterior at the bottom
            m.normalAxis = a.voxelAxis[S];
            m.acrossAxis = a.voxelAxis[L], m.acrossFlipped = a.sign[L] < 0;
            m.downAxis = a.voxelAxis[P], m.downFlipped = a.sign[P] < 0;
            m.labels = {"R", "L", "A", "P"};
            m.nextStep = -a.sign[S];
            break;
        case Plane::Coronal:  // looking from the front: superior at the top
            m.normalAxis = a.voxelAxis[P];
            m.acrossAxis = a.voxelAxis[L], m.acrossFlipped = a.sign[L] < 0;
            m.downAxis = a.voxelAxis[S], m.downFlipped = a.sign[S] > 0;
            m.labels = {"R", "L", "S", "I"};
            m.nextStep = a.sign[P];
            break;
        case Plane::Sagittal:  // looking from the patient's left: anterior on screen left
            m.normalAxis = a.voxelAxis[L];
            m.acrossAxis = a.voxelAxis[P], m.acrossFlipped = a.sign[P] < 0;
            m.downAxis = a.voxelAxis[S], m.downFlipped = a.sign[S] > 0;
            m.labels = {"A", "P", "S", "I"};
            m.nextStep = a.sign[L];
            break;
    }
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
