// Loading the scenario's series for the reading room (see series_source.h).
#include "gui/series_source.h"

#include <algorithm>
#include <stdexcept>

#include "phantom/phantom.h"
#include "scenario/phantom_source.h"

namespace polysim::gui {
namespace fs = std::filesystem;

SeriesSource::SeriesSource(const scenario::Scenario& scenario) : scenario_(scenario) {
    for (const auto& s : scenario.images.series) order_.push_back(&s);
    std::stable_sort(order_.begin(), order_.end(),
                     [](auto* a, auto* b) { return a->arrivalSeconds < b->arrivalSeconds; });
    // The scout is a projection the DICOM loader does not stack into a volume: the phantom's scout is made in
    // memory alongside; a DICOM case's scout is not shown.
    std::erase_if(order_, [&](auto* s) {
        if (s->kind != "scout") return false;
        if (scenario.images.phantom)
            scout_ = {s->id, std::async(std::launch::async, [o = scenario::phantomOptionsFor(scenario)] {
                          return std::shared_ptr<const imaging::Volume>(
                              phantom::generateSeries(o, phantom::SeriesKind::Scout));
                      })};
        return true;
    });
    if (scenario.images.phantom) {
        preparing_ = true;
        auto options = scenario::phantomOptionsFor(scenario);
        generating_ = std::async(std::launch::async, [this, options] {
            return phantom::ensureCachedStudy(options, [this](double f, std::string_view stage) {
                fraction_ = f;
                std::lock_guard lock(stageMutex_);
                stage_ = std::string(stage);
            });
        });
    }
}

SeriesSource::~SeriesSource() {
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
    // The phantom writes each series to <number>_<kind>/.
    for (const auto& e : fs::directory_iterator(phantomStudy_)) {
        std::string name = e.path().filename().string();
        if (e.is_directory() && name.size() > spec.kind.size() && name.ends_with("_" + spec.kind)) return e.path();
    }
    throw std::runtime_error(phantomStudy_.string() + ": the phantom study has no '" + spec.kind + "' series");
}

void SeriesSource::poll() {
    if (!error_.empty()) return;
    try {
        if (preparing_) {
            if (generating_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
            phantomStudy_ = generating_.get();
            preparing_ = false;
        }
        if (scout_.second.valid() && scout_.second.wait_for(std::chrono::seconds(0)) == std::future_status::ready)
            volumes_[scout_.first] = scout_.second.get();
        if (starting_.valid()) {
            if (starting_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
            current_ = starting_.get();
            volumes_[currentId_] = current_->volume();
        }
        if (current_ && current_->finished()) {
            current_->report();  // rethrows a fatal decoding error
            finished_.push_back(std::move(current_));
        }
        if (!current_ && !starting_.valid() && next_ < order_.size()) startNext();
    } catch (const std::exception& e) {
        error_ = e.what();
        throw;
    }
}

void SeriesSource::startNext() {
    const auto* spec = order_[next_++];
    currentId_ = spec->id;
    starting_ = std::async(std::launch::async, [folder = folderOf(*spec),
                                                uid = scenario_.images.phantom ? std::string() : spec->seriesInstanceUid] {
        return imaging::StreamingLoad::start(folder, uid);
    });
}

std::shared_ptr<const imaging::Volume> SeriesSource::volume(const std::string& id) const {
    auto it = volumes_.find(id);
    return it == volumes_.end() ? nullptr : it->second;
}

bool SeriesSource::allLoaded() const {
    return !preparing_ && !current_ && !starting_.valid() && !scout_.second.valid() && next_ >= order_.size();
}

}  // namespace polysim::gui
