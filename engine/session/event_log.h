// The append-only session event log: JSON Lines, one event a line, each flushed as it is written, so a killed
// session loses nothing it logged. Lines hold session time only (no wall clock), so the same scenario and the same
// actions give a byte-identical log.
#pragma once

#include <cstdio>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "session/command.h"

namespace polysim::session {

// Key order is kept as written ("t" first, then "event" or "action"), which makes the log readable.
using Json = nlohmann::ordered_json;

// A trainee action as a log line's fields ("action": name, then its arguments), and back. fromJson returns
// nullopt (and says why in `error`) for a line that is not a well-formed action.
Json commandToJson(const Command& command);
std::optional<Command> commandFromJson(const Json& event, std::string* error = nullptr);

// A log that cannot be read or written; the message names the file (and line).
struct LogError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class EventLog {
public:
    EventLog() = default;  // in memory only (scoring, tests)
    // Writes to `path`: a new file, or (append = true) after the lines already there.
    EventLog(const std::filesystem::path& path, bool append);
    ~EventLog();
    EventLog(const EventLog&) = delete;
    EventLog& operator=(const EventLog&) = delete;

    void append(const Json& event);
    const std::vector<Json>& events() const { return events_; }
    const std::filesystem::path& path() const { return path_; }

    // Called after each event is written (the GUI uses it to speak interruptions, show announcements).
    void setListener(std::function<void(const Json&)> listener) { listener_ = std::move(listener); }

    // Resuming: the next appended events are checked against these (already in the file) instead of written again.
    // A difference is recorded in divergences() (a changed scenario file, say) and writing resumes from there.
    void expect(std::vector<Json> alreadyWritten);
    bool expecting() const { return expectedNext_ < expected_.size(); }
    const std::vector<std::string>& divergences() const { return divergences_; }

    // One line exactly as written to the file (no trailing newline).
    static std::string format(const Json& event);

private:
    void writeLine(const std::string& line);

    std::filesystem::path path_;
    std::FILE* file_ = nullptr;
    std::vector<Json> events_;
    std::function<void(const Json&)> listener_;
    std::vector<Json> expected_;
    std::size_t expectedNext_ = 0;
    std::vector<std::string> divergences_;
};

// Where each event of a log came from, so a warning about one event names its file and line.
struct EventPlaces {
    std::filesystem::path file;
    std::vector<int> lines;  // 1-based line of each event
    // "log.jsonl:12", or "event 5" for events held only in memory.
    std::string at(std::size_t eventIndex) const;
};

struct LogContents {
    std::vector<Json> events;
    EventPlaces places;
    std::vector<std::string> warnings;  // "log.jsonl:57: damaged last line (cut off mid-write), skipped"
    std::uintmax_t validBytes = 0;      // length of the file up to the end of the last good line
    bool missingNewline = false;        // the last good line lacks its newline
};
// Reads a log. A damaged last line (a session killed mid-write) is reported in warnings and skipped; a damaged
// line anywhere else throws LogError naming file and line, as do times that go backwards, a log_format this version
// does not know, and a second session_start of another scenario. Unknown event kinds are warned about and kept.
// Only a regular file is read (a FIFO or a device is refused at once).
LogContents readEventLog(const std::filesystem::path& path);

}  // namespace polysim::session
