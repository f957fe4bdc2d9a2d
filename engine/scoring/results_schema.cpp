// Schema migrations of the results database. To change the schema, append a migration; never edit one that has
// shipped (databases out there have already applied it).
#include "scoring/results_schema.h"

#include <chrono>
#include <ctime>
#include <random>
#include <thread>

namespace polysim::scoring {
namespace {

struct Migration {
    int version;
    const char* description;
    const char* sql;  // "{id}" stands for the engine's auto-numbered primary key
};

// Version 1 is the table the SQLite-only history created; IF NOT EXISTS adopts such a file as it is.
constexpr Migration kMigrations[] = {
    {1, "scored sessions", R"(
CREATE TABLE IF NOT EXISTS sessions (
  id {id},
  scored_at TEXT NOT NULL,
  trainee TEXT NOT NULL,
  scenario_id TEXT NOT NULL,
  scenario_title TEXT NOT NULL,
  total DOUBLE PRECISION NOT NULL,
  passed INTEGER NOT NULL,
  critical_errors INTEGER NOT NULL,
  findings DOUBLE PRECISION, reading_order DOUBLE PRECISION, coverage DOUBLE PRECISION,
  interruptions DOUBLE PRECISION, conclusion DOUBLE PRECISION,
  duration_seconds DOUBLE PRECISION,
  log_path TEXT,
  log_digest TEXT NOT NULL,
  score_json TEXT NOT NULL,
  UNIQUE (trainee, scenario_id, log_digest)
))"},
    {2, "index of a trainee's results by time",
     "CREATE INDEX IF NOT EXISTS sessions_by_trainee ON sessions (trainee, scored_at)"},
};

std::string withDialect(std::string sql, const SqlDialect& d) {
    for (auto at = sql.find("{id}"); at != std::string::npos; at = sql.find("{id}", at)) sql.replace(at, 4, d.idColumn);
    return sql;
}

int readVersion(SqlConnection& db) {
    auto exists = db.query(db.dialect().tableExists, {std::string("schema_migrations")});
    if (exists.empty() || asInteger(exists[0][0]) == 0) return 0;
    auto rows = db.query("SELECT coalesce(max(version), 0) FROM schema_migrations");
    return rows.empty() ? 0 : int(asInteger(rows[0][0]));
}

void refuseNewer(SqlConnection& db, int version) {
    if (version > latestSchemaVersion())
        throw HistoryError(db.describe() + ": this results database was written by a newer polysim (schema version " +
                           std::to_string(version) + "; this polysim knows up to " +
                           std::to_string(latestSchemaVersion()) + "): update polysim to use it");
}

}  // namespace

int latestSchemaVersion() {
    return std::end(kMigrations)[-1].version;
}

int schemaVersionOf(SqlConnection& db) {
    return inTransaction(db, false, [&] { return readVersion(db); });
}

void migrate(SqlConnection& db) {
    int version = schemaVersionOf(db);
    refuseNewer(db, version);
    if (version == latestSchemaVersion() || db.readOnly()) return;
    inTransaction(db, true, [&] {
        if (*db.dialect().lockForMigration) db.query(db.dialect().lockForMigration);
        db.script(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
            "applied_at TEXT NOT NULL)");
        int now = readVersion(db);  // another process may have migrated meanwhile
        refuseNewer(db, now);
        for (const auto& m : kMigrations) {
            if (m.version <= now) continue;
            db.script(withDialect(m.sql, db.dialect()));
            db.query("INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)",
                     {static_cast<long long>(m.version), std::string(m.description), utcNowText()});
        }
    });
}

std::string utcNowText() {
    std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char b[32];
    std::strftime(b, sizeof b, "%Y-%m-%d %H:%M:%S", &tm);
    return b;
}

double asDouble(const SqlValue& v) {
    if (const auto* d = std::get_if<double>(&v)) return *d;
    if (const auto* i = std::get_if<long long>(&v)) return double(*i);
    if (const auto* s = std::get_if<std::string>(&v)) return std::strtod(s->c_str(), nullptr);
    return 0;
}
long long asInteger(const SqlValue& v) {
    if (const auto* i = std::get_if<long long>(&v)) return *i;
    if (const auto* d = std::get_if<double>(&v)) return static_cast<long long>(*d);
    if (const auto* s = std::get_if<std::string>(&v)) return std::strtoll(s->c_str(), nullptr, 10);
    return 0;
}
std::string asText(const SqlValue& v) {
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* i = std::get_if<long long>(&v)) return std::to_string(*i);
    if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
    return {};
}

long long steadyNow() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
double secondsSince(long long steadyNanos) {
    return double(steadyNow() - steadyNanos) * 1e-9;
}

void waitBeforeRetry(int attempt) {
    thread_local std::minstd_rand jitter(std::random_device{}());
    int ms = std::min(200, 5 << std::min(attempt, 6));
    std::this_thread::sleep_for(std::chrono::milliseconds(ms / 2 + int(jitter() % unsigned(ms))));
}

}  // namespace polysim::scoring
