// What the reading room's panels share: where the left panel and the top bar are, and the deterioration a finding
// fired.
#pragma once

#include <string>

#include "common/format.h"
#include "scenario/scenario.h"

namespace polysim::gui {

inline constexpr float kTopBar = 46.f;
inline constexpr float kLeftPanel = 340.f;

// The deterioration the session fired for a finding: the first one the scenario gives it.
inline const scenario::Deterioration* deteriorationOf(const scenario::Scenario& s, const std::string& finding) {
    for (const auto& d : s.patient.deteriorations)
        if (d.findingId == finding) return &d;
    return nullptr;
}

}  // namespace polysim::gui
