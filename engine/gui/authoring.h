// The instructors' authoring mode: a scenario's images in the viewer, findings placed at the crosshair, texts
// edited, diagnostics shown live, and the case saved back as TOML that loadScenario reads as the same model.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <glm/glm.hpp>

#include "scenario/loader.h"
#include "scenario/scenario.h"

namespace polysim::gui {

// What the authoring screen edits, without any GUI: the tests drive this directly.
class AuthoringModel {
public:
    AuthoringModel(scenario::Scenario scenario, std::filesystem::path outFile);

    scenario::Scenario& scenario() { return scenario_; }
    const scenario::Scenario& scenario() const { return scenario_; }
    const std::filesystem::path& outFile() const { return outFile_; }

    // A new Category 1 finding centred at `lps` (patient mm), with an id not yet used and the region whose z range
    // holds the position (the first such region in reading order). Returns the new finding.
    scenario::Finding& addFindingAt(glm::dvec3 lps);
    void removeFinding(std::size_t index);

    // The loader's rules on the model as edited (DICOM headers are not rescanned, so this is cheap every edit).
    std::vector<scenario::Diagnostic> validate() const;
    // Writes outFile() with scenario::saveScenario. Returns false with the reason in `error`.
    bool save(std::string* error = nullptr);

    // Every edit ends with touch(): the case then has changes that are not saved yet.
    void touch() { ++edits_; }
    std::uint64_t edits() const { return edits_; }
    bool unsaved() const { return edits_ != savedEdits_; }

private:
    scenario::Scenario scenario_;
    std::filesystem::path outFile_;
    std::uint64_t edits_ = 0, savedEdits_ = 0;
};

struct AuthoringOptions {
    std::filesystem::path scenario;
    std::filesystem::path out;         // empty: save over the scenario file
    std::filesystem::path screenshot;  // render the authoring screen once the images are loaded, write a PNG, exit
    int width = 1600, height = 900;
};

// Returns the exit status; throws std::runtime_error for a scenario that does not load or no display.
int runAuthoring(const AuthoringOptions& options);

}  // namespace polysim::gui
