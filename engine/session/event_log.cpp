// Writing and reading the JSON Lines event log.
#include "session/event_log.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace polysim::session {

EventLog::EventLog(const std::filesystem::path& path, bool append) : path_(path) {
    file_ = std::fopen(path.c_str(), append ? "ab" : "wb");
    if (!file_)
        throw LogError(path.string() + ": cannot open the event log for writing: " + std::strerror(errno));
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

LogContents readEventLog(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw LogError(path.string() + ": cannot open the event log: " + std::strerror(errno));
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    LogContents out;
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
        if (problem.empty() && nl == std::string::npos) {
            // Complete but for its newline: the event happened, keep it; a resumed log gets the newline first.
            out.warnings.push_back(where + ": last line has no end of line; kept");
            out.events.push_back(std::move(event));
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
        pos = nl + 1;
        out.validBytes = pos;
    }
    return out;
}

}  // namespace polysim::session
