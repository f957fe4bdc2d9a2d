// Writing and reading the JSON Lines event log.
#include "session/event_log.h"

#include "session/session.h"
#include "session/text_file.h"

#include <cerrno>
#include <cstring>
#include <set>

namespace polysim::session {

EventLog::EventLog(const std::filesystem::path& path, bool append) : path_(path) {
    if (auto why = whyNotWritable(path); !why.empty()) throw LogError(path.string() + ": " + why);
    file_ = std::fopen(path.c_str(), append ? "ab" : "wb");
    if (!file_) throw LogError(path.string() + ": cannot open the event log for writing: " + std::strerror(errno));
}

EventLog::~EventLog() {
    if (file_) std::fclose(file_);
}

std::string EventLog::format(const Json& event) {
    // nlohmann prints doubles as the shortest text that reads back to the same value, so a value the engine
    // rounded to the millisecond prints the same every time.
    return event.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void EventLog::expect(std::vector<Json> alreadyWritten) {
    expected_ = std::move(alreadyWritten);
    expectedNext_ = 0;
}

void EventLog::writeLine(const std::string& line) {
    if (!file_) return;
    std::string withNewline = line + "\n";
    if (std::fwrite(withNewline.data(), 1, withNewline.size(), file_) != withNewline.size() || std::fflush(file_) != 0)
        throw LogError(path_.string() + ": cannot write the event log: " + std::strerror(errno));
}

void EventLog::append(const Json& event) {
    events_.push_back(event);
    if (expectedNext_ < expected_.size()) {
        const Json& was = expected_[expectedNext_];
        if (format(was) == format(event)) {
            ++expectedNext_;
        } else {
            // From here the file's tail no longer matches what the engine does; keep what is on disk (it is the
            // record of what happened) and note where the replay parted from it.
            divergences_.push_back("event " + std::to_string(expectedNext_ + 1) + ": log has " + format(was) +
                                   ", the scenario now gives " + format(event));
            expected_.clear();
            expectedNext_ = 0;
        }
    } else {
        writeLine(format(event));
    }
    if (listener_) listener_(event);
}

std::string EventPlaces::at(std::size_t eventIndex) const {
    if (eventIndex < lines.size()) return file.string() + ":" + std::to_string(lines[eventIndex]);
    return "event " + std::to_string(eventIndex + 1);
}

namespace {
// The kinds of event the session writes ("action" lines are the trainee's and are checked when replayed).
bool knownEventKind(const std::string& kind) {
    static const std::set<std::string> kinds = {
        "session_start",       "series_arrived",        "series_complete",  "vitals",          "interruption_start",
        "interruption_repeat", "interruption_escalate", "interruption_end", "deadline_missed", "deterioration",
        "session_end"};
    return kinds.count(kind) > 0;
}

// What the order and kinds of a log's events must be; throws LogError at `where` or adds a warning.
void checkEventInLog(const Json& event, const LogContents& sofar, const std::string& where,
                     std::vector<std::string>& warnings) {
    const double t = event["t"].get<double>();
    if (t < 0) throw LogError(where + ": time " + Json(t).dump() + " s is before the session started");
    // A session lasts minutes; a time of days is a damaged or forged line, not a reading.
    constexpr double kLongestSession = 7 * 24 * 3600.0;
    if (t > kLongestSession) throw LogError(where + ": time " + Json(t).dump() + " s is beyond any session");
    if (!sofar.events.empty()) {
        const double before = sofar.events.back()["t"].get<double>();
        if (t < before)
            throw LogError(where + ": time goes backwards (" + Json(t).dump() + " s after an event at " +
                           Json(before).dump() + " s); a session log is written in time order");
    }
    auto kindIt = event.find("event");
    if (kindIt == event.end()) {
        if (!event.contains("action")) throw LogError(where + ": neither an \"event\" nor an \"action\"");
        return;
    }
    if (!kindIt->is_string()) throw LogError(where + ": \"event\" must be a string");
    const std::string kind = kindIt->get<std::string>();
    if (kind == "session_start") {
        if (sofar.events.empty()) {
            if (auto f = event.find("log_format"); f != event.end() && (!f->is_number_integer() || *f != kLogFormat))
                throw LogError(where + ": log_format " + f->dump() + " is not one this version of polysim reads (" +
                               std::to_string(kLogFormat) + ")");
            return;
        }
        const std::string first = sofar.events.front().value("scenario", "");
        const std::string second = event.value("scenario", "");
        if (second != first)
            throw LogError(where + ": a second session_start, of scenario '" + second + "' in a log of '" + first +
                           "'; one log holds one session");
        warnings.push_back(where + ": a second session_start of the same scenario; ignored");
        return;
    }
    if (!knownEventKind(kind)) warnings.push_back(where + ": unknown event kind '" + kind + "'; ignored");
}
}  // namespace

LogContents readEventLog(const std::filesystem::path& path) {
    // A session log is a few hundred kilobytes; 256 MB is hours of scrolling.
    auto file = readRegularTextFile(path, std::uintmax_t(256) << 20);
    if (!file.error.empty()) throw LogError(path.string() + ": event log " + file.error);
    const std::string& text = file.text;
    LogContents out;
    out.places.file = path;
    std::size_t pos = 0;
    int lineNo = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        bool last = nl == std::string::npos || nl + 1 >= text.size();
        std::size_t end = nl == std::string::npos ? text.size() : nl;
        std::string line = text.substr(pos, end - pos);
        ++lineNo;
        std::string where = path.string() + ":" + std::to_string(lineNo);
        if (line.empty() || line.find_first_not_of(" \t\r") == std::string::npos) {
            if (nl == std::string::npos) break;
            pos = nl + 1;
            out.validBytes = pos;
            continue;
        }
        Json event;
        std::string problem;
        try {
            event = Json::parse(line);
            if (!event.is_object() || !event.contains("t") || !event["t"].is_number())
                problem = "not a log event (needs an object with a number \"t\")";
        } catch (const std::exception& e) {
            problem = std::string("not valid JSON (") + e.what() + ")";
        }
        if (problem.empty()) checkEventInLog(event, out, where, out.warnings);
        if (problem.empty() && nl == std::string::npos) {
            // Complete but for its newline: the event happened, keep it; a resumed log gets the newline first.
            out.warnings.push_back(where + ": last line has no end of line; kept");
            out.events.push_back(std::move(event));
            out.places.lines.push_back(lineNo);
            out.validBytes = text.size();
            out.missingNewline = true;
            break;
        }
        if (!problem.empty()) {
            if (last) {
                out.warnings.push_back(where + ": damaged last line, skipped: " + problem);
                break;
            }
            throw LogError(where + ": " + problem);
        }
        out.events.push_back(std::move(event));
        out.places.lines.push_back(lineNo);
        pos = nl + 1;
        out.validBytes = pos;
    }
    return out;
}

}  // namespace polysim::session
