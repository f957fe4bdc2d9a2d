// The instructors' authoring mode: a scenario's images in the viewer, findings placed at the crosshair, texts
// edited, diagnostics shown live, and the case saved back as TOML that loadScenario reads as the same model.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "authoring/model.h"

namespace polysim::gui {

// The model and the quit guard live in engine/authoring (no window); the screen uses them under these names.
using authoring::AuthoringModel;
using authoring::QuitGuard;

struct AuthoringOptions {
    std::filesystem::path scenario;
    std::filesystem::path out;         // empty: save over the scenario file
    std::filesystem::path screenshot;  // render the authoring screen once the images are loaded, write a PNG, exit
    int width = 1600, height = 900;
    std::vector<std::string> notes;  // what the author must do next (a new case's skeleton), shown in the panel
};

// Returns the exit status; throws std::runtime_error for a scenario that does not load or no display.
int runAuthoring(const AuthoringOptions& options);

}  // namespace polysim::gui
