// SQLite storage of scored sessions.
#include "scoring/history.h"

#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace polysim::scoring {

std::filesystem::path defaultHistoryPath() {
    if (const char* db = std::getenv("POLYSIM_DB"); db && *db) return db;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return std::filesystem::path(xdg) / "polysim" / "results.sqlite";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : ".") / ".local" / "share" / "polysim" / "results.sqlite";
}

std::string fileDigest(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::uint64_t h = 1469598103934665603ull;
    char buf[65536];
    while (in) {
        in.read(buf, sizeof buf);
        for (std::streamsize i = 0; i < in.gcount(); ++i) {
            h ^= std::uint8_t(buf[i]);
            h *= 1099511628211ull;
        }
    }
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
    return out;
}

namespace {
constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS sessions (
  id INTEGER PRIMARY KEY,
  scored_at TEXT NOT NULL DEFAULT (datetime('now')),
  trainee TEXT NOT NULL,
  scenario_id TEXT NOT NULL,
  scenario_title TEXT NOT NULL,
  total REAL NOT NULL,
  passed INTEGER NOT NULL,
  critical_errors INTEGER NOT NULL,
  findings REAL, reading_order REAL, coverage REAL, interruptions REAL, conclusion REAL,
  duration_seconds REAL,
  log_path TEXT,
  log_digest TEXT NOT NULL,
  score_json TEXT NOT NULL,
  UNIQUE (trainee, scenario_id, log_digest)
);
)";

struct Statement {
    sqlite3_stmt* s = nullptr;
    ~Statement() { sqlite3_finalize(s); }
};
}  // namespace

History::History(const std::filesystem::path& path) : path_(path) {
    std::error_code ec;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
        std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        throw HistoryError(path.string() + ": cannot open the results database: " + why);
    }
    sqlite3_busy_timeout(db_, 5000);
    char* err = nullptr;
    if (sqlite3_exec(db_, kSchema, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string why = err ? err : "unknown error";
        sqlite3_free(err);
        sqlite3_close(db_);
        db_ = nullptr;
        throw HistoryError(path.string() + ": not a polysim results database (" + why + ")");
    }
}

History::~History() { sqlite3_close(db_); }

long long History::record(const Score& score, const std::string& trainee, const std::filesystem::path& log,
                          const std::string& logDigest) {
    const char* sql =
        "INSERT INTO sessions (trainee, scenario_id, scenario_title, total, passed, critical_errors, findings, "
        "reading_order, coverage, interruptions, conclusion, duration_seconds, log_path, log_digest, score_json) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
        "ON CONFLICT (trainee, scenario_id, log_digest) DO UPDATE SET scored_at = datetime('now'), total = ?4, "
        "passed = ?5, critical_errors = ?6, findings = ?7, reading_order = ?8, coverage = ?9, interruptions = ?10, "
        "conclusion = ?11, duration_seconds = ?12, log_path = ?13, score_json = ?15 RETURNING id";
    Statement st;
    if (sqlite3_prepare_v2(db_, sql, -1, &st.s, nullptr) != SQLITE_OK)
        throw HistoryError(path_.string() + ": " + sqlite3_errmsg(db_));
    std::string json = scoreToJson(score).dump();
    std::string logText = std::filesystem::absolute(log).string();
    sqlite3_bind_text(st.s, 1, trainee.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st.s, 2, score.scenarioId.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st.s, 3, score.scenarioTitle.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st.s, 4, score.total);
    sqlite3_bind_int(st.s, 5, score.passed ? 1 : 0);
    sqlite3_bind_int(st.s, 6, int(score.criticalErrors.size()));
    sqlite3_bind_double(st.s, 7, score.findings.score);
    sqlite3_bind_double(st.s, 8, score.order.score);
    sqlite3_bind_double(st.s, 9, score.coverage.score);
    sqlite3_bind_double(st.s, 10, score.interruptions.score);
    sqlite3_bind_double(st.s, 11, score.conclusion.score);
    sqlite3_bind_double(st.s, 12, score.endTime);
    sqlite3_bind_text(st.s, 13, logText.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st.s, 14, logDigest.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st.s, 15, json.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st.s) != SQLITE_ROW) throw HistoryError(path_.string() + ": cannot store the result: " + sqlite3_errmsg(db_));
    return sqlite3_column_int64(st.s, 0);
}

std::vector<HistoryEntry> History::entries(const std::string& trainee) const {
    std::string sql =
        "SELECT id, scored_at, trainee, scenario_id, scenario_title, total, passed, critical_errors, findings, "
        "reading_order, coverage, interruptions, conclusion, duration_seconds, log_path, log_digest, score_json "
        "FROM sessions";
    if (!trainee.empty()) sql += " WHERE trainee = ?1";
    sql += " ORDER BY scored_at, id";
    Statement st;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st.s, nullptr) != SQLITE_OK)
        throw HistoryError(path_.string() + ": " + sqlite3_errmsg(db_));
    if (!trainee.empty()) sqlite3_bind_text(st.s, 1, trainee.c_str(), -1, SQLITE_TRANSIENT);
    auto text = [&](int c) {
        const unsigned char* t = sqlite3_column_text(st.s, c);
        return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
    };
    std::vector<HistoryEntry> out;
    int rc;
    while ((rc = sqlite3_step(st.s)) == SQLITE_ROW) {
        HistoryEntry e;
        e.id = sqlite3_column_int64(st.s, 0);
        e.scoredAt = text(1);
        e.trainee = text(2);
        e.scenarioId = text(3);
        e.scenarioTitle = text(4);
        e.total = sqlite3_column_double(st.s, 5);
        e.passed = sqlite3_column_int(st.s, 6) != 0;
        e.criticalErrors = sqlite3_column_int(st.s, 7);
        e.findings = sqlite3_column_double(st.s, 8);
        e.order = sqlite3_column_double(st.s, 9);
        e.coverage = sqlite3_column_double(st.s, 10);
        e.interruptions = sqlite3_column_double(st.s, 11);
        e.conclusion = sqlite3_column_double(st.s, 12);
        e.durationSeconds = sqlite3_column_double(st.s, 13);
        e.logPath = text(14);
        e.logDigest = text(15);
        e.scoreJson = text(16);
        out.push_back(std::move(e));
    }
    if (rc != SQLITE_DONE) throw HistoryError(path_.string() + ": " + sqlite3_errmsg(db_));
    return out;
}

std::vector<std::pair<std::string, std::string>> findingErrors(const std::string& scoreJson) {
    std::vector<std::pair<std::string, std::string>> out;
    Json j = Json::parse(scoreJson, nullptr, false);
    if (j.is_discarded() || !j.contains("findings")) return out;
    for (const auto& f : j["findings"].value("items", Json::array()))
        if (f.contains("error") && f["error"].is_string()) {
            std::string rule = f["error"].get<std::string>();
            // Scores stored before the rules were named carry the error class there instead.
            out.push_back({f.value("id", ""), rule});
        }
    return out;
}

}  // namespace polysim::scoring
