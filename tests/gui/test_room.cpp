// The reading room in this process under Xvfb (a hidden window for its GL context), fed the SDL events a user's
// mouse makes: zoom, pan and window/level reach the session as the trainee does them; the viewer header names only
// the regions the shown series shows; a DICOM case without a scout gets a computed one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <SDL.h>
#include <backends/imgui_impl_sdl.h>
#include <imgui.h>

#include "gui/app_window.h"
#include "gui/pointer_guard.h"
#include "gui/reading_room.h"
#include "imaging/scout.h"
#include "phantom/phantom.h"
#include "scenario/internal.h"
#include "scenario/loader.h"
#include "scenario/phantom_source.h"
#include "session/matching.h"
#include "session/trainee_script.h"
#include "support/sdl_input.h"
#include "support/test_env.h"

namespace fs = std::filesystem;
using polysim::gui::ReadingRoom;
using polysim::imaging::Plane;

namespace {
void useTestEnvironment(const fs::path& dir) {
    const char* base = std::getenv("POLYSIM_TEST_TMP");
    fs::path cache = fs::path(base ? base : "/tmp/polysim-test") / "gui-phantom-cache";  // shared with test_app
    setenv("XDG_CACHE_HOME", cache.c_str(), 1);
    setenv("XDG_CONFIG_HOME", (dir / "config").c_str(), 1);
    setenv("SDL_AUDIODRIVER", "dummy", 1);
}

polysim::scenario::Scenario load(const fs::path& file) {
    auto r = polysim::scenario::loadScenario(file);
    if (!r.scenario) throw std::runtime_error(polysim::scenario::formatDiagnostics(r.diagnostics));
    return std::move(*r.scenario);
}

// The case with each question's quick answers on offer from the moment it is asked (by default they wait for the
// question to be repeated): for tests of where a click on them lands.
polysim::scenario::Scenario choicesAtOnce(polysim::scenario::Scenario s) {
    for (auto& in : s.interruptions) in.choicesAfterSeconds = 0;
    return s;
}

// A hidden window and a room on `scenario`, its images loaded.
struct Room {
    polysim::gui::AppWindow window;
    polysim::gui::Bindings bindings = polysim::gui::Bindings::defaults();
    std::unique_ptr<ReadingRoom> room;

    // `live`: a shown window whose SDL events (the X pointer, pushed keys) go through ImGui and the room each frame,
    // as the app's event loop passes them.
    bool live = false;

    Room(const polysim::scenario::Scenario& scenario, const fs::path& log, bool shown = false, bool resume = false,
         glm::ivec2 size = {1600, 900})
        : window(options(shown, size)), live(shown) {
        polysim::gui::ReadingRoomOptions ro;
        ro.log = log;
        ro.resume = resume;
        ro.sound = false;
        ro.trainee = "tester";
        room = std::make_unique<ReadingRoom>(scenario, ro, bindings);
        room->createGl();
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
        while (!room->images().allLoaded() && std::chrono::steady_clock::now() < deadline) {
            frame();
            SDL_Delay(20);
        }
        if (!room->images().allLoaded()) throw std::runtime_error("the images did not load");
    }
    ~Room() { room->destroyGl(); }
    static polysim::gui::WindowOptions options(bool shown = false, glm::ivec2 size = {1600, 900}) {
        polysim::gui::WindowOptions o;
        o.width = size.x, o.height = size.y;
        o.hidden = !shown;
        o.vsync = false;
        return o;
    }
    polysim::gui::Screenshot frame(bool shot = false) {
        if (live) {
            SDL_Event e;
            while (SDL_PollEvent(&e)) {
                ImGui_ImplSDL2_ProcessEvent(&e);
                room->handleEvent(e);
            }
        }
        window.beginFrame();
        room->prepareFrame();
        room->draw();
        polysim::gui::Screenshot s;
        window.renderWithoutSwap();
        if (shot) s = window.readPixels();
        window.swap();
        return s;
    }
    // The SDL events of the user's mouse, through the room as the app passes them.
    void move(glm::dvec2 px, uint32_t buttons = 0) {
        SDL_Event e{};
        e.type = SDL_MOUSEMOTION;
        e.motion.x = int(px.x), e.motion.y = int(px.y);
        e.motion.state = buttons;
        room->handleEvent(e);
    }
    void button(glm::dvec2 px, uint8_t which, bool down) {
        SDL_Event e{};
        e.type = down ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
        e.button.button = which;
        e.button.state = down ? SDL_PRESSED : SDL_RELEASED;
        e.button.clicks = 1;
        e.button.x = int(px.x), e.button.y = int(px.y);
        room->handleEvent(e);
    }
    void wheel(int notches) {
        SDL_Event e{};
        e.type = SDL_MOUSEWHEEL;
        e.wheel.y = notches;
        e.wheel.direction = SDL_MOUSEWHEEL_NORMAL;
        room->handleEvent(e);
    }
    glm::dvec2 centreOf(Plane p) const {
        auto r = room->viewer().imageRect(p);
        return (r.min + r.max) * 0.5;
    }
    // The session at `at` seconds with the arterial series open (it has arrived by 80 s) and on screen.
    void readArterialAt(double at) {
        room->advanceTo(at);
        room->session().apply(polysim::session::OpenSeries{"arterial"});
        for (int i = 0; i < 3; ++i) frame();
    }
    // Real input (live rooms): a click on a control the room drew, a key press, typing.
    bool click(const std::string& control) {
        auto at = room->controlCentre(control);
        if (!at) return false;
        polysim::test::clickInWindow(window.sdl(), int(at->first), int(at->second), [this] { frame(); });
        return true;
    }
    void key(SDL_Keycode k, Uint16 mods = KMOD_NONE) {
        polysim::test::pressKey(
            window.sdl(), k, [this] { frame(); }, mods);
    }
    void type(const std::string& text) {
        polysim::test::typeText(window.sdl(), text, [this] { frame(); });
    }
    int logged(const std::string& action) const {
        int n = 0;
        for (const auto& e : room->log().events()) n += e.value("action", "") == action;
        return n;
    }
};

// The small motorcyclist at 85 s, the arterial body series open (all arrived by 80 s).
fs::path motorcyclist(const fs::path& dir) {
    useTestEnvironment(dir);
    return polysim::test::smallShippedScenario("motorcyclist", dir);
}
}  // namespace

TEST(ReadingRoomView, CtrlWheelZoomAndMiddleDragPanReachTheSessionAndStay) {
    auto dir = polysim::test::scratchDir("room-zoom-pan");
    auto scenario = load(motorcyclist(dir));
    Room r(scenario, dir / "log.jsonl");
    r.readArterialAt(85);
    const auto& view = r.room->session().view();

    // Ctrl+wheel over the axial view, off its centre.
    glm::dvec2 at = r.centreOf(Plane::Axial) + glm::dvec2(80, 40);
    r.move(at);
    SDL_SetModState(KMOD_LCTRL);
    r.wheel(3);
    SDL_SetModState(KMOD_NONE);
    const double zoom = r.room->viewer().zoom(Plane::Axial);
    ASSERT_GT(zoom, 1.2) << "Ctrl+wheel did not zoom";
    EXPECT_NEAR(view.zoom, zoom, 1e-3);
    EXPECT_EQ(r.logged("zoom"), 1);
    // Zooming about the mouse moved the centre of what is seen towards it: to the patient's left (+x, screen right)
    // and posterior (+y, screen down).
    EXPECT_EQ(r.logged("pan"), 1);
    EXPECT_GT(view.panMm.x, 1.0);
    EXPECT_GT(view.panMm.y, 1.0);
    // The next frames do not undo the trainee's zoom (the session and the viewer agree).
    for (int i = 0; i < 5; ++i) r.frame();
    EXPECT_EQ(r.room->viewer().zoom(Plane::Axial), zoom);

    // Middle drag 120 px to the right: the image moves right, so the centre of the view shows what was 120 px to
    // its left, towards the patient's right (-x).
    glm::dvec2 before = view.panMm;
    glm::dvec2 start = r.centreOf(Plane::Axial);
    r.button(start, SDL_BUTTON_MIDDLE, true);
    for (int i = 1; i <= 12; ++i) r.move(start + glm::dvec2(10.0 * i, 0), SDL_BUTTON_MMASK);
    r.button(start + glm::dvec2(120, 0), SDL_BUTTON_MIDDLE, false);
    auto rect = r.room->viewer().imageRect(Plane::Axial);
    const double mmPerPx = scenario.images.phantom->fieldOfViewMm / rect.size().x;
    EXPECT_NEAR(view.panMm.x, before.x - 120 * mmPerPx, 2 * mmPerPx);
    EXPECT_NEAR(view.panMm.y, before.y, 1e-3);
    const glm::dvec2 panPx = r.room->viewer().pan(Plane::Axial);
    for (int i = 0; i < 5; ++i) r.frame();
    EXPECT_EQ(r.room->viewer().pan(Plane::Axial), panPx) << "the frames moved the viewer's pan";
    EXPECT_NEAR(view.panMm.x, before.x - 120 * mmPerPx, 2 * mmPerPx) << "the frames moved the session's pan";

    // A slow drag over 1 s of session time reaches the session while it goes on, about every 0.25 s.
    const int pansBefore = r.logged("pan");
    r.button(start, SDL_BUTTON_MIDDLE, true);
    for (int i = 1; i <= 20; ++i) {
        r.room->advanceBy(0.05);
        r.move(start + glm::dvec2(0, -3.0 * i), SDL_BUTTON_MMASK);
        r.frame();
    }
    const int whileDragging = r.logged("pan") - pansBefore;
    EXPECT_GE(whileDragging, 3);
    EXPECT_LE(whileDragging, 5);
    r.button(start + glm::dvec2(0, -60), SDL_BUTTON_MIDDLE, false);
    EXPECT_EQ(r.logged("pan") - pansBefore, whileDragging + 1) << "the release did not send the last position";
    EXPECT_NEAR(view.panMm.y, before.y + 60 * mmPerPx, 2 * mmPerPx) << "dragging up shows what is further back";

    // Zooming the coronal view makes it the plane the session reads, with its own zoom; back in the axial view the
    // axial zoom returns, and neither view's zoom is overwritten by the other's.
    // Where no bubble covers it (the wheel over a bubble is the bubble's).
    glm::dvec2 cor = r.centreOf(Plane::Coronal);
    const auto coronal = r.room->viewer().viewBounds(Plane::Coronal);
    for (double y = coronal.max.y - 10; y > coronal.min.y; y -= 10)
        if (!polysim::gui::imguiWindowAt(ImVec2(float(cor.x), float(y)))) {
            cor.y = y;
            break;
        }
    ASSERT_FALSE(polysim::gui::imguiWindowAt(ImVec2(float(cor.x), float(cor.y))));
    r.move(cor);
    SDL_SetModState(KMOD_LCTRL);
    r.wheel(-2);
    SDL_SetModState(KMOD_NONE);
    const double coronalZoom = r.room->viewer().zoom(Plane::Coronal);
    EXPECT_EQ(view.plane, Plane::Coronal);
    EXPECT_NEAR(view.zoom, coronalZoom, 1e-3);
    for (int i = 0; i < 3; ++i) r.frame();
    EXPECT_EQ(r.room->viewer().zoom(Plane::Axial), zoom);
    r.move(r.centreOf(Plane::Axial));
    r.wheel(-1);  // scrolling an axial image
    EXPECT_EQ(view.plane, Plane::Axial);
    EXPECT_NEAR(view.zoom, zoom, 1e-3);
    for (int i = 0; i < 3; ++i) r.frame();
    EXPECT_EQ(r.room->viewer().zoom(Plane::Coronal), coronalZoom);
}

TEST(ReadingRoomView, TheViewerShowsTheSessionsViewWithNoCopyOfItsOwn) {
    auto dir = polysim::test::scratchDir("room-one-holder");
    auto scenario = load(motorcyclist(dir));
    Room r(scenario, dir / "log.jsonl");
    r.readArterialAt(85);
    auto& session = r.room->session();
    const auto& g = r.room->viewer().volume()->geometry();
    // Whatever changes the session's view (a script, the console, a replay) is what the viewer shows, at once and
    // without a frame in between to copy it over.
    ASSERT_TRUE(session.apply(polysim::session::SetWindow{"lung", {1500, -600}}).accepted);
    EXPECT_EQ(r.room->viewer().window(), (polysim::imaging::Window{1500, -600}));
    ASSERT_TRUE(session.apply(polysim::session::SetCrosshair{{20, -10, -400}}).accepted);
    EXPECT_EQ(r.room->viewer().cursor(), glm::round(g.patientToIndex({20, -10, -400})));
    ASSERT_TRUE(session.apply(polysim::session::SetZoom{2.5}).accepted);
    ASSERT_TRUE(session.apply(polysim::session::SetPan{{30, 40}}).accepted);
    EXPECT_EQ(r.room->viewer().zoom(Plane::Axial), 2.5);
    // The centre the session names is at the middle of the axial view.
    const auto bounds = r.room->viewer().viewBounds(Plane::Axial);
    const auto probe = r.room->viewer().probe((bounds.min + bounds.max) * 0.5);
    ASSERT_TRUE(probe);
    EXPECT_NEAR(probe->lps.x, 30, g.spacing.x);
    EXPECT_NEAR(probe->lps.y, 40, g.spacing.y);

    // Space (view.reset) is one logged action: every view whole and centred, the soft-tissue window back.
    r.room->viewer().execute("view.reset", Plane::Axial);
    EXPECT_EQ(r.logged("reset_view"), 1);
    EXPECT_EQ(session.view().zoom, 1.0);
    for (Plane p : {Plane::Axial, Plane::Coronal, Plane::Sagittal}) {
        EXPECT_EQ(r.room->viewer().zoom(p), 1.0);
        EXPECT_EQ(r.room->viewer().pan(p), glm::dvec2(0.0));
    }
    EXPECT_EQ(session.view().preset, "soft_tissue");
}

TEST(ReadingRoomView, TheBigViewIsTheSessionsLayoutLoggedWhenSwappedAndShownWhenReplayed) {
    auto dir = polysim::test::scratchDir("room-layout");
    auto scenario = load(motorcyclist(dir));
    Room r(scenario, dir / "log.jsonl");
    r.readArterialAt(85);
    auto& viewer = r.room->viewer();
    ASSERT_EQ(viewer.bigPlane(), Plane::Axial);
    const double bigWidth = viewer.viewBounds(Plane::Axial).max.x - viewer.viewBounds(Plane::Axial).min.x;
    // V swaps the big view to the coronal: logged as the layout, and the coronal now fills the big view.
    viewer.execute("view.swap", Plane::Axial);
    EXPECT_EQ(r.logged("layout"), 1);
    EXPECT_EQ(r.room->session().bigPlane(), Plane::Coronal);
    EXPECT_EQ(viewer.bigPlane(), Plane::Coronal);
    const auto coronal = viewer.viewBounds(Plane::Coronal);
    EXPECT_NEAR(coronal.max.x - coronal.min.x, bigWidth, 1.0) << "the coronal did not move into the big view";
    // Whatever sets the session's layout (a script, a replay) is what the screen shows, with no copy in the viewer.
    ASSERT_TRUE(r.room->session().apply(polysim::session::SetLayout{Plane::Sagittal}).accepted);
    EXPECT_EQ(viewer.bigPlane(), Plane::Sagittal);
}

TEST(ReadingRoomView, EveryBindingLogsOnlyTheActionsItsRowInTheBindingsTableNames) {
    auto dir = polysim::test::scratchDir("room-vocabulary");
    auto scenario = load(motorcyclist(dir));
    Room r(scenario, dir / "log.jsonl");
    r.readArterialAt(85);
    int checked = 0;
    for (const auto& info : polysim::gui::bindableCommands()) {
        if (info.name.starts_with("authoring.")) continue;
        std::set<std::string> named;
        std::stringstream list{std::string(info.logs)};
        for (std::string item; std::getline(list, item, ',');) {
            item.erase(0, item.find_first_not_of(' '));
            EXPECT_TRUE(polysim::session::isActionName(item)) << info.name << " names no action: " << item;
            named.insert(item);
        }
        // In the sagittal view (not the session's plane), off its centre, so a scroll or zoom there changes plane.
        for (Plane p : {Plane::Sagittal, Plane::Axial}) {
            const auto before = r.room->log().events().size();
            const glm::dvec2 at = r.centreOf(p) + glm::dvec2(15, 10);
            r.room->viewer().execute(info.name, p, {1.0, 0.0}, at);
            r.room->viewer().execute(info.name, p, {5.0, -3.0}, at + glm::dvec2(5, -3));
            const auto& events = r.room->log().events();
            for (std::size_t i = before; i < events.size(); ++i) {
                const std::string action = events[i].value("action", "");
                if (!action.empty()) {
                    EXPECT_TRUE(named.count(action))
                        << info.name << " logged '" << action << "', which its row (" << info.logs << ") does not name";
                    ++checked;
                }
            }
            r.frame();
        }
    }
    EXPECT_GT(checked, 20) << "the bindings logged next to nothing";
}

TEST(ReadingRoomView, DraggedWindowReachesTheSessionWhileDragging) {
    auto dir = polysim::test::scratchDir("room-window-drag");
    auto scenario = load(motorcyclist(dir));
    Room r(scenario, dir / "log.jsonl");
    r.readArterialAt(85);
    const int before = r.logged("window");
    const double widthBefore = r.room->session().view().window.width;
    // A right drag over 2 s of session time, one motion and one frame every 50 ms.
    glm::dvec2 start = r.centreOf(Plane::Axial);
    r.button(start, SDL_BUTTON_RIGHT, true);
    for (int i = 1; i <= 40; ++i) {
        r.room->advanceBy(0.05);
        r.move(start + glm::dvec2(6.0 * i, -2.0 * i), SDL_BUTTON_RMASK);
        r.frame();
    }
    const int whileDragging = r.logged("window") - before;
    EXPECT_GE(whileDragging, 6) << "the window reached the session only now and then";
    EXPECT_LE(whileDragging, 9) << "more often than every 0.25 s of session time";
    auto near = [](const polysim::imaging::Window& a, const polysim::imaging::Window& b) {
        return std::abs(a.width - b.width) < 1e-3 && std::abs(a.level - b.level) < 1e-3;
    };
    EXPECT_FALSE(near(r.room->viewer().window(), r.room->session().view().window)) << "the last motions are sent";
    r.button(start + glm::dvec2(240, -80), SDL_BUTTON_RIGHT, false);
    EXPECT_TRUE(near(r.room->viewer().window(), r.room->session().view().window)) << "the release did not send it";
    // The whole drag counts (2 HU of width per pixel across at a 400 HU window and more above), not only the
    // motions since the last update: the frames in between must not pull the viewer back to the session's window.
    EXPECT_GT(r.room->session().view().window.width, widthBefore + 400);
    r.frame();
    EXPECT_TRUE(near(r.room->viewer().window(), r.room->session().view().window));
    r.button(start, SDL_BUTTON_LEFT, true);
    r.button(start, SDL_BUTTON_LEFT, false);
    EXPECT_EQ(r.logged("window") - before, whileDragging + 1) << "a click without a drag logs no window";
    // Each logged window is one the trainee saw: widths grow along the drag.
    double last = 0;
    for (const auto& e : r.room->log().events())
        if (e.value("action", "") == "window" && e.value("t", 0.0) > 84) {
            EXPECT_GT(e.value("width", 0.0), last);
            last = e.value("width", 0.0);
        }
}

TEST(ReadingRoomView, TheHeaderNamesOnlyRegionsTheShownSeriesShows) {
    auto dir = polysim::test::scratchDir("room-header");
    auto scenario = load(motorcyclist(dir));
    const auto* scout = scenario.findRegion("scout");
    ASSERT_TRUE(scout);
    Room r(scenario, dir / "log.jsonl");
    r.readArterialAt(85);
    // In the chest of the arterial series: chest regions, not the scout (whose z range is the whole body).
    std::string chest = r.room->viewer().regionAt(-300);
    EXPECT_NE(chest.find("Chest"), std::string::npos) << chest;
    EXPECT_EQ(chest.find(scout->label), std::string::npos) << chest;
    r.room->session().apply(polysim::session::OpenSeries{"scout"});
    r.frame();
    EXPECT_NE(r.room->viewer().regionAt(-300).find(scout->label), std::string::npos);
}

TEST(ReadingRoomView, TheScoutsZoomIsLoggedAsItsOwnAndLeavesTheSlicesPlaneAndZoomAlone) {
    auto dir = polysim::test::scratchDir("room-scout-zoom");
    auto scenario = load(motorcyclist(dir));
    Room r(scenario, dir / "log.jsonl");
    r.room->advanceTo(5);
    r.room->session().apply(polysim::session::OpenSeries{"scout"});
    for (int i = 0; i < 2; ++i) r.frame();
    // The scout lies in the coronal plane and fills the viewer; the session reads axially at zoom 1.
    r.move(r.centreOf(Plane::Coronal));
    SDL_SetModState(KMOD_LCTRL);
    r.wheel(2);
    SDL_SetModState(KMOD_NONE);
    r.button(r.centreOf(Plane::Coronal), SDL_BUTTON_LEFT, true);
    r.button(r.centreOf(Plane::Coronal), SDL_BUTTON_LEFT, false);
    const double zoom = r.room->viewer().zoom(Plane::Coronal);
    EXPECT_GT(zoom, 1.1);
    for (int i = 0; i < 3; ++i) r.frame();
    EXPECT_EQ(r.room->viewer().zoom(Plane::Coronal), zoom) << "the scout's zoom was pulled back";
    EXPECT_EQ(r.room->session().view().plane, Plane::Axial);
    EXPECT_EQ(r.room->session().view().zoom, 1.0);
    // The session holds the scout's framing (the viewer keeps none of its own), logged as the trainee zoomed it.
    EXPECT_NEAR(r.room->session().projectionFraming().zoom, zoom, 1e-3);
    EXPECT_EQ(r.logged("zoom"), 1);
    EXPECT_EQ(r.logged("plane"), 0);
    // Back on the slices, the axial view is as it was: whole and centred.
    r.room->advanceTo(85);
    r.room->session().apply(polysim::session::OpenSeries{"arterial"});
    for (int i = 0; i < 2; ++i) r.frame();
    EXPECT_EQ(r.room->viewer().zoom(Plane::Axial), 1.0);
    EXPECT_EQ(r.room->viewer().pan(Plane::Axial), glm::dvec2(0.0));
}

// A DICOM case: the RSNA template's case around `body` (a folder of axial CT) as its portal series, with
// `moreSeries` (TOML [[images.series]] tables) before it.
fs::path dicomCase(const fs::path& dir, const fs::path& body, const std::string& moreSeries = "") {
    std::string text =
        polysim::test::readFile(polysim::test::sourceDir() / "scenarios/rsna-2023-abdominal-template.toml");
    const std::string folderLine =
        "folder = \"${POLYSIM_DATA}/rsna-2023-abdominal-trauma-detection/train_images/10004/21057\"";
    const std::string firstSeries = "[[images.series]]\n";
    EXPECT_NE(text.find(folderLine), std::string::npos);
    EXPECT_NE(text.find(firstSeries), std::string::npos);
    text.replace(text.find(folderLine), folderLine.size(), "folder = \"" + body.string() + "\"");
    text.insert(text.find(firstSeries), moreSeries);
    std::ofstream(dir / "dicom-case.toml") << text;
    return dir / "dicom-case.toml";
}

TEST(ComputedScout, ADicomCaseWithoutAScoutGetsAnApProjectionOfItsBodySeries) {
    auto dir = polysim::test::scratchDir("room-computed-scout");
    auto small = load(motorcyclist(dir));
    // A DICOM case: the phantom's arterial series as files on disk, the RSNA template's case around it.
    fs::path study = polysim::phantom::ensureCachedStudy(polysim::scenario::phantomOptionsFor(small));
    fs::path arterial;
    for (const auto& e : fs::directory_iterator(study))
        if (e.path().filename().string().ends_with("_arterial")) arterial = e.path();
    ASSERT_FALSE(arterial.empty());
    auto scenario = load(dicomCase(dir, arterial));
    ASSERT_FALSE(scenario.images.phantom);

    Room r(scenario, dir / "log.jsonl");
    r.room->advanceTo(40);  // the portal series has arrived and is open
    auto scoutVolume = r.room->images().volume(polysim::gui::kComputedScoutId);
    ASSERT_TRUE(scoutVolume) << "no computed scout";
    auto body = r.room->images().volume("portal");
    ASSERT_TRUE(body);
    const auto& g = scoutVolume->geometry();
    EXPECT_EQ(g.dims.z, 1);
    EXPECT_EQ(g.dims.x, body->dims().x);
    EXPECT_EQ(g.dims.y, body->dims().z);
    EXPECT_GT(g.dims.y * g.spacing.y, 1.5 * g.dims.x * g.spacing.x) << "a whole-body projection is tall and narrow";
    // Each pixel is the path through the body along P: air at the edge, the trunk bright, the spine brightest
    // across a row through the chest.
    auto value = [&](int c, int row) { return int(scoutVolume->at(c, row, 0)); };
    const int chestRow = int((g.origin.z - -300.0) / g.spacing.y);
    ASSERT_GT(chestRow, 0);
    ASSERT_LT(chestRow, g.dims.y);
    EXPECT_LT(value(0, chestRow), -900) << "the edge of the field should be air";
    EXPECT_GT(value(g.dims.x / 2, chestRow), value(g.dims.x / 4, chestRow)) << "no spine in the middle";
    EXPECT_GT(value(g.dims.x / 4, chestRow), 0) << "no body";
    // The same sum a topogram makes, checked at one pixel against the body series.
    double wel = 0;
    const int k = body->dims().z - 1 - chestRow, i = g.dims.x / 2;  // phantom slices run from the feet up
    for (int j = 0; j < body->dims().y; ++j)
        wel += std::max(0.0, (body->at(i, j, k) + 1000.0) / 1000.0) * body->geometry().spacing.y;
    EXPECT_NEAR(value(i, chestRow), wel * 7.0 - 1000.0, 1.0);

    // Offered in the room's top bar, and shown across the viewer like the phantom's scout.
    ASSERT_TRUE(r.room->computedScoutOffered());
    const auto soft = r.room->session().view().window;
    r.room->showComputedScout(true);
    r.frame();
    auto shot = r.frame(true);
    polysim::gui::writePng(dir / "computed-scout.png", shot);
    auto grey = [&](int x, int y) { return int(shot.rgba[(std::size_t(y) * shot.width + x) * 4]); };
    int bright = 0, dark = 0;
    const int middle =
        int((r.room->viewer().imageRect(Plane::Coronal).min.x + r.room->viewer().imageRect(Plane::Coronal).max.x) / 2);
    for (int y = 120; y < shot.height - 40; y += 4) {
        bright += grey(middle, y) > 100;
        dark += grey(360, y) < 10;
    }
    EXPECT_GT(bright, 40) << "no body down the middle of the viewer: " << (dir / "computed-scout.png");
    EXPECT_GT(dark, 100) << "the side of a projection should be air";
    // Windowed for a projection, not the slices' soft-tissue window that turns the whole trunk white: lungs,
    // mediastinum, abdomen and pelvis differ in grey down the body.
    std::set<int> greys;
    int white = 0, inBody = 0;
    for (int y = 120; y < shot.height - 40; y += 2)
        if (grey(middle - 40, y) > 20)
            ++inBody, white += grey(middle - 40, y) >= 250, greys.insert(grey(middle - 40, y) / 8);
    EXPECT_GT(greys.size(), 12u) << "the projection looks flat: " << (dir / "computed-scout.png");
    EXPECT_LT(white, inBody / 4) << "the projection is saturated";
    EXPECT_GT(r.room->viewer().window().width, 1500.0);
    // The session reads it like a scout: opened (and logged) as a series of its own, in the scout's window, so the
    // time on it is not counted as reading the body series' slice underneath.
    EXPECT_EQ(r.room->session().view().series, polysim::gui::kComputedScoutId);
    EXPECT_TRUE(r.room->session().view().projection);
    EXPECT_EQ(r.room->session().view().window, r.room->viewer().window());
    const auto logText = polysim::test::readFile(dir / "log.jsonl");
    EXPECT_NE(logText.find("\"series\":\"computed-scout\""), std::string::npos) << "showing it is not logged";
    r.room->showComputedScout(false);
    r.frame();
    EXPECT_EQ(r.room->session().view().series, "portal");
    EXPECT_EQ(r.room->session().view().window, soft) << "the body series' window comes back with it";
    EXPECT_EQ(r.room->viewer().window(), soft);
    EXPECT_EQ(r.room->viewer().sliceCount(Plane::Axial), body->dims().z);
}

TEST(DicomScout, ADicomCaseShowsItsOwnLocalizerNotAProjection) {
    auto dir = polysim::test::scratchDir("room-dicom-scout");
    auto small = load(motorcyclist(dir));
    // A DICOM case made of the phantom's files: its topogram as the scout, its arterial series as the body.
    fs::path study = polysim::phantom::ensureCachedStudy(polysim::scenario::phantomOptionsFor(small));
    fs::path arterial, scoutFolder;
    for (const auto& e : fs::directory_iterator(study)) {
        if (e.path().filename().string().ends_with("_arterial")) arterial = e.path();
        if (e.path().filename().string().ends_with("_scout")) scoutFolder = e.path();
    }
    ASSERT_FALSE(arterial.empty());
    ASSERT_FALSE(scoutFolder.empty());
    auto scenario = load(dicomCase(dir, arterial,
                                   "[[images.series]]\nid = \"topogram\"\nkind = \"scout\"\nfolder = \"" +
                                       scoutFolder.string() + "\"\narrival = 0\n\n"));
    ASSERT_FALSE(scenario.images.phantom);

    Room r(scenario, dir / "log.jsonl");
    EXPECT_FALSE(r.room->computedScoutOffered()) << "the case has a scout of its own";
    EXPECT_FALSE(r.room->images().volume(polysim::gui::kComputedScoutId));
    auto shown = r.room->images().volume("topogram");
    ASSERT_TRUE(shown) << "the case's scout was not read";
    // Exactly the topogram on disk (its noise and all), not a projection of the body series.
    auto file = polysim::imaging::loadLocalizer(scoutFolder);
    ASSERT_EQ(shown->dims(), file->dims());
    EXPECT_TRUE(std::equal(shown->voxels().begin(), shown->voxels().end(), file->voxels().begin()));
    auto projected = polysim::imaging::projectScout(*r.room->images().volume("portal"));
    EXPECT_TRUE(shown->dims() != projected->dims() ||
                !std::equal(shown->voxels().begin(), shown->voxels().end(), projected->voxels().begin()))
        << "the scout shown is the projection of the body series";

    r.room->session().apply(polysim::session::OpenSeries{"topogram"});
    for (int i = 0; i < 3; ++i) r.frame();
    EXPECT_EQ(r.room->viewer().volume(), shown.get());
    EXPECT_EQ(r.room->viewer().sliceCount(Plane::Coronal), 1) << "the topogram is one coronal image";
}

TEST(ReadingRoomView, AResumedSessionShowsItsZoomAndPan) {
    auto dir = polysim::test::scratchDir("room-resume-zoom");
    auto file = motorcyclist(dir);
    std::ofstream(dir / "trainee.txt") << "00:41 series arterial\n00:42 position -300\n00:43 zoom 3\n00:44 pan 60,0\n";
    auto play =
        polysim::test::runShell(polysim::test::polysimBinary().string() + " play " + file.string() + " --script " +
                                (dir / "trainee.txt").string() + " --log " + (dir / "full.jsonl").string());
    ASSERT_EQ(play.exitCode, 0) << play.err;
    // The app stopped at 50 s: its log has no session_end.
    std::ifstream in(dir / "full.jsonl");
    std::ofstream cut(dir / "resumed.jsonl");
    for (std::string line; std::getline(in, line);)
        if (std::stod(line.substr(line.find(':') + 1)) <= 50) cut << line << "\n";
    cut.close();

    auto scenario = load(file);
    polysim::gui::AppWindow window(Room::options());
    polysim::gui::Bindings bindings = polysim::gui::Bindings::defaults();
    polysim::gui::ReadingRoomOptions ro;
    ro.log = dir / "resumed.jsonl";
    ro.sound = false;
    ro.resume = true;
    ReadingRoom room(scenario, ro, bindings);
    room.createGl();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!room.images().allLoaded() && std::chrono::steady_clock::now() < deadline) {
        window.beginFrame();
        room.prepareFrame();
        room.draw();
        window.endFrame();
    }
    ASSERT_NEAR(room.session().view().zoom, 3.0, 1e-9);
    EXPECT_NEAR(room.viewer().zoom(Plane::Axial), 3.0, 1e-9) << "the resumed zoom is not on screen";
    // Centred on x = +60 mm (the patient's left): the image is moved left on the screen.
    auto rect = room.viewer().imageRect(Plane::Axial);
    const double mmPerPx = scenario.images.phantom->fieldOfViewMm / rect.size().x;
    EXPECT_NEAR(room.viewer().pan(Plane::Axial).x, -60.0 / mmPerPx, 2.0);
    EXPECT_NEAR(room.viewer().pan(Plane::Axial).y, 0.0, 2.0);
    room.destroyGl();
}

// ---- The keyboard belongs to the viewer, unless a text field is being typed in ----

namespace {
// The motorcyclist room, live (a shown window, real SDL events), at `at` seconds with the arterial series open.
struct LiveRoom : Room {
    LiveRoom(const polysim::scenario::Scenario& scenario, const fs::path& log, double at) : Room(scenario, log, true) {
        readArterialAt(at);
    }
    double z() const { return room->session().view().cursor.z; }
    // Presses Down twice: true when the viewer went on to the next images.
    bool downReachesTheViewer() {
        const double before = z();
        key(SDLK_DOWN);
        key(SDLK_DOWN);
        return z() < before - 1;
    }
    // Space and Enter, which a focused button would take for a press.
    void spaceAndEnter() {
        key(SDLK_SPACE);
        key(SDLK_RETURN);
    }
    bool asking(const std::string& id) const {
        for (const auto& a : room->session().activeInterruptions())
            if (a.spec && a.spec->id == id) return true;
        return false;
    }
    std::vector<polysim::session::Mark> marks() const { return room->session().marks(); }
};
}  // namespace

TEST(ReadingRoomKeys, AfterClickingAHudButtonTheArrowsStillScrollAndSpaceDoesNotEndTheSession) {
    auto dir = polysim::test::scratchDir("room-keys-after-click");
    auto scenario = load(motorcyclist(dir));
    LiveRoom r(scenario, dir / "log.jsonl", 85);
    // "Primary survey complete" sits just above "End session" in the HUD.
    ASSERT_TRUE(r.click("primary-survey"));
    ASSERT_TRUE(r.room->session().primarySurveyDeclaredAt()) << "the click did not reach the button";
    EXPECT_TRUE(r.downReachesTheViewer()) << "Down no longer reaches the viewer after a click on the HUD";
    r.spaceAndEnter();
    EXPECT_FALSE(r.room->ended()) << "a key ended the session";
    EXPECT_EQ(r.logged("end"), 0);
    EXPECT_EQ(r.logged("primary_survey_complete"), 1) << "a key pressed the button again";
}

TEST(ReadingRoomKeys, EndSessionAsksFirst) {
    auto dir = polysim::test::scratchDir("room-end-asks");
    auto scenario = load(motorcyclist(dir));
    LiveRoom r(scenario, dir / "log.jsonl", 85);
    ASSERT_TRUE(r.click("end-session"));
    EXPECT_FALSE(r.room->ended()) << "ending early cannot be undone: the room must ask first";
    ASSERT_TRUE(r.click("end-session:keep-reading")) << "no question asked";
    for (int i = 0; i < 3; ++i) r.frame();
    EXPECT_FALSE(r.room->ended());
    EXPECT_FALSE(r.room->controlCentre("end-session:confirm")) << "the question stayed open";
    EXPECT_TRUE(r.downReachesTheViewer()) << "the keys did not come back to the viewer";
    ASSERT_TRUE(r.click("end-session"));
    ASSERT_TRUE(r.click("end-session:confirm"));
    EXPECT_TRUE(r.room->ended());
    EXPECT_EQ(r.logged("end"), 1);
}

TEST(ReadingRoomKeys, ABubbleThatAppearsDoesNotTakeTheKeys) {
    auto dir = polysim::test::scratchDir("room-keys-bubble");
    auto scenario = load(motorcyclist(dir));
    LiveRoom r(scenario, dir / "log.jsonl", 70);
    r.room->advanceTo(76);  // the visceral surgeon asks at 75 s
    for (int i = 0; i < 3; ++i) r.frame();
    ASSERT_TRUE(r.asking("surgeon_bleeding"));
    EXPECT_TRUE(r.downReachesTheViewer()) << "Down no longer reaches the viewer once a bubble shows";
    r.spaceAndEnter();
    EXPECT_EQ(r.logged("answer"), 0) << "a key answered for the trainee";
    EXPECT_TRUE(r.asking("surgeon_bleeding"));
}

TEST(ReadingRoomKeys, MOpensTheMarkPickerAtTheCrosshair) {
    auto dir = polysim::test::scratchDir("room-keys-mark");
    auto scenario = load(motorcyclist(dir));
    LiveRoom r(scenario, dir / "log.jsonl", 85);
    r.key(SDLK_DOWN);
    const glm::dvec3 crosshair = r.room->session().view().cursor;
    r.key(SDLK_m);
    ASSERT_TRUE(r.room->markPickerOpen()) << "M did not open the mark picker";
    // The search field has the keyboard: the letters are the label, not viewer keys.
    r.type("spleen");
    r.key(SDLK_RETURN, KMOD_LSHIFT);  // the typed text
    EXPECT_FALSE(r.room->markPickerOpen());
    auto marks = r.marks();
    ASSERT_EQ(marks.size(), 1u) << "Enter did not mark";
    EXPECT_EQ(marks[0].label, "spleen");
    EXPECT_NEAR(marks[0].lps.z, crosshair.z, 1e-6) << "not marked on the image shown";
}

TEST(ReadingRoomMarks, ThePickerFindsAnInjuryFromTheFirstLettersTyped) {
    auto offered = [](const std::string& search) {
        std::vector<std::string> labels;
        for (const auto& d : polysim::session::traumaLexicon())
            if (polysim::gui::pickerOffers(d, search)) labels.push_back(d.label);
        return labels;
    };
    auto has = [](const std::vector<std::string>& labels, const std::string& word) {
        return std::any_of(labels.begin(), labels.end(),
                           [&](const std::string& l) { return polysim::session::containsPhrase(l, word); });
    };
    EXPECT_TRUE(has(offered("sple"), "splenic")) << "the first letters of a word find it";
    EXPECT_TRUE(has(offered("Sple lac"), "splenic laceration"));
    EXPECT_TRUE(has(offered("pneumo"), "pneumothorax"));
    EXPECT_LT(offered("sple").size(), offered("").size()) << "typing narrows the list";
    EXPECT_EQ(offered("").size(), polysim::session::traumaLexicon().size());
    EXPECT_TRUE(offered("xyzzy").empty());
}

TEST(ReadingRoomKeys, ABubbleThatAppearsWhileTypingALabelLeavesTheTypingAlone) {
    auto dir = polysim::test::scratchDir("room-keys-typing");
    auto scenario = load(motorcyclist(dir));
    LiveRoom r(scenario, dir / "log.jsonl", 70);
    r.key(SDLK_m);
    ASSERT_TRUE(r.room->markPickerOpen());
    r.type("splenic");
    r.room->advanceTo(76);  // the visceral surgeon's bubble appears mid-word
    for (int i = 0; i < 3; ++i) r.frame();
    ASSERT_TRUE(r.asking("surgeon_bleeding"));
    r.type(" laceration");
    r.key(SDLK_RETURN, KMOD_LSHIFT);  // the typed text, as typed
    auto marks = r.marks();
    ASSERT_EQ(marks.size(), 1u) << "the bubble took the keyboard from the search field";
    EXPECT_EQ(marks[0].label, "splenic laceration");
}

TEST(ReadingRoomBubbles, PhoneAndPagerCanBeDealtWith) {
    auto dir = polysim::test::scratchDir("room-noise");
    auto scenario = load(motorcyclist(dir));
    LiveRoom r(scenario, dir / "log.jsonl", 56);  // the phone rings at 55 s
    ASSERT_TRUE(r.asking("phone_ed"));
    ASSERT_TRUE(r.click("answer:phone_ed")) << "the phone's bubble has no control";
    EXPECT_FALSE(r.asking("phone_ed"));
    r.room->advanceTo(151);  // the pager at 150 s
    for (int i = 0; i < 3; ++i) r.frame();
    ASSERT_TRUE(r.asking("pager_ward"));
    ASSERT_TRUE(r.click("answer:pager_ward")) << "the pager's bubble has no control";
    EXPECT_FALSE(r.asking("pager_ward"));
    std::vector<std::string> answered;
    for (const auto& e : r.room->log().events())
        if (e.value("action", "") == "answer" && !e.contains("refused"))
            answered.push_back(e.value("interruption", ""));
    EXPECT_EQ(answered, (std::vector<std::string>{"phone_ed", "pager_ward"}));
}

// ---- Who is who ----

TEST(RoomRoles, EveryRoleTheScenarioReaderKnowsHasATitleAndAColourOfItsOwn) {
    const auto& roles = polysim::scenario::detail::knownRoles();
    std::set<std::string> titles;
    std::set<ImU32> colours;
    for (const auto& role : roles) {
        const std::string title = polysim::scenario::roleTitle(role);
        ASSERT_FALSE(title.empty()) << role;
        EXPECT_EQ(title.find('_'), std::string::npos) << role << " is shown as '" << title << "'";
        EXPECT_TRUE(std::isupper(static_cast<unsigned char>(title[0]))) << title;
        titles.insert(title);
        const ImU32 c = polysim::gui::roleColour(role);
        const int red = int(c >> IM_COL32_R_SHIFT & 0xff), green = int(c >> IM_COL32_G_SHIFT & 0xff),
                  blue = int(c >> IM_COL32_B_SHIFT & 0xff);
        EXPECT_GE(std::max({red, green, blue}) - std::min({red, green, blue}), 40) << role << " is shown in grey";
        colours.insert(c);
    }
    EXPECT_EQ(titles.size(), roles.size()) << "two roles share a title";
    EXPECT_EQ(colours.size(), roles.size()) << "two roles share a colour";
}

TEST(RoomRoles, EveryoneAShippedCaseSaysMustBeToldCanBeCalledAndComesFirst) {
    const auto shipped = polysim::scenario::shippedScenarios();
    ASSERT_GE(shipped.size(), 4u);
    for (const auto& file : shipped) {
        auto loaded = polysim::scenario::loadScenario(file);
        ASSERT_TRUE(loaded.scenario) << file << ": " << polysim::scenario::formatDiagnostics(loaded.diagnostics);
        std::size_t caseRoles = 0;
        const auto roles = polysim::gui::callRoles(*loaded.scenario, &caseRoles);
        for (const auto& f : loaded.scenario->findings)
            for (const auto& role : f.tell) {
                auto at = std::find(roles.begin(), roles.end(), role);
                ASSERT_NE(at, roles.end()) << file.filename() << ": " << f.id << " must be told to " << role
                                           << ", who is not in the call picker";
                EXPECT_LT(std::size_t(at - roles.begin()), caseRoles) << role << " is not among the case's roles";
            }
        for (const auto& role : polysim::scenario::detail::knownRoles())
            EXPECT_TRUE(role == "phone" || role == "pager" || std::count(roles.begin(), roles.end(), role) == 1)
                << role << " cannot be called";
        EXPECT_EQ(std::count(roles.begin(), roles.end(), "phone") + std::count(roles.begin(), roles.end(), "pager"), 0);
    }
}

// ---- The patient ----

TEST(RoomAlerts, AnnouncementsNameTheirSpeaker) {
    auto a = polysim::gui::splitAnnouncement("Anaesthetist: 'Sats seventy-four, pressure sixty.'");
    EXPECT_EQ(a.role, "anaesthetist");
    EXPECT_EQ(a.words, "Sats seventy-four, pressure sixty.");
    a = polysim::gui::splitAnnouncement("Trauma leader: 'Where is he bleeding from?'");
    EXPECT_EQ(a.role, "trauma_leader");
    EXPECT_EQ(a.words, "Where is he bleeding from?");
    a = polysim::gui::splitAnnouncement("Orthopaedic surgeon: \"The pelvis is opening up.\"");
    EXPECT_EQ(a.role, "orthopaedic_surgeon");
    EXPECT_EQ(a.words, "The pelvis is opening up.");
    a = polysim::gui::splitAnnouncement("The monitor alarms: pressure 60/40");  // no one the room knows
    EXPECT_EQ(a.role, "");
    EXPECT_EQ(a.words, "The monitor alarms: pressure 60/40");
}

TEST(RoomAlerts, AMissedDeadlineIsAnnouncedOnScreen) {
    auto dir = polysim::test::scratchDir("room-deterioration");
    auto scenario = load(motorcyclist(dir));
    const auto& ptx = scenario.patient.deteriorations.front();
    ASSERT_FALSE(ptx.announcement.empty());
    Room r(scenario, dir / "log.jsonl");
    r.room->advanceTo(145);
    r.frame();
    EXPECT_TRUE(r.room->alertsShown().empty());
    auto alarm = [](const polysim::gui::Screenshot& s) {
        int n = 0;
        for (std::size_t i = 0; i + 3 < s.rgba.size(); i += 4)
            n += s.rgba[i] == 150 && s.rgba[i + 1] == 20 && s.rgba[i + 2] == 20;
        return n;
    };
    const int before = alarm(r.frame(true));
    // The tension pneumothorax is due at 2:30 and nobody has been told.
    r.room->advanceTo(152);
    r.frame();
    auto shot = r.frame(true);
    polysim::gui::writePng(dir / "deterioration.png", shot);
    ASSERT_EQ(r.room->alertsShown(), std::vector<std::string>{ptx.announcement}) << (dir / "deterioration.png");
    EXPECT_GT(alarm(shot), before + 5000) << "no alarm bubble on screen: " << (dir / "deterioration.png");
    // It stays a while, then leaves the screen to the images.
    r.room->advanceTo(175);
    r.frame();
    EXPECT_EQ(r.room->alertsShown().size(), 1u);
    r.room->advanceTo(185);
    r.frame();
    EXPECT_TRUE(r.room->alertsShown().empty());
}

// ---- What the room says back ----

TEST(ReadingRoomView, ZoomingFarInOrOutStaysWithinWhatTheSessionAccepts) {
    auto dir = polysim::test::scratchDir("room-zoom-limits");
    auto scenario = load(motorcyclist(dir));
    Room r(scenario, dir / "log.jsonl");
    r.readArterialAt(85);
    r.move(r.centreOf(Plane::Axial));
    SDL_SetModState(KMOD_LCTRL);
    for (int i = 0; i < 40; ++i) r.wheel(1), r.frame();
    SDL_SetModState(KMOD_NONE);
    EXPECT_EQ(r.room->viewer().zoom(Plane::Axial), polysim::session::kMaxZoom);
    EXPECT_EQ(r.room->session().view().zoom, polysim::session::kMaxZoom);
    SDL_SetModState(KMOD_LCTRL);
    for (int i = 0; i < 60; ++i) r.wheel(-1), r.frame();
    SDL_SetModState(KMOD_NONE);
    EXPECT_EQ(r.room->viewer().zoom(Plane::Axial), polysim::session::kMinZoom);
    EXPECT_EQ(r.room->session().view().zoom, polysim::session::kMinZoom);
    int refused = 0;
    for (const auto& e : r.room->log().events()) refused += e.contains("refused");
    EXPECT_EQ(refused, 0) << "the viewer zoomed where the session would not follow";
    EXPECT_EQ(r.room->status(), "");
}

TEST(ReadingRoomView, AResumeWarningShowsOnScreenThenFades) {
    auto dir = polysim::test::scratchDir("room-status");
    auto scenario = load(motorcyclist(dir));
    const fs::path log = dir / "log.jsonl";
    {
        Room first(scenario, log);
        first.room->advanceTo(30);
    }
    std::ofstream(log, std::ios::app) << "{\"t\":31.0,\"act";  // killed mid-line
    Room r(scenario, log, false, true);
    r.frame();
    polysim::gui::writePng(dir / "status.png", r.frame(true));
    EXPECT_NE(r.room->status().find("damaged last line"), std::string::npos) << r.room->status();
    auto shown = r.room->controlRect("status");
    ASSERT_TRUE(shown) << "the warning is not on screen";
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    EXPECT_GE(shown->first.x, 0);
    EXPECT_GE(shown->first.y, 0);
    EXPECT_LE(shown->second.x, display.x) << "the warning runs off the right edge";
    EXPECT_LE(shown->second.y, display.y) << "the warning runs off the bottom";
    r.room->advanceTo(r.room->session().now() + 5);
    r.frame();
    EXPECT_TRUE(r.room->controlRect("status"));
    r.room->advanceTo(r.room->session().now() + 6);
    r.frame();
    EXPECT_FALSE(r.room->controlRect("status")) << "the warning stays for good";
}

TEST(ReadingRoomBubbles, QuickAnswersWrapByTheirWidthWithoutLosingAWord) {
    auto dir = polysim::test::scratchDir("room-wrap");
    auto scenario = load(motorcyclist(dir));
    Room r(scenario, dir / "log.jsonl");
    // The trauma leader asks about the scout at 12 s and again at 32 s; with the scout on screen, the quick
    // answers are offered from then on.
    r.room->setScript(polysim::session::parseTraineeScript("00:01 series scout\n", "scout.txt"));
    r.room->advanceTo(33);
    r.frame();
    r.window.beginFrame();
    for (float width : {180.f, 300.f, 398.f})
        for (const auto& in : scenario.interruptions)
            for (const auto& answer : in.answers) {
                const std::string wrapped = polysim::gui::wrapToWidth(answer.text, width);
                std::string joined;
                std::istringstream lines(wrapped);
                for (std::string line; std::getline(lines, line);) {
                    EXPECT_LE(ImGui::CalcTextSize(line.c_str()).x, width) << "'" << line << "' is clipped";
                    joined += (joined.empty() ? "" : " ") + line;
                }
                EXPECT_EQ(joined, answer.text);
            }
    r.window.endFrame();
    // In the bubble: the longest answer takes two lines, inside the bubble.
    auto shot = r.frame(true);
    polysim::gui::writePng(dir / "bubble.png", shot);
    auto button = r.room->controlRect("answer:leader_scout:tension");
    ASSERT_TRUE(button);
    EXPECT_GT(button->second.y - button->first.y, 1.8f * ImGui::GetFontSize()) << (dir / "bubble.png");
}

// ---- The HUD at any window size ----

TEST(ReadingRoomLayout, LateInTheSessionTheConclusionAndTheButtonsStayInTheWindow) {
    auto dir = polysim::test::scratchDir("room-layout");
    auto file = motorcyclist(dir);
    auto scenario = load(file);
    for (glm::ivec2 size : {glm::ivec2(1600, 900), glm::ivec2(1280, 720)}) {
        const std::string name = std::to_string(size.x) + "x" + std::to_string(size.y);
        Room r(scenario, dir / (name + ".jsonl"), false, false, size);
        // The expert's run to 03:04: three marks, seven calls, the primary survey declared.
        r.room->setScript(polysim::session::loadTraineeScript(polysim::test::sourceDir() /
                                                              "scenarios/scripts/motorcyclist-expert.txt"));
        r.room->advanceTo(184);
        ASSERT_GE(r.room->session().calls().size(), 6u);
        for (int i = 0; i < 3; ++i) r.frame();
        auto shot = r.frame(true);
        polysim::gui::writePng(dir / (name + ".png"), shot);
        for (const char* control : {"call-text", "conclusion", "submit-conclusion", "primary-survey", "end-session"}) {
            auto rect = r.room->controlRect(control);
            ASSERT_TRUE(rect) << control;
            EXPECT_GE(rect->first.y, 46) << name << ": " << control << " is under the top bar";
            EXPECT_LE(rect->second.y, float(size.y)) << name << ": " << control << " is below the window's edge";
            EXPECT_LE(rect->second.x, 340) << name << ": " << control << " runs out of the panel";
        }
    }
}

TEST(ReadingRoomLayout, TheTopBarFitsItsButtonsBeforeKeys) {
    auto dir = polysim::test::scratchDir("room-top-bar");
    auto scenario = load(motorcyclist(dir));
    for (int width : {1600, 1280, 1024}) {
        Room r(scenario, dir / ("log-" + std::to_string(width) + ".jsonl"), false, false, {width, 720});
        for (double at : {5.0, 60.0}) {  // long "(awaited)" labels, then percentages while the series arrive
            r.room->advanceTo(at);
            r.frame();
            auto keys = r.room->controlRect("keys");
            ASSERT_TRUE(keys);
            EXPECT_LE(keys->second.x, float(width)) << width << ": Keys is off the window";
            float right = 0;
            for (const auto& s : scenario.images.series) {
                auto button = r.room->controlRect("series:" + s.id);
                ASSERT_TRUE(button) << s.id;
                EXPECT_GT(button->first.x, right)
                    << width << " at " << at << " s: " << s.id << " overlaps the one before";
                right = button->second.x;
            }
            EXPECT_LT(right, keys->first.x) << width << " at " << at << " s: the series buttons run under Keys";
        }
    }
}

TEST(ReadingRoomView, TheScoutOpensInItsOwnWindowAndTheSlicesGetTheirsBack) {
    auto dir = polysim::test::scratchDir("room-scout-window");
    auto scenario = load(motorcyclist(dir));
    LiveRoom r(scenario, dir / "log.jsonl", 85);
    const auto& view = r.room->session().view();
    r.room->session().apply(polysim::session::SetWindow{"lung", {1500, -600}});
    for (int i = 0; i < 2; ++i) r.frame();
    const std::size_t logged = r.room->log().events().size();
    ASSERT_TRUE(r.click("series:scout"));
    ASSERT_EQ(view.series, "scout");
    EXPECT_EQ(view.window, ReadingRoom::kScoutWindow) << "the scout opened in the slices' window";
    EXPECT_EQ(r.room->viewer().window(), ReadingRoom::kScoutWindow);
    ASSERT_TRUE(r.click("series:arterial"));
    ASSERT_EQ(view.series, "arterial");
    EXPECT_EQ(view.window, (polysim::imaging::Window{1500, -600})) << "the lung window did not come back";
    EXPECT_EQ(view.preset, "lung");
    // Both changes are in the log as the trainee's window actions, right after each series.
    std::vector<std::string> actions;
    for (std::size_t i = logged; i < r.room->log().events().size(); ++i)
        if (r.room->log().events()[i].contains("action"))
            actions.push_back(r.room->log().events()[i].value("action", ""));
    EXPECT_EQ(actions, (std::vector<std::string>{"series", "window", "series", "window"}));
}

TEST(ReadingRoomKeys, ASubmittedConclusionSaysSo) {
    auto dir = polysim::test::scratchDir("room-conclusion");
    auto scenario = load(motorcyclist(dir));
    LiveRoom r(scenario, dir / "log.jsonl", 85);
    ASSERT_TRUE(r.click("conclusion"));
    r.type("Right tension pneumothorax.");
    EXPECT_FALSE(r.room->controlCentre("conclusion:state"));
    ASSERT_TRUE(r.click("submit-conclusion"));
    EXPECT_EQ(r.room->session().conclusion(), "Right tension pneumothorax.");
    EXPECT_TRUE(r.room->controlCentre("conclusion:state")) << "no word that the conclusion is in";
}

TEST(ReadingRoomKeys, TheConclusionBoxGrowsToShowTheWholeSubmittedSentence) {
    auto dir = polysim::test::scratchDir("room-conclusion-long");
    auto scenario = load(motorcyclist(dir));
    LiveRoom r(scenario, dir / "log.jsonl", 85);
    const std::string sentence =
        "Right tension pneumothorax with mediastinal shift, needs immediate decompression; grade III splenic "
        "laceration without active extravasation; no intracranial haemorrhage.";
    auto empty = r.room->controlRect("conclusion");
    ASSERT_TRUE(empty);
    ASSERT_TRUE(r.click("conclusion"));
    r.type(sentence);
    ASSERT_TRUE(r.click("submit-conclusion"));
    ASSERT_EQ(r.room->session().conclusion(), sentence);
    for (int i = 0; i < 2; ++i) r.frame();
    auto shot = r.frame(true);
    polysim::gui::writePng(dir / "conclusion.png", shot);
    auto box = r.room->controlRect("conclusion");
    ASSERT_TRUE(box);
    const float width = box->second.x - box->first.x;
    const float lines =
        ImGui::CalcTextSize(sentence.c_str(), nullptr, false, width - 30).y / ImGui::GetTextLineHeight();
    ASSERT_GE(lines, 3.0f) << "the sentence is too short for the test";
    // The box is as tall as the wrapped sentence, and still in the panel with the buttons below it in the window.
    EXPECT_GE(box->second.y - box->first.y, lines * ImGui::GetTextLineHeight()) << (dir / "conclusion.png");
    EXPECT_GT(box->second.y - box->first.y, (empty->second.y - empty->first.y) * 1.4f) << (dir / "conclusion.png");
    auto end = r.room->controlRect("end-session");
    ASSERT_TRUE(end);
    EXPECT_LE(end->second.y, float(r.window.height())) << (dir / "conclusion.png");
    // A click on the sentence edits it again.
    ASSERT_TRUE(r.click("conclusion"));
    r.type(" Pelvis stable.");
    ASSERT_TRUE(r.click("submit-conclusion"));
    EXPECT_EQ(r.room->session().conclusion(), sentence + " Pelvis stable.");
}

// ---- Input goes where it was aimed ----

namespace {
// A quick hand: the pointer rests at `from`, then moves to `to` and clicks there before the next frame begins (the
// motion and the click reach the app in one batch of events, as they do when a frame is slow).
void quickClick(Room& r, glm::dvec2 from, glm::dvec2 to) {
    for (int attempt = 0; attempt < 10; ++attempt) {
        SDL_RaiseWindow(r.window.sdl());
        SDL_WarpMouseInWindow(r.window.sdl(), int(from.x), int(from.y));
        for (int i = 0; i < 3; ++i) r.frame();
        if (SDL_GetMouseFocus() == r.window.sdl()) break;
        SDL_Delay(50);
    }
    SDL_WarpMouseInWindow(r.window.sdl(), int(to.x), int(to.y));
    SDL_Event e{};
    e.type = SDL_MOUSEBUTTONDOWN;
    e.button.windowID = SDL_GetWindowID(r.window.sdl());
    e.button.button = SDL_BUTTON_LEFT;
    e.button.state = SDL_PRESSED;
    e.button.clicks = 1;
    e.button.x = int(to.x), e.button.y = int(to.y);
    SDL_PushEvent(&e);
    r.frame();
    e.type = SDL_MOUSEBUTTONUP;
    e.button.state = SDL_RELEASED;
    SDL_PushEvent(&e);
    for (int i = 0; i < 3; ++i) r.frame();
}

bool inside(const polysim::gui::ImageRect& rect, std::pair<float, float> p) {
    return p.first > rect.min.x && p.first < rect.max.x && p.second > rect.min.y && p.second < rect.max.y;
}
}  // namespace

TEST(ReadingRoomInput, AClickOnABubbleOverTheCoronalNeverMovesTheCrosshairOrTheKeyboardsView) {
    auto dir = polysim::test::scratchDir("room-click-through");
    auto scenario = choicesAtOnce(load(motorcyclist(dir)));
    LiveRoom r(scenario, dir / "log.jsonl", 85);
    std::string id, option;
    for (const auto& a : r.room->session().activeInterruptions()) {
        const auto offered = a.spec ? r.room->session().offeredChoices(a.spec->id)
                                    : std::vector<const polysim::scenario::AnswerOption*>{};
        if (!offered.empty() && id.empty()) id = a.spec->id, option = offered.front()->id;
    }
    ASSERT_FALSE(id.empty()) << "no question with its choices on screen at 85 s";
    const auto button = r.room->controlCentre("answer:" + id + ":" + option);
    ASSERT_TRUE(button);
    ASSERT_TRUE(inside(r.room->viewer().imageRect(Plane::Coronal), *button)) << "the bubble is not over the coronal";
    const double z = r.z();
    const auto plane = r.room->session().view().plane;
    const int positions = r.logged("position");
    quickClick(r, r.centreOf(Plane::Axial), {button->first, button->second});
    EXPECT_FALSE(r.asking(id)) << "the click did not answer";
    EXPECT_EQ(r.z(), z) << "the click also moved the crosshair in the coronal under the bubble";
    EXPECT_EQ(r.logged("position"), positions);
    EXPECT_EQ(r.room->session().view().plane, plane);
    EXPECT_TRUE(r.downReachesTheViewer()) << "after the click the arrows scroll another view than the axial";
}

TEST(ReadingRoomInput, EnterInTheMarkPickerTakesTheHighlightedMatchAndShiftEnterTheTypedText) {
    auto dir = polysim::test::scratchDir("room-picker-enter");
    auto scenario = load(motorcyclist(dir));
    LiveRoom r(scenario, dir / "log.jsonl", 85);
    std::vector<std::string> offered;
    for (const auto& d : polysim::session::traumaLexicon())
        if (polysim::gui::pickerOffers(d, "tens pneu")) offered.push_back(d.label);
    ASSERT_FALSE(offered.empty());

    r.key(SDLK_m);
    ASSERT_TRUE(r.room->markPickerOpen());
    r.type("tens pneu");
    r.key(SDLK_RETURN);
    ASSERT_EQ(r.marks().size(), 1u) << "Enter marked nothing";
    EXPECT_EQ(r.marks()[0].label, offered.front()) << "Enter kept the typed text, not the highlighted match";
    EXPECT_FALSE(r.room->markPickerOpen());

    r.key(SDLK_m);
    r.type("tens pneu");
    r.key(SDLK_RETURN, KMOD_LSHIFT);
    ASSERT_EQ(r.marks().size(), 2u);
    EXPECT_EQ(r.marks()[1].label, "tens pneu") << "Shift+Enter did not keep the typed text";

    // Down moves the highlight: with one match it stays on it, with more it takes the next.
    r.key(SDLK_m);
    r.type("fracture");
    std::vector<std::string> fractures;
    for (const auto& d : polysim::session::traumaLexicon())
        if (polysim::gui::pickerOffers(d, "fracture")) fractures.push_back(d.label);
    ASSERT_GE(fractures.size(), 2u);
    r.key(SDLK_DOWN);
    r.key(SDLK_RETURN);
    ASSERT_EQ(r.marks().size(), 3u);
    EXPECT_EQ(r.marks()[2].label, fractures[1]);
}

TEST(ReadingRoomInput, ABubblesButtonsStayUnderThePointerWhenTheQuestionIsRepeated) {
    auto dir = polysim::test::scratchDir("room-bubble-steady");
    auto scenario = choicesAtOnce(load(motorcyclist(dir)));
    LiveRoom r(scenario, dir / "log.jsonl", 85);
    // The anaesthetist asks 4 s after the chest is first on screen, and asks again, shorter, 15 s later.
    const auto region = std::find_if(scenario.regions.begin(), scenario.regions.end(),
                                     [](const auto& g) { return g.id == "chest_lungs"; });
    ASSERT_NE(region, scenario.regions.end());
    r.room->session().apply(polysim::session::SetPosition{(region->zFromMm + region->zToMm) / 2});
    r.frame();
    r.room->advanceTo(90);
    for (int i = 0; i < 3; ++i) r.frame();
    ASSERT_TRUE(r.asking("drain_question"));
    auto saying = [&] {
        for (const auto& a : r.room->session().activeInterruptions())
            if (a.spec && a.spec->id == "drain_question") return a.saying;
        return std::string();
    };
    const std::string first = saying();
    const auto before = r.room->controlRect("answer:drain_question:now");
    ASSERT_TRUE(before);
    const ImVec2 at((before->first.x + before->second.x) / 2, (before->first.y + before->second.y) / 2);
    // The hand comes to rest on "Now", and the question is repeated before it clicks.
    for (int attempt = 0; attempt < 10 && SDL_GetMouseFocus() != r.window.sdl(); ++attempt) {
        SDL_RaiseWindow(r.window.sdl());
        SDL_WarpMouseInWindow(r.window.sdl(), int(at.x), int(at.y));
        for (int i = 0; i < 3; ++i) r.frame();
    }
    SDL_WarpMouseInWindow(r.window.sdl(), int(at.x), int(at.y));
    for (int i = 0; i < 3; ++i) r.frame();
    for (double t = 91; t < 120 && saying() == first && r.asking("drain_question"); t += 1) {
        r.room->advanceTo(t);
        r.frame();
    }
    ASSERT_NE(saying(), first) << "the question was not repeated";
    for (int i = 0; i < 3; ++i) r.frame();
    const auto after = r.room->controlRect("answer:drain_question:now");
    ASSERT_TRUE(after);
    EXPECT_EQ(after->first.y, before->first.y) << "the answer moved under the pointer";
    EXPECT_EQ(after->second.y, before->second.y);

    polysim::test::clickInWindow(r.window.sdl(), int(at.x), int(at.y), [&] { r.frame(); });
    std::string answered;
    for (const auto& e : r.room->log().events())
        if (e.value("action", "") == "answer" && e.value("interruption", "") == "drain_question")
            answered = e.value("option", "");
    EXPECT_EQ(answered, "now") << "the click meant for 'Now' was logged as another answer";
    // The answer given shows for a moment in the bubble's place, then goes.
    const auto farewell = r.room->controlRect("answered:drain_question");
    ASSERT_TRUE(farewell) << "the bubble closed without showing what was recorded";
    EXPECT_NEAR(farewell->first.y, before->first.y, 200) << "the answer given is not in the bubble's place";
    for (int i = 0; i < 3; ++i) r.frame();
    const auto stays = r.room->controlRect("answered:drain_question");
    ASSERT_TRUE(stays);
    EXPECT_EQ(stays->first.y, farewell->first.y) << "the answer given moved while the pointer rested on its place";
    r.room->advanceTo(r.room->session().now() + 2);
    r.frame();
    EXPECT_FALSE(r.room->controlRect("answered:drain_question"));
}

TEST(ReadingRoomChecklist, EachRegionsPercentageNamesTheWindowsThatCountForIt) {
    auto dir = polysim::test::scratchDir("room-coverage-hint");
    auto scenario = load(motorcyclist(dir));
    bool someWindows = false;
    for (const auto& region : scenario.regions) {
        const std::string hint = polysim::gui::coverageHint(region);
        for (const auto& w : region.windows) {
            someWindows = true;
            EXPECT_NE(hint.find(polysim::scoring::windowName(w)), std::string::npos) << region.id << ": " << hint;
        }
        EXPECT_NE(hint.find(std::to_string(int(std::lround(region.minCoverage * 100))) + "%"), std::string::npos)
            << hint;
        if (region.id == "spine") {
            EXPECT_NE(hint.find("on axial or sagittal slices"), std::string::npos) << hint;
        }
        if (region.id == "chest_lungs") {
            EXPECT_EQ(hint.find("slices"), std::string::npos) << "axial only: " << hint;
        }
    }
    EXPECT_TRUE(someWindows);
}

namespace {
// Voxels above -500 HU in the middle of the axial image at the viewer's crosshair, one in 16 counted.
int bodyAtCrosshair(ReadingRoom& room) {
    const auto* vol = room.viewer().volume();
    if (!vol) return 0;
    const int k = int(std::lround(room.viewer().cursor().z));
    int n = 0;
    for (int j = vol->dims().y / 4; j < vol->dims().y * 3 / 4; j += 4)
        for (int i = vol->dims().x / 4; i < vol->dims().x * 3 / 4; i += 4) n += vol->at(i, j, k) > -500;
    return n;
}

// Actions in the log: name and the series or preset they name.
std::vector<std::string> loggedActions(const polysim::session::EventLog& log) {
    std::vector<std::string> out;
    for (const auto& e : log.events())
        if (e.contains("action"))
            out.push_back(e.value("action", "") + (e.contains("series") ? " " + e.value("series", "") : ""));
    return out;
}
}  // namespace

TEST(ReadingRoomFirstMinute, TheArrivedScoutShowsAtOnceAndTheHeadDoesNotOpenByItselfOverIt) {
    auto dir = polysim::test::scratchDir("room-first-minute");
    auto scenario = load(motorcyclist(dir));
    Room r(scenario, dir / "log.jsonl", false, false, {1280, 720});
    const auto& view = r.room->session().view();
    // The first frame of the session as the app runs it: real time moves the clock. The scout arrived at 0 s.
    r.room->advanceBy(0.05);
    r.frame();
    ASSERT_EQ(view.series, "scout") << "an empty viewer beside an arrived scout";
    EXPECT_TRUE(view.projection);
    ASSERT_NE(r.room->viewer().volume(), nullptr) << "the scout is not in the viewer";
    EXPECT_EQ(r.room->viewer().volume()->dims().z, 1);
    EXPECT_EQ(view.window, ReadingRoom::kScoutWindow);
    // The head arrives at 20 s; a frame of a whole second at a time, to 40 s: the scout stays.
    for (int i = 0; i < 40; ++i) {
        r.room->advanceBy(1.0);
        r.frame();
    }
    EXPECT_EQ(view.series, "scout") << "the head opened by itself over the scout";
    for (const auto& e : r.room->log().events()) {
        if (e.value("event", "") == "series_arrived") {
            EXPECT_FALSE(e.contains("opened")) << e.dump();
        }
    }
    // Showing it was one session command, the trainee's: the scout opened, then its window.
    EXPECT_EQ(loggedActions(r.room->log()), (std::vector<std::string>{"series scout", "window"}));
}

TEST(ReadingRoomFirstMinute, AHeadJumpInTimeStillShowsTheScoutFirst) {
    auto dir = polysim::test::scratchDir("room-first-minute-jump");
    auto scenario = load(motorcyclist(dir));
    Room r(scenario, dir / "log.jsonl");
    // A long first frame (a slow start) passes the head's arrival: the scout still came first.
    r.room->advanceBy(25);
    r.frame();
    EXPECT_EQ(r.room->session().view().series, "scout");
    EXPECT_NEAR(r.room->session().now(), 25, 1e-3);
}

TEST(ReadingRoomFirstMinute, ASeriesOpensAtTheBodyInItsOwnKindsWindow) {
    auto dir = polysim::test::scratchDir("room-series-opens");
    auto scenario = load(motorcyclist(dir));
    Room r(scenario, dir / "log.jsonl", true, false, {1280, 720});
    const auto& view = r.room->session().view();
    auto runTo = [&](double t) {
        while (r.room->session().now() < t - 1e-6) {
            r.room->advanceBy(std::min(1.0, t - r.room->session().now()));
            r.frame();
        }
    };
    runTo(31);  // the head has arrived (20 s to 30 s)
    ASSERT_EQ(view.series, "scout");
    ASSERT_TRUE(r.click("series:head"));
    ASSERT_EQ(view.series, "head");
    // Not image 1, the air above the vertex: the first image that holds the head.
    EXPECT_GT(r.room->viewer().imageNumber(Plane::Axial), 1);
    EXPECT_GT(bodyAtCrosshair(*r.room), 5)
        << "the head opened in air, at image " << r.room->viewer().imageNumber(Plane::Axial);
    EXPECT_LT(r.room->viewer().imageNumber(Plane::Axial), 20) << "not at the top of the head";
    EXPECT_EQ(view.preset, "brain") << "the head opened in the scout's or the soft-tissue window";
    // The trainee reads the head in the subdural window, then opens the body: soft tissue, not subdural.
    r.key(SDLK_2);
    ASSERT_EQ(view.preset, "subdural");
    runTo(81);  // the arterial body series is complete at 80 s
    ASSERT_TRUE(r.click("series:arterial"));
    ASSERT_EQ(view.series, "arterial");
    EXPECT_EQ(view.preset, "soft_tissue") << "the body series inherited the head's " << view.preset << " window";
    EXPECT_EQ(view.window, (polysim::imaging::Window{400, 40}));
    // The arterial and portal phases compare in the window the trainee chose; the portal series, which starts in
    // the abdomen, opens at the top of the abdomen when the crosshair is above it.
    r.key(SDLK_5);
    ASSERT_EQ(view.preset, "liver");
    runTo(171);  // the portal series is complete at 170 s
    ASSERT_GT(view.cursor.z, -440);
    ASSERT_TRUE(r.click("series:portal"));
    ASSERT_EQ(view.series, "portal");
    EXPECT_EQ(view.preset, "liver");
    const auto* abdomen = scenario.findRegion("abdomen_pelvis");
    ASSERT_TRUE(abdomen);
    EXPECT_NEAR(view.cursor.z, abdomen->zToMm, 5) << "the portal series did not open at the top of the abdomen";
    EXPECT_GT(bodyAtCrosshair(*r.room), 50);
}

TEST(ReadingRoomLayout, AtTheSmallestWindowTheBubblesStandInALaneThatCoversNoImageAndBSwapsIt) {
    auto dir = polysim::test::scratchDir("room-bubble-lane");
    auto scenario = load(motorcyclist(dir));
    Room r(scenario, dir / "log.jsonl", true, false, {1280, 720});
    r.readArterialAt(150);  // the trauma leader, the anaesthetist and the surgeon have asked by now
    auto bubbles = [&] {
        std::vector<std::pair<std::string, std::pair<ImVec2, ImVec2>>> out;
        for (const auto& a : r.room->session().activeInterruptions())
            if (a.spec)
                if (auto rect = r.room->controlRect("bubble:" + a.spec->id)) out.push_back({a.spec->id, *rect});
        return out;
    };
    auto covered = [&](const std::pair<ImVec2, ImVec2>& b) -> std::string {
        for (Plane p : {Plane::Axial, Plane::Coronal, Plane::Sagittal}) {
            const auto v = r.room->viewer().viewBounds(p);
            if (v.size().x <= 0) continue;
            if (b.first.x < v.max.x && b.second.x > v.min.x && b.first.y < v.max.y && b.second.y > v.min.y)
                return std::string(polysim::imaging::planeName(p));
        }
        return "";
    };
    for (int i = 0; i < 3; ++i) r.frame();
    EXPECT_TRUE(r.room->bubbleLane()) << "no lane by default at 1280 x 720";
    ASSERT_GE(bubbles().size(), 3u) << "fewer than three bubbles at 150 s";
    polysim::gui::writePng(dir / "lane.png", r.frame(true));
    for (const auto& [id, rect] : bubbles())
        EXPECT_EQ(covered(rect), "") << id << " covers the " << covered(rect) << " view: " << (dir / "lane.png");
    // The big view keeps most of the room beside the lane.
    EXPECT_GE(r.room->viewer().viewBounds(Plane::Axial).size().x, 440);
    // B puts them back over the reformats, and again into the lane.
    r.key(SDLK_b);
    for (int i = 0; i < 2; ++i) r.frame();
    EXPECT_FALSE(r.room->bubbleLane());
    bool over = false;
    for (const auto& b : bubbles()) over = over || !covered(b.second).empty();
    EXPECT_TRUE(over) << "B did not put the bubbles over the reformats";
    r.key(SDLK_b);
    for (int i = 0; i < 2; ++i) r.frame();
    EXPECT_TRUE(r.room->bubbleLane());
    for (const auto& [id, rect] : bubbles()) EXPECT_EQ(covered(rect), "") << id;
    EXPECT_EQ(r.logged("window") + r.logged("position") + r.logged("zoom"), 0) << "B reached the session";
}

// ---- The crosshair is a trainee action like any other ----

// A click within the axial image moves the crosshair there: the coronal and sagittal views go to that point's levels.
// What the trainee then sees in them is part of the session, so the move is logged (and replayed) with where it went.
TEST(ReadingRoomView, AClickWithinTheImageLogsTheCrosshairWhereItLanded) {
    auto dir = polysim::test::scratchDir("room-crosshair-click");
    auto scenario = load(motorcyclist(dir));
    LiveRoom r(scenario, dir / "log.jsonl", 85);
    const double zBefore = r.z();
    const glm::dvec2 at = r.centreOf(Plane::Axial) + glm::dvec2(70, -45);
    const auto probe = r.room->viewer().probe(at);
    ASSERT_TRUE(probe);
    ASSERT_EQ(r.logged("crosshair"), 0);
    polysim::test::clickInWindow(r.window.sdl(), int(at.x), int(at.y), [&] { r.frame(); });
    ASSERT_GE(r.logged("crosshair"), 1) << "the crosshair move is not in the log";
    const auto& cursor = r.room->session().view().cursor;
    EXPECT_NEAR(cursor.x, probe->lps.x, 2.0);
    EXPECT_NEAR(cursor.y, probe->lps.y, 2.0);
    EXPECT_NEAR(cursor.z, zBefore, r.room->viewer().volume()->geometry().spacing.z / 2 + 1e-6)
        << "a click within the axial image does not change its slice";
    const auto viewer = r.room->viewer().volume()->geometry().indexToPatient(r.room->viewer().cursor());
    EXPECT_NEAR(glm::length(viewer - cursor), 0.0, 1e-2) << "the session and the screen disagree on the crosshair";
}

// A log or script that moved the crosshair puts it back where it was when the session is resumed.
TEST(ReadingRoomView, AResumedSessionShowsItsCrosshair) {
    auto dir = polysim::test::scratchDir("room-resume-crosshair");
    auto file = motorcyclist(dir);
    std::ofstream(dir / "trainee.txt") << "00:41 series arterial\n00:42 position -300\n00:43 crosshair 60,-20,-300\n";
    auto play =
        polysim::test::runShell(polysim::test::polysimBinary().string() + " play " + file.string() + " --script " +
                                (dir / "trainee.txt").string() + " --log " + (dir / "full.jsonl").string());
    ASSERT_EQ(play.exitCode, 0) << play.err;
    std::ifstream in(dir / "full.jsonl");
    std::ofstream cut(dir / "resumed.jsonl");
    for (std::string line; std::getline(in, line);)
        if (std::stod(line.substr(line.find(':') + 1)) <= 50) cut << line << "\n";
    cut.close();
    auto scenario = load(file);
    Room r(scenario, dir / "resumed.jsonl", false, true);
    for (int i = 0; i < 3; ++i) r.frame();
    ASSERT_NEAR(r.room->session().view().cursor.x, 60.0, 1e-9);
    const auto& g = r.room->viewer().volume()->geometry();
    const auto shown = g.indexToPatient(r.room->viewer().cursor());
    EXPECT_NEAR(shown.x, 60.0, g.spacing.x) << "the resumed crosshair is not on screen";
    EXPECT_NEAR(shown.y, -20.0, g.spacing.y);
    EXPECT_NEAR(shown.z, -300.0, g.spacing.z);
}

// On a machine that has never made the case's patient, the session does not wait for the whole study: it starts with
// the scout as it grows, and the series after it are made while the trainee reads, in order of arrival.
TEST(ReadingRoomFirstMinute, OnAnEmptyCacheTheSessionStartsWithTheGrowingScoutWhileTheRestIsMade) {
    auto dir = polysim::test::scratchDir("room-empty-cache");
    useTestEnvironment(dir);
    setenv("XDG_CACHE_HOME", (dir / "cache").c_str(), 1);  // nothing made yet
    std::string text = polysim::test::readFile(polysim::test::sourceDir() / "scenarios" / "motorcyclist.toml");
    text.insert(text.find("[images.phantom]") + 16, "\nmatrix = 256\nslice_mm = 2");
    std::ofstream(dir / "motorcyclist.toml") << text;
    auto scenario = load(dir / "motorcyclist.toml");
    polysim::gui::AppWindow window(Room::options());
    polysim::gui::Bindings bindings = polysim::gui::Bindings::defaults();
    polysim::gui::ReadingRoomOptions ro;
    ro.log = dir / "log.jsonl";
    ro.sound = false;
    ReadingRoom room(scenario, ro, bindings);
    room.createGl();
    auto frame = [&](double seconds) {
        room.advanceBy(seconds);
        window.beginFrame();
        const bool shown = room.prepareFrame();
        room.draw();
        window.renderWithoutSwap();
        window.swap();
        return shown;
    };
    auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
    while (!room.images().begun() && std::chrono::steady_clock::now() < deadline) {
        frame(0.1);
        EXPECT_EQ(room.clock().now(), 0.0) << "the session clock stood still until there was an image to show";
        SDL_Delay(5);
    }
    ASSERT_TRUE(room.images().begun());
    ASSERT_TRUE(room.images().preparing()) << "the first image showed only once the whole study was made";
    bool scoutShown = false;
    for (int i = 0; i < 5; ++i) scoutShown = frame(0.1) || scoutShown;
    EXPECT_GT(room.clock().now(), 0.4) << "the session runs while the images are made";
    EXPECT_EQ(room.session().view().series, "scout");
    EXPECT_TRUE(scoutShown) << "the scout, as far as it is made, is on screen";
    ASSERT_NE(room.viewer().volume(), nullptr);
    EXPECT_TRUE(room.images().preparing()) << "a 256 x 256 study took under half a second: the test proves nothing";
    // The session goes on in real time; the study completes, and what is on screen is the whole scout.
    auto last = std::chrono::steady_clock::now();
    while (!room.images().allLoaded() && std::chrono::steady_clock::now() < deadline) {
        const auto now = std::chrono::steady_clock::now();
        frame(std::min(0.25, std::chrono::duration<double>(now - last).count()));
        last = now;
        SDL_Delay(5);
    }
    ASSERT_TRUE(room.images().allLoaded());
    frame(0.0);
    const auto scout = room.images().volume("scout");
    ASSERT_TRUE(scout && room.images().seriesComplete("scout"));
    if (room.session().view().series == "scout") {
        EXPECT_EQ(room.viewer().volume(), scout.get());
    }
    const auto cached = polysim::imaging::loadLocalizer(polysim::phantom::studySeriesFolder(
        polysim::phantom::ensureCachedStudy(polysim::scenario::phantomOptionsFor(scenario)),
        polysim::phantom::SeriesKind::Scout));
    ASSERT_TRUE(cached);
    EXPECT_TRUE(std::equal(scout->voxels().begin(), scout->voxels().end(), cached->voxels().begin()))
        << "the scout shown is the one in the cache";
    room.destroyGl();
}
