// Plays a scripted trainee into the reading room frame by frame: the same commands, at the same session times and
// in the same order as session::runTraineeScript (what `polysim play` uses), but stoppable at any time so the app
// can render and take a screenshot in between. tests/gui checks the two logs are identical.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "session/session.h"
#include "session/trainee_script.h"

namespace polysim::gui {

class ScriptPlayer {
public:
    explicit ScriptPlayer(session::TraineeScript script) : script_(std::move(script)) {}
    // Applies every scripted command due at or before `seconds` (moving the clock to each command's time).
    void playUntil(session::Session& session, session::SessionClock& clock, double seconds);
    bool finished() const { return next_ >= script_.actions.size(); }
    const std::vector<std::string>& refused() const { return refused_; }

private:
    session::TraineeScript script_;
    std::size_t next_ = 0;    // next action
    int scrollStep_ = -1;     // position inside a scroll being played (-1: not started)
    int scrollSteps_ = 0;
    std::vector<std::string> refused_;
};

}  // namespace polysim::gui
