// Matching rules between what the trainee did and the scenario's ground truth.
#include "session/matching.h"

#include "session/lexicon.h"

#include <cctype>
#include <cmath>

namespace polysim::session {

std::string normaliseText(std::string_view text) {
    std::string out;
    bool space = false;
    for (unsigned char c : text) {
        if (std::isalnum(c)) {
            if (space && !out.empty()) out += ' ';
            space = false;
            out += char(std::tolower(c));
        } else {
            space = true;
        }
    }
    return out;
}

bool matchesSearch(std::string_view text, std::string_view query) {
    const std::string t = normaliseText(text), q = normaliseText(query);
    for (std::size_t at = 0; at < q.size();) {
        std::size_t end = q.find(' ', at);
        if (end == std::string::npos) end = q.size();
        if (t.find(q.substr(at, end - at)) == std::string::npos) return false;
        at = end + 1;
    }
    return true;
}

bool containsPhrase(std::string_view text, std::string_view phrase) {
    std::string t = " " + normaliseText(text) + " ";
    std::string p = normaliseText(phrase);
    if (p.empty()) return false;
    return t.find(" " + p + " ") != std::string::npos;
}

bool textNamesFinding(std::string_view text, const scenario::Finding& finding) {
    return nameFinding(text, finding).level == Naming::Full;
}

bool markOnFinding(const glm::dvec3& lps, const scenario::Finding& finding, double marginMm) {
    glm::dvec3 half = finding.extentMm / 2.0 + glm::dvec3(marginMm);
    glm::dvec3 d = glm::abs(lps - finding.centreLps);
    return d.x <= half.x && d.y <= half.y && d.z <= half.z;
}

bool windowSuits(const imaging::Window& window, const std::vector<std::string>& presets) {
    for (const auto& name : presets) {
        const auto* p = imaging::findWindowPreset(name);
        if (!p) continue;
        double w = p->window.width;
        if (std::abs(window.width - w) <= 0.25 * w && std::abs(window.level - p->window.level) <= 0.25 * w) return true;
    }
    return false;
}

std::vector<std::string> findingWindows(const scenario::Scenario& scenario, const scenario::Finding& finding) {
    if (!finding.windows.empty()) return finding.windows;
    if (const auto* r = scenario.findRegion(finding.region)) return r->windows;
    return {};
}

bool seriesShowsRegion(const std::string& series, const scenario::Region& region) {
    return !series.empty() && (region.series.empty() || region.series == series);
}

namespace {
bool seriesCovers(const std::map<std::string, std::pair<double, double>>* seriesZMm, const std::string& series,
                  double z) {
    if (!seriesZMm) return true;
    auto it = seriesZMm->find(series);
    return it == seriesZMm->end() || (z >= it->second.first - 0.5 && z <= it->second.second + 0.5);
}
}  // namespace

bool findingOnScout(const scenario::Finding& finding) {
    if (finding.onScout) return *finding.onScout;
    const auto* d = diagnosisOf(finding);
    return d && d->onScout;
}

std::vector<std::string> findingWindowsIn(const ViewState& view, const scenario::Scenario& scenario,
                                          const scenario::Finding& finding) {
    if (view.projection)
        for (const auto& r : scenario.regions)
            if (r.series == view.series && !r.windows.empty()) return r.windows;
    return findingWindows(scenario, finding);
}

bool findingOnScreen(const ViewState& view, const scenario::Finding& finding, const scenario::Scenario& scenario,
                     double fieldOfViewMm, const std::map<std::string, std::pair<double, double>>* seriesZMm) {
    const auto* region = scenario.findRegion(finding.region);
    if (view.series.empty()) return false;
    // A scout shows only what its own region (tube position, gross pneumothorax...) is about, and what is gross
    // enough to show on a projection.
    if (view.projection) return (region && region->series == view.series) || findingOnScout(finding);
    if (region && !seriesShowsRegion(view.series, *region)) return false;
    if (!seriesCovers(seriesZMm, view.series, finding.centreLps.z)) return false;
    const int normal = imaging::normalAxis(view.plane);
    glm::dvec3 half = finding.extentMm / 2.0;
    if (std::abs(view.cursor[normal] - finding.centreLps[normal]) > half[normal]) return false;
    if (view.zoom <= 1.0) return true;
    // Zoomed in: the visible square around the pan centre must overlap the finding's box in the plane.
    int a = normal == 0 ? 1 : 0, b = normal == 2 ? 1 : 2;
    double visibleHalf = fieldOfViewMm / 2.0 / view.zoom;
    return std::abs(view.panMm.x - finding.centreLps[a]) <= visibleHalf + half[a] &&
           std::abs(view.panMm.y - finding.centreLps[b]) <= visibleHalf + half[b];
}

bool regionOnScreen(const ViewState& view, const scenario::Region& region,
                    const std::map<std::string, std::pair<double, double>>* seriesZMm) {
    if (view.projection) return !view.series.empty() && region.series == view.series;
    if (!seriesShowsRegion(view.series, region) || !region.readIn(view.plane)) return false;
    const auto span = region.sweep(view.plane);
    if (!span) return false;
    const double at = view.cursor[imaging::normalAxis(view.plane)];
    if (at < span->first || at > span->second) return false;
    if (view.plane == Plane::Axial) return seriesCovers(seriesZMm, view.series, at);
    // A reformat shows its series' whole z range at once: the region, when the series holds all of its z range.
    return seriesCovers(seriesZMm, view.series, region.zFromMm) && seriesCovers(seriesZMm, view.series, region.zToMm);
}

}  // namespace polysim::session
