// How the program writes numbers and session times for people to read: one rule each, used by the reading room, the
// debrief, the HTML report, the scenario checker's messages and the command line.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace polysim {

// `v` with `decimals` digits after the point ("%.*f"): 69.6 stays 69.6 and never reads as 70.
inline std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

// `v` in at most `significant` digits, without trailing zeros ("%.*g"): 2.5, 0.625, 1e+06.
inline std::string shortNumber(double v, int significant = 6) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", significant, v);
    return buf;
}

// Session time as mm:ss. A clock shows the second under way (00:59 until a whole minute has passed), so a call made
// at 59.6 s reads 00:59 in the reading room and in the debrief alike; before the start reads 00:00.
inline std::string clockText(double seconds) {
    const long s = std::lround(std::floor(std::max(0.0, seconds) + 1e-9));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02ld:%02ld", s / 60, s % 60);
    return buf;
}

}  // namespace polysim
