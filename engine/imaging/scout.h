// A scout (AP topogram) computed from an axial body series, for a case whose study has none of its own.
#pragma once

#include <memory>

#include "imaging/volume.h"

namespace polysim::imaging {

// An anterior-posterior projection of a CT volume, like a topogram: one image, the patient's right on the left and
// the head at the top, each pixel the water-equivalent path through the body along P (the same scale as the
// phantom's scout, so the usual windows show it). Made for DICOM cases, which bring no scout the viewer can show.
std::shared_ptr<Volume> projectScout(const Volume& body);

}  // namespace polysim::imaging
