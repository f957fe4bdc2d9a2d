// The voxel axes of a volume against the patient's axes (see axis_map.h).
#include "imaging/axis_map.h"

#include <cmath>

namespace polysim::imaging {

AxisMap AxisMap::of(const VolumeGeometry& g) {
    AxisMap m;
    std::array<bool, 3> taken{false, false, false};
    // Each voxel axis is assigned to the patient axis it runs most closely along; oblique acquisitions are shown
    // in their own voxel planes, labelled by the nearest patient axis.
    for (int c = 0; c < 3; ++c) {
        int best = -1;
        for (int a = 0; a < 3; ++a)
            if (!taken[a] && (best < 0 || std::abs(g.direction[c][a]) > std::abs(g.direction[c][best]))) best = a;
        taken[best] = true;
        m.voxelAxis[best] = c;
        m.sign[best] = g.direction[c][best] < 0 ? -1 : 1;
    }
    return m;
}

}  // namespace polysim::imaging
