// The one interface between the results history and a database engine: a connection that runs parameterised SQL
// in transactions. SQLite and PostgreSQL each implement it once; everything else (schema, migrations, storing,
// reading, pushing) is written once against it, in SQL both accept.
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "scoring/history.h"

namespace polysim::scoring {

using SqlValue = std::variant<std::monostate, long long, double, std::string>;  // monostate = NULL
using SqlRow = std::vector<SqlValue>;

// What differs between the engines' SQL, as data, so that no code asks which engine it talks to.
struct SqlDialect {
    const char* name;              // for messages
    const char* idColumn;          // column definition of an auto-numbered primary key
    const char* tableExists;       // one row with one count; $1 = the table's name
    const char* lockForMigration;  // first statement of a migrating transaction ("" when begin(true) already locks)
};

// The database is momentarily busy (SQLite: another writer holds the lock past the busy timeout; PostgreSQL: a
// serialization failure or deadlock); the whole transaction is worth running again.
struct SqlBusy : HistoryError {
    using HistoryError::HistoryError;
};

class SqlConnection {
public:
    virtual ~SqlConnection() = default;
    virtual const SqlDialect& dialect() const = 0;
    virtual std::string describe() const = 0;
    // A write transaction holds the database's write lock from its start, so it never fails half-way on a lock.
    virtual void begin(bool write) = 0;
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;
    // Placeholders are $1, $2, ... in order of first appearance. Throws SqlBusy or HistoryError.
    virtual std::vector<SqlRow> query(const std::string& sql, const std::vector<SqlValue>& params = {}) = 0;
    // Statements without parameters or results, separated by ';' (schema changes).
    virtual void script(const std::string& sql) = 0;
    // Opened for reading only (a write-protected file): it is read as it is, never migrated.
    virtual bool readOnly() const { return false; }
};

// Throw HistoryError naming the database when it cannot be opened or reached.
std::unique_ptr<SqlConnection> openSqlite(const SqliteResults& where);
std::unique_ptr<SqlConnection> openPostgres(const PostgresResults& where);

// Runs `work` in a transaction, committing at the end; rolls back on any error and runs it again while the database
// is busy (SqlBusy), for up to `patienceSeconds`, then throws a HistoryError that says the database stayed busy.
template <typename Work>
auto inTransaction(SqlConnection& db, bool write, Work&& work, double patienceSeconds = 60.0) -> decltype(work());
void waitBeforeRetry(int attempt);  // grows from a few ms, with jitter so that waiting writers spread out
double secondsSince(long long steadyNanos);
long long steadyNow();

template <typename Work>
auto inTransaction(SqlConnection& db, bool write, Work&& work, double patienceSeconds) -> decltype(work()) {
    long long start = steadyNow();
    for (int attempt = 0;; ++attempt) {
        try {
            db.begin(write);
            if constexpr (std::is_void_v<decltype(work())>) {
                work();
                db.commit();
                return;
            } else {
                auto result = work();
                db.commit();
                return result;
            }
        } catch (const SqlBusy& e) {
            db.rollback();
            if (secondsSince(start) > patienceSeconds)
                throw HistoryError(std::string(e.what()) + " (still busy after " +
                                   std::to_string(int(patienceSeconds)) + " s of retries)");
            waitBeforeRetry(attempt);
        } catch (...) {
            db.rollback();
            throw;
        }
    }
}

}  // namespace polysim::scoring
