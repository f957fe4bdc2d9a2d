// The frame loop's side of the instructor's console: once a frame it applies the commands the page sent (on the
// session clock, through the session like any command, so they land in the event log) and publishes what changed.
// The server's threads never see the session; this is the only place the two meet, on the app's thread.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "console/server.h"
#include "scoring/score.h"
#include "session/session.h"

namespace polysim::console {

class ConsoleLink {
public:
    explicit ConsoleLink(ConsoleServer& server) : server_(server) {}

    // `realSeconds`: the frame's real time (how long a pause lasts is measured from it). `coverage`: the room's
    // latest score of the log, or null.
    void frame(session::Session& session, const session::EventLog& log, const scoring::Score* coverage,
               double realSeconds);
    // Publishes the state now (the session began or ended).
    void publishNow(const session::Session& session, const session::EventLog& log, const scoring::Score* coverage);

    // Called after each command from the page has been applied (the reading room shows a refusal, say).
    std::function<void(const session::Command&, const session::ApplyResult&)> onApplied;

    // How often the state is sent while nothing but the clock changes, real seconds.
    static constexpr double kClockRefreshSeconds = 0.25;

private:
    ConsoleServer& server_;
    double sincePublish_ = 1e9;
    std::size_t eventsPublished_ = 0;
    std::optional<session::ViewState> viewPublished_;
    bool coveragePublished_ = false;
    double heldSeconds_ = 0;  // real time since the instructor paused the clock
};

// A page's command (a JSON object in the log's format) as a session command; nullopt and `error` for anything that
// is not one of the instructor's (a trainee's action may not come from the console).
std::optional<session::Command> instructorCommand(const session::Json& message, std::string* error);

}  // namespace polysim::console
