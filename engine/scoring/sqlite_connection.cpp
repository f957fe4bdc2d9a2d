// The results history in a local SQLite file. Many processes may score into one file at once (a shared folder on a
// lab machine, parallel scoring): the file is in WAL mode, so readers never wait for a writer; a writer takes the
// write lock when its transaction begins (BEGIN IMMEDIATE) and waits for another writer up to a busy timeout, after
// which inTransaction runs it again.
#include <sqlite3.h>

#include <cstdio>

#include "scoring/sql_connection.h"

namespace polysim::scoring {
namespace {

const SqlDialect kSqlite{
    "SQLite", "INTEGER PRIMARY KEY", "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1",
    "",  // BEGIN IMMEDIATE already excludes other writers
};

bool busy(int rc) {
    return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

class SqliteConnection final : public SqlConnection {
public:
    explicit SqliteConnection(const SqliteResults& where) : file_(where.file) {
        std::error_code ec;
        if (file_.has_parent_path()) std::filesystem::create_directories(file_.parent_path(), ec);
        if (sqlite3_open_v2(file_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
            std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
            sqlite3_close(db_);
            db_ = nullptr;
            throw HistoryError(file_.string() + ": cannot open the results database: " + why);
        }
        sqlite3_busy_timeout(db_, 5000);
        // Switching to WAL needs a moment alone with the file; once switched, the file stays in WAL mode. This is also
        // the first read of the file: a file that is not SQLite is refused here.
        try {
            if (readOnly()) {  // a write-protected copy (handed in for a cohort report): read it as it is
                openImmutableIfNeeded();
                return;
            }
            for (int attempt = 0;; ++attempt) {
                int rc = sqlite3_exec(db_, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
                if (rc == SQLITE_OK) break;
                if (!busy(rc) || attempt > 50) fail("cannot switch to write-ahead logging", rc);
                waitBeforeRetry(attempt);
            }
        } catch (...) {
            sqlite3_close(db_);
            db_ = nullptr;
            throw;
        }
    }
    ~SqliteConnection() override { sqlite3_close(db_); }

    const SqlDialect& dialect() const override { return kSqlite; }
    std::string describe() const override { return file_.string(); }

    void begin(bool write) override { run(write ? "BEGIN IMMEDIATE" : "BEGIN"); }
    void commit() override { run("COMMIT"); }
    void rollback() noexcept override {
        if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }

    std::vector<SqlRow> query(const std::string& sql, const std::vector<SqlValue>& params) override {
        sqlite3_stmt* raw = nullptr;
        int rc = sqlite3_prepare_v2(db_, sql.c_str(), int(sql.size()), &raw, nullptr);
        std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> st(raw, &sqlite3_finalize);
        if (rc != SQLITE_OK) fail("cannot run a query", rc);
        for (std::size_t i = 0; i < params.size(); ++i) {
            int at = int(i) + 1;
            std::visit(
                [&](const auto& v) {
                    using T = std::decay_t<decltype(v)>;
                    if constexpr (std::is_same_v<T, std::monostate>)
                        sqlite3_bind_null(st.get(), at);
                    else if constexpr (std::is_same_v<T, long long>)
                        sqlite3_bind_int64(st.get(), at, v);
                    else if constexpr (std::is_same_v<T, double>)
                        sqlite3_bind_double(st.get(), at, v);
                    else
                        sqlite3_bind_text(st.get(), at, v.data(), int(v.size()), SQLITE_TRANSIENT);
                },
                params[i]);
        }
        std::vector<SqlRow> rows;
        while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
            SqlRow row;
            for (int c = 0, n = sqlite3_column_count(st.get()); c < n; ++c) {
                switch (sqlite3_column_type(st.get(), c)) {
                    case SQLITE_NULL:
                        row.emplace_back(std::monostate{});
                        break;
                    case SQLITE_INTEGER:
                        row.emplace_back(static_cast<long long>(sqlite3_column_int64(st.get(), c)));
                        break;
                    case SQLITE_FLOAT:
                        row.emplace_back(sqlite3_column_double(st.get(), c));
                        break;
                    default: {
                        const unsigned char* t = sqlite3_column_text(st.get(), c);
                        row.emplace_back(
                            std::string(reinterpret_cast<const char*>(t), sqlite3_column_bytes(st.get(), c)));
                    }
                }
            }
            rows.push_back(std::move(row));
        }
        if (rc != SQLITE_DONE) fail("cannot run a query", rc);
        return rows;
    }

    void script(const std::string& sql) override { run(sql.c_str()); }
    bool readOnly() const override { return sqlite3_db_readonly(db_, "main") == 1; }

private:
    // A write-protected file in WAL mode cannot be read where its shared-memory file cannot be made (a folder
    // without write access); it was closed cleanly, so it is complete in itself: read it as immutable.
    void openImmutableIfNeeded() {
        try {
            query("SELECT count(*) FROM sqlite_master", {});
            return;
        } catch (const HistoryError& e) {
            if (std::string(e.what()).find("not a polysim results database") != std::string::npos) throw;
        }
        sqlite3_close(db_);
        db_ = nullptr;
        std::string uri = "file:";
        for (char c : std::filesystem::absolute(file_).string()) {
            if (c == '?' || c == '#' || c == '%') {
                char b[4];
                std::snprintf(b, sizeof b, "%%%02X", static_cast<unsigned char>(c));
                uri += b;
            } else {
                uri += c;
            }
        }
        uri += "?immutable=1";
        if (sqlite3_open_v2(uri.c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr) != SQLITE_OK)
            fail("cannot open the results database", sqlite3_errcode(db_));
        query("SELECT count(*) FROM sqlite_master", {});
    }
    void run(const char* sql) {
        int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
        if (rc != SQLITE_OK) fail("cannot run a query", rc);
    }
    [[noreturn]] void fail(const std::string& what, int rc) {
        std::string why = sqlite3_errmsg(db_);
        if (busy(rc)) throw SqlBusy(file_.string() + ": the results database is busy (" + why + ")");
        if ((rc & 0xff) == SQLITE_NOTADB)
            throw HistoryError(file_.string() + ": not a polysim results database (" + why + ")");
        throw HistoryError(file_.string() + ": " + what + ": " + why);
    }

    std::filesystem::path file_;
    sqlite3* db_ = nullptr;
};

}  // namespace

std::unique_ptr<SqlConnection> openSqlite(const SqliteResults& where) {
    return std::make_unique<SqliteConnection>(where);
}

}  // namespace polysim::scoring
