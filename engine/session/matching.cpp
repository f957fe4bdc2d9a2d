// Matching rules between what the trainee did and the scenario's ground truth.
#include "session/matching.h"

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
    if (normaliseText(text).empty()) return false;
    if (containsPhrase(text, finding.label)) return true;
    auto comma = finding.label.find(',');
    if (comma != std::string::npos && containsPhrase(text, finding.label.substr(0, comma))) return true;
    for (const auto& s : finding.synonyms)
        if (containsPhrase(text, s)) return true;
    return containsPhrase(text, finding.id);  // normalising turns '_' into a space
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

bool findingOnScreen(const ViewState& view, const scenario::Finding& finding, const scenario::Scenario& scenario,
                     double fieldOfViewMm) {
    const auto* region = scenario.findRegion(finding.region);
    if (view.series.empty() || (region && !seriesShowsRegion(view.series, *region))) return false;
    // A scout shows only what its own region (tube position, gross pneumothorax...) is about.
    if (view.projection) return region && region->series == view.series;
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

bool regionOnScreen(const ViewState& view, const scenario::Region& region) {
    if (view.projection) return !view.series.empty() && region.series == view.series;
    return view.plane == Plane::Axial && seriesShowsRegion(view.series, region) && view.cursor.z >= region.zFromMm &&
           view.cursor.z <= region.zToMm;
}

}  // namespace polysim::session
