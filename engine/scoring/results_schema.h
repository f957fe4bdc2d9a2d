// The results database's schema as numbered migrations, the same for SQLite and PostgreSQL. A database records the
// migrations applied to it; opening it applies the missing ones in one transaction, and a database that has seen a
// migration this polysim does not know (written by a newer version) is refused rather than misread.
#pragma once

#include <string>

#include "scoring/sql_connection.h"

namespace polysim::scoring {

// The schema version this build writes and reads.
int latestSchemaVersion();
// Brings `db` up to latestSchemaVersion(). Throws HistoryError naming the database when it is newer.
void migrate(SqlConnection& db);
// The last migration applied to `db` (0 for a new database).
int schemaVersionOf(SqlConnection& db);

// UTC now, "YYYY-MM-DD HH:MM:SS", as stored in scored_at and applied_at.
std::string utcNowText();

// Accessors for a column that either engine may return as a number or as text.
double asDouble(const SqlValue& v);
long long asInteger(const SqlValue& v);
std::string asText(const SqlValue& v);

}  // namespace polysim::scoring
