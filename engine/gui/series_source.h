// Where the reading room's images come from: the scenario's DICOM folders, or the built-in phantom generated once
// into the user cache (in the background, with progress), shown as it is made and kept from there. Series load one
// after another in order of arrival, each slice visible as soon as it is decoded.
#pragma once

#include <atomic>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "imaging/dicom_loader.h"
#include "imaging/volume.h"
#include "scenario/scenario.h"
#include "session/session.h"

namespace polysim::gui {

// Why the scenario's images cannot be shown on this machine (a DICOM folder that is not there, or a folder under an
// environment variable that is not set), naming the folder and how to provide it; empty when they can.
std::string missingImages(const scenario::Scenario& scenario);

// The id under which SeriesSource offers a computed scout for a case whose series include none.
inline constexpr const char* kComputedScoutId = "computed-scout";
static_assert(session::kComputedScout == kComputedScoutId, "the session opens it under the same id");

class SeriesSource {
public:
    explicit SeriesSource(const scenario::Scenario& scenario);
    ~SeriesSource();

    const scenario::Scenario& scenario() const { return scenario_; }

    // Call once per frame: starts the next load when the previous one is done. Throws std::runtime_error with the
    // reason (phantom generation failed, no CT series in a folder...).
    void poll();

    // The volume of a scenario series (empty until its load has started). Slices fill in as they are decoded.
    // A DICOM case's scout (declared, or kComputedScoutId when none is) is projected from its body series once
    // that has loaded.
    std::shared_ptr<const imaging::Volume> volume(const std::string& seriesId) const;
    // Preparing the phantom study (first use only): fraction and stage for a progress bar. Meanwhile volume() gives
    // each series as it is generated, its slices filling in; once the study is in the cache those volumes are kept
    // (they hold exactly the voxels the files hold), and only what was not generated here is read from disk.
    bool preparing() const { return preparing_; }
    // The scan can start: the images are ready, or the phantom being made has its first image (the scout, growing
    // from the top) to show. The series after it are made in order of arrival while the session runs.
    bool begun() const;
    double prepareFraction() const { return fraction_.load(); }
    std::string prepareStage() const;
    bool allLoaded() const;
    // Every image of the series is there (a scout still growing from the top is not).
    bool seriesComplete(const std::string& seriesId) const;
    std::string error() const { return error_; }

private:
    struct Cancelled : std::runtime_error {
        Cancelled() : std::runtime_error("the images are no longer needed") {}
    };
    void stopIfCancelled() const;  // throws Cancelled once the source is being destroyed
    void startNext();
    void startScout();
    std::filesystem::path folderOf(const scenario::SeriesSpec& spec) const;

    const scenario::Scenario& scenario_;
    std::vector<const scenario::SeriesSpec*> order_;  // by arrival
    std::size_t next_ = 0;
    std::filesystem::path phantomStudy_;
    std::future<std::filesystem::path> generating_;
    bool preparing_ = false;
    std::atomic<bool> cancelled_{false};
    std::atomic<double> fraction_{0.0};
    mutable std::mutex stageMutex_;
    std::string stage_;
    std::string error_;
    std::unique_ptr<imaging::StreamingLoad> current_;
    // Reading a series' headers takes a second or more: done off the UI thread so scrolling never stalls.
    std::future<std::unique_ptr<imaging::StreamingLoad>> starting_;
    std::pair<std::string, std::future<std::shared_ptr<const imaging::Volume>>> scout_;
    const scenario::SeriesSpec* scoutSpec_ = nullptr;  // the case's scout series, if it has one
    std::string scoutFrom_;                            // DICOM: the body series a scout is projected from
    bool projectScout_ = false;  // DICOM: no scout of its own (or it did not read): project the body series
    std::string currentId_;
    std::map<std::string, std::shared_ptr<const imaging::Volume>> volumes_;
    // The phantom's series by kind name, as they are being generated (filled from the generating thread).
    mutable std::mutex streamedMutex_;
    std::map<phantom::SeriesKind, std::shared_ptr<const imaging::Volume>> streamed_;
    std::set<phantom::SeriesKind> growing_;  // one-image series shown as they grow
    std::vector<std::unique_ptr<imaging::StreamingLoad>> finished_;
};

}  // namespace polysim::gui
