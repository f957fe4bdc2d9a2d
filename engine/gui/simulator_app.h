// The interactive simulator behind Simulator (app.h): its screens (library, briefing, reading room, debrief) and the
// state they share. The main loop and the reading room's hand-over are in app.cpp, the library screen in
// library_screen.cpp, the briefing in briefing_screen.cpp.
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

// A case in the library as the app holds it.
struct LibraryEntry {
    fs::path file;
    std::optional<scenario::Scenario> scenario;
    std::string error;
    bool isDefault = false;
    std::string missing;  // the case loads, but its images are not on this machine
};

class SimulatorApp {
public:
    using Screen = Simulator::Screen;
    SimulatorApp(const RunOptions& o, AppWindow& w, std::optional<scenario::Scenario> loaded = std::nullopt);
    ~SimulatorApp();
    int loop();
    bool frame(Screenshot* shot);
    Screen screen() const { return screen_; }
    std::string caseId() const { return scenario_ ? scenario_->meta.id : std::string(); }
    bool imagesShown() const { return imagesShown_; }
    const DebriefView* debrief() const { return screen_ == Screen::Debrief ? debrief_.get() : nullptr; }
    std::optional<double> sessionTime() const;
    std::optional<std::pair<float, float>> controlCentre(const std::string& name) const;
    std::vector<LibraryCase> library() const;

private:
    // Remembers where a control was drawn this frame, for Simulator::controlCentre.
    void noteControl(const std::string& name);
    void startReading();
    void backToLibrary();

    // The shipped cases, and the case given on the command line when it is not one of them (so it can be run again
    // after its debrief); each with the trainee's best score and the unfinished session, if any.
    void loadLibrary();

    // Best scores (this trainee's, from the results history) and the session left unfinished, read again after
    // each session so the library shows the one just recorded.
    void refreshLibraryState();

    // The debrief's "Close": back to the library, the session's room, score and debrief gone.
    void closeDebrief();
    void fullScreenWindow(const char* name);
    void drawLibrary();
    void drawBriefing();
    void drawConsoleCode(const std::string& url);
    void drawDebrief();

    // Modal: the room behind it is dimmed and takes no input, and its session clock stands still (see frame()).
    void drawConfirmQuit();

    const RunOptions& options_;
    AppWindow& window_;
    Bindings bindings_;
    std::string warning_;
    std::vector<LibraryEntry> library_;
    std::optional<scenario::Scenario> scenario_;
    std::unique_ptr<ReadingRoom> room_;
    // The instructor's console (--serve): commands from the page are applied in frame(), on the session clock.
    std::unique_ptr<console::ConsoleServer> console_;
    std::unique_ptr<console::ConsoleLink> consoleLink_;
    std::optional<scoring::Score> score_;
    std::unique_ptr<DebriefView> debrief_;                 // after score_: it refers to it
    std::map<std::string, std::pair<double, bool>> best_;  // best total, and whether that session passed
    std::optional<std::pair<fs::path, std::string>> unfinished_;
    fs::path resumeLog_;
    std::string trainee_;  // whose best scores the library shows
    bool sessionStarted_ = false;
    Screen screen_ = Screen::Library;
    bool running_ = true;
    bool confirmQuit_ = false;  // asking before leaving the reading room
    bool openQuit_ = false;     // ... from this frame on
    bool imagesShown_ = false;
    Uint64 last_ = 0;
    std::map<std::string, std::pair<float, float>> controls_;
};

}  // namespace polysim::gui
