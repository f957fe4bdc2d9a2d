// The debrief screen in the app shows what the HTML report shows: the shipped motorcyclist novice run played with
// the session engine, its debrief drawn in a real window under Xvfb, and every section, text, plot element and key
// image of the debrief content checked against what was drawn.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <map>

#include <SDL.h>

#include "gui/app_window.h"
#include "gui/debrief_view.h"
#include "scenario/loader.h"
#include "scoring/score.h"
#include "session/session.h"
#include "session/trainee_script.h"
#include "support/test_env.h"

namespace fs = std::filesystem;
using namespace polysim;

namespace {
scoring::Score playNovice(const scenario::Scenario& sc) {
    session::SessionClock clock;
    session::EventLog log;
    session::SessionOptions o;
    o.trainee = "novice";
    session::Session s(sc, clock, log, o);
    auto script = test::readFile(test::sourceDir() / "scenarios" / "scripts" / "motorcyclist-novice.txt");
    session::runTraineeScript(s, clock, session::parseTraineeScript(script, "motorcyclist-novice.txt"));
    return scoring::scoreSession(sc, log.events());
}

// The small phantom every GUI test shares (made once per test run).
void useSharedPhantomCache() {
    const char* base = std::getenv("POLYSIM_TEST_TMP");
    setenv("XDG_CACHE_HOME", (fs::path(base ? base : "/tmp/polysim-test") / "gui-phantom-cache").c_str(), 1);
}

gui::Screenshot frame(gui::AppWindow& window, gui::DebriefView& view) {
    SDL_Event e;
    while (SDL_PollEvent(&e)) {
    }
    window.beginFrame();
    view.draw();
    window.renderWithoutSwap();
    auto shot = window.readPixels();
    window.swap();
    return shot;
}

// Pixels of one colour (within a few levels) inside a rectangle of the frame.
int pixels(const gui::Screenshot& s, float x0, float y0, float x1, float y1, std::array<int, 3> rgb) {
    int n = 0;
    for (int y = std::max(0, int(y0)); y < std::min(s.height, int(y1)); ++y)
        for (int x = std::max(0, int(x0)); x < std::min(s.width, int(x1)); ++x) {
            const uint8_t* p = s.rgba.data() + (std::size_t(y) * s.width + x) * 4;
            n += std::abs(p[0] - rgb[0]) < 12 && std::abs(p[1] - rgb[1]) < 12 && std::abs(p[2] - rgb[2]) < 12;
        }
    return n;
}

// The longest vertical run of exactly this colour in columns [x0, x1), rows above y1: a scrollbar's grab.
int verticalRun(const gui::Screenshot& s, int x0, int x1, int y1, std::array<int, 3> rgb) {
    int best = 0;
    for (int x = std::max(0, x0); x < std::min(s.width, x1); ++x)
        for (int y = 0, run = 0; y < std::min(s.height, y1); ++y) {
            const uint8_t* p = s.rgba.data() + (std::size_t(y) * s.width + x) * 4;
            run = p[0] == rgb[0] && p[1] == rgb[1] && p[2] == rgb[2] ? run + 1 : 0;
            best = std::max(best, run);
        }
    return best;
}
}  // namespace

TEST(DebriefScreen, DrawsEverySectionTextPlotElementAndKeyImageOfTheReport) {
    auto dir = test::scratchDir("debrief-screen");
    useSharedPhantomCache();
    auto loaded = scenario::loadScenario(test::smallShippedScenario("motorcyclist", dir));
    ASSERT_TRUE(loaded.scenario);
    const auto& sc = *loaded.scenario;
    const auto score = playNovice(sc);

    gui::WindowOptions wo;
    wo.vsync = false;
    wo.hidden = true;  // drawn and read back without showing: no other test's clicks land on it
    gui::AppWindow window(wo);
    gui::DebriefView view(sc, score, dir / "novice.jsonl");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
    while (!view.keyImagesReady() && std::chrono::steady_clock::now() < deadline) frame(window, view);
    ASSERT_TRUE(view.keyImagesReady()) << "the key images were not made within 3 minutes";
    auto summary = frame(window, view);
    gui::writePng(dir / "1-summary.png", summary);  // for a human to look at

    const auto& content = view.content();
    const auto& drawn = view.drawn();
    std::vector<std::string> titles;
    for (const auto& sec : content.sections) titles.push_back(sec.title);
    EXPECT_EQ(drawn.sections, titles) << "a section of the debrief is not drawn";
    // Every text of the content, as often as the content has it; the method behind each "How is this computed"
    // fold only once the fold is opened.
    {
        std::map<std::string, int> shown;
        for (const auto& t : drawn.texts) ++shown[t];
        for (const auto& t : scoring::debriefTexts(content, false)) EXPECT_GT(shown[t]--, 0) << "not drawn: " << t;
        for (const auto& t : drawn.texts) EXPECT_EQ(t.find("Kendall"), std::string::npos) << "unfolded: " << t;
    }
    view.openMethods();
    frame(window, view);
    {
        std::map<std::string, int> shown;
        for (const auto& t : view.drawn().texts) ++shown[t];
        for (const auto& t : scoring::debriefTexts(content)) EXPECT_GT(shown[t]--, 0) << "not drawn when opened: " << t;
    }
    EXPECT_EQ(drawn.keyImages, int(sc.findings.size()));
    // With every section open the content is far taller than the window, yet the actions stay on screen, in the
    // footer below the scrolling content, whose scrollbar shows at the right edge.
    for (const char* control : {"export", "close", "section:1", "section:4"}) {
        auto at = view.controlCentre(control);
        ASSERT_TRUE(at) << control;
        EXPECT_GT(at->second, float(summary.height) * 0.8f) << control;
        EXPECT_LT(at->second, float(summary.height)) << control;
    }
    EXPECT_GT(verticalRun(summary, summary.width - 16, summary.width, int(float(summary.height) * 0.8f), {79, 79, 79}),
              30)
        << "no scrollbar: " << (dir / "1-summary.png");
    // Each plot element once: bands and their labels, brackets, lanes with label and start line, injuries with their
    // centre line, paths, marks, calls, deteriorations, the axis, ticks with labels, the axis label.
    const auto& p = content.plot;
    int expected =
        int(2 * p.bands.size() + p.brackets.size() + 3 * p.lanes.size() + 2 * p.injuries.size() + p.paths.size() +
            p.marks.size() + p.calls.size() + p.deteriorations.size() + 1 + 2 * p.ticks.size() + 1);
    EXPECT_EQ(drawn.plotPrimitives, expected);

    // The plot on screen: white paper, the reading path in the soft-tissue blue, the deterioration's red line.
    view.jumpToSection(1);
    frame(window, view);
    auto happened = frame(window, view);
    gui::writePng(dir / "2-what-happened.png", happened);
    const auto& d = view.drawn();
    ASSERT_LT(d.plotY0, float(happened.height) * 0.5f) << "the plot is not on screen after jumping to it";
    EXPECT_GT(pixels(happened, d.plotX0, d.plotY0, d.plotX1, d.plotY1, {255, 255, 255}), 20000);
    EXPECT_GT(pixels(happened, d.plotX0, d.plotY0, d.plotX1, d.plotY1, {0x2e, 0x6f, 0xd8}), 300)
        << "no soft-tissue reading path: " << (dir / "2-what-happened.png");
    EXPECT_GT(pixels(happened, d.plotX0, d.plotY0, d.plotX1, d.plotY1, {0xc0, 0x39, 0x2b}), 100)
        << "no injuries or deterioration: " << (dir / "2-what-happened.png");
    view.jumpToSection(2);
    frame(window, view);
    gui::writePng(dir / "3-analysis.png", frame(window, view));
    view.jumpToSection(3);
    frame(window, view);
    gui::writePng(dir / "4-take-home.png", frame(window, view));
}

TEST(DebriefScreen, AReportThatCannotBeWrittenSaysSoAndLeavesNothingBehind) {
    auto dir = test::scratchDir("debrief-export-error");
    useSharedPhantomCache();
    auto loaded = scenario::loadScenario(test::smallShippedScenario("motorcyclist", dir));
    ASSERT_TRUE(loaded.scenario);
    const auto score = playNovice(*loaded.scenario);
    gui::WindowOptions wo;
    wo.vsync = false;
    wo.hidden = true;
    gui::AppWindow window(wo);
    gui::DebriefView view(*loaded.scenario, score, dir / "session.jsonl");
    // Where the report should go there is a folder of that name.
    fs::create_directories(dir / "session.html" / "keep");
    EXPECT_FALSE(view.exportReport());
    EXPECT_TRUE(view.statusIsError());
    EXPECT_EQ(view.status().rfind("Could not write the report " + (dir / "session.html").string() + ": ", 0), 0u)
        << view.status();
    EXPECT_TRUE(fs::is_directory(dir / "session.html" / "keep"));
    EXPECT_FALSE(fs::exists(dir / "session.html.partial"));
    // Once the way is clear, the same button writes it and says where.
    fs::remove_all(dir / "session.html");
    EXPECT_TRUE(view.exportReport());
    EXPECT_FALSE(view.statusIsError());
    EXPECT_EQ(view.status(), "Written: " + (dir / "session.html").string());
    EXPECT_GT(fs::file_size(dir / "session.html"), 10000u);
}
