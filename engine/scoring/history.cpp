// Storage of scored sessions, written once against SqlConnection for both database engines.
#include "scoring/history.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "scoring/results_schema.h"
#include "scoring/sql_connection.h"

namespace polysim::scoring {

// ---- where results are kept

namespace {
bool startsWith(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
    return true;
}

std::string percentDecoded(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += char(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

PostgresResults parsePostgresUrl(std::string_view text) {
    auto bad = [&](const std::string& why) {
        return HistoryError("'" + ResultsLocation(PostgresResults{std::string(text), {}, {}, {}, 0}).describe() +
                            "': " + why + " (expected postgresql://USER@HOST[:PORT]/DATABASE)");
    };
    PostgresResults p;
    p.url = std::string(text);
    std::string_view rest = text.substr(text.find("://") + 3);
    std::string_view query;
    if (auto q = rest.find('?'); q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    p.database = percentDecoded(path);
    if (auto at = query.find("dbname="); p.database.empty() && at != std::string_view::npos)
        p.database = percentDecoded(query.substr(at + 7, query.find('&', at) - (at + 7)));
    if (p.database.empty()) throw bad("the URL names no database");
    if (p.database.find('/') != std::string::npos) throw bad("a database name cannot contain '/'");
    if (auto at = authority.rfind('@'); at != std::string_view::npos) {
        std::string_view userinfo = authority.substr(0, at);
        p.user = percentDecoded(userinfo.substr(0, userinfo.find(':')));
        authority = authority.substr(at + 1);
    }
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
        auto close = authority.find(']');
        if (close == std::string_view::npos) throw bad("an IPv6 address needs a closing ']'");
        p.host = std::string(authority.substr(1, close - 1));
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') throw bad("unexpected text after the address");
            port = authority.substr(close + 2);
        }
    } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        p.host = percentDecoded(authority.substr(0, colon));
        port = authority.substr(colon + 1);
    } else {
        p.host = percentDecoded(authority);
    }
    if (p.host.find(',') != std::string::npos) throw bad("give one server");
    if (!port.empty() || (authority.size() && authority.back() == ':')) {
        int n = 0;
        for (char c : port) {
            if (c < '0' || c > '9' || n > 65535) throw bad("the port '" + std::string(port) + "' is not a number");
            n = n * 10 + (c - '0');
        }
        if (n < 1 || n > 65535) throw bad("the port '" + std::string(port) + "' is not between 1 and 65535");
        p.port = n;
    }
    return p;
}
}  // namespace

ResultsLocation ResultsLocation::parse(std::string_view text) {
    if (text.empty()) throw HistoryError("an empty results database name: give a file or a postgresql:// URL");
    if (startsWith(text, "postgresql://") || startsWith(text, "postgres://")) return parsePostgresUrl(text);
    if (auto scheme = text.find("://"); scheme != std::string_view::npos)
        throw HistoryError("'" + std::string(text) +
                           "': results can go to a file or to postgresql://USER@HOST[:PORT]/DB, not to '" +
                           std::string(text.substr(0, scheme)) + "://'");
    return SqliteResults{std::filesystem::path(text)};
}

std::string ResultsLocation::describe() const {
    if (const auto* s = sqlite()) return s->file.string();
    std::string url = postgres()->url;
    // postgresql://user:secret@host -> postgresql://user:***@host; ...&password=secret -> ...&password=***
    auto start = url.find("://") + 3;
    auto end = url.find_first_of("/?", start);
    auto at = url.rfind('@', end);
    if (at != std::string::npos && at >= start) {
        auto colon = url.find(':', start);
        if (colon < at) url.replace(colon + 1, at - colon - 1, "***");
    }
    for (auto p = url.find("password="); p != std::string::npos; p = url.find("password=", p + 1)) {
        auto stop = url.find('&', p);
        url.replace(p + 9, (stop == std::string::npos ? url.size() : stop) - p - 9, "***");
    }
    return url;
}

std::filesystem::path defaultLocalHistoryPath() {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return std::filesystem::path(xdg) / "polysim" / "results.sqlite";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : ".") / ".local" / "share" / "polysim" / "results.sqlite";
}

ResultsLocation defaultResultsLocation() {
    if (const char* db = std::getenv("POLYSIM_DB"); db && *db) return ResultsLocation::parse(db);
    return SqliteResults{defaultLocalHistoryPath()};
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

// ---- the history

namespace {
constexpr const char* kColumns =
    "scored_at, trainee, scenario_id, scenario_title, total, passed, critical_errors, findings, reading_order, "
    "coverage, interruptions, conclusion, duration_seconds, log_path, log_digest, score_json";

// Inserts the entry, or replaces the row with the same natural key (trainee, scenario, log digest); returns its id.
long long upsert(SqlConnection& db, const HistoryEntry& e) {
    static const std::string sql =
        std::string("INSERT INTO sessions (") + kColumns +
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) "
        "ON CONFLICT (trainee, scenario_id, log_digest) DO UPDATE SET scored_at = excluded.scored_at, "
        "scenario_title = excluded.scenario_title, total = excluded.total, passed = excluded.passed, "
        "critical_errors = excluded.critical_errors, findings = excluded.findings, "
        "reading_order = excluded.reading_order, coverage = excluded.coverage, "
        "interruptions = excluded.interruptions, conclusion = excluded.conclusion, "
        "duration_seconds = excluded.duration_seconds, log_path = excluded.log_path, "
        "score_json = excluded.score_json RETURNING id";
    auto rows = db.query(
        sql, {e.scoredAt, e.trainee, e.scenarioId, e.scenarioTitle, e.total, static_cast<long long>(e.passed ? 1 : 0),
              static_cast<long long>(e.criticalErrors), e.findings, e.order, e.coverage, e.interruptions, e.conclusion,
              e.durationSeconds, e.logPath, e.logDigest, e.scoreJson});
    if (rows.empty()) throw HistoryError(db.describe() + ": the result was not stored");
    return asInteger(rows[0][0]);
}
}  // namespace

History::History(const ResultsLocation& where)
    : db_(where.postgres() ? openPostgres(*where.postgres()) : openSqlite(*where.sqlite())) {
    migrate(*db_);
}

History::~History() = default;

std::string History::describe() const {
    return db_->describe();
}

int History::schemaVersion() const {
    return schemaVersionOf(*db_);
}

long long History::record(const Score& score, const std::string& trainee, const std::filesystem::path& log,
                          const std::string& logDigest) {
    HistoryEntry e;
    e.scoredAt = utcNowText();
    e.trainee = trainee;
    e.scenarioId = score.scenarioId;
    e.scenarioTitle = score.scenarioTitle;
    e.total = score.total;
    e.passed = score.passed;
    e.criticalErrors = int(score.criticalErrors.size());
    e.findings = score.findings.score;
    e.order = score.order.score;
    e.coverage = score.coverage.score;
    e.interruptions = score.interruptions.score;
    e.conclusion = score.conclusion.score;
    e.durationSeconds = score.endTime;
    e.logPath = std::filesystem::absolute(log).string();
    e.logDigest = logDigest;
    e.scoreJson = scoreToJson(score).dump();
    return inTransaction(*db_, true, [&] { return upsert(*db_, e); });
}

std::vector<HistoryEntry> History::entries(const std::string& trainee) const {
    std::string sql = std::string("SELECT id, ") + kColumns + " FROM sessions";
    std::vector<SqlValue> params;
    if (!trainee.empty()) {
        sql += " WHERE trainee = $1";
        params.push_back(trainee);
    }
    sql += " ORDER BY scored_at, id";
    auto rows = inTransaction(*db_, false, [&] { return db_->query(sql, params); });
    std::vector<HistoryEntry> out;
    out.reserve(rows.size());
    // The columns in the order of HistoryEntry's members.
    for (const auto& r : rows)
        out.push_back({asInteger(r[0]), asText(r[1]), asText(r[2]), asText(r[3]), asText(r[4]), asDouble(r[5]),
                       asInteger(r[6]) != 0, int(asInteger(r[7])), asDouble(r[8]), asDouble(r[9]), asDouble(r[10]),
                       asDouble(r[11]), asDouble(r[12]), asDouble(r[13]), asText(r[14]), asText(r[15]), asText(r[16])});
    return out;
}

PushReport History::pushTo(History& target) const {
    auto mine = entries();
    SqlConnection& db = *target.db_;
    return inTransaction(db, true, [&] {
        PushReport report;
        for (const auto& e : mine) {
            auto there = db.query(
                "SELECT scored_at, score_json FROM sessions WHERE trainee = $1 AND scenario_id = $2 AND log_digest = "
                "$3",
                {e.trainee, e.scenarioId, e.logDigest});
            if (there.empty()) {
                upsert(db, e);
                ++report.added;
            } else if (asText(there[0][0]) == e.scoredAt && asText(there[0][1]) == e.scoreJson) {
                ++report.unchanged;
            } else if (asText(there[0][0]) < e.scoredAt) {
                upsert(db, e);
                ++report.updated;
            } else {
                ++report.keptNewer;
            }
        }
        return report;
    });
}

Recorded recordScore(const ResultsLocation& where, const Score& score, const std::string& trainee,
                     const std::filesystem::path& log) {
    Recorded out;
    std::string digest = fileDigest(log);
    try {
        History db(where);
        db.record(score, trainee, log, digest);
        out.storedIn = db.describe();
        return out;
    } catch (const HistoryError& e) {
        out.problem = e.what();
        if (!where.postgres()) return out;
    }
    // The server is out of reach (or refused): keep the result on this computer, to push it later.
    std::filesystem::path local = defaultLocalHistoryPath();
    try {
        History db(SqliteResults{local});
        db.record(score, trainee, log, digest);
        out.storedIn = db.describe();
        out.problem += "; the result was stored on this computer instead: upload it later with 'polysim history --db " +
                       local.string() + " --push " + where.describe() + "'";
    } catch (const HistoryError& e) {
        out.problem += std::string("; nor could it be stored on this computer: ") + e.what();
    }
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
