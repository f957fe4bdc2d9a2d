// The simulator's first screens clicked through as a user does, under Xvfb: the real app in this process, the X
// pointer moved over a control and SDL button events pressed there. And a case whose DICOM images are not on this
// machine: listed with the reason, impossible to start, refused by `polysim run` with a message that says how to
// get the data.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>

#include <SDL.h>

#include "gui/app.h"
#include "gui/app_window.h"
#include "gui/debrief_view.h"
#include "scoring/score.h"
#include "support/sdl_input.h"
#include "support/test_env.h"

namespace fs = std::filesystem;
using polysim::gui::Simulator;

namespace {
const char* kTemplate = "rsna-2023-abdominal-template";

// A library of two cases: the shipped motorcyclist (small phantom) as the default case, and the RSNA template,
// whose data is not on this machine.
fs::path makeLibrary(const fs::path& dir) {
    fs::path lib = dir / "scenarios";
    fs::create_directories(lib);
    fs::rename(polysim::test::smallShippedScenario("motorcyclist", dir), lib / "motorcyclist.toml");
    fs::copy_file(polysim::test::sourceDir() / "scenarios" / (std::string(kTemplate) + ".toml"),
                  lib / (std::string(kTemplate) + ".toml"));
    return lib;
}

void useTestEnvironment(const fs::path& dir) {
    const char* base = std::getenv("POLYSIM_TEST_TMP");
    fs::path cache = fs::path(base ? base : "/tmp/polysim-test") / "gui-phantom-cache";  // shared with test_app
    setenv("XDG_CACHE_HOME", cache.c_str(), 1);
    setenv("XDG_CONFIG_HOME", (dir / "config").c_str(), 1);
    setenv("XDG_DATA_HOME", (dir / "data").c_str(), 1);  // no results history, no unfinished session
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    unsetenv("POLYSIM_DATA");
}

// A fresh folder for the test with the two-case library, the app's environment pointed at it.
fs::path libraryFolder(const std::string& name) {
    auto dir = polysim::test::scratchDir(name);
    setenv("POLYSIM_SCENARIOS", makeLibrary(dir).c_str(), 1);
    useTestEnvironment(dir);
    return dir;
}

// A library of the full-size default case in `dir`, the app's environment pointed at it with a phantom cache of its
// own (returned), so that its patient is made from nothing.
fs::path fullSizeLibrary(const fs::path& dir) {
    fs::path lib = dir / "scenarios";
    fs::create_directories(lib);
    fs::copy_file(polysim::test::sourceDir() / "scenarios" / "motorcyclist.toml", lib / "motorcyclist.toml");
    setenv("POLYSIM_SCENARIOS", lib.c_str(), 1);
    useTestEnvironment(dir);
    const fs::path cache = dir / "cache";
    setenv("XDG_CACHE_HOME", cache.c_str(), 1);
    return cache;
}

polysim::gui::WindowOptions shownWindow() {
    polysim::gui::WindowOptions wo;
    wo.vsync = false;
    return wo;
}

// The app without sound, its session log in the test's folder.
polysim::gui::RunOptions quietRun(const fs::path& dir) {
    polysim::gui::RunOptions o;
    o.sound = false;
    o.log = dir / "session.jsonl";
    return o;
}

struct Shot {
    polysim::gui::Screenshot s;
    std::array<int, 3> at(int x, int y) const {
        const uint8_t* p = s.rgba.data() + (std::size_t(y) * s.width + x) * 4;
        return {p[0], p[1], p[2]};
    }
    // Distinct colours over the frame, sampled: a blank frame has one or two.
    std::size_t colours() const {
        std::set<int> seen;
        for (int y = 0; y < s.height; y += 3)
            for (int x = 0; x < s.width; x += 3) {
                auto c = at(x, y);
                seen.insert(c[0] << 16 | c[1] << 8 | c[2]);
            }
        return seen.size();
    }
    // Pixels of the trauma monitor's ECG green in the HUD's top-left corner.
    int ecgGreen() const {
        int n = 0;
        for (int y = 46; y < 220; ++y)
            for (int x = 0; x < 340; ++x) {
                auto c = at(x, y);
                n += c[1] > 180 && c[0] < 120 && c[2] < 150;
            }
        return n;
    }
    // Pixels of the viewer's amber message text ("Waiting for the scanner", "Loading ...") around the middle of
    // the viewer area.
    int viewerMessage() const {
        int n = 0;
        const int cx = (340 + s.width) / 2, cy = (46 + s.height) / 2;
        for (int y = cy - 40; y < cy + 10; ++y)
            for (int x = cx - 200; x < cx + 200; ++x) {
                auto c = at(x, y);
                n += c[0] > 180 && c[1] > 140 && c[1] < 220 && c[2] < 140;
            }
        return n;
    }
};

class Clicker {
public:
    Clicker(Simulator& app, polysim::gui::AppWindow& window) : app_(app), window_(window) {}
    Shot frame() {
        Shot shot;
        app_.frame(&shot.s);
        return shot;
    }
    // Moves the X pointer over the control, then presses and releases the left button there.
    bool click(const std::string& control) {
        auto at = app_.controlCentre(control);
        if (!at) return false;
        clickAt(int(at->first), int(at->second));
        return true;
    }
    void clickAt(int x, int y) {
        polysim::test::clickInWindow(window_.sdl(), x, y, [this] { frame(); });
    }

private:
    Simulator& app_;
    polysim::gui::AppWindow& window_;
};
}  // namespace

TEST(Library, PickACaseReadTheBriefingAndStartReading) {
    auto dir = libraryFolder("library-click");
    polysim::gui::AppWindow window(shownWindow());
    auto o = quietRun(dir);
    {
        Simulator app(o, window);
        Clicker ui(app, window);

        Shot library = ui.frame();
        library = ui.frame();
        polysim::gui::writePng(dir / "1-library.png", library.s);
        ASSERT_EQ(app.screen(), Simulator::Screen::Library);
        EXPECT_GT(library.colours(), 20u) << "the library looks blank: " << (dir / "1-library.png");
        std::string motorcyclist;
        for (const auto& c : app.library())
            if (c.isDefault) motorcyclist = c.id;
        ASSERT_FALSE(motorcyclist.empty()) << "no case marked as the default";

        // The case without its images has no Open button; a click where its row says so starts nothing.
        EXPECT_FALSE(app.controlCentre(std::string("open:") + kTemplate));
        ASSERT_TRUE(ui.click(std::string("unavailable:") + kTemplate));
        EXPECT_EQ(app.screen(), Simulator::Screen::Library);
        EXPECT_EQ(app.caseId(), "");

        ASSERT_TRUE(ui.click("open:" + motorcyclist));
        ASSERT_EQ(app.screen(), Simulator::Screen::Briefing);
        EXPECT_EQ(app.caseId(), motorcyclist);
        Shot briefing = ui.frame();
        polysim::gui::writePng(dir / "2-briefing.png", briefing.s);
        EXPECT_GT(briefing.colours(), 20u) << "the briefing looks blank: " << (dir / "2-briefing.png");
        EXPECT_NE(briefing.s.rgba, library.s.rgba);
        // Back to the library and in again: the case is still there to open.
        ASSERT_TRUE(ui.click("back"));
        ASSERT_EQ(app.screen(), Simulator::Screen::Library);
        ASSERT_TRUE(ui.click("open:" + motorcyclist));
        ASSERT_EQ(app.screen(), Simulator::Screen::Briefing);
        EXPECT_EQ(app.caseId(), motorcyclist);

        ASSERT_TRUE(ui.click("start"));
        ASSERT_EQ(app.screen(), Simulator::Screen::Reading);
        // The room: the trauma monitor once the (cached, small) phantom is ready.
        Shot room;
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
        do {
            room = ui.frame();
        } while (room.ecgGreen() < 100 && std::chrono::steady_clock::now() < deadline);
        polysim::gui::writePng(dir / "3-reading.png", room.s);
        EXPECT_GT(room.ecgGreen(), 100) << "no trauma monitor in the reading room: " << (dir / "3-reading.png");
        EXPECT_NE(polysim::test::readFile(o.log).find("\"session_start\""), std::string::npos)
            << "the session did not start";
        // The scout has arrived (at 0 s): it shows by itself, first in the reading order, as one opening of it in
        // the session log. Until its one image is read the viewer says it is loading; then it fills the viewer.
        Shot scout = ui.frame();
        deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (!app.imagesShown() && std::chrono::steady_clock::now() < deadline) scout = ui.frame();
        scout = ui.frame();
        polysim::gui::writePng(dir / "4-scout.png", scout.s);
        EXPECT_TRUE(app.imagesShown()) << "the arrived scout is not shown: " << (dir / "4-scout.png");
        EXPECT_NE(polysim::test::readFile(o.log).find("\"series\":\"scout\""), std::string::npos)
            << "showing the scout is not in the session log";
        int body = 0;
        for (int y = 100; y < scout.s.height - 40; y += 4) body += scout.at(975, y)[0] > 60;
        EXPECT_GT(body, 40) << "no body down the middle of the viewer: " << (dir / "4-scout.png");
    }
}

// A screen nobody touches is drawn once and then left alone, so that a machine without a GPU keeps its cores
// for making the patient's images and a laptop its battery; input draws at once, and a frame is never older than
// half a second.
TEST(Library, AStillScreenIsNotDrawnAgainUntilTheTraineeTouchesSomething) {
    auto dir = libraryFolder("library-still");
    polysim::gui::AppWindow window(shownWindow());
    Simulator app(quietRun(dir), window);
    // Let the layout settle: the library is fully drawn within a few frames.
    int settling = 0;
    for (std::uint64_t before = app.framesDrawn(); settling < 30; ++settling) {
        app.frame();
        if (app.framesDrawn() == before) break;
        before = app.framesDrawn();
    }
    ASSERT_LT(settling, 30) << "the library never stopped changing";
    const auto t0 = std::chrono::steady_clock::now();
    const std::uint64_t still = app.framesDrawn();
    for (int i = 0; i < 20; ++i) app.frame();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_LE(app.framesDrawn() - still, std::uint64_t(seconds / 0.5))
        << "frames that show nothing new were drawn (" << seconds << " s of frames)";
    // A key press is input: the next frame is drawn.
    const std::uint64_t beforeKey = app.framesDrawn();
    polysim::test::pressKey(window.sdl(), SDLK_DOWN, [&] { app.frame(); });
    EXPECT_GT(app.framesDrawn(), beforeKey) << "a frame with input was not drawn";
    // And a still screen is drawn again after half a second at the latest.
    const std::uint64_t beforeWait = app.framesDrawn();
    for (int i = 0; i < 8; ++i) {
        SDL_Delay(100);
        app.frame();
    }
    EXPECT_GT(app.framesDrawn(), beforeWait) << "a still screen was not redrawn within 0.8 s";
}

TEST(Library, ACaseWithoutItsImagesIsListedWithTheReason) {
    auto dir = polysim::test::scratchDir("library-missing");
    setenv("POLYSIM_SCENARIOS", makeLibrary(dir).c_str(), 1);
    useTestEnvironment(dir);
    polysim::gui::WindowOptions wo;
    wo.vsync = false;
    wo.hidden = true;
    polysim::gui::AppWindow window(wo);
    polysim::gui::RunOptions o;
    o.sound = false;
    Simulator app(o, window);
    app.frame();
    int listed = 0;
    for (const auto& c : app.library()) {
        ++listed;
        if (c.id == kTemplate) {
            EXPECT_FALSE(c.isDefault);
            EXPECT_NE(c.unavailable.find("POLYSIM_DATA"), std::string::npos) << c.unavailable;
            EXPECT_NE(c.unavailable.find("portal"), std::string::npos) << c.unavailable;
            // The row says in plain words that the case needs its dataset and where to get it, not which
            // environment variable is unset.
            EXPECT_NE(c.availability.find("needs the images of its dataset"), std::string::npos) << c.availability;
            EXPECT_NE(c.availability.find("RSNA 2023 Abdominal Trauma Detection"), std::string::npos) << c.availability;
            EXPECT_NE(c.availability.find("kaggle.com/competitions/rsna-2023-abdominal-trauma-detection"),
                      std::string::npos)
                << c.availability;
            EXPECT_EQ(c.availability.find("environment variable"), std::string::npos) << c.availability;
            EXPECT_EQ(c.availability.find("not set"), std::string::npos) << c.availability;
        } else {
            EXPECT_TRUE(c.isDefault) << c.id;
            EXPECT_EQ(c.unavailable, "") << c.id;
        }
    }
    EXPECT_EQ(listed, 2);
}

TEST(Library, RunningACaseWithoutItsImagesSaysWhereTheyShouldBe) {
    const std::string scenario =
        (polysim::test::sourceDir() / "scenarios" / (std::string(kTemplate) + ".toml")).string();
    // No display: the case is refused before any window opens.
    auto unset = polysim::test::runShell("env -u POLYSIM_DATA -u DISPLAY " + polysim::test::polysimBinary().string() +
                                         " run " + scenario);
    EXPECT_EQ(unset.exitCode, 1) << unset.out << unset.err;
    EXPECT_NE(unset.err.find("POLYSIM_DATA"), std::string::npos) << unset.err;
    EXPECT_NE(unset.err.find("not set"), std::string::npos) << unset.err;
    EXPECT_NE(unset.err.find("scenarios/README.md"), std::string::npos) << unset.err;

    auto elsewhere = polysim::test::runShell("env -u DISPLAY POLYSIM_DATA=/nonexistent/data " +
                                             polysim::test::polysimBinary().string() + " run " + scenario +
                                             " --screenshot /tmp/never.png --at 5");
    EXPECT_EQ(elsewhere.exitCode, 1) << elsewhere.out << elsewhere.err;
    EXPECT_NE(elsewhere.err.find("/nonexistent/data/rsna-2023-abdominal-trauma-detection/train_images/10004/21057"),
              std::string::npos)
        << elsewhere.err;
    EXPECT_NE(elsewhere.err.find("POLYSIM_DATA"), std::string::npos) << elsewhere.err;
}

TEST(Library, TheDebriefExportsTheReportPolysimScoreWritesAndClosesBackToTheLibraryWithTheNewBest) {
    auto dir = polysim::test::scratchDir("library-debrief");
    const fs::path lib = makeLibrary(dir);
    setenv("POLYSIM_SCENARIOS", lib.c_str(), 1);
    useTestEnvironment(dir);
    setenv("USER", "tester", 1);
    unsetenv("POLYSIM_DB");
    // Someone else's expert run is in the results history already; the library shows this trainee's best only.
    const std::string polysim = polysim::test::polysimBinary().string();
    const std::string scenario = (lib / "motorcyclist.toml").string();
    auto other = polysim::test::runShell(
        polysim + " play " + scenario + " --script " +
        (polysim::test::sourceDir() / "scenarios" / "scripts" / "motorcyclist-expert.txt").string() + " --log " +
        (dir / "other.jsonl").string() + " --trainee other && " + polysim + " score " + scenario + " " +
        (dir / "other.jsonl").string() + " --db " + (dir / "data" / "polysim" / "results.sqlite").string());
    ASSERT_EQ(other.exitCode, 0) << other.out << other.err;
    // The desktop's opener, standing in for the browser: it notes what it was asked to open.
    fs::create_directories(dir / "bin");
    std::ofstream(dir / "bin" / "xdg-open") << "#!/bin/sh\necho \"$1\" > " << (dir / "opened.txt") << "\n";
    fs::permissions(dir / "bin" / "xdg-open", fs::perms::owner_all);
    const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
    setenv("PATH", ((dir / "bin").string() + ":" + path).c_str(), 1);
    // A short session that the trainee ends: the scout in a bone window, then End.
    std::ofstream(dir / "trainee.txt") << "00:01 series scout\n00:02 window bone\n00:04 end\n";
    polysim::gui::AppWindow window(shownWindow());
    auto o = quietRun(dir);
    o.script = dir / "trainee.txt";
    {
        Simulator app(o, window);
        Clicker ui(app, window);
        ui.frame();
        std::string motorcyclist;
        for (const auto& c : app.library())
            if (c.isDefault) {
                motorcyclist = c.id;
                EXPECT_FALSE(c.best) << "another trainee's score shown as this one's best";
            }
        ASSERT_TRUE(ui.click("open:" + motorcyclist));
        ASSERT_TRUE(ui.click("start"));
        ASSERT_EQ(app.screen(), Simulator::Screen::Reading);
        // The script ends the session at 00:04 of session time: the app switches to the debrief by itself.
        auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::seconds(
                            600);  // a guard against a hang: a cold phantom cache on a loaded machine takes minutes
        while (app.screen() == Simulator::Screen::Reading && std::chrono::steady_clock::now() < deadline) ui.frame();
        ASSERT_EQ(app.screen(), Simulator::Screen::Debrief);
        // Export is offered once the key images are made.
        while (!app.controlCentre("export") && std::chrono::steady_clock::now() < deadline) ui.frame();
        polysim::gui::writePng(dir / "5-debrief.png", ui.frame().s);
        ASSERT_TRUE(ui.click("export"));
        ASSERT_NE(app.debrief(), nullptr);
        const fs::path report = dir / "session.html";
        EXPECT_EQ(app.debrief()->status(), "Written: " + report.string());
        auto cli = polysim::test::runShell("XDG_CACHE_HOME=" + std::string(std::getenv("XDG_CACHE_HOME")) + " " +
                                           polysim + " score " + scenario + " " + o.log.string() +
                                           " --no-history --html " + (dir / "cli.html").string());
        ASSERT_EQ(cli.exitCode, 3) << cli.out << cli.err;  // not passed
        const std::string exported = polysim::test::readFile(report);
        EXPECT_GT(exported.size(), 10000u);
        EXPECT_TRUE(exported == polysim::test::readFile(dir / "cli.html"))
            << "the app's export differs from `polysim score --html`: " << report << " vs " << (dir / "cli.html");
        // Once written, it can be opened from the debrief.
        ASSERT_TRUE(ui.click("open-report"));
        for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
             !fs::exists(dir / "opened.txt") && std::chrono::steady_clock::now() < until;)
            SDL_Delay(50);
        EXPECT_EQ(polysim::test::readFile(dir / "opened.txt"), report.string() + "\n");
        // A second export says it replaced the first.
        ASSERT_TRUE(ui.click("export"));
        EXPECT_EQ(app.debrief()->status().rfind("Updated: " + report.string(), 0), 0u) << app.debrief()->status();

        ASSERT_TRUE(ui.click("close"));
        ASSERT_EQ(app.screen(), Simulator::Screen::Library);
        EXPECT_EQ(app.caseId(), "");
        Shot library = ui.frame();
        polysim::gui::writePng(dir / "6-library-after.png", library.s);
        // The total in the history (as `polysim score` prints it) is the library's best for this trainee.
        const auto total = cli.out.substr(cli.out.find("total ") + 6);
        for (const auto& c : app.library())
            if (c.id == motorcyclist) {
                ASSERT_TRUE(c.best) << "the session just recorded is not the best";
                EXPECT_NEAR(*c.best, std::stod(total), 1e-9) << cli.out;
                // It did not pass, and the library says so next to the number.
                EXPECT_FALSE(c.bestPassed);
                EXPECT_EQ(c.bestShown, polysim::scoring::totalText(*c.best) + " - not passed");
            }
        // Another session from the library gets a log of its own: the first one's is kept.
        const std::string firstLog = polysim::test::readFile(o.log);
        ASSERT_TRUE(ui.click("open:" + motorcyclist));
        ASSERT_TRUE(ui.click("start"));
        ASSERT_EQ(app.screen(), Simulator::Screen::Reading);
        for (int i = 0; i < 5; ++i) ui.frame();
        EXPECT_EQ(polysim::test::readFile(o.log), firstLog);
    }
    setenv("PATH", path.c_str(), 1);
}

namespace {
std::vector<fs::path> phantomFolders(const fs::path& cache) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(cache / "polysim", ec))
        if (e.path().filename().string().starts_with("phantom-")) out.push_back(e.path());
    return out;
}
}  // namespace

TEST(Library, LeavingWhileThePatientsImagesAreMadeStopsMakingThemAndTheSessionCanBeResumed) {
    auto dir = polysim::test::scratchDir("library-leave-preparing");
    // The full-size case in a cache of its own: its phantom takes long enough to make that the user leaves first.
    const fs::path cache = fullSizeLibrary(dir);
    polysim::gui::AppWindow window(shownWindow());
    polysim::gui::RunOptions o;
    o.sound = false;  // the log goes where the library looks for unfinished sessions
    {
        Simulator app(o, window);
        Clicker ui(app, window);
        ui.frame();
        ASSERT_TRUE(ui.click("open:motorcyclist"));
        ASSERT_TRUE(ui.click("start"));
        ASSERT_EQ(app.screen(), Simulator::Screen::Reading);
        // A guard against a hang: a cold phantom cache on a loaded machine takes minutes.
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(600);
        // The session starts with the scout as it grows, long before the whole patient is made.
        while (!app.imagesShown() && std::chrono::steady_clock::now() < deadline) ui.frame();
        ASSERT_TRUE(app.imagesShown()) << "the scout never showed";
        ASSERT_EQ(phantomFolders(cache).size(), 1u) << "the phantom is not being made";
        ASSERT_TRUE(phantomFolders(cache).front().filename().string().find(".partial-") != std::string::npos)
            << "the whole study was made before the first image showed";
        // The window is closed: the app asks first.
        SDL_Event quit{};
        quit.type = SDL_QUIT;
        SDL_PushEvent(&quit);
        while (!app.controlCentre("leave") && std::chrono::steady_clock::now() < deadline) ui.frame();
        ASSERT_TRUE(app.controlCentre("leave"));
        polysim::gui::writePng(dir / "leave-while-preparing.png", ui.frame().s);
        ASSERT_TRUE(ui.click("leave"));
        EXPECT_FALSE(app.frame()) << "the app did not leave";
    }
    // Left before the patient was made: the generation stopped (no study was finished after all) and took its
    // partial folder with it.
    EXPECT_TRUE(phantomFolders(cache).empty()) << phantomFolders(cache).front();

    // The session had begun (the scout was on screen): it is offered for resume, and resuming makes the images again.
    std::vector<fs::path> logs;
    for (const auto& e : fs::directory_iterator(dir / "data" / "polysim" / "sessions")) logs.push_back(e.path());
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_NE(polysim::test::readFile(logs.front()).find("\"series\":\"scout\""), std::string::npos)
        << "the scout on screen is in the log";
    {
        Simulator app(o, window);
        app.frame();
        app.frame();
        EXPECT_TRUE(app.controlCentre("resume")) << "a begun session is not offered for resume";
    }
    // A session in which nothing happened (only its start logged) is not offered; once something happens, it is.
    const std::string text = polysim::test::readFile(logs.front());
    std::ofstream(logs.front(), std::ios::trunc) << text.substr(0, text.find('\n') + 1);
    {
        Simulator app(o, window);
        app.frame();
        app.frame();
        EXPECT_FALSE(app.controlCentre("resume")) << "a session in which nothing happened is offered for resume";
    }
    std::ofstream(logs.front(), std::ios::app) << "{\"t\":3.0,\"action\":\"series\",\"series\":\"scout\"}\n";
    {
        Simulator app(o, window);
        app.frame();
        app.frame();
        EXPECT_TRUE(app.controlCentre("resume"));
    }
}

TEST(Library, RunningACaseWithAnUnfinishedSessionOffersToResumeItOnTheBriefing) {
    auto dir = libraryFolder("library-run-resume");
    const fs::path file = dir / "scenarios" / "motorcyclist.toml";
    const fs::path sessions = dir / "data" / "polysim" / "sessions";
    fs::create_directories(sessions);
    // A session that crashed at 50 s: the log `polysim play` writes, cut before its end.
    std::ofstream(dir / "trainee.txt") << "00:41 series arterial\n00:42 position -300\n";
    auto play =
        polysim::test::runShell(polysim::test::polysimBinary().string() + " play " + file.string() + " --script " +
                                (dir / "trainee.txt").string() + " --log " + (dir / "full.jsonl").string());
    ASSERT_EQ(play.exitCode, 0) << play.err;
    const fs::path crashed = sessions / "motorcyclist-crashed.jsonl";
    {
        std::ifstream in(dir / "full.jsonl");
        std::ofstream cut(crashed);
        for (std::string line; std::getline(in, line);)
            if (std::stod(line.substr(line.find(':') + 1)) <= 50) cut << line << "\n";
    }
    auto logs = [&] {
        std::size_t n = 0;
        for (const auto& e : fs::directory_iterator(sessions)) n += e.path().extension() == ".jsonl";
        return n;
    };
    polysim::gui::AppWindow window(shownWindow());
    polysim::gui::RunOptions o;
    o.sound = false;
    o.scenario = file;
    {
        // Resumed from the briefing: the crashed log carries on, no new one is started.
        Simulator app(o, window);
        Clicker ui(app, window);
        ui.frame();
        ASSERT_EQ(app.screen(), Simulator::Screen::Briefing);
        polysim::gui::writePng(dir / "briefing-resume.png", ui.frame().s);
        ASSERT_TRUE(app.controlCentre("resume"))
            << "the unfinished session is not offered: " << (dir / "briefing-resume.png");
        ASSERT_TRUE(ui.click("resume"));
        EXPECT_EQ(app.screen(), Simulator::Screen::Reading);
        for (int i = 0; i < 5; ++i) ui.frame();
        EXPECT_EQ(logs(), 1u) << "resuming started a new log";
    }
    {
        // Or a new session beside it.
        Simulator app(o, window);
        Clicker ui(app, window);
        ui.frame();
        ASSERT_TRUE(app.controlCentre("resume"));
        ASSERT_TRUE(ui.click("start"));
        EXPECT_EQ(app.screen(), Simulator::Screen::Reading);
        for (int i = 0; i < 5; ++i) ui.frame();
        EXPECT_EQ(logs(), 2u) << "a new session did not get a log of its own";
    }
}

TEST(Library, AskingBeforeLeavingPausesTheSessionKeepsTheRoomFromInputAndASecondCloseLeaves) {
    auto dir = libraryFolder("library-ask-leave");
    polysim::gui::AppWindow window(shownWindow());
    auto o = quietRun(dir);
    {
        Simulator app(o, window);
        Clicker ui(app, window);
        ui.frame();
        ASSERT_TRUE(ui.click("open:motorcyclist"));
        ASSERT_TRUE(ui.click("start"));
        // The session clock runs once the (cached, small) phantom is ready.
        auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::seconds(
                            600);  // a guard against a hang: a cold phantom cache on a loaded machine takes minutes
        while (app.sessionTime().value_or(0) < 1.0 && std::chrono::steady_clock::now() < deadline) ui.frame();
        ASSERT_GE(app.sessionTime().value_or(0), 1.0) << "the session did not start";
        auto quit = [] {
            SDL_Event e{};
            e.type = SDL_QUIT;
            SDL_PushEvent(&e);
        };
        quit();
        ui.frame();
        ASSERT_TRUE(app.controlCentre("leave")) << "closing the window does not ask first";
        const double asked = *app.sessionTime();
        const std::string logged = polysim::test::readFile(o.log);
        // Behind the dialog the room takes no clicks: opening the scout from the top bar does nothing.
        auto scout = app.controlCentre("series:scout");
        ASSERT_TRUE(scout);
        ui.clickAt(int(scout->first), int(scout->second));
        for (int i = 0; i < 10; ++i) {
            SDL_Delay(100);
            ui.frame();
        }
        polysim::gui::writePng(dir / "asking.png", ui.frame().s);
        EXPECT_EQ(*app.sessionTime(), asked) << "the session went on while the app asked";
        EXPECT_EQ(polysim::test::readFile(o.log), logged) << "something reached the session behind the dialog";
        // Keep reading: the clock runs again.
        ASSERT_TRUE(ui.click("stay"));
        while (*app.sessionTime() <= asked && std::chrono::steady_clock::now() < deadline) ui.frame();
        EXPECT_GT(*app.sessionTime(), asked);
        EXPECT_FALSE(app.controlCentre("leave"));
        // Closed twice: the second close is the answer.
        quit();
        ui.frame();
        ASSERT_TRUE(app.controlCentre("leave"));
        quit();
        EXPECT_FALSE(app.frame()) << "a second close while asked did not leave";
    }
}

TEST(Library, TheDefaultCaseComesFirstThenTheOthersUpTheDifficultyLadder) {
    auto dir = libraryFolder("library-order");
    // A case whose file name sorts before the default's, and a beginner's case whose name sorts last.
    fs::copy_file(polysim::test::sourceDir() / "scenarios" / "fall-from-height.toml",
                  dir / "scenarios" / "fall-from-height.toml");
    fs::copy_file(polysim::test::sourceDir() / "scenarios" / "oesophageal-intubation.toml",
                  dir / "scenarios" / "zz-oesophageal-intubation.toml");
    polysim::gui::WindowOptions wo = shownWindow();
    wo.hidden = true;
    polysim::gui::AppWindow window(wo);
    auto o = quietRun(dir);  // the app keeps a reference to its options
    Simulator app(o, window);
    app.frame();
    std::vector<std::string> files;
    for (const auto& c : app.library()) files.push_back(c.file.filename().string());
    // The default; then beginner, intermediate, advanced; by file name within a step.
    EXPECT_EQ(files, (std::vector<std::string>{"motorcyclist.toml", "zz-oesophageal-intubation.toml",
                                               "fall-from-height.toml", std::string(kTemplate) + ".toml"}));
    EXPECT_TRUE(app.library().front().isDefault);
}

// A programme director sees what each case is for and whether faculty have signed its version off: an unsigned case
// says "draft" in the library; a signed-off one names the reviewer and the date.
TEST(Library, EachCaseShowsItsLevelVersionAndWhetherFacultySignedItOff) {
    auto dir = libraryFolder("library-signoff");
    std::string text = polysim::test::readFile(polysim::test::sourceDir() / "scenarios" / "fall-from-height.toml");
    const std::string licence = "image_licence = ";
    const auto at = text.find(licence);
    ASSERT_NE(at, std::string::npos);
    text.insert(at, "reviewed_by = \"Dr A. Faculty\"\nreviewed_on = 2026-11-20\n");
    std::ofstream(dir / "scenarios" / "fall-from-height.toml") << text;
    polysim::gui::WindowOptions wo = shownWindow();
    wo.hidden = true;
    polysim::gui::AppWindow window(wo);
    auto o = quietRun(dir);
    Simulator app(o, window);
    app.frame();
    bool sawSigned = false, sawDraft = false;
    for (const auto& c : app.library()) {
        if (c.id == "fall_from_height" || c.file.filename() == "fall-from-height.toml") {
            sawSigned = true;
            EXPECT_NE(c.level.find("PGY-3"), std::string::npos) << c.level;
            EXPECT_NE(c.review.find("reviewed by Dr A. Faculty on 2026-11-20"), std::string::npos) << c.review;
            EXPECT_EQ(c.review.find("draft"), std::string::npos) << c.review;
        } else if (c.file.filename() == "motorcyclist.toml") {
            sawDraft = true;
            // The shipped file's own version, whatever it is now.
            const std::string shipped =
                polysim::test::readFile(polysim::test::sourceDir() / "scenarios" / "motorcyclist.toml");
            const auto v = shipped.find("version = \"");
            ASSERT_NE(v, std::string::npos);
            const std::string version = shipped.substr(v + 11, shipped.find('"', v + 11) - (v + 11));
            EXPECT_NE(c.review.find("version " + version + ", draft"), std::string::npos) << c.review;
        }
    }
    EXPECT_TRUE(sawSigned);
    EXPECT_TRUE(sawDraft);
}

TEST(Library, WithTheInstructorsConsoleTheBriefingShowsItsCodeAndTheReadingRoomNever) {
    auto dir = libraryFolder("library-console");
    polysim::gui::AppWindow window(shownWindow());
    auto o = quietRun(dir);
    o.scenario = dir / "scenarios" / "motorcyclist.toml";
    o.serve = "0";
    {
        Simulator app(o, window);
        Clicker ui(app, window);
        ui.frame();
        ui.frame();
        ASSERT_EQ(app.screen(), Simulator::Screen::Briefing);
        // The QR code of the console's address, for the instructor's phone before the session.
        EXPECT_TRUE(app.controlCentre("console-code"));
        ASSERT_TRUE(ui.click("start"));
        ASSERT_EQ(app.screen(), Simulator::Screen::Reading);
        ui.frame();
        // The page shows the ground truth: once the trainee reads, its address is nowhere on their screen.
        EXPECT_FALSE(app.controlCentre("console-code"));
    }
}

// The trainee reads the briefing for half a minute or more: on a case's first use its patient is made meanwhile, so
// the room has its images from its first frame. Going back to the library stops making them.
TEST(Library, ThePatientIsMadeWhileTheBriefingIsReadAndGoingBackStopsIt) {
    auto dir = polysim::test::scratchDir("library-briefing-prepares");
    const fs::path cache = fullSizeLibrary(dir);
    polysim::test::smallShippedScenario("pedestrian", dir / "scenarios");  // a small patient, made in seconds
    polysim::gui::AppWindow window(shownWindow());
    polysim::gui::RunOptions o;
    o.sound = false;
    Simulator app(o, window);
    Clicker ui(app, window);
    ui.frame();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(600);  // a guard against a hang

    // The full-size case: its patient is being made while the briefing shows; back in the library, it stops.
    ASSERT_TRUE(ui.click("open:motorcyclist"));
    ASSERT_EQ(app.screen(), Simulator::Screen::Briefing);
    // Its partial folder is there within moments of the briefing opening.
    const auto soon = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (phantomFolders(cache).empty() && std::chrono::steady_clock::now() < soon) ui.frame();
    ASSERT_EQ(phantomFolders(cache).size(), 1u) << "the briefing does not make the patient";
    EXPECT_NE(phantomFolders(cache).front().filename().string().find(".partial-"), std::string::npos);
    ASSERT_TRUE(ui.click("back"));
    ui.frame();
    ASSERT_EQ(app.screen(), Simulator::Screen::Library);
    EXPECT_TRUE(phantomFolders(cache).empty()) << "making the patient went on after the case was left";

    // The small case: made completely while its briefing is read, before the session starts.
    ASSERT_TRUE(ui.click("open:pedestrian"));
    ASSERT_EQ(app.screen(), Simulator::Screen::Briefing);
    auto made = [&] {
        for (const auto& f : phantomFolders(cache))
            if (f.filename().string().find(".partial-") == std::string::npos) return true;
        return false;
    };
    while (!made() && std::chrono::steady_clock::now() < deadline) ui.frame();
    ASSERT_TRUE(made()) << "the patient was not made while the briefing was read";
    EXPECT_EQ(app.screen(), Simulator::Screen::Briefing);
    ASSERT_TRUE(ui.click("start"));
    ASSERT_EQ(app.screen(), Simulator::Screen::Reading);
    ui.frame();
    EXPECT_TRUE(app.imagesShown()) << "the room did not take over the images made during the briefing";
}
