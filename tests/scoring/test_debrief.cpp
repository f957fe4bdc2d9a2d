// The debrief a resident opens after a run, and the results history and cohort report an instructor uses.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "scoring/cohort.h"
#include "scoring/debrief.h"
#include "scoring/history.h"
#include "scoring/score.h"
#include "session/session.h"
#include "session/trainee_script.h"
#include "session/trauma_case.h"
#include "support/test_env.h"

using namespace polysim;
using namespace polysim::scoring;

namespace {
Score scored(const scenario::Scenario& sc, const std::string& script, const std::string& trainee) {
    session::SessionClock clock;
    session::EventLog log;
    session::SessionOptions o;
    o.trainee = trainee;
    session::Session s(sc, clock, log, o);
    session::runTraineeScript(s, clock, session::parseTraineeScript(script, "script.txt"));
    return scoreSession(sc, log.events());
}
void writeText(const std::filesystem::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }
}  // namespace

TEST(Debrief, IsOneSelfContainedFileWithThePearlsPartsAndTheDepthTimePlot) {
    auto sc = test::traumaCase();
    auto s = scored(sc, test::kNoviceScript, "novice");
    KeyImages images{{"tension_pneumothorax", std::string("\x89PNG\r\n\x1a\n", 8)}};
    auto html = debriefHtml(sc, s, images);
    for (const char* part : {"1. Summary", "2. What happened", "3. Analysis", "4. Take-home points", "<svg",
                             "Expert report", "Teaching notes", "data:image/png;base64,iVBORw0KGgo="})
        EXPECT_NE(html.find(part), std::string::npos) << part;
    // Nothing may load from elsewhere.
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("src=\"http"), std::string::npos);
    EXPECT_EQ(html.find("href=\"http"), std::string::npos);
    // The novice's failure is explained where the resident looks first.
    EXPECT_NE(html.find("NOT PASSED"), std::string::npos);
    EXPECT_NE(html.find("observational error"), std::string::npos);
    EXPECT_NE(html.find(htmlEscape(sc.findings[0].teachingPoint)), std::string::npos);
}

TEST(Debrief, RendersInHeadlessChromium) {
    auto dir = test::scratchDir("debrief_chromium");
    auto sc = test::traumaCase();
    auto s = scored(sc, test::kExpertScript, "expert");
    writeText(dir / "debrief.html", debriefHtml(sc, s, {}));
    auto r = test::runShell("cd " + dir.string() +
                            " && HOME=" + dir.string() +
                            " timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking "
                            "--no-first-run --screenshot=" + (dir / "shot.png").string() +
                            " --window-size=1200,2000 file://" + (dir / "debrief.html").string());
    ASSERT_TRUE(std::filesystem::exists(dir / "shot.png")) << r.err;
    EXPECT_GT(std::filesystem::file_size(dir / "shot.png"), 20000u);
    // Not blank: the screenshot has many distinct colours (text, plot lines, bars).
    auto colours = test::runShell("convert " + (dir / "shot.png").string() + " -format %k info:");
    EXPECT_GT(std::stoi(colours.out), 50) << colours.out << colours.err;
}

TEST(History, StoresEachScoredSessionAndScoringTheSameLogAgainUpdatesIt) {
    auto dir = test::scratchDir("history_store");
    auto sc = test::traumaCase();
    History db(dir / "sub" / "results.sqlite");
    db.record(scored(sc, test::kNoviceScript, "ana"), "ana", dir / "a1.jsonl", "digest1");
    db.record(scored(sc, test::kExpertScript, "ana"), "ana", dir / "a2.jsonl", "digest2");
    db.record(scored(sc, test::kExpertScript, "ana"), "ana", dir / "a2.jsonl", "digest2");  // same log again
    db.record(scored(sc, test::kExpertScript, "ben"), "ben", dir / "b1.jsonl", "digest3");
    auto ana = db.entries("ana");
    ASSERT_EQ(ana.size(), 2u);
    EXPECT_FALSE(ana[0].passed);
    EXPECT_TRUE(ana[1].passed);
    EXPECT_LT(ana[0].total, ana[1].total);
    EXPECT_EQ(ana[0].scenarioId, "test_chest_case");
    EXPECT_EQ(db.entries().size(), 3u);
    EXPECT_NE(ana[0].scoreJson.find("\"critical_errors\""), std::string::npos);
}

TEST(History, ANonDatabaseFileIsRefusedWithItsName) {
    auto dir = test::scratchDir("history_bad");
    writeText(dir / "notes.sqlite", "these are my notes, not a database, but long enough to look like a file....");
    EXPECT_THROW(
        {
            try {
                History db(dir / "notes.sqlite");
            } catch (const HistoryError& e) {
                EXPECT_NE(std::string(e.what()).find("notes.sqlite"), std::string::npos);
                throw;
            }
        },
        HistoryError);
}

TEST(Cohort, ComparesTraineesFromADatabaseAndScoreFiles) {
    auto dir = test::scratchDir("cohort");
    auto sc = test::traumaCase();
    {
        History db(dir / "room1.sqlite");
        db.record(scored(sc, test::kNoviceScript, "ana"), "ana", dir / "a.jsonl", "d1");
    }
    writeText(dir / "ben.json", scoreToJson(scored(sc, test::kExpertScript, "ben")).dump(2));
    auto results = loadResults({dir / "room1.sqlite", dir / "ben.json"});
    ASSERT_EQ(results.size(), 2u);
    auto html = cohortHtml(results);
    EXPECT_NE(html.find("ana"), std::string::npos);
    EXPECT_NE(html.find("ben"), std::string::npos);
    // One of two found the pneumothorax; the other never looked at it in a lung window.
    auto row = html.find("Tension pneumothorax, right</td><td>1 of 2</td>");
    EXPECT_NE(row, std::string::npos) << html;
    auto text = cohortText(results);
    EXPECT_NE(text.find("ana: "), std::string::npos);
    EXPECT_NE(text.find("NOT passed"), std::string::npos);
    writeText(dir / "junk.json", "{not json");
    EXPECT_THROW(loadResults({dir / "junk.json"}), HistoryError);
}
