// The session clock: the only source of time in the engine. The app advances it from real frame times,
// tests and replays set it directly, so a 15-minute scenario replays in milliseconds with the same log.
#pragma once

#include <algorithm>
#include <cmath>

namespace polysim::session {

// Session times are kept to the millisecond so the log (which prints them) and a replay of the log agree exactly.
inline double roundToMs(double seconds) {
    return std::round(seconds * 1000.0) / 1000.0;
}

class SessionClock {
public:
    double now() const { return now_; }
    // Real-time driving: add the frame's elapsed seconds (ignored while paused, never backwards).
    void advanceBy(double seconds) {
        if (!paused_ && seconds > 0) now_ += seconds;
    }
    // Scripted driving: jump to a session time (never backwards; ignored while paused).
    void advanceTo(double seconds) {
        if (!paused_) now_ = std::max(now_, seconds);
    }
    void setPaused(bool paused) { paused_ = paused; }
    bool paused() const { return paused_; }

private:
    double now_ = 0;
    bool paused_ = false;
};

}  // namespace polysim::session
