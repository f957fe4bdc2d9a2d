// The results history: every scored session in a results database, so a resident sees a trend and an instructor
// or a programme director can compare a group. A database is a local SQLite file (the default, one per laptop) or a
// programme's shared PostgreSQL server; both hold the same schema, brought up to date by the same numbered
// migrations. Default place: $POLYSIM_DB (a file or a postgresql:// URL), else
// $XDG_DATA_HOME/polysim/results.sqlite, else ~/.local/share/polysim/results.sqlite.
#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "scoring/score.h"

namespace polysim::scoring {

// Any problem with a results database; the message names the database (file or server, never a password).
struct HistoryError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct HistoryEntry {
    long long id = 0;      // this database's own number for the row
    std::string scoredAt;  // UTC, "2026-11-23 17:05:00" (when it was scored, not part of the session)
    std::string trainee;
    std::string scenarioId, scenarioTitle;
    double total = 0;
    bool passed = false;
    int criticalErrors = 0;
    double findings = 0, order = 0, coverage = 0, interruptions = 0, conclusion = 0;  // part scores 0..1
    double durationSeconds = 0;
    std::string logPath;
    std::string logDigest;  // FNV-1a of the log bytes; trainee + scenario + digest is the result's natural key
    std::string scoreJson;  // the whole score (scoreToJson)
};

// A local SQLite results file.
struct SqliteResults {
    std::filesystem::path file;
};
// A PostgreSQL results database, as a libpq URL: postgresql://USER@HOST[:PORT]/DB[?PARAM=VALUE&...].
struct PostgresResults {
    std::string url;
    std::string user, host, database;  // as read from the URL (host may be a socket folder)
    int port = 5432;
};

// Where results are kept: parsed once from `--db` or $POLYSIM_DB, then passed around as this type.
class ResultsLocation {
public:
    ResultsLocation(SqliteResults s) : where_(std::move(s)) {}
    ResultsLocation(PostgresResults p) : where_(std::move(p)) {}
    // A postgresql:// (or postgres://) URL, or else the path of an SQLite file. Throws HistoryError for a URL
    // that cannot be used (another scheme, no database name, a bad port), naming what is wrong.
    static ResultsLocation parse(std::string_view text);

    const SqliteResults* sqlite() const { return std::get_if<SqliteResults>(&where_); }
    const PostgresResults* postgres() const { return std::get_if<PostgresResults>(&where_); }
    // For messages: the file, or the URL with any password replaced by "***".
    std::string describe() const;

private:
    std::variant<SqliteResults, PostgresResults> where_;
};

// $POLYSIM_DB, else the laptop's own file (defaultLocalHistoryPath).
ResultsLocation defaultResultsLocation();
// $XDG_DATA_HOME/polysim/results.sqlite, else ~/.local/share/polysim/results.sqlite: where a result goes when the
// shared server cannot be reached, to be pushed later.
std::filesystem::path defaultLocalHistoryPath();

// What an upload did: each result is new on the target, newer there than it was, the same, or older than the
// target's copy (scored again since on another machine; the target keeps its own).
struct PushReport {
    int added = 0, updated = 0, unchanged = 0, keptNewer = 0;
};

class SqlConnection;  // the backend (sql_connection.h)

class History {
public:
    // Opens the database (creating an SQLite file and its folder if needed) and brings its schema up to date.
    // Throws HistoryError naming the database: not a results database, written by a newer polysim, unreachable.
    explicit History(const ResultsLocation& where);
    explicit History(const std::filesystem::path& sqliteFile) : History(ResultsLocation(SqliteResults{sqliteFile})) {}
    ~History();
    History(const History&) = delete;
    History& operator=(const History&) = delete;

    // Stores a scored session; the same trainee, scenario and log replaces the earlier entry. Returns its id.
    long long record(const Score& score, const std::string& trainee, const std::filesystem::path& log,
                     const std::string& logDigest);
    // Oldest first; empty `trainee` = everyone.
    std::vector<HistoryEntry> entries(const std::string& trainee = "") const;
    // Copies every result of this database into `target` in one transaction: all or nothing, and running it again
    // adds nothing (rows are matched on trainee, scenario and log digest). This database is only read.
    PushReport pushTo(History& target) const;
    // The schema version this database is at (the last migration applied).
    int schemaVersion() const;
    // The file or the URL (without a password), for messages.
    std::string describe() const;

private:
    std::unique_ptr<SqlConnection> db_;
};

// Stores a scored session (its log's digest is read here) where `where` says. When `where` is a server that cannot be
// reached, the result goes into this computer's own file (defaultLocalHistoryPath) instead, so nothing is lost.
struct Recorded {
    std::string storedIn;  // the database that holds it now; empty when it could not be stored anywhere
    std::string problem;   // what went wrong, and what was done instead; empty when all went as asked
};
Recorded recordScore(const ResultsLocation& where, const Score& score, const std::string& trainee,
                     const std::filesystem::path& log);

// The rule that cost each finding its points in a stored score (scoreToJson's findings[].error): pairs of finding
// id and rule ("too_fast", "misidentified", "late_critical", ...), findings without an error left out.
std::vector<std::pair<std::string, std::string>> findingErrors(const std::string& scoreJson);

// FNV-1a 64-bit of a file's bytes, as 16 hex digits.
std::string fileDigest(const std::filesystem::path& file);

}  // namespace polysim::scoring
