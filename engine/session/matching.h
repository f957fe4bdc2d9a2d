// How the engine decides what the trainee saw and said: whether a window suits a region or finding, whether a
// finding is on screen, whether words name a finding. Shared by the session (deteriorations) and scoring.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <glm/glm.hpp>

#include "imaging/window.h"
#include "scenario/scenario.h"
#include "session/session.h"

namespace polysim::session {

// Lower case, every run of non-letters/digits as one space, trimmed: "Tension-PTX, right!" -> "tension ptx right".
std::string normaliseText(std::string_view text);
// True when normalised `phrase` occurs in normalised `text` as whole words.
bool containsPhrase(std::string_view text, std::string_view phrase);
// A search box's looser rule (the mark picker; never scoring): every word typed occurs somewhere in `text`, whole
// or as part of a word ("sple lac" finds "Splenic laceration"). An empty query finds everything.
bool matchesSearch(std::string_view text, std::string_view query);

// Words name a finding when they name its diagnosis in full, with its essential element (session/lexicon.h): its
// label's first clause, a synonym, its id or a name the trauma lexicon knows, words in any order, not negated.
bool textNamesFinding(std::string_view text, const scenario::Finding& finding);

// A mark is on a finding when it lies in the finding's box grown by `marginMm` on every side.
inline constexpr double kMarkMarginMm = 10.0;
bool markOnFinding(const glm::dvec3& lps, const scenario::Finding& finding, double marginMm = kMarkMarginMm);

// A window suits a list of presets when it is one of them or close to one: width within 25 % and level within a
// quarter of the preset's width (a lung window nudged to 1400/-550 still shows a pneumothorax).
bool windowSuits(const imaging::Window& window, const std::vector<std::string>& presets);
// The windows in which a finding counts as seen (its own list, else its region's).
std::vector<std::string> findingWindows(const scenario::Scenario& scenario, const scenario::Finding& finding);

// The region's series matches the view's (or the region names none).
bool seriesShowsRegion(const std::string& series, const scenario::Region& region);
// The shown slice cuts the finding's box and, when zoomed in, the box is inside the visible part of the image.
// The view's series must cover the finding's level (SessionOptions::seriesZMm, when given): a coronal or sagittal
// reformat shows only the z range of its series. A scout shows the findings of its own region and those that show
// on a scout (Finding::onScout, else the lexicon).
bool findingOnScreen(const ViewState& view, const scenario::Finding& finding, const scenario::Scenario& scenario,
                     double fieldOfViewMm, const std::map<std::string, std::pair<double, double>>* seriesZMm = nullptr);
// A slice of a plane the region is read in (Region::planes), inside the span a sweep of that plane crosses: an axial
// slice inside the region's z range (and inside the series' z range, when given), a sagittal one inside its x span, a
// coronal one inside its y span, in a series that holds the region's whole z range; in a series that shows the
// region. Or the scout, for a region read on the scout.
bool regionOnScreen(const ViewState& view, const scenario::Region& region,
                    const std::map<std::string, std::pair<double, double>>* seriesZMm = nullptr);
// The finding shows on a scout image.
bool findingOnScout(const scenario::Finding& finding);
// The windows in which the view shows the finding: on a scout, those of the region the scout is read for.
std::vector<std::string> findingWindowsIn(const ViewState& view, const scenario::Scenario& scenario,
                                          const scenario::Finding& finding);

}  // namespace polysim::session
