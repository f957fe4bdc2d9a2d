// The reading-order regions of a case made from real CT: each region's z range from the landmarks found in its
// images (imaging/body_landmarks.h), and only the regions the images contain; the series kind from the contrast phase.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "imaging/body_landmarks.h"
#include "scenario/scenario.h"

namespace polysim::scenario {

// The default regions (labels and windows of the default reading order) that these landmarks show, each with its z
// range (LPS mm) clipped to the images, in the default reading order; regions the images do not hold are left out.
// `why` gets one line per region saying which landmarks bound it (or why it is left out).
std::vector<Region> regionsFromLandmarks(const imaging::BodyLandmarks& landmarks,
                                         std::vector<std::string>* why = nullptr);

// Regions of several series of one patient: each region over the union of its ranges in the series that show it.
std::vector<Region> mergeRegions(const std::vector<std::vector<Region>>& perSeries);

// The scenario series kind for a CT series: Head for a head CT (skull, no trunk), else the contrast phase's kind
// (NonContrast, Arterial, PortalVenous); none when the images cannot tell.
std::optional<phantom::SeriesKind> seriesKindFromImages(const imaging::BodyLandmarks& landmarks,
                                                        const imaging::ContrastEstimate& contrast);

}  // namespace polysim::scenario
