// The results history: every scored session in a local SQLite database, so a resident sees a trend and an
// instructor can compare a group. Default place: $POLYSIM_DB, else $XDG_DATA_HOME/polysim/results.sqlite, else
// ~/.local/share/polysim/results.sqlite.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "scoring/score.h"

struct sqlite3;

namespace polysim::scoring {

struct HistoryError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct HistoryEntry {
    long long id = 0;
    std::string scoredAt;  // UTC, "2026-11-23 17:05:00" (when it was scored, not part of the session)
    std::string trainee;
    std::string scenarioId, scenarioTitle;
    double total = 0;
    bool passed = false;
    int criticalErrors = 0;
    double findings = 0, order = 0, coverage = 0, interruptions = 0, conclusion = 0;  // part scores 0..1
    double durationSeconds = 0;
    std::string logPath;
    std::string logDigest;  // FNV-1a of the log bytes: scoring the same log again updates its entry
    std::string scoreJson;  // the whole score (scoreToJson)
};

std::filesystem::path defaultHistoryPath();

class History {
public:
    // Opens (creating the file and its folder if needed). Throws HistoryError naming the file.
    explicit History(const std::filesystem::path& path);
    ~History();
    History(const History&) = delete;
    History& operator=(const History&) = delete;

    // Stores a scored session; the same trainee, scenario and log replaces the earlier entry. Returns its id.
    long long record(const Score& score, const std::string& trainee, const std::filesystem::path& log,
                     const std::string& logDigest);
    // Oldest first; empty `trainee` = everyone.
    std::vector<HistoryEntry> entries(const std::string& trainee = "") const;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    ::sqlite3* db_ = nullptr;
};

// The rule that cost each finding its points in a stored score (scoreToJson's findings[].error): pairs of finding
// id and rule ("too_fast", "misidentified", "late_critical", ...), findings without an error left out.
std::vector<std::pair<std::string, std::string>> findingErrors(const std::string& scoreJson);

// FNV-1a 64-bit of a file's bytes, as 16 hex digits.
std::string fileDigest(const std::filesystem::path& file);

}  // namespace polysim::scoring
