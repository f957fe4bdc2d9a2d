// What an instructor edits in the authoring mode, with no window: the case being written (findings placed where the
// author means them, categories with their defaults, live validation, saving that never drops comments unasked) and
// the guard that keeps quitting from losing edits. The authoring screen (gui/authoring.h) draws on these; the tests
// drive them directly.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <glm/glm.hpp>

#include "scenario/loader.h"
#include "scenario/scenario.h"

namespace polysim::authoring {

// What the authoring screen edits, without any GUI: the tests drive this directly.
class AuthoringModel {
public:
    AuthoringModel(scenario::Scenario scenario, std::filesystem::path outFile);

    scenario::Scenario& scenario() { return scenario_; }
    const scenario::Scenario& scenario() const { return scenario_; }
    const std::filesystem::path& outFile() const { return outFile_; }

    // A new Category 1 finding centred at `lps` (patient mm), with an id not yet used and the region an author
    // means there: among the regions whose z range holds the position, one whose windows suit the tissue under the
    // point (`hu`: lung window for air and lung, bone window for bone, brain for the head, soft tissue otherwise;
    // a region's first window counts more than its others), then the narrowest, then the first in reading order.
    // Without `hu`, the narrowest holding region. Returns the new finding.
    // It gets the format's defaults for Category 1: the deadline (5 min, or the session end if sooner) and the trauma
    // team leader to tell.
    scenario::Finding& addFindingAt(glm::dvec3 lps, std::optional<double> hu = std::nullopt);
    void removeFinding(std::size_t index);
    // A new category for the finding; its deadline and who to tell follow the category's defaults while they are
    // still the old category's defaults (a deadline or a list the author chose stays).
    void setCategory(scenario::Finding& finding, int acrCategory);

    // The loader's rules on the model as edited (DICOM headers are not rescanned, so this is cheap every edit).
    std::vector<scenario::Diagnostic> validate() const;
    // Writes outFile() with scenario::saveScenario. Returns false with the reason in `error`; also while saving would
    // drop comments of the file there (commentsLostBySaving) that the author has not agreed to lose.
    bool save(std::string* error = nullptr);
    // Comments of the file at outFile() that a save would not keep: the ones opening the file are kept, those further
    // down (on keys, between sections) are not. 0 when there is no such file.
    int commentsLostBySaving() const;
    // The author chose Overwrite: the next saves to outFile() go ahead despite the lost comments.
    void acceptCommentLoss() { acceptedLoss_ = outFile_; }
    // Save as: from now on the case is saved to `file`.
    void setOutFile(std::filesystem::path file) { outFile_ = std::move(file); }

    // Every edit ends with touch(): the case then has changes that are not saved yet.
    void touch() { ++edits_; }
    std::uint64_t edits() const { return edits_; }
    bool unsaved() const { return edits_ != savedEdits_; }

private:
    scenario::Scenario scenario_;
    std::filesystem::path outFile_, acceptedLoss_;
    std::uint64_t edits_ = 0, savedEdits_ = 0;
    mutable std::optional<std::pair<std::uint64_t, std::filesystem::path>> lostFor_;  // what lost_ was counted for
    mutable int lost_ = 0;
};

// Quitting never loses edits: with unsaved changes, closing the window or Ctrl+Q asks "Save and quit /
// Quit without saving / Cancel" first. Pure state, so the tests drive the decision without a window.
class QuitGuard {
public:
    enum class Answer { SaveAndQuit, QuitWithoutSaving, Cancel };
    // The author asked to quit: quits at once when nothing is unsaved, else asks (asking twice still asks once).
    void request(const AuthoringModel& model);
    // The author's answer. SaveAndQuit quits only when the save worked; otherwise the question stays open with the
    // reason in error().
    void answer(Answer answer, AuthoringModel& model);
    bool asking() const { return asking_; }
    bool quit() const { return quit_; }
    const std::string& error() const { return error_; }

private:
    bool asking_ = false, quit_ = false;
    std::string error_;
};

}  // namespace polysim::authoring
