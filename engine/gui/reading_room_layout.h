// What the reading room's panels share: where the left panel and the top bar are, the clock as the room shows it,
// and the deterioration a finding fired.
#pragma once

#include <cstdio>
#include <string>

#include "scenario/scenario.h"

namespace polysim::gui {

inline constexpr float kTopBar = 46.f;
inline constexpr float kLeftPanel = 340.f;

inline std::string clockText(double seconds) {
    char b[32];
    int s = int(seconds);
    std::snprintf(b, sizeof b, "%02d:%02d", s / 60, s % 60);
    return b;
}

// The deterioration the session fired for a finding: the first one the scenario gives it.
inline const scenario::Deterioration* deteriorationOf(const scenario::Scenario& s, const std::string& finding) {
    for (const auto& d : s.patient.deteriorations)
        if (d.findingId == finding) return &d;
    return nullptr;
}

}  // namespace polysim::gui
