// Resuming a killed session from its event log.
#include "session/resume.h"

#include <fstream>

namespace polysim::session {

SessionOptions optionsFromLog(const Json& start) {
    SessionOptions o;
    if (auto it = start.find("slice_mm"); it != start.end() && it->is_object())
        for (auto s = it->begin(); s != it->end(); ++s)
            if (s->is_number()) o.sliceMmBySeries[s.key()] = s->get<double>();
    if (auto it = start.find("fov_mm"); it != start.end() && it->is_number()) o.fieldOfViewMm = it->get<double>();
    if (auto it = start.find("trainee"); it != start.end() && it->is_string()) o.trainee = it->get<std::string>();
    if (auto it = start.find("exam"); it != start.end() && it->is_boolean()) o.exam = it->get<bool>();
    return o;
}

void checkLogMatchesScenario(const std::vector<Json>& events, const scenario::Scenario& scenario,
                             const std::filesystem::path& file) {
    if (events.empty() || events.front().value("event", "") != "session_start")
        throw LogError(file.string() + ":1: not a polysim session log (it must start with a session_start event)");
    std::string id = events.front().value("scenario", "");
    if (id != scenario.meta.id)
        throw LogError(file.string() + ":1: this log is of scenario '" + id + "', not '" + scenario.meta.id + "'");
}

ResumedSession resumeSession(const scenario::Scenario& scenario, SessionClock& clock,
                             const std::filesystem::path& path) {
    ResumedSession out;
    LogContents contents = readEventLog(path);
    out.warnings = contents.warnings;
    checkLogMatchesScenario(contents.events, scenario, path);
    // Drop the damaged tail so new lines start on a line of their own.
    std::error_code ec;
    std::filesystem::resize_file(path, contents.validBytes, ec);
    if (ec) throw LogError(path.string() + ": cannot cut the damaged last line: " + ec.message());
    if (contents.missingNewline) {
        std::ofstream(path, std::ios::app | std::ios::binary) << '\n';
    }
    out.log = std::make_unique<EventLog>(path, true);
    out.log->expect(contents.events);
    out.session = std::make_unique<Session>(scenario, clock, *out.log, optionsFromLog(contents.events.front()));
    auto replayWarnings = out.session->replay(contents.events, &contents.places);
    out.warnings.insert(out.warnings.end(), replayWarnings.begin(), replayWarnings.end());
    for (const auto& d : out.log->divergences()) out.warnings.push_back(path.string() + ": " + d);
    if (out.session->paused() && !out.log->expecting()) {
        // Nobody may be there to resume it (the console is gone with the process that stopped).
        out.session->apply(ResumeClock{});
        out.warnings.push_back(path.string() +
                               ": the instructor had paused the clock when the session stopped; it "
                               "runs again");
    }
    for (const auto& e : contents.events)
        if (e.contains("action")) ++out.actionsReplayed;
    return out;
}

}  // namespace polysim::session
