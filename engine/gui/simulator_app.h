// The interactive simulator behind Simulator (app.h): one screen at a time behind one interface (AppScreen), and the
// state the screens share (AppState). The main loop and the hand-over between screens are in app.cpp; each screen is
// in its own file: library_screen.cpp, briefing_screen.cpp, reading_screen.cpp, debrief_screen.cpp.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <SDL.h>

#include "console/link.h"
#include "console/server.h"
#include "gui/app.h"
#include "gui/bindings.h"
#include "gui/debrief_view.h"
#include "gui/reading_room.h"
#include "scenario/scenario.h"
#include "scoring/score.h"

namespace polysim::gui {
namespace fs = std::filesystem;

// Where the app keeps session logs (the user data folder's sessions/).
fs::path sessionsFolder();
// The newest session log that never reached session_end (the app crashed or was left), with its scenario id. A log
// in which nothing happened (left while the patient was being prepared: no action, the clock never ran) is not one.
std::optional<std::pair<fs::path, std::string>> unfinishedSession();
// The "Preparing the patient" window over the room while the phantom is generated (the app and its headless modes).
void drawPreparing(ReadingRoom& room);

// A case in the library as the app holds it.
struct LibraryEntry {
    fs::path file;
    std::optional<scenario::Scenario> scenario;
    std::string error;
    bool isDefault = false;
    std::string missing;  // the case loads, but its images are not on this machine
};

// What the screens share, held by the app for as long as it runs.
struct AppState {
    explicit AppState(const RunOptions& o) : options(o) {}
    const RunOptions& options;
    Bindings bindings;
    std::string warning;  // shown along the bottom of every screen
    // The shipped cases, the trainee's best total and whether it passed per case id, and the session left unfinished.
    std::vector<LibraryEntry> library;
    std::map<std::string, std::pair<double, bool>> best;
    std::optional<std::pair<fs::path, std::string>> unfinished;
    std::string trainee;  // whose best scores the library shows
    // The case chosen (from the library or the command line), while one is: the briefing, the room and the debrief
    // read it.
    std::optional<scenario::Scenario> scenario;
    // The chosen case's images, loaded or made while the briefing is read; the reading room takes them over.
    // Always reset before `scenario` changes: it reads that scenario.
    std::unique_ptr<SeriesSource> images;
    bool sessionStarted = false;  // --log, --resume and --script belong to the first session only
    // The instructor's console (--serve): commands from the page are applied on the session clock.
    std::unique_ptr<console::ConsoleServer> console;
    std::unique_ptr<console::ConsoleLink> consoleLink;
};

// One screen of the app. The app hands it the SDL events and calls draw() once a frame; the screen asks the app
// (SimulatorApp) to move on to another one, which happens after the frame's draw.
class AppScreen {
public:
    virtual ~AppScreen() = default;
    virtual Simulator::Screen kind() const = 0;
    virtual void handleEvent(const SDL_Event&) {}
    // `seconds`: real time since the last frame.
    virtual void draw(double seconds) = 0;
    // The user closes the window. False keeps the app open (the screen asks first).
    virtual bool mayLeave() { return true; }
    // Where a control was drawn in the last frame, besides the ones the app noted (SimulatorApp::noteControl).
    virtual std::optional<std::pair<float, float>> controlCentre(const std::string&) const { return std::nullopt; }
    virtual std::optional<double> sessionTime() const { return std::nullopt; }
    virtual bool imagesShown() const { return false; }
    virtual const DebriefView* debrief() const { return nullptr; }
    // The images are still being made on this machine's cores: the app draws fewer frames meanwhile.
    virtual bool makingImages() const { return false; }
};

class SimulatorApp {
public:
    using Screen = Simulator::Screen;
    SimulatorApp(const RunOptions& o, AppWindow& w, std::optional<scenario::Scenario> loaded = std::nullopt);
    ~SimulatorApp();
    int loop();
    // Starts loading (or, on first use, making) the chosen case's images for the room to take over.
    void prepareImages();
    // One frame: events, the screen, and the drawing, left out when it would show nothing new (a screenshot is
    // always drawn).
    bool frame(Screenshot* shot);
    std::uint64_t framesDrawn() const { return framesDrawn_; }
    Screen screen() const { return screen_->kind(); }
    std::string caseId() const { return state_.scenario ? state_.scenario->meta.id : std::string(); }
    bool imagesShown() const { return screen_->imagesShown(); }
    const DebriefView* debrief() const { return screen_->debrief(); }
    std::optional<double> sessionTime() const { return screen_->sessionTime(); }
    std::optional<std::pair<float, float>> controlCentre(const std::string& name) const;
    std::vector<LibraryCase> library() const;

    // For the screens.
    AppState& state() { return state_; }
    // Remembers where the last ImGui item was drawn this frame, under `name`, for Simulator::controlCentre.
    void noteControl(const std::string& name);
    // A window over the whole display, for a screen's content (ended with ImGui::End()).
    static void fullScreenWindow(const char* name);

    // The moves between screens; each takes effect once this frame's screen has drawn.
    void openBriefing(scenario::Scenario chosen);
    // A new session of the chosen case, or the unfinished one in `resumeLog` carried on.
    void startReading(const fs::path& resumeLog = {});
    void showDebrief(std::unique_ptr<ReadingRoom> room);
    void backToLibrary();  // the chosen case forgotten, the library read again (the best scores may have changed)
    void quit() { running_ = false; }
    bool leaving() const { return next_ != nullptr || !running_; }  // this frame's screen has asked to move on

    // The shipped cases, and the case given on the command line when it is not one of them (so it can be run again
    // after its debrief); each with the trainee's best score and the unfinished session, if any.
    void loadLibrary();
    // Best scores (this trainee's, from the results history) and the session left unfinished, read again after
    // each session so the library shows the one just recorded.
    void refreshLibraryState();

private:
    void show(std::unique_ptr<AppScreen> next) { next_ = std::move(next); }

    AppWindow& window_;
    AppState state_;
    std::unique_ptr<AppScreen> screen_;
    std::unique_ptr<AppScreen> next_;
    bool running_ = true;
    Uint64 last_ = 0;
    Uint64 lastInput_ = 0;           // SDL performance counter at the last input event
    std::uint64_t framesDrawn_ = 0;  // frames that showed something new (the others are not drawn)
    std::map<std::string, std::pair<float, float>> controls_;
};

// The four screens.
std::unique_ptr<AppScreen> makeLibraryScreen(SimulatorApp& app);
std::unique_ptr<AppScreen> makeBriefingScreen(SimulatorApp& app);
// `room`: a session made by startReading, its GL objects created.
std::unique_ptr<AppScreen> makeReadingScreen(SimulatorApp& app, std::unique_ptr<ReadingRoom> room);
// Scores the ended session in `room`, records it in the results history and shows its debrief.
std::unique_ptr<AppScreen> makeDebriefScreen(SimulatorApp& app, std::unique_ptr<ReadingRoom> room);

}  // namespace polysim::gui
