// The TOML half of the scenario reader, kept apart so that only the files that parse include toml++.
#pragma once

#include <toml++/toml.h>

#include "scenario/internal.h"

namespace polysim::scenario::detail {

// Fills `out` from the parsed document; reports problems of form (unknown keys, types, missing fields, enums).
// Defaults from the phantom (regions, finding geometry) are applied here, so the checker sees the final model.
void readScenario(const toml::table& doc, Scenario& out, Locations& locations, Report& report);

}  // namespace polysim::scenario::detail
