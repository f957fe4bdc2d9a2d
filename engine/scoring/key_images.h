// Key images for the debrief: each finding's centre slice, in a window that shows it, with the ground-truth box
// outlined, as PNG bytes. Phantom cases regenerate the series (at a debrief resolution); DICOM cases load it.
#pragma once

#include <string>

#include "scenario/scenario.h"
#include "scoring/debrief.h"

namespace polysim::scoring {

// `note` receives why some or all images are missing (data not on this machine, say); never throws for that.
KeyImages renderKeyImages(const scenario::Scenario& scenario, std::string* note);

}  // namespace polysim::scoring
