// The instructor's view after a simulation session: a group of trainees compared on the same scenarios, from
// results databases and/or score JSON files.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "scoring/history.h"

namespace polysim::scoring {

// Reads results from SQLite databases, PostgreSQL results databases (a postgresql:// URL as the "path") and
// `polysim score --json` files. Throws HistoryError naming a file that is neither, or a server out of reach.
std::vector<HistoryEntry> loadResults(const std::vector<std::filesystem::path>& sources);

// The HTML report (self-contained): per scenario, each trainee's latest total with pass/fail and attempts, a bar
// chart, how many trainees found each injury and which kind of error the others made, interruption handling.
std::string cohortHtml(const std::vector<HistoryEntry>& results);
// The same as plain text for the terminal.
std::string cohortText(const std::vector<HistoryEntry>& results);

}  // namespace polysim::scoring
