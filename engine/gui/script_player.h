// Plays a scripted trainee into the reading room frame by frame: session::ScriptRunner (what `polysim play` runs to
// the end in one call) stepped up to each frame's session time, so the app can render and take a screenshot in
// between and still log exactly what `polysim play` logs. tests/gui checks the two logs are identical.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "session/session.h"
#include "session/trainee_script.h"

namespace polysim::gui {

class ScriptPlayer {
public:
    // `alreadyApplied`: commands a resumed session's log already holds, which are not played again.
    explicit ScriptPlayer(session::TraineeScript script, std::size_t alreadyApplied = 0)
        : runner_(std::move(script), alreadyApplied) {}
    // Applies every scripted command due at or before `seconds` (moving the clock to each command's time).
    void playUntil(session::Session& session, session::SessionClock& clock, double seconds) {
        runner_.runUntil(session, clock, seconds);
    }
    bool finished() const { return runner_.finished(); }
    const std::vector<std::string>& refused() const { return runner_.refused(); }

private:
    session::ScriptRunner runner_;
};

}  // namespace polysim::gui
