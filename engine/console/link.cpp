// The frame loop's side of the console (see link.h).
#include "console/link.h"

#include <cmath>

#include "console/snapshot.h"

namespace polysim::console {

std::optional<session::Command> instructorCommand(const session::Json& message, std::string* error) {
    auto command = session::commandFromJson(message, error);
    if (!command) return std::nullopt;
    if (auto* end = std::get_if<session::EndSession>(&*command)) end->by = "instructor";
    if (!session::isInstructorCommand(*command)) {
        if (error) *error = "'" + std::string(session::commandName(*command)) + "' is the trainee's to do";
        return std::nullopt;
    }
    return command;
}

void ConsoleLink::publishNow(const session::Session& session, const session::EventLog& log,
                             const scoring::Score* coverage) {
    server_.publish(sessionSnapshot(session, log, coverage).dump());
    sincePublish_ = 0;
    eventsPublished_ = log.events().size();
    viewPublished_ = session.view();
    coveragePublished_ = coverage != nullptr;
}

void ConsoleLink::frame(session::Session& session, const session::EventLog& log, const scoring::Score* coverage,
                        double realSeconds) {
    if (session.paused()) heldSeconds_ += realSeconds;
    for (const auto& message : server_.takeCommands()) {
        std::string why;
        auto command = instructorCommand(message, &why);
        if (!command) continue;  // the page only sends well-formed instructor commands; anything else is dropped
        if (auto* resume = std::get_if<session::ResumeClock>(&*command); resume && resume->heldSeconds == 0)
            resume->heldSeconds = std::round(heldSeconds_ * 10) / 10;
        if (std::holds_alternative<session::PauseClock>(*command)) heldSeconds_ = 0;
        session.update();
        auto result = session.apply(*command);
        if (onApplied) onApplied(*command, result);
    }
    sincePublish_ += realSeconds;
    // A trainee's action reaches the page on the frame it happens; the clock alone a few times a second.
    bool changed = log.events().size() != eventsPublished_ || !viewPublished_ || !(*viewPublished_ == session.view()) ||
                   (coverage != nullptr) != coveragePublished_;
    if (changed || sincePublish_ >= kClockRefreshSeconds) publishNow(session, log, coverage);
}

}  // namespace polysim::console
