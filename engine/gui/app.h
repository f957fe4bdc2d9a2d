// The simulator app: scenario library, briefing, reading room, debrief; plus the headless modes the tests and
// benchmarks use (screenshot at a session time, scripted trainee, frame-time benchmark).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace polysim::gui {

struct RunOptions {
    std::filesystem::path scenario;    // empty: the scenario library
    std::filesystem::path script;      // scripted trainee (session/trainee_script.h format)
    std::filesystem::path log;         // event log; default: the user data folder
    std::filesystem::path screenshot;  // write a PNG of the reading room at `at` seconds, then exit
    std::optional<double> at;
    int benchFrames = 0;               // scroll this many frames and print frame-time percentiles
    bool resume = false;               // continue the session in `log` instead of starting a new one
    bool examMode = false;
    bool sound = true;
    int width = 1600, height = 900;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// Returns the process exit status. Throws std::runtime_error for errors a user caused (bad scenario, no display).
int runApp(const RunOptions& options);

}  // namespace polysim::gui
