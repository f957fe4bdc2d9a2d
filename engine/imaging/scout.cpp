// The computed scout: water-equivalent path length through the body series, front to back (see scout.h).
#include "imaging/scout.h"

#include <algorithm>

#include "imaging/axis_map.h"

namespace polysim::imaging {

std::shared_ptr<Volume> projectScout(const Volume& body) {
    const auto& g = body.geometry();
    const AxisMap axes = AxisMap::of(g);
    const int aL = axes.voxelAxis[0], aP = axes.voxelAxis[1], aS = axes.voxelAxis[2];
    const glm::ivec3 d = g.dims;
    const int columns = d[aL], rows = d[aS], depth = d[aP];
    // The image's first column is the patient's right, its first row the top of the body.
    glm::dvec3 first(0.0);
    first[aL] = axes.sign[0] > 0 ? 0 : columns - 1;
    first[aS] = axes.sign[2] > 0 ? rows - 1 : 0;
    first[aP] = (depth - 1) * 0.5;
    VolumeGeometry sg;
    sg.dims = {columns, rows, 1};
    sg.spacing = {g.spacing[aL], g.spacing[aS], 1.0};
    sg.origin = g.indexToPatient(first);
    sg.direction = glm::dmat3(glm::dvec3(1, 0, 0), glm::dvec3(0, 0, -1), glm::dvec3(0, 1, 0));
    auto scout = std::make_shared<Volume>(sg);
    const double stepMm = g.spacing[aP];
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < columns; ++c) {
            glm::ivec3 ijk(0);
            ijk[aL] = axes.sign[0] > 0 ? c : columns - 1 - c;
            ijk[aS] = axes.sign[2] > 0 ? rows - 1 - r : r;
            double wel = 0;  // water-equivalent path length along P, mm
            for (int p = 0; p < depth; ++p) {
                ijk[aP] = p;
                if (!body.sliceReady(ijk.z)) continue;
                wel += std::max(0.0, (body.at(ijk.x, ijk.y, ijk.z) + 1000.0) / 1000.0) * stepMm;
            }
            // The phantom's scout scale: 7 HU per mm of water, air at -1000.
            scout->at(c, r, 0) = int16_t(std::clamp(wel * 7.0 - 1000.0, -1024.0, 3071.0));
        }
    scout->markAllReady();
    return scout;
}

}  // namespace polysim::imaging
