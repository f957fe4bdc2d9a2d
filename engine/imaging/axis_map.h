// Which voxel axis of a volume runs along each patient axis (LPS), for anything that walks a volume in patient terms:
// the viewer's planes, the computed scout.
#pragma once

#include <array>

#include "imaging/volume.h"

namespace polysim::imaging {

// The voxel axis that runs along each patient axis (L, P, S) and whether it runs the same way.
struct AxisMap {
    std::array<int, 3> voxelAxis{0, 1, 2};  // for LPS axis a: which of i, j, k
    std::array<int, 3> sign{1, 1, 1};       // +1 when the voxel index grows towards +L / +P / +S
    static AxisMap of(const VolumeGeometry& g);
};

}  // namespace polysim::imaging
