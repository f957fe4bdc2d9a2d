// Loading the scenario's series for the reading room (see series_source.h).
#include "gui/series_source.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>

#include "gui/view_geometry.h"
#include "imaging/scout.h"
#include "phantom/phantom.h"
#include "scenario/phantom_source.h"

namespace polysim::gui {
namespace fs = std::filesystem;

std::string missingImages(const scenario::Scenario& scenario) {
    if (scenario.images.phantom) return {};
    for (const auto& spec : scenario.images.series) {
        const std::string& text = spec.folderText.empty() ? spec.folder.string() : spec.folderText;
        std::string var;
        if (text.size() > 1 && text[0] == '$') {
            std::size_t from = text[1] == '{' ? 2 : 1;
            std::size_t to = from;
            while (to < text.size() && (std::isalnum((unsigned char)text[to]) || text[to] == '_')) ++to;
            var = text.substr(from, to - from);
        }
        std::string how = var.empty() ? "put the DICOM series there or change the series' folder in the scenario file"
                                      : "download the data and point " + var + " at the folder that holds it (export " +
                                            var + "=/path/to/data)";
        how += "; see scenarios/README.md, \"A DICOM case\"";
        if (spec.folder.empty())
            return "the images of series '" + spec.id + "' are not on this machine: its folder \"" + text +
                   "\" needs the environment variable " + var + ", which is not set; " + how;
        std::error_code ec;
        if (!fs::is_directory(spec.folder, ec))
            return "the images of series '" + spec.id + "' are not on this machine: no folder " + spec.folder.string() +
                   (text != spec.folder.string() ? " (\"" + text + "\" in the scenario)" : "") + "; " + how;
    }
    return {};
}

SeriesSource::SeriesSource(const scenario::Scenario& scenario) : scenario_(scenario) {
    for (const auto& s : scenario.images.series) order_.push_back(&s);
    std::stable_sort(order_.begin(), order_.end(),
                     [](auto* a, auto* b) { return a->arrivalSeconds < b->arrivalSeconds; });
    // The scout is one localizer image, not a stack: it is read on its own (the phantom's from its cached study
    // once that is ready, a DICOM case's from its folder at once). A DICOM case without a scout, or whose scout
    // cannot be read, gets an AP projection of its body series once that has loaded (kComputedScoutId when none
    // is declared).
    std::erase_if(order_, [&](auto* s) {
        if (s->kind != phantom::SeriesKind::Scout) return false;
        scoutSpec_ = s;
        return true;
    });
    if (!scenario.images.phantom && !order_.empty()) {
        // The body series: the first that is not the head (a head-only case projects its head).
        auto body =
            std::find_if(order_.begin(), order_.end(), [](auto* s) { return s->kind != phantom::SeriesKind::Head; });
        scoutFrom_ = (body != order_.end() ? *body : order_.front())->id;
        if (const auto* source = session::computedScoutSource(scenario)) scoutFrom_ = source->id;  // the session's rule
        scout_.first = scoutSpec_ ? scoutSpec_->id : std::string(kComputedScoutId);
        if (scoutSpec_)
            startScout();
        else
            projectScout_ = true;
    }
    if (scenario.images.phantom) {
        preparing_ = true;
        auto options = scenario::phantomOptionsFor(scenario);
        generating_ = std::async(std::launch::async, [this, options] {
            return phantom::ensureCachedStudy(
                options,
                [this](double f, std::string_view stage) {
                    stopIfCancelled();
                    fraction_ = f;
                    std::lock_guard lock(stageMutex_);
                    stage_ = std::string(stage);
                },
                [this](phantom::SeriesKind kind, std::shared_ptr<const imaging::Volume> volume, bool growing) {
                    std::lock_guard lock(streamedMutex_);
                    streamed_[kind] = std::move(volume);
                    if (growing)
                        growing_.insert(kind);
                    else
                        growing_.erase(kind);
                });
        });
    }
}

void SeriesSource::stopIfCancelled() const {
    if (cancelled_) throw Cancelled();
}

SeriesSource::~SeriesSource() {
    // A room left while the phantom is being made does not wait for it: the generation stops at its next slice and
    // takes its partial folder with it (the next run starts it again).
    cancelled_ = true;
    if (generating_.valid()) generating_.wait();
    if (starting_.valid()) starting_.wait();
    if (scout_.second.valid()) scout_.second.wait();
}

std::string SeriesSource::prepareStage() const {
    std::lock_guard lock(stageMutex_);
    return stage_;
}

fs::path SeriesSource::folderOf(const scenario::SeriesSpec& spec) const {
    if (!scenario_.images.phantom) return spec.folder;
    if (spec.kind)
        if (auto folder = phantom::studySeriesFolder(phantomStudy_, *spec.kind); !folder.empty()) return folder;
    throw std::runtime_error(phantomStudy_.string() + ": the phantom study has no '" +
                             std::string(scenario::seriesKindText(spec.kind)) + "' series");
}

void SeriesSource::poll() {
    if (!error_.empty()) return;
    try {
        if (preparing_) {
            if (generating_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
            phantomStudy_ = generating_.get();
            preparing_ = false;
            // The series generated in this run are complete in memory: kept, not read again from the cache.
            {
                std::lock_guard lock(streamedMutex_);
                for (const auto& [kind, vol] : streamed_)
                    if (vol->complete())
                        for (const auto& spec : scenario_.images.series)
                            if (spec.kind == kind) volumes_[spec.id] = vol;
                streamed_.clear();
                growing_.clear();
            }
            std::erase_if(order_, [&](auto* spec) { return volumes_.count(spec->id) > 0; });
            if (scoutSpec_ && !volumes_.count(scoutSpec_->id)) {
                scout_.first = scoutSpec_->id;
                startScout();
            }
        }
        if (scout_.second.valid() && scout_.second.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
            try {
                volumes_[scout_.first] = scout_.second.get();
            } catch (const std::exception&) {
                if (scoutFrom_.empty()) throw;  // the phantom's own scout must read
                projectScout_ = true;           // a DICOM case: its body series stands in
            }
        }
        if (starting_.valid()) {
            if (starting_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
            current_ = starting_.get();
            volumes_[currentId_] = current_->volume();
        }
        if (current_ && current_->finished()) {
            current_->report();  // rethrows a fatal decoding error
            finished_.push_back(std::move(current_));
        }
        if (projectScout_ && !scout_.second.valid() && !volumes_.count(scout_.first))
            if (auto body = volume(scoutFrom_); body && body->complete())
                scout_.second = std::async(
                    std::launch::async, [body] { return std::shared_ptr<const imaging::Volume>(projectScout(*body)); });
        if (!current_ && !starting_.valid() && next_ < order_.size()) startNext();
    } catch (const std::exception& e) {
        error_ = e.what();
        throw;
    }
}

void SeriesSource::startScout() {
    scout_.second = std::async(std::launch::async,
                               [folder = folderOf(*scoutSpec_),
                                uid = scenario_.images.phantom ? std::string() : scoutSpec_->seriesInstanceUid] {
                                   return std::shared_ptr<const imaging::Volume>(imaging::loadLocalizer(folder, uid));
                               });
}

void SeriesSource::startNext() {
    const auto* spec = order_[next_++];
    currentId_ = spec->id;
    starting_ = std::async(
        std::launch::async,
        [folder = folderOf(*spec), uid = scenario_.images.phantom ? std::string() : spec->seriesInstanceUid] {
            return imaging::StreamingLoad::start(folder, uid);
        });
}

std::shared_ptr<const imaging::Volume> SeriesSource::volume(const std::string& id) const {
    auto it = volumes_.find(id);
    if (it != volumes_.end()) return it->second;
    if (!preparing_) return nullptr;
    std::lock_guard lock(streamedMutex_);
    for (const auto& spec : scenario_.images.series)
        if (spec.id == id)
            if (auto s = spec.kind ? streamed_.find(*spec.kind) : streamed_.end(); s != streamed_.end())
                return s->second;
    return nullptr;
}

bool SeriesSource::begun() const {
    if (!preparing_) return true;
    std::lock_guard lock(streamedMutex_);
    return !streamed_.empty();
}

bool SeriesSource::seriesComplete(const std::string& id) const {
    const auto v = volume(id);
    if (!v || !v->complete()) return false;
    if (!preparing_) return true;
    std::lock_guard lock(streamedMutex_);
    for (const auto& spec : scenario_.images.series)
        if (spec.id == id && spec.kind && growing_.count(*spec.kind)) return false;
    return true;
}

bool SeriesSource::allLoaded() const {
    return !preparing_ && !current_ && !starting_.valid() && !scout_.second.valid() && next_ >= order_.size() &&
           (!projectScout_ || volumes_.count(scout_.first));
}

}  // namespace polysim::gui
