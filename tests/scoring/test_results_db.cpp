// A programme's shared results database: the results history in PostgreSQL (a throwaway server started by each
// test) and in SQLite, through the `polysim` binary as residents and instructors run it.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "scoring/history.h"
#include "scoring/score.h"
#include "support/postgres_server.h"
#include "support/test_env.h"

using namespace polysim;
using polysim::test::runPolysim;
using polysim::test::runShell;
using polysim::test::ThrowawayPostgres;
namespace fs = std::filesystem;

namespace {
fs::path motorcyclist() {
    return test::sourceDir() / "scenarios" / "motorcyclist.toml";
}
std::string q(const std::string& s) {
    return "'" + s + "'";
}
std::string q(const fs::path& p) {
    return q(p.string());
}

// A session log played by a shipped trainee script (expert, novice, interrupted).
fs::path playedLog(const fs::path& dir, const std::string& who, const std::string& trainee) {
    fs::path log = dir / (trainee + "-" + who + ".jsonl");
    auto script = test::sourceDir() / "scenarios" / "scripts" / ("motorcyclist-" + who + ".txt");
    auto r = runPolysim("play " + q(motorcyclist()) + " --script " + q(script) + " --log " + q(log) + " --trainee " +
                        trainee);
    EXPECT_EQ(r.exitCode, 0) << r.err;
    return log;
}
// `polysim score` into `db` (a file or a URL), with this computer's own file in `dir` (XDG_DATA_HOME).
test::CommandResult score(const fs::path& dir, const fs::path& log, const std::string& db,
                          const std::string& more = "") {
    return runShell("XDG_DATA_HOME=" + q(dir / "xdg") + " " + test::polysimBinary().string() + " score " +
                    q(motorcyclist()) + " " + q(log) + " --no-images --db " + q(db) + " " + more);
}
int rows(const ThrowawayPostgres& pg, const std::string& where = "") {
    return std::stoi(pg.sql("SELECT count(*) FROM sessions" + (where.empty() ? "" : " WHERE " + where)));
}
}  // namespace

TEST(ResultsDatabase, ScoresGoToPostgresAndHistoryAndCohortReadThemBack) {
    ThrowawayPostgres pg;
    auto dir = test::scratchDir("resultsdb_roundtrip");
    auto ana = playedLog(dir, "expert", "ana");
    auto ben = playedLog(dir, "novice", "ben");
    auto s1 = score(dir, ana, pg.url());
    EXPECT_EQ(s1.exitCode, 0) << s1.out << s1.err;
    EXPECT_NE(s1.out.find("stored in " + pg.url()), std::string::npos) << s1.out;
    EXPECT_EQ(s1.err.find("warning"), std::string::npos) << s1.err;
    EXPECT_EQ(score(dir, ben, pg.url()).exitCode, 3);
    EXPECT_EQ(rows(pg), 2);
    // Nothing was written on this computer: the server has it all.
    EXPECT_FALSE(fs::exists(dir / "xdg" / "polysim" / "results.sqlite"));

    auto h = runPolysim("history --all --db " + q(pg.url()));
    EXPECT_EQ(h.exitCode, 0) << h.err;
    EXPECT_NE(h.out.find("ana on motorcyclist"), std::string::npos) << h.out;
    EXPECT_NE(h.out.find("ben on motorcyclist"), std::string::npos) << h.out;
    // The same server through its unix socket (a folder as the host).
    auto socket = runPolysim("history --all --db " + q(pg.socketUrl()));
    EXPECT_EQ(socket.exitCode, 0) << socket.err;
    EXPECT_NE(socket.out.find("ana on motorcyclist"), std::string::npos) << socket.out << socket.err;
    // $POLYSIM_DB holding the URL is the default for history and cohort.
    auto mine = runShell("POLYSIM_DB=" + q(pg.url()) + " " + test::polysimBinary().string() + " history --trainee ben");
    EXPECT_NE(mine.out.find("ben on motorcyclist"), std::string::npos) << mine.out << mine.err;
    EXPECT_EQ(mine.out.find("ana on"), std::string::npos) << mine.out;
    auto c = runShell("POLYSIM_DB=" + q(pg.url()) + " " + test::polysimBinary().string() + " cohort --html " +
                      q(dir / "cohort.html"));
    EXPECT_EQ(c.exitCode, 0) << c.err;
    EXPECT_NE(c.out.find("ana: 100.0 passed"), std::string::npos) << c.out;
    EXPECT_NE(c.out.find("ben: "), std::string::npos) << c.out;
    EXPECT_NE(c.out.find("NOT passed"), std::string::npos) << c.out;

    // The server holds the same numbers as a laptop's file scoring the same log (nothing lost on the way as text).
    score(dir, ben, (dir / "laptop.sqlite").string());
    auto server = scoring::History(scoring::ResultsLocation::parse(pg.url())).entries("ben");
    auto laptop = scoring::History(dir / "laptop.sqlite").entries("ben");
    ASSERT_EQ(server.size(), 1u);
    ASSERT_EQ(laptop.size(), 1u);
    const auto& a = server[0];
    const auto& b = laptop[0];
    EXPECT_EQ(a.total, b.total);
    EXPECT_EQ(a.findings, b.findings);
    EXPECT_EQ(a.order, b.order);
    EXPECT_EQ(a.coverage, b.coverage);
    EXPECT_EQ(a.interruptions, b.interruptions);
    EXPECT_EQ(a.conclusion, b.conclusion);
    EXPECT_EQ(a.durationSeconds, b.durationSeconds);
    EXPECT_EQ(a.passed, b.passed);
    EXPECT_EQ(a.criticalErrors, b.criticalErrors);
    EXPECT_EQ(a.logDigest, b.logDigest);
    EXPECT_EQ(a.scoreJson, b.scoreJson);
    EXPECT_FALSE(a.passed);
    EXPECT_GE(a.criticalErrors, 1);
    EXPECT_EQ(nlohmann::json::parse(a.scoreJson)["trainee"], "ben");
}

TEST(ResultsDatabase, PostgresAndSqliteHoldTheSameSchemaAfterTheSameMigrations) {
    ThrowawayPostgres pg;
    auto dir = test::scratchDir("resultsdb_schema");
    scoring::History server(scoring::ResultsLocation::parse(pg.url()));
    scoring::History laptop(dir / "results.sqlite");
    EXPECT_EQ(server.schemaVersion(), laptop.schemaVersion());
    EXPECT_GE(server.schemaVersion(), 2);
    EXPECT_EQ(pg.sql("SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations"), "1,2\n");
    std::string pgColumns = pg.sql(
        "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns "
        "WHERE table_name = 'sessions'");
    auto sqliteColumns = runShell("sqlite3 " + q(dir / "results.sqlite") +
                                  " \"SELECT group_concat(name, ',') FROM pragma_table_info('sessions')\"");
    EXPECT_EQ(pgColumns, sqliteColumns.out) << sqliteColumns.err;
}

TEST(ResultsDatabase, PushingALaptopsResultsTwiceAddsNoDuplicates) {
    ThrowawayPostgres pg;
    auto dir = test::scratchDir("resultsdb_push");
    fs::path laptop = dir / "laptop.sqlite";
    auto e = playedLog(dir, "expert", "ana"), n = playedLog(dir, "novice", "ana"),
         i = playedLog(dir, "interrupted", "cy");
    for (const auto& log : {e, n, i}) score(dir, log, laptop.string());
    // Another laptop already pushed one result of its own.
    auto other = playedLog(dir, "expert", "dee");
    score(dir, other, pg.url());
    ASSERT_EQ(rows(pg), 1);

    auto first = runPolysim("history --db " + q(laptop) + " --push " + q(pg.url()));
    EXPECT_EQ(first.exitCode, 0) << first.err;
    EXPECT_NE(first.out.find("3 added, 0 updated, 0 already there"), std::string::npos) << first.out;
    EXPECT_EQ(rows(pg), 4);
    auto again = runPolysim("history --db " + q(laptop) + " --push " + q(pg.url()));
    EXPECT_EQ(again.exitCode, 0) << again.err;
    EXPECT_NE(again.out.find("0 added, 0 updated, 3 already there"), std::string::npos) << again.out;
    EXPECT_EQ(rows(pg), 4);
    EXPECT_EQ(rows(pg, "trainee = 'ana'"), 2);
    // The pushed rows are the laptop's: same time stamps and scores.
    EXPECT_EQ(
        pg.sql("SELECT scored_at || ' ' || total FROM sessions WHERE trainee = 'cy'"),
        runShell("sqlite3 " + q(laptop) + " \"SELECT scored_at || ' ' || total FROM sessions WHERE trainee = 'cy'\"")
            .out);
    // A log scored again on the laptop later is newer: the next push updates that row and adds nothing.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    score(dir, n, laptop.string());
    auto third = runPolysim("history --db " + q(laptop) + " --push " + q(pg.url()));
    EXPECT_NE(third.out.find("0 added, 1 updated, 2 already there"), std::string::npos) << third.out;
    EXPECT_EQ(rows(pg), 4);
    // A copy on the server scored after the laptop's (on another machine) is kept, not overwritten by the older one.
    pg.sql("UPDATE sessions SET scored_at = '2099-01-01 00:00:00', total = 12.5 WHERE trainee = 'cy'");
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    score(dir, i, laptop.string());
    auto fourth = runPolysim("history --db " + q(laptop) + " --push " + q(pg.url()));
    EXPECT_NE(fourth.out.find("0 added, 0 updated, 2 already there, 1 kept as scored later there"), std::string::npos)
        << fourth.out;
    EXPECT_EQ(pg.sql("SELECT total FROM sessions WHERE trainee = 'cy'"), "12.5\n");
}

TEST(ResultsDatabase, AFailedPushLosesNothingAndAddsNothing) {
    ThrowawayPostgres pg;
    auto dir = test::scratchDir("resultsdb_failed_push");
    fs::path laptop = dir / "laptop.sqlite";
    auto e = playedLog(dir, "expert", "ana"), n = playedLog(dir, "novice", "ben");
    score(dir, e, laptop.string());
    score(dir, n, laptop.string());
    auto before = runPolysim("history --all --db " + q(laptop)).out;

    // The server's schema is newer than this polysim knows: refused before anything is written.
    scoring::History{scoring::ResultsLocation::parse(pg.url())};
    pg.sql("INSERT INTO schema_migrations VALUES (99, 'from the future', '2030-01-01 00:00:00')");
    auto newer = runPolysim("history --db " + q(laptop) + " --push " + q(pg.url()));
    EXPECT_EQ(newer.exitCode, 1);
    EXPECT_NE(newer.err.find("newer polysim (schema version 99"), std::string::npos) << newer.err;
    EXPECT_NE(newer.err.find("the local results are unchanged"), std::string::npos) << newer.err;
    EXPECT_EQ(rows(pg), 0);
    pg.sql("DELETE FROM schema_migrations WHERE version = 99");

    // A row the server refuses half-way (here: a constraint the programme added) rolls the whole push back.
    pg.sql("ALTER TABLE sessions ADD CONSTRAINT no_ben CHECK (trainee <> 'ben')");
    auto refused = runPolysim("history --db " + q(laptop) + " --push " + q(pg.url()));
    EXPECT_EQ(refused.exitCode, 1);
    EXPECT_NE(refused.err.find("no_ben"), std::string::npos) << refused.err;
    EXPECT_EQ(rows(pg), 0);  // ana's row, stored before ben's failed, was rolled back

    // The server out of reach.
    pg.stop();
    auto down = runPolysim("history --db " + q(laptop) + " --push " + q(pg.url()));
    EXPECT_EQ(down.exitCode, 1);
    EXPECT_NE(down.err.find("cannot reach the results server"), std::string::npos) << down.err;
    EXPECT_EQ(runPolysim("history --all --db " + q(laptop)).out, before);  // nothing lost locally
    pg.start();
    pg.sql("ALTER TABLE sessions DROP CONSTRAINT no_ben");
    auto ok = runPolysim("history --db " + q(laptop) + " --push " + q(pg.url()));
    EXPECT_NE(ok.out.find("2 added"), std::string::npos) << ok.out << ok.err;
}

TEST(ResultsDatabase, AScoreWhileTheServerIsDownIsKeptOnTheLaptopAndPushedLater) {
    ThrowawayPostgres pg;
    auto dir = test::scratchDir("resultsdb_down");
    auto log = playedLog(dir, "expert", "ana");
    std::string url = pg.url();
    pg.stop();
    auto t0 = std::chrono::steady_clock::now();
    auto s = score(dir, log, url);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(s.exitCode, 0) << s.err;  // the score itself stands
    EXPECT_NE(s.err.find("cannot reach the results server"), std::string::npos) << s.err;
    fs::path local = dir / "xdg" / "polysim" / "results.sqlite";
    EXPECT_NE(s.err.find("polysim history --db " + local.string() + " --push " + url), std::string::npos) << s.err;
    EXPECT_LT(seconds, 30.0);  // refused at once, not a hang
    pg.start();
    auto push = runPolysim("history --db " + q(local) + " --push " + q(url));
    EXPECT_NE(push.out.find("1 added"), std::string::npos) << push.out << push.err;
    EXPECT_EQ(rows(pg, "trainee = 'ana'"), 1);
}

TEST(ResultsDatabase, WrongUrlsAndNewerDatabasesAreRefusedInWords) {
    auto dir = test::scratchDir("resultsdb_bad");
    auto bad = [](const std::string& url) {
        try {
            scoring::ResultsLocation::parse(url);
        } catch (const scoring::HistoryError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_NE(bad("postgresql://ana@db.example.org/").find("names no database"), std::string::npos);
    EXPECT_NE(bad("postgresql://ana@db.example.org:54x/results").find("port '54x' is not a number"), std::string::npos);
    EXPECT_NE(bad("postgresql://ana@db.example.org:0/results").find("between 1 and 65535"), std::string::npos);
    EXPECT_NE(bad("mysql://ana@db/results").find("not to 'mysql://'"), std::string::npos);
    EXPECT_NE(bad("").find("empty"), std::string::npos);
    // A password in the URL never appears in a message.
    auto secret = scoring::ResultsLocation::parse("postgresql://ana:hunter2@db.example.org/results?password=hunter3");
    EXPECT_EQ(secret.describe().find("hunter"), std::string::npos) << secret.describe();
    ASSERT_TRUE(secret.postgres());
    EXPECT_EQ(secret.postgres()->host, "db.example.org");
    EXPECT_EQ(secret.postgres()->port, 5432);
    EXPECT_EQ(secret.postgres()->database, "results");
    EXPECT_TRUE(scoring::ResultsLocation::parse("results.sqlite").sqlite());

    auto wrong = runShell("POLYSIM_DB='postgres://ana@localhost' " + test::polysimBinary().string() + " history");
    EXPECT_EQ(wrong.exitCode, 1);
    EXPECT_NE(wrong.err.find("names no database"), std::string::npos) << wrong.err;

    // An SQLite file written by a newer polysim is refused, and left as it was.
    fs::path file = dir / "newer.sqlite";
    { scoring::History db(file); }
    runShell("sqlite3 " + q(file) + " \"INSERT INTO schema_migrations VALUES (7, 'future', '2030-01-01 00:00:00')\"");
    auto h = runPolysim("history --db " + q(file));
    EXPECT_EQ(h.exitCode, 1);
    EXPECT_NE(h.err.find(file.string() + ": this results database was written by a newer polysim (schema version 7"),
              std::string::npos)
        << h.err;
    EXPECT_THROW(scoring::History{file}, scoring::HistoryError);
}

TEST(ResultsDatabase, AnOlderLaptopHistoryIsAdoptedWithItsResults) {
    auto dir = test::scratchDir("resultsdb_legacy");
    fs::path file = dir / "results.sqlite";
    // The table as polysim created it before versioned migrations.
    auto made =
        runShell("sqlite3 " + q(file) +
                 " \"CREATE TABLE sessions (id INTEGER PRIMARY KEY, scored_at TEXT NOT NULL "
                 "DEFAULT (datetime('now')), trainee TEXT NOT NULL, scenario_id TEXT NOT NULL, scenario_title TEXT "
                 "NOT NULL, total REAL NOT NULL, passed INTEGER NOT NULL, critical_errors INTEGER NOT NULL, findings "
                 "REAL, reading_order REAL, coverage REAL, interruptions REAL, conclusion REAL, duration_seconds REAL, "
                 "log_path TEXT, log_digest TEXT NOT NULL, score_json TEXT NOT NULL, UNIQUE (trainee, scenario_id, "
                 "log_digest)); INSERT INTO sessions (scored_at, trainee, scenario_id, scenario_title, total, passed, "
                 "critical_errors, log_digest, score_json) VALUES ('2026-10-01 09:00:00', 'ana', 'motorcyclist', "
                 "'Motorcyclist', 64.5, 0, 1, 'abc', '{}')\"");
    ASSERT_EQ(made.exitCode, 0) << made.err;
    scoring::History db(file);
    EXPECT_EQ(db.schemaVersion(), 2);
    auto all = db.entries();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].total, 64.5);
    EXPECT_EQ(all[0].scoredAt, "2026-10-01 09:00:00");
}

// Fifty laptops score at the same moment into one server and into one shared SQLite file: every result arrives,
// none is refused as locked. The time of the same fifty scores without storing is measured beside, as the peer.
TEST(ResultsDatabase, FiftyLaptopsScoringAtOnceLoseNothing) {
    ThrowawayPostgres pg;
    auto dir = test::scratchDir("resultsdb_fifty");
    auto log = playedLog(dir, "interrupted", "ana");
    fs::path shared = dir / "shared.sqlite";
    auto fifty = [&](const std::string& dbArgs, const std::string& name) {
        std::string cmd = "cd " + q(dir) +
                          " && for i in $(seq -w 1 50); do (XDG_DATA_HOME=" + q(dir / ("xdg-" + name)) + " " +
                          test::polysimBinary().string() + " score " + q(motorcyclist()) + " " + q(log) +
                          " --no-images --trainee resident$i " + dbArgs + " > " + name + "-$i.out 2>&1; echo $? > " +
                          name + "-$i.rc) & done; wait";
        auto t0 = std::chrono::steady_clock::now();
        auto r = runShell(cmd);
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        EXPECT_EQ(r.exitCode, 0) << r.err;
        for (int i = 1; i <= 50; ++i) {
            char n[16];
            std::snprintf(n, sizeof n, "%02d", i);
            std::string out = test::readFile(dir / (name + "-" + n + ".out"));
            EXPECT_EQ(test::readFile(dir / (name + "-" + n + ".rc")), "3\n") << out;  // scored (not passed), no error
            EXPECT_EQ(out.find("locked"), std::string::npos) << out;
            EXPECT_EQ(out.find("warning"), std::string::npos) << out;
        }
        return s;
    };
    double none = fifty("--no-history", "none");
    double sqlite = fifty("--db " + q(shared), "sqlite");
    double postgres = fifty("--db " + q(pg.url()), "pg");
    EXPECT_EQ(rows(pg), 50);
    EXPECT_EQ(rows(pg, "trainee LIKE 'resident%'"), 50);
    auto count = runShell("sqlite3 " + q(shared) + " 'SELECT count(DISTINCT trainee) FROM sessions'");
    EXPECT_EQ(count.out, "50\n") << count.err;
    // Nothing fell back to a laptop's own file.
    EXPECT_FALSE(fs::exists(dir / "xdg-pg" / "polysim" / "results.sqlite"));
    std::printf("50 parallel scores: no storing %.2f s, one SQLite file %.2f s (%.2fx), PostgreSQL %.2f s (%.2fx)\n",
                none, sqlite, sqlite / none, postgres, postgres / none);
}

// A resident hands in a copy of their results on read-only media (here: a write-protected file in a folder that
// cannot be written, read by another user): the cohort report reads it as it is.
TEST(ResultsDatabase, AWriteProtectedResultsFileIsReadForTheCohortReport) {
    auto dir = test::scratchDir("resultsdb_readonly");
    auto log = playedLog(dir, "expert", "ana");
    score(dir, log, (dir / "ana.sqlite").string());
    std::string pattern = (fs::temp_directory_path() / "polysim-ro-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    fs::path media = pattern;
    fs::copy_file(dir / "ana.sqlite", media / "ana.sqlite");
    fs::permissions(media / "ana.sqlite", fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    fs::permissions(media, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                               fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
    // root may write anywhere: read as the unprivileged user nobody then.
    std::string as = ::geteuid() == 0 ? "setpriv --reuid=nobody --regid=nogroup --clear-groups " : "";
    auto c = runShell("cd / && " + as + test::polysimBinary().string() + " cohort " + q(media / "ana.sqlite"));
    EXPECT_EQ(c.exitCode, 0) << c.err;
    EXPECT_NE(c.out.find("ana: 100.0 passed"), std::string::npos) << c.out << c.err;
    EXPECT_EQ(runShell("ls " + q(media)).out, "ana.sqlite\n");  // nothing written beside it
    fs::permissions(media, fs::perms::owner_all);
    fs::remove_all(media);
}
