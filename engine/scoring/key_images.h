// Key images for the debrief: each finding's centre slice, in a window that shows it, with the ground-truth box
// outlined, as PNG bytes. Phantom cases read the two slices around each finding from the study the reading room
// cached (phantom::ensureCachedStudy), or regenerate the series at a debrief resolution when that cache is absent;
// DICOM cases load the series.
#pragma once

#include <map>
#include <string>

#include "imaging/volume.h"
#include "scenario/scenario.h"
#include "scoring/debrief.h"

namespace polysim::scoring {

// Where a key image's pixels came from.
enum class KeyImageSource { CachedStudy, Generated, Loaded };
using KeyImageSources = std::map<std::string, KeyImageSource>;  // by finding id

// `note` receives why some or all images are missing (data not on this machine, say); never throws for that.
// `sources` (optional) receives where each image came from.
KeyImages renderKeyImages(const scenario::Scenario& scenario, std::string* note, KeyImageSources* sources = nullptr);

// The series a finding's key image shows (its region's series, else the first body series); nullptr when none.
const scenario::SeriesSpec* keyImageSeries(const scenario::Scenario& scenario, const scenario::Finding& finding);
// One finding's key image as PNG bytes from a volume holding its axial centre slice. Throws when the PNG cannot be
// made.
std::string keyImagePng(const scenario::Scenario& scenario, const scenario::Finding& finding,
                        const imaging::Volume& volume);

}  // namespace polysim::scoring
