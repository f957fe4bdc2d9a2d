// The instructors' authoring mode: findings placed on the images survive Save and a reload, edits are validated
// as they happen, and `polysim author --screenshot` shows the case's images beside the findings panel.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <stb_image.h>

#include "gui/authoring.h"
#include "gui/series_source.h"
#include "phantom/phantom.h"
#include "scenario/loader.h"
#include "scenario/phantom_source.h"
#include "scenario/writer.h"
#include "support/test_env.h"

namespace fs = std::filesystem;
using polysim::gui::AuthoringModel;
using polysim::scenario::Diagnostic;

namespace {
fs::path smallMotorcyclist(const fs::path& dir) {
    return polysim::test::smallShippedScenario("motorcyclist", dir);
}

polysim::scenario::Scenario load(const fs::path& file) {
    auto r = polysim::scenario::loadScenario(file);
    EXPECT_TRUE(r.ok()) << polysim::scenario::formatDiagnostics(r.diagnostics);
    return r.scenario ? *r.scenario : polysim::scenario::Scenario{};
}

int errors(const std::vector<Diagnostic>& ds) {
    int n = 0;
    for (const auto& d : ds) n += d.severity == Diagnostic::Severity::Error;
    return n;
}
}  // namespace

TEST(Authoring, AFindingPlacedAtAPositionSurvivesSaveAndReload) {
    auto dir = polysim::test::scratchDir("authoring-roundtrip");
    auto original = load(smallMotorcyclist(dir));
    const std::size_t before = original.findings.size();
    AuthoringModel model(original, dir / "edited.toml");
    auto& f = model.addFindingAt({60, 0, -300});
    EXPECT_FALSE(f.region.empty()) << "a position inside the body falls in one of the case's regions";
    f.id = "rib_fracture_right";
    f.label = "right rib fractures";
    f.acrCategory = 2;
    f.extentMm = {30, 20, 40};
    f.deadlineSeconds = 600;
    model.scenario().meta.title = "Motorcyclist, edited";
    model.scenario().expertReport = "Right tension pneumothorax; right rib fractures.";
    EXPECT_EQ(errors(model.validate()), 0) << polysim::scenario::formatDiagnostics(model.validate());
    std::string error;
    ASSERT_TRUE(model.save(&error)) << error;

    auto reloaded = polysim::scenario::loadScenario(dir / "edited.toml");
    ASSERT_TRUE(reloaded.ok()) << polysim::scenario::formatDiagnostics(reloaded.diagnostics);
    const auto& s = *reloaded.scenario;
    ASSERT_EQ(s.findings.size(), before + 1);
    const auto* g = s.findFinding("rib_fracture_right");
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(g->label, "right rib fractures");
    EXPECT_EQ(g->acrCategory, 2);
    EXPECT_EQ(g->region, f.region);
    EXPECT_NEAR(g->centreLps.x, 60, 1e-6);
    EXPECT_NEAR(g->centreLps.z, -300, 1e-6);
    EXPECT_NEAR(g->extentMm.z, 40, 1e-6);
    EXPECT_NEAR(g->deadlineSeconds, 600, 1e-6);
    EXPECT_EQ(s.meta.title, "Motorcyclist, edited");
    EXPECT_EQ(s.expertReport, "Right tension pneumothorax; right rib fractures.");
    // The original findings are still there after the round trip.
    for (const auto& o : original.findings) EXPECT_NE(s.findFinding(o.id), nullptr) << o.id;
}

TEST(Authoring, EditsAreValidatedAsTheyHappen) {
    auto dir = polysim::test::scratchDir("authoring-validate");
    AuthoringModel model(load(smallMotorcyclist(dir)), dir / "out.toml");
    ASSERT_EQ(errors(model.validate()), 0);
    auto& f = model.addFindingAt({0, 0, 5000});  // far above the head
    f.id = "lost";
    auto ds = model.validate();
    bool outside = false;
    for (const auto& d : ds)
        outside =
            outside || (d.severity == Diagnostic::Severity::Error && d.message.find("'lost'") != std::string::npos &&
                        d.message.find("outside the volume") != std::string::npos);
    EXPECT_TRUE(outside) << polysim::scenario::formatDiagnostics(ds);
    // Two findings with one id: the loader's duplicate rule fires on the edited model too.
    model.scenario().findings.back().centreLps = model.scenario().findings.front().centreLps;
    model.scenario().findings.back().id = model.scenario().findings.front().id;
    EXPECT_GT(errors(model.validate()), 0);
}

TEST(Authoring, ScreenshotShowsTheImagesAndTheReopenedFindings) {
    auto dir = polysim::test::scratchDir("authoring-screenshot");
    AuthoringModel model(load(smallMotorcyclist(dir)), dir / "edited.toml");
    model.addFindingAt({60, 0, -300}).label = "placed by the test";
    const std::size_t count = model.scenario().findings.size();
    ASSERT_TRUE(model.save());
    const char* base = std::getenv("POLYSIM_TEST_TMP");
    fs::path cache = fs::path(base ? base : "/tmp/polysim-test") / "gui-phantom-cache";
    auto r = polysim::test::runShell("XDG_CACHE_HOME=" + cache.string() + " XDG_CONFIG_HOME=" + cache.string() +
                                     " SDL_AUDIODRIVER=dummy " + polysim::test::polysimBinary().string() + " author " +
                                     (dir / "edited.toml").string() + " --screenshot " + (dir / "shot.png").string());
    ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("findings " + std::to_string(count) + ", errors 0"), std::string::npos) << r.out;

    int w = 0, h = 0, n = 0;
    unsigned char* px = stbi_load((dir / "shot.png").string().c_str(), &w, &h, &n, 3);
    ASSERT_NE(px, nullptr);
    ASSERT_EQ(w, 1600);
    ASSERT_EQ(h, 900);
    // The viewer (right of the panel) holds CT images: many grey levels, not one flat colour.
    std::set<int> greys;
    double sum = 0, sum2 = 0;
    int count2 = 0;
    for (int y = 10; y < 890; y += 3)
        for (int x = 460; x < 1595; x += 3) {
            const unsigned char* p = px + (std::size_t(y) * w + x) * 3;
            if (p[0] == p[1] && p[1] == p[2]) greys.insert(p[0]);
            sum += p[0], sum2 += double(p[0]) * p[0], ++count2;
        }
    // The panel holds text: its pixels are not all one colour.
    std::set<int> panel;
    for (int y = 0; y < 400; ++y)
        for (int x = 0; x < 430; ++x) panel.insert(px[(std::size_t(y) * w + x) * 3 + 0]);
    stbi_image_free(px);
    double sd = std::sqrt(sum2 / count2 - (sum / count2) * (sum / count2));
    EXPECT_GT(greys.size(), 30u) << "the viewer looks flat";
    EXPECT_GT(sd, 20.0) << "the viewer looks uniform";
    EXPECT_GT(panel.size(), 10u) << "the findings panel looks empty";
}

TEST(Authoring, AFindingInTheLungWhereAirwayAndChestOverlapGoesToTheLungRegion) {
    auto dir = polysim::test::scratchDir("authoring-region-choice");
    AuthoringModel model(load(smallMotorcyclist(dir)), dir / "out.toml");
    const auto& s = model.scenario();
    const auto* airway = s.findRegion("airway");
    const auto* lungs = s.findRegion("chest_lungs");
    ASSERT_TRUE(airway && lungs);
    const double lo = std::max(airway->zFromMm, lungs->zFromMm), hi = std::min(airway->zToMm, lungs->zToMm);
    ASSERT_LT(lo, hi) << "the shipped regions overlap at the top of the chest";
    const double z = (lo + hi) / 2;
    // Lung parenchyma (about -850 HU, clinical reference section 5), right upper lobe.
    EXPECT_EQ(model.addFindingAt({-80, 0, z}, -850.0).region, "chest_lungs");
    // Soft tissue at the same z (a mediastinal haematoma) belongs to the mediastinum.
    EXPECT_EQ(model.addFindingAt({0, 0, z}, 55.0).region, "chest_mediastinum");
    // Blood in the head is read in the brain window.
    const auto* head = s.findRegion("head");
    ASSERT_NE(head, nullptr);
    EXPECT_EQ(model.addFindingAt({0, 0, (head->zFromMm + head->zToMm) / 2}, 60.0).region, "head");
    // Bone at the chest's z: the only region read in the bone window there is the spine.
    EXPECT_EQ(model.addFindingAt({0, 60, z}, 700.0).region, "spine");
    // Free air in the mid-abdomen: no region there is read in the lung window, so the narrower one holding it.
    const auto* abdomen = s.findRegion("abdomen_pelvis");
    ASSERT_NE(abdomen, nullptr);
    EXPECT_EQ(model.addFindingAt({0, -80, (abdomen->zFromMm + abdomen->zToMm) / 2}, -900.0).region, "abdomen_pelvis");
}

TEST(Authoring, APlacedFindingAndACategoryChangeFollowTheGuidesDefaults) {
    auto dir = polysim::test::scratchDir("authoring-category");
    AuthoringModel model(load(smallMotorcyclist(dir)), dir / "out.toml");
    const double session = model.scenario().durationSeconds;
    ASSERT_GT(session, 300);
    auto& f = model.addFindingAt({60, 0, -300});
    EXPECT_EQ(f.acrCategory, 1);
    EXPECT_EQ(f.deadlineSeconds, 300) << "Category 1: 5 minutes";
    EXPECT_EQ(f.tell, std::vector<std::string>{"trauma_leader"});
    model.setCategory(f, 3);
    EXPECT_EQ(f.deadlineSeconds, session) << "Category 3: the session end";
    EXPECT_TRUE(f.tell.empty());
    f.deadlineSeconds = 400;  // the author's own deadline
    f.tell = {"orthopaedic_surgeon"};
    model.setCategory(f, 1);
    EXPECT_EQ(f.deadlineSeconds, 400) << "a deadline the author chose stays";
    EXPECT_EQ(f.tell, std::vector<std::string>{"orthopaedic_surgeon"});
    const auto placed = f;
    ASSERT_TRUE(model.save());
    const auto again = load(dir / "out.toml");
    const auto* g = again.findFinding(placed.id);
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(g->deadlineSeconds, 400);
    EXPECT_EQ(g->tell, placed.tell);
}

TEST(Authoring, SavingOverAHandWrittenFileThatWouldLoseCommentsAsksAndSaveAsKeepsIt) {
    auto dir = polysim::test::scratchDir("authoring-comments");
    const fs::path file = smallMotorcyclist(dir);
    const std::string hand = polysim::test::readFile(file);
    const int comments = int(polysim::scenario::tomlComments(hand).size());
    const int opening = int(polysim::scenario::tomlComments(polysim::scenario::leadingComments(hand)).size());
    ASSERT_GT(comments, opening) << "the motorcyclist has comments below its introduction";
    AuthoringModel model(load(file), file);
    model.scenario().meta.title = "Motorcyclist, edited";
    model.touch();
    EXPECT_EQ(model.commentsLostBySaving(), comments - opening);
    std::string error;
    EXPECT_FALSE(model.save(&error)) << "not without asking";
    EXPECT_NE(error.find(std::to_string(comments - opening) + " comment(s)"), std::string::npos) << error;
    EXPECT_EQ(polysim::test::readFile(file), hand) << "the file is untouched";
    EXPECT_TRUE(model.unsaved());

    // Save as: a new file; the hand-written one stays as it was.
    model.setOutFile(dir / "edited.toml");
    EXPECT_EQ(model.commentsLostBySaving(), 0);
    ASSERT_TRUE(model.save(&error)) << error;
    EXPECT_EQ(polysim::test::readFile(file), hand);
    EXPECT_EQ(load(dir / "edited.toml").meta.title, "Motorcyclist, edited");
    EXPECT_EQ(polysim::test::readFile(dir / "edited.toml").rfind(polysim::scenario::leadingComments(hand), 0), 0u)
        << "the introduction comes along";

    // Overwrite, once agreed to: the opening comments stay, the case is the edited one.
    model.setOutFile(file);
    model.acceptCommentLoss();
    ASSERT_TRUE(model.save(&error)) << error;
    const std::string now = polysim::test::readFile(file);
    EXPECT_EQ(now.rfind(polysim::scenario::leadingComments(hand), 0), 0u);
    EXPECT_EQ(load(file).meta.title, "Motorcyclist, edited");
    EXPECT_EQ(model.commentsLostBySaving(), 0) << "nothing left to lose";
}

TEST(Authoring, QuittingWithUnsavedChangesAsksFirst) {
    using polysim::gui::QuitGuard;
    auto dir = polysim::test::scratchDir("authoring-quit");
    const fs::path out = dir / "out.toml";
    AuthoringModel model(load(smallMotorcyclist(dir)), out);

    QuitGuard clean;
    clean.request(model);
    EXPECT_TRUE(clean.quit()) << "nothing unsaved: quit at once";
    EXPECT_FALSE(clean.asking());

    model.addFindingAt({60, 0, -300});
    ASSERT_TRUE(model.unsaved());
    QuitGuard guard;
    guard.request(model);
    EXPECT_TRUE(guard.asking());
    EXPECT_FALSE(guard.quit());
    guard.request(model);  // the window closed again while asking: still one question
    EXPECT_TRUE(guard.asking());
    guard.answer(QuitGuard::Answer::Cancel, model);
    EXPECT_FALSE(guard.asking());
    EXPECT_FALSE(guard.quit()) << "Cancel goes back to editing";
    EXPECT_TRUE(model.unsaved());

    guard.request(model);
    guard.answer(QuitGuard::Answer::QuitWithoutSaving, model);
    EXPECT_TRUE(guard.quit());
    EXPECT_FALSE(fs::exists(out)) << "quit without saving writes nothing";

    QuitGuard saving;
    saving.request(model);
    saving.answer(QuitGuard::Answer::SaveAndQuit, model);
    EXPECT_TRUE(saving.quit());
    EXPECT_FALSE(model.unsaved());
    auto reloaded = polysim::scenario::loadScenario(out);
    ASSERT_TRUE(reloaded.ok());
    EXPECT_EQ(reloaded.scenario->findings.size(), model.scenario().findings.size());

    // A save that fails keeps the question open with the reason, so the edits are not lost either.
    AuthoringModel stuck(load(smallMotorcyclist(dir)), dir / "no such folder" / "out.toml");
    stuck.touch();
    QuitGuard failing;
    failing.request(stuck);
    failing.answer(QuitGuard::Answer::SaveAndQuit, stuck);
    EXPECT_FALSE(failing.quit());
    EXPECT_TRUE(failing.asking());
    EXPECT_NE(failing.error().find("no such folder"), std::string::npos) << failing.error();
}

TEST(Authoring, ACaseSavedWithErrorsReopensWithTheErrorsShown) {
    auto dir = polysim::test::scratchDir("authoring-reopen-errors");
    AuthoringModel model(load(smallMotorcyclist(dir)), dir / "bad.toml");
    model.scenario().findings[0].deadlineSeconds = model.scenario().durationSeconds + 300;  // after the session ends
    model.touch();
    ASSERT_EQ(errors(model.validate()), 1) << polysim::scenario::formatDiagnostics(model.validate());
    ASSERT_TRUE(model.save());

    // `validate` and `run` still refuse the file...
    auto v = polysim::test::runPolysim("validate " + (dir / "bad.toml").string());
    EXPECT_EQ(v.exitCode, 1) << v.out << v.err;
    EXPECT_NE(v.err.find("is after the session ends"), std::string::npos) << v.err;
    // ...but the authoring mode opens it, shows the error, and saves it again.
    const char* base = std::getenv("POLYSIM_TEST_TMP");
    fs::path cache = fs::path(base ? base : "/tmp/polysim-test") / "gui-phantom-cache";
    auto r = polysim::test::runShell("XDG_CACHE_HOME=" + cache.string() + " XDG_CONFIG_HOME=" + cache.string() +
                                     " SDL_AUDIODRIVER=dummy " + polysim::test::polysimBinary().string() + " author " +
                                     (dir / "bad.toml").string() + " --out " + (dir / "again.toml").string() +
                                     " --screenshot " + (dir / "shot.png").string());
    ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("errors 1"), std::string::npos) << r.out;
    EXPECT_TRUE(fs::exists(dir / "shot.png"));
}

TEST(Authoring, AFileThatCannotBeReadIsRefusedSayingWhere) {
    auto dir = polysim::test::scratchDir("authoring-unreadable");
    const fs::path file = dir / "typo.toml";
    std::string text = polysim::test::readFile(smallMotorcyclist(dir));
    text.replace(text.find("[meta]"), 6, "[meta");  // a TOML syntax error on line of [meta]
    std::ofstream(file) << text;
    auto r = polysim::test::runPolysim("author " + file.string() + " --screenshot " + (dir / "shot.png").string());
    EXPECT_EQ(r.exitCode, 1) << r.out << r.err;
    EXPECT_NE(r.err.find(file.string() + ":"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("TOML syntax"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / "shot.png"));

    // A value of the wrong type would be lost by saving: refused too, naming its line and column.
    std::string typed = polysim::test::readFile(smallMotorcyclist(dir));
    const auto age = typed.find("age = ");
    ASSERT_NE(age, std::string::npos);
    typed.replace(age, typed.find('\n', age) - age, "age = \"forty\"");
    std::ofstream(file) << typed;
    const int line = int(std::count(typed.begin(), typed.begin() + long(age), '\n')) + 1;
    r = polysim::test::runPolysim("author " + file.string() + " --screenshot " + (dir / "shot.png").string());
    EXPECT_EQ(r.exitCode, 1) << r.out << r.err;
    EXPECT_NE(r.err.find(file.string() + ":" + std::to_string(line) + ":7: error: 'age' must be an integer"),
              std::string::npos)
        << r.err;
}

TEST(Authoring, NewPhantomCaseFromTheCommandLineOpensAndReloads) {
    auto dir = polysim::test::scratchDir("authoring-new-phantom");
    const char* base = std::getenv("POLYSIM_TEST_TMP");
    fs::path cache = fs::path(base ? base : "/tmp/polysim-test") / "gui-phantom-cache";
    const fs::path out = dir / "new-case.toml";
    auto r = polysim::test::runShell("XDG_CACHE_HOME=" + cache.string() + " XDG_CONFIG_HOME=" + cache.string() +
                                     " SDL_AUDIODRIVER=dummy " + polysim::test::polysimBinary().string() +
                                     " author --new phantom --injuries tension_pneumothorax,splenic_laceration"
                                     " --seed 7 --matrix 128 --slice-mm 4 --out " +
                                     out.string() + " --screenshot " + (dir / "shot.png").string());
    ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("findings 2, errors 0"), std::string::npos) << r.out;
    ASSERT_TRUE(fs::exists(dir / "shot.png"));
    auto s = load(out);
    EXPECT_EQ(s.meta.id, "new-case");
    ASSERT_EQ(s.findings.size(), 2u);
    EXPECT_EQ(s.findings[0].phantomInjury, "tension_pneumothorax");
    EXPECT_EQ(s.images.phantom->seed, 7u);
}

TEST(Authoring, NewCaseRefusesToOverwriteAnExistingFile) {
    auto dir = polysim::test::scratchDir("authoring-new-exists");
    const fs::path out = dir / "someones-case.toml";
    std::ofstream(out) << "# an instructor's work\n";
    const std::string before = polysim::test::readFile(out);
    auto r = polysim::test::runPolysim("author --new phantom --out " + out.string());
    EXPECT_EQ(r.exitCode, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
    EXPECT_EQ(polysim::test::readFile(out), before);

    auto noOut = polysim::test::runPolysim("author --new phantom");
    EXPECT_EQ(noOut.exitCode, 2);
    EXPECT_NE(noOut.err.find("--out"), std::string::npos) << noOut.err;

    fs::create_directories(dir / "empty");
    auto noCt =
        polysim::test::runPolysim("author --new " + (dir / "empty").string() + " --out " + (dir / "x.toml").string());
    EXPECT_EQ(noCt.exitCode, 1);
    EXPECT_NE(noCt.err.find((dir / "empty").string()), std::string::npos) << noCt.err;
    EXPECT_FALSE(fs::exists(dir / "x.toml"));
}

// The first use of a phantom case builds its patient (a minute or more at full size). The author, and the room,
// see each series as it is made, its images filling in, instead of a black image area and a bar; and the series made
// are the ones kept, not read back from the cache afterwards.
TEST(Authoring, ThePhantomsImagesShowAsTheyAreMadeOnFirstUse) {
    auto dir = polysim::test::scratchDir("authoring-streamed");
    setenv("XDG_CACHE_HOME", (dir / "empty-cache").c_str(), 1);
    const auto scenario = load(smallMotorcyclist(dir));
    std::string body;
    for (const auto& spec : scenario.images.series)
        if (spec.kind == polysim::phantom::SeriesKind::Arterial) body = spec.id;
    ASSERT_FALSE(body.empty());
    polysim::gui::SeriesSource images(scenario);
    ASSERT_TRUE(images.preparing()) << "the cache is empty: the patient is being made";
    std::shared_ptr<const polysim::imaging::Volume> partial;
    int readyThen = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
    while (!images.allLoaded() && std::chrono::steady_clock::now() < deadline) {
        images.poll();
        if (images.preparing() && !partial)
            if (auto v = images.volume(body); v && v->slicesReady() > 0 && !v->complete()) {
                partial = v;
                readyThen = v->slicesReady();
            }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ASSERT_TRUE(images.allLoaded());
    ASSERT_NE(partial, nullptr) << "the body series was never shown while it was being made";
    EXPECT_LT(readyThen, partial->dims().z);
    EXPECT_EQ(images.volume(body), partial) << "the series made here is kept, not read again from the cache";
    EXPECT_TRUE(partial->complete());
    const auto made = polysim::phantom::generateSeries(polysim::scenario::phantomOptionsFor(scenario),
                                                       polysim::phantom::SeriesKind::Arterial);
    EXPECT_TRUE(std::equal(made->voxels().begin(), made->voxels().end(), partial->voxels().begin()))
        << "what was shown while it was made is the series itself";
    for (const auto& spec : scenario.images.series) EXPECT_NE(images.volume(spec.id), nullptr) << spec.id;

    // The next use reads the cached study: nothing is made again, and the images are the same.
    polysim::gui::SeriesSource again(scenario);
    while (!again.allLoaded() && std::chrono::steady_clock::now() < deadline) {
        again.poll();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ASSERT_TRUE(again.allLoaded());
    auto cached = again.volume(body);
    ASSERT_NE(cached, nullptr);
    EXPECT_NE(cached, partial);
    EXPECT_TRUE(std::equal(made->voxels().begin(), made->voxels().end(), cached->voxels().begin()));
}
