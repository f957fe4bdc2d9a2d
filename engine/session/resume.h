// Resuming a session that was killed: its log is read back (a damaged last line is reported and skipped), the
// trainee's logged actions are replayed through the engine, and new events are appended to the same file.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "session/session.h"

namespace polysim::session {

// The options a session was run with, as its session_start event records them.
SessionOptions optionsFromLog(const Json& sessionStart);
// Checks that a log starts with session_start for this scenario; throws LogError naming the file otherwise.
void checkLogMatchesScenario(const std::vector<Json>& events, const scenario::Scenario& scenario,
                             const std::filesystem::path& file);

struct ResumedSession {
    std::unique_ptr<EventLog> log;
    std::unique_ptr<Session> session;
    std::vector<std::string> warnings;  // damaged last line, replay differences
    std::size_t actionsReplayed = 0;    // trainee actions the log already held
};
// The clock is brought to the time of the last logged event. Throws LogError for a log that is not this
// scenario's or is damaged before its last line.
ResumedSession resumeSession(const scenario::Scenario& scenario, SessionClock& clock, const std::filesystem::path& log);

}  // namespace polysim::session
