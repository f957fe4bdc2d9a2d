// The debrief a resident opens after a run, and the results history and cohort report an instructor uses.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "imaging/dicom_loader.h"
#include "phantom/phantom.h"
#include "scenario/loader.h"
#include "scenario/phantom_source.h"
#include "scoring/cohort.h"
#include "scoring/debrief.h"
#include "scoring/debrief_model.h"
#include "scoring/history.h"
#include "scoring/key_images.h"
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
void writeText(const std::filesystem::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
}
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

TEST(Debrief, TheHtmlReportHoldsEveryTextOfTheDebriefContentOfTheShippedNoviceRun) {
    auto loaded = scenario::loadScenario(test::sourceDir() / "scenarios" / "motorcyclist.toml");
    ASSERT_TRUE(loaded.scenario);
    const auto& sc = *loaded.scenario;
    auto script = test::readFile(test::sourceDir() / "scenarios" / "scripts" / "motorcyclist-novice.txt");
    auto s = scored(sc, script, "novice");
    auto content = buildDebrief(sc, s);
    // The PEARLS parts, each with something in it, and the parts of a debrief a resident reads.
    std::vector<std::string> titles;
    for (const auto& sec : content.sections) {
        titles.push_back(sec.title);
        EXPECT_FALSE(sec.blocks.empty()) << sec.title;
    }
    EXPECT_EQ(titles,
              (std::vector<std::string>{"1. Summary", "2. What happened", "3. Analysis", "4. Take-home points"}));
    auto texts = debriefTexts(content);
    EXPECT_GT(texts.size(), 150u);
    auto html = debriefHtml(sc, s, {});
    for (const auto& t : texts) EXPECT_NE(html.find(htmlEscape(t)), std::string::npos) << "not in the HTML: " << t;
    // Words, not ids: the roles, the answer given, the windows.
    auto all = [&] {
        std::string joined;
        for (const auto& t : texts) joined += t + "\n";
        return joined;
    }();
    for (const char* id : {"trauma_leader", "soft_tissue", "chest_mediastinum", "leader_scout", "ortho_pelvis"})
        EXPECT_EQ(all.find(id), std::string::npos) << id << " shown as an id";
    EXPECT_NE(all.find("You answered the orthopaedic surgeon: “The pelvis looks fine with the binder.”"),
              std::string::npos);
    EXPECT_NE(all.find("Trauma team leader (Dr Okafor) at 00:12"), std::string::npos);
    // The plot: the reading path in the soft-tissue window, the deterioration at 02:30, a lane per interruption.
    const auto& plot = content.plot;
    EXPECT_EQ(plot.lanes.size(), s.interruptions.items.size());
    EXPECT_EQ(plot.deteriorations.size(), 1u);
    EXPECT_EQ(plot.injuries.size(), sc.findings.size());
    EXPECT_TRUE(std::any_of(plot.paths.begin(), plot.paths.end(), [](const auto& p) {
        return p.colour == windowColour("soft_tissue") && p.points.size() > 10;
    }));
    for (const auto& p : plot.paths)
        for (const auto& q : p.points) {
            EXPECT_GE(q.x, plot.area.x0 - 1e-6);
            EXPECT_LE(q.x, plot.area.x1 + 1e-6);
            EXPECT_GE(q.y, plot.area.y0 - 1e-6);
            EXPECT_LE(q.y, plot.area.y1 + 1e-6);
        }
    // The plain-language verdict comes before the formula.
    ASSERT_GE(s.criticalErrors.size(), 2u);
    auto verdict = html.find("Not passed: " + std::to_string(s.criticalErrors.size()) + " critical errors");
    auto formula = html.find("<summary>How is this computed</summary>");
    ASSERT_NE(verdict, std::string::npos);
    ASSERT_NE(formula, std::string::npos);
    EXPECT_LT(verdict, formula);
}

TEST(Debrief, TheWhysSpeakAsAResidentAndTheMethodIsFoldedBehindHowIsThisComputed) {
    auto loaded = scenario::loadScenario(test::sourceDir() / "scenarios" / "motorcyclist.toml");
    ASSERT_TRUE(loaded.scenario);
    const auto& sc = *loaded.scenario;
    auto s =
        scored(sc, test::readFile(test::sourceDir() / "scenarios" / "scripts" / "motorcyclist-novice.txt"), "novice");
    auto content = buildDebrief(sc, s);
    // What is shown unfolded: no formula, no scale, no statistic.
    std::string shown;
    for (const auto& t : debriefTexts(content, false)) shown += t + "\n";
    for (const char* method : {"Kendall", "tau", "band", "Band", "WIDI", "concordant", "weighted", " = ", "capped"})
        EXPECT_EQ(shown.find(method), std::string::npos) << "'" << method << "' outside the fold";
    // The parts table says what happened in words.
    const auto& summary = content.sections.front();
    const DebriefTable* parts = nullptr;
    const DebriefBlock* how = nullptr;
    for (const auto& b : summary.blocks) {
        if (b.kind == DebriefBlock::Kind::Table && !b.table.columns.empty() && b.table.columns.back() == "Why")
            parts = &b.table;
        if (b.kind == DebriefBlock::Kind::Method) how = &b;
    }
    ASSERT_TRUE(parts);
    ASSERT_EQ(parts->rows.size(), 5u);
    EXPECT_EQ(parts->rows[0].cells.back().text.rfind("You identified ", 0), 0u) << parts->rows[0].cells.back().text;
    EXPECT_EQ(parts->rows[1].cells.back().text.rfind("You finished ", 0), 0u) << parts->rows[1].cells.back().text;
    EXPECT_EQ(parts->rows[2].cells.back().text.rfind("You read ", 0), 0u) << parts->rows[2].cells.back().text;
    // The method is all there, behind the fold: each part's formula and the total's.
    ASSERT_TRUE(how) << "no How is this computed fold in the summary";
    EXPECT_EQ(how->label, "How is this computed");
    std::string method;
    for (const auto& r : how->table.rows)
        for (const auto& c : r.cells) method += c.text + "\n";
    EXPECT_NE(method.find(s.order.why), std::string::npos);
    EXPECT_NE(method.find(s.findings.why), std::string::npos);
    EXPECT_NE(method.find(s.why), std::string::npos);
    std::string all;
    for (const auto& t : debriefTexts(content)) all += t + "\n";
    EXPECT_NE(all.find("Kendall's tau"), std::string::npos);
    EXPECT_NE(all.find("Band 0 of 10"), std::string::npos) << "a finding's band is not behind its fold";
    // In the HTML report, the same folds, shut.
    const auto html = debriefHtml(sc, s, {});
    EXPECT_NE(html.find("<details><summary>How is this computed</summary>"), std::string::npos);
    EXPECT_EQ(html.find("<details open"), std::string::npos);
}

TEST(Debrief, ATotalJustUnderThePassMarkIsNotRoundedUpToIt) {
    auto sc = test::traumaCase();
    auto s = scored(sc, test::kExpertScript, "expert");
    // As a session scored 69.6 with no critical error would be.
    s.total = 69.6;
    s.passed = s.total >= sc.weights.passThreshold && s.criticalErrors.empty();
    ASSERT_FALSE(s.passed);
    ASSERT_EQ(sc.weights.passThreshold, 70);
    auto content = buildDebrief(sc, s);
    const auto& score = content.sections.front().blocks.front();
    ASSERT_EQ(score.kind, DebriefBlock::Kind::Score);
    EXPECT_EQ(score.text, "69.6 / 100");
    EXPECT_EQ(score.label, "NOT PASSED");
    EXPECT_EQ(content.sections.front().blocks[1].text,
              "Not passed: the total 69.6 is below the pass mark of 70, though there was no critical error.");
    EXPECT_EQ(totalText(69.96), "70.0");
    EXPECT_EQ(totalText(100), "100.0");
}

TEST(Debrief, RendersInHeadlessChromium) {
    auto dir = test::scratchDir("debrief_chromium");
    auto sc = test::traumaCase();
    auto s = scored(sc, test::kExpertScript, "expert");
    writeText(dir / "debrief.html", debriefHtml(sc, s, {}));
    auto r = test::runShell(
        "cd " + dir.string() + " && HOME=" + dir.string() +
        " timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking "
        "--no-first-run --screenshot=" +
        (dir / "shot.png").string() + " --window-size=1200,2000 file://" + (dir / "debrief.html").string());
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

// The programme director reads off the cohort report which level a case is for, which milestones it assesses, and
// whether the version the residents played was signed off by faculty (a draft says so).
TEST(Cohort, NamesEachCasesLevelMilestonesAndSignOffOrDraft) {
    auto dir = test::scratchDir("cohort-signoff");
    auto signedCase = test::traumaCase();
    signedCase.meta.version = "2.0";
    signedCase.meta.level = "PGY-3";
    signedCase.meta.milestones = {"PC2", "MK2"};
    signedCase.meta.reviewedBy = "Dr A. Faculty";
    signedCase.meta.reviewedOn = "2026-11-20";
    writeText(dir / "ana.json", scoreToJson(scored(signedCase, test::kExpertScript, "ana")).dump(2));
    auto text = cohortText(loadResults({dir / "ana.json"}));
    EXPECT_NE(
        text.find("Level: PGY-3; ACGME milestones: PC2, MK2; version 2.0, reviewed by Dr A. Faculty on 2026-11-20"),
        std::string::npos)
        << text;
    auto draft = test::traumaCase();
    draft.meta.version = "2.1";
    writeText(dir / "ben.json", scoreToJson(scored(draft, test::kExpertScript, "ben")).dump(2));
    auto html = cohortHtml(loadResults({dir / "ben.json"}));
    EXPECT_NE(html.find("Level: not stated; version 2.1, draft (no faculty sign-off)"), std::string::npos) << html;
}

namespace {
// Points the phantom cache at a folder of the test's own for as long as it lives.
struct ScratchCache {
    explicit ScratchCache(const std::filesystem::path& dir) {
        if (const char* old = std::getenv("XDG_CACHE_HOME")) previous = old;
        setenv("XDG_CACHE_HOME", dir.c_str(), 1);
    }
    ~ScratchCache() {
        if (previous)
            setenv("XDG_CACHE_HOME", previous->c_str(), 1);
        else
            unsetenv("XDG_CACHE_HOME");
    }
    std::optional<std::string> previous;
};
}  // namespace

TEST(KeyImages, ComeFromTheCachedStudyWhenItIsThereAndLookAsFromTheWholeSeries) {
    auto dir = test::scratchDir("key_images_cache");
    auto loaded = scenario::loadScenario(test::smallShippedScenario("motorcyclist", dir));
    ASSERT_TRUE(loaded.scenario);
    const auto& sc = *loaded.scenario;
    ScratchCache cache(dir / "cache");

    // No cached study: the series are generated, and no study is written for it.
    KeyImageSources sources;
    std::string note;
    auto generated = renderKeyImages(sc, &note, &sources);
    EXPECT_EQ(note, "");
    ASSERT_EQ(generated.size(), sc.findings.size());
    for (const auto& [id, source] : sources) EXPECT_EQ(source, KeyImageSource::Generated) << id;
    EXPECT_FALSE(std::filesystem::exists(dir / "cache" / "polysim"));

    // With the study the reading room caches, each image is read from it and equals the one rendered from the whole
    // series as the DICOM loader loads it.
    const auto study = phantom::ensureCachedStudy(scenario::phantomOptionsFor(sc));
    sources.clear();
    auto cached = renderKeyImages(sc, &note, &sources);
    EXPECT_EQ(note, "");
    ASSERT_EQ(cached.size(), sc.findings.size());
    std::map<phantom::SeriesKind, std::shared_ptr<imaging::Volume>> whole;
    for (const auto& f : sc.findings) {
        EXPECT_EQ(sources[f.id], KeyImageSource::CachedStudy) << f.id;
        const auto* spec = keyImageSeries(sc, f);
        ASSERT_NE(spec, nullptr);
        ASSERT_TRUE(spec->kind.has_value()) << spec->id;
        const auto kind = *spec->kind;
        if (!whole.count(kind))
            for (const auto& e : std::filesystem::directory_iterator(study))
                if (e.path().filename().string().ends_with("_" + std::string(phantom::seriesKindName(kind))))
                    whole[kind] = imaging::loadCtVolume(e.path());
        ASSERT_TRUE(whole[kind]) << spec->id;
        EXPECT_EQ(cached[f.id], keyImagePng(sc, f, *whole[kind])) << f.id;
        // At this small matrix the generated series and the cached one are the same pixels.
        EXPECT_EQ(cached[f.id], generated[f.id]) << f.id;
    }
}
