// The simulator app: scenario library, briefing, reading room, debrief; plus the headless modes the tests and
// benchmarks use (screenshot at a session time, scripted trainee, frame-time benchmark).
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace polysim::gui {

struct RunOptions {
    std::filesystem::path scenario;    // empty: the scenario library
    std::filesystem::path script;      // scripted trainee (session/trainee_script.h format)
    std::filesystem::path log;         // event log; default: the user data folder
    std::filesystem::path screenshot;  // write a PNG of the reading room at `at` seconds, then exit
    std::optional<double> at;
    int benchFrames = 0;  // scroll this many frames and print frame-time percentiles
    bool resume = false;  // continue the session in `log` instead of starting a new one
    bool examMode = false;
    bool sound = true;
    // The instructor's console ([ADDR:]PORT, empty: none): its address is printed on stdout as one line.
    std::string serve;
    int width = 1600, height = 900;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// Returns the process exit status. Throws std::runtime_error for errors a user caused (bad scenario, no display,
// a case whose images are not on this machine).
int runApp(const RunOptions& options);

class AppWindow;
class DebriefView;
class SimulatorApp;
struct Screenshot;

// A case in the library as the user sees it.
struct LibraryCase {
    std::filesystem::path file;
    std::string id, title;       // empty when the file does not load
    bool isDefault = false;      // the case `make run` opens (scenario::defaultScenarioPath)
    std::string unavailable;     // why it cannot be started (a scenario error, images not on this machine)
    std::optional<double> best;  // the trainee's best total in the results history
    bool bestPassed = false;     // ... and whether that session passed
    std::string bestShown;       // the Best column as shown: "82.4 passed", "58.3 - not passed", "-"
    std::string availability;    // what the row says when it cannot be started, in the trainee's words
    std::string level;           // "intermediate, PGY-3": the difficulty and the training level it is for
    std::string review;          // "version 1.2, draft" or "version 1.2, reviewed by ... on YYYY-MM-DD"
};

// The interactive simulator, one frame at a time: library, briefing, reading room, debrief. runApp loops it until
// the user leaves; tests drive it with real input (the pointer warped over a control, SDL button events).
class Simulator {
public:
    enum class Screen { Library, Briefing, Reading, Debrief };
    Simulator(const RunOptions& options, AppWindow& window);  // throws std::runtime_error like runApp
    ~Simulator();
    // Handles the queued SDL events and draws and shows one frame (read back into `shot` first when given).
    // False once the user has left.
    bool frame(Screenshot* shot = nullptr);
    Screen screen() const;
    std::vector<LibraryCase> library() const;
    std::string caseId() const;  // the case chosen (empty while none is)
    // Where a control was drawn in the last frame, window pixels: "open:<case id>", "start", "back", "resume"; in the
    // reading room its top bar's "series:<id>", and "leave" / "stay" while it asks before leaving; on the debrief
    // "export", "open-report", "close", "section:<n>".
    std::optional<std::pair<float, float>> controlCentre(const std::string& name) const;
    bool imagesShown() const;                   // the reading room shows a CT image
    const DebriefView* debrief() const;         // the debrief screen, while it shows
    std::optional<double> sessionTime() const;  // the reading room's session clock, while it shows
    std::uint64_t framesDrawn() const;          // frames drawn so far: one that shows nothing new is left out

private:
    std::unique_ptr<SimulatorApp> app_;
};

}  // namespace polysim::gui
