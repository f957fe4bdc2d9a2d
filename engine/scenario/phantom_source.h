// The built-in phantom as a scenario asks for it: one place that turns [images.phantom] and the series kinds into
// phantom::PhantomOptions, so the reading room, the session and the validator generate and check the same study.
#pragma once

#include "phantom/phantom.h"
#include "scenario/scenario.h"

namespace polysim::scenario {

// Seed, injuries, matrix, slice spacing and field of view from [images.phantom]; phases from the kinds of
// [[images.series]] other than scout and head (those two are always part of the study), in the file's order.
// Precondition: scenario.images.phantom is set.
phantom::PhantomOptions phantomOptionsFor(const Scenario& scenario);

}  // namespace polysim::scenario
