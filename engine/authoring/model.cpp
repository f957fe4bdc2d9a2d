// The authoring model and the quit guard (see model.h): what the authoring screen edits, with no window.
#include "authoring/model.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string_view>
#include <utility>
#include <vector>

#include "scenario/writer.h"

namespace polysim::authoring {
namespace fs = std::filesystem;

AuthoringModel::AuthoringModel(scenario::Scenario scenario, fs::path outFile)
    : scenario_(std::move(scenario)), outFile_(std::move(outFile)) {}

namespace {
// Windows that suit the tissue under a point, most telling first: the lung window for air and lung, the bone window
// for bone; for everything else the organ windows (brain before the rest: soft tissue at the head's z is the brain)
// before the plain soft-tissue window.
std::vector<std::string_view> windowsForTissue(double hu) {
    if (hu < -300) return {"lung"};
    if (hu >= 300) return {"bone"};
    return {"brain", "subdural", "mediastinum", "liver", "soft_tissue"};
}

// How well a region's windows suit the tissue: (rank of the best suiting window in the tissue's list, position of
// that window in the region's own list); lower is better, and a region with no suiting window comes last.
std::pair<std::size_t, std::size_t> suitability(const scenario::Region& r, const std::vector<std::string_view>& want) {
    std::pair<std::size_t, std::size_t> best{want.size(), 0};
    for (std::size_t i = 0; i < r.windows.size(); ++i) {
        auto it = std::find(want.begin(), want.end(), r.windows[i]);
        if (it != want.end()) best = std::min(best, std::make_pair(std::size_t(it - want.begin()), i));
    }
    return best;
}
}  // namespace

scenario::Finding& AuthoringModel::addFindingAt(glm::dvec3 lps, std::optional<double> hu) {
    scenario::Finding f;
    for (int n = int(scenario_.findings.size()) + 1;; ++n) {
        f.id = "finding_" + std::to_string(n);
        if (!scenario_.findFinding(f.id)) break;
    }
    f.label = "new finding";
    f.centreLps = lps;
    f.deadlineSeconds = scenario::defaultDeadlineSeconds(f.acrCategory, scenario_.durationSeconds);
    f.tell = scenario::defaultTell(f.acrCategory);
    auto orderOf = [&](const std::string& id) {
        auto it = std::find(scenario_.readingOrder.begin(), scenario_.readingOrder.end(), id);
        return std::size_t(it - scenario_.readingOrder.begin());
    };
    const auto want = hu ? windowsForTissue(*hu) : std::vector<std::string_view>{};
    const scenario::Region* chosen = nullptr;
    auto key = [&](const scenario::Region& r) {
        return std::make_tuple(suitability(r, want), r.zToMm - r.zFromMm, orderOf(r.id));
    };
    for (const auto& r : scenario_.regions) {
        if (r.id == "scout" || lps.z < r.zFromMm || lps.z > r.zToMm) continue;
        if (!chosen || key(r) < key(*chosen)) chosen = &r;
    }
    if (chosen) f.region = chosen->id;
    scenario_.findings.push_back(std::move(f));
    touch();
    return scenario_.findings.back();
}

void AuthoringModel::removeFinding(std::size_t index) {
    if (index >= scenario_.findings.size()) return;
    scenario_.findings.erase(scenario_.findings.begin() + long(index));
    touch();
}

void AuthoringModel::setCategory(scenario::Finding& f, int acrCategory) {
    acrCategory = std::clamp(acrCategory, 1, 3);
    if (acrCategory == f.acrCategory) return;
    const double duration = scenario_.durationSeconds;
    if (f.deadlineSeconds == scenario::defaultDeadlineSeconds(f.acrCategory, duration))
        f.deadlineSeconds = scenario::defaultDeadlineSeconds(acrCategory, duration);
    if (f.tell == scenario::defaultTell(f.acrCategory)) f.tell = scenario::defaultTell(acrCategory);
    f.acrCategory = acrCategory;
    touch();
}

std::vector<scenario::Diagnostic> AuthoringModel::validate() const {
    scenario::LoadOptions o;
    o.scanDicom = false;
    return scenario::validateScenario(scenario_, o);
}

int AuthoringModel::commentsLostBySaving() const {
    // Asked every frame while a question shows: worked out again only after an edit, a save or Save as.
    if (lostFor_ && lostFor_->first == edits_ && lostFor_->second == outFile_) return lost_;
    lost_ = 0;
    if (std::ifstream in(outFile_, std::ios::binary); in) {
        std::stringstream before;
        before << in.rdbuf();
        lost_ = scenario::commentsLost(before.str(), scenario::scenarioText(scenario_, outFile_));
    }
    lostFor_ = {edits_, outFile_};
    return lost_;
}

bool AuthoringModel::save(std::string* error) {
    if (acceptedLoss_ != outFile_)
        if (const int lost = commentsLostBySaving(); lost > 0) {
            if (error)
                *error = outFile_.string() + " has " + std::to_string(lost) +
                         " comment(s) that saving would drop: " + "save as another file, or overwrite";
            return false;
        }
    lostFor_.reset();  // the file changes
    if (!scenario::saveScenario(scenario_, outFile_, error)) return false;
    savedEdits_ = edits_;
    return true;
}

void QuitGuard::request(const AuthoringModel& model) {
    if (model.unsaved())
        asking_ = true;
    else
        quit_ = true;
}

void QuitGuard::answer(Answer answer, AuthoringModel& model) {
    if (!asking_) return;
    error_.clear();
    switch (answer) {
        case Answer::SaveAndQuit:
            if (!model.save(&error_)) return;  // the question stays open with the reason
            quit_ = true;
            break;
        case Answer::QuitWithoutSaving:
            quit_ = true;
            break;
        case Answer::Cancel:
            break;
    }
    asking_ = false;
}

}  // namespace polysim::authoring
