// Authoring panels for everything of a case that is not placed on the images: a finding's synonyms, roles to tell,
// windows and teaching point; regions and the reading order; the patient, vitals and deteriorations; the
// conclusion's key points. The edit operations behind the panels are plain functions on the model, so tests can
// drive them without a window.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gui/authoring_context.h"

namespace polysim::gui {

void drawFindingDetails(AuthoringContext& ctx, scenario::Finding& finding);
// The case's description ([meta]: title, author, version, difficulty, learning objectives, image licence), the
// session's length and when each series arrives.
void drawCaseAndSession(AuthoringContext& ctx);
// The expert report and teaching notes of the debrief.
void drawDebriefTexts(AuthoringContext& ctx);
void drawRegionsAndOrder(AuthoringContext& ctx);
void drawPatientAndVitals(AuthoringContext& ctx);
void drawConclusion(AuthoringContext& ctx);

// Leaves the field being typed in, as a click elsewhere would. Called at the start of a frame, before the widgets:
// the field then sees itself left in that frame, so an id field renames (the screen does this before a save or a
// quit that comes while typing).
void endTyping();

// ---- edit operations (no GUI) ----

// "a, b ,c" -> {"a", "b", "c"}: items trimmed, empty ones dropped.
std::vector<std::string> splitCommaList(std::string_view text);
// {"a", "b"} -> "a, b".
std::string joinCommaList(const std::vector<std::string>& items);

// `stem` + "_N" with the smallest N >= 1 not in `taken`.
std::string uniqueId(std::string_view stem, const std::vector<std::string>& taken);

// Adds `name` to `chosen` (at the end) or removes every copy of it; other entries keep their order.
void setChosen(std::vector<std::string>& chosen, const std::string& name, bool on);

// Moves the region at `index` of the reading order by `delta` places (-1: read earlier). Returns false when it
// cannot move (out of range).
bool moveInReadingOrder(scenario::Scenario& s, std::size_t index, int delta);
// Ids of the case's regions that the reading order leaves out (order scoring ignores them), in region order.
std::vector<std::string> regionsNotInOrder(const scenario::Scenario& s);
// A new region spanning 100 mm around `zCentreMm`, with a unique id, appended to the reading order.
scenario::Region& addRegion(scenario::Scenario& s, double zCentreMm);
// Removes the region and its place in the reading order (findings that name it are left for validation to flag).
void removeRegion(scenario::Scenario& s, std::size_t index);
// Reads the region in `plane` or not. A reformat plane ticked on gets a span to sweep if it has none: the phantom's
// for a default region of a phantom case, else the body's midline +-25 mm (sagittal) or +-100 mm (coronal) for the
// author to set. The last plane cannot be ticked off (the region could never count as read): returns false then.
bool setRegionPlane(const scenario::Scenario& s, scenario::Region& r, imaging::Plane plane, bool on);
// Why `id` cannot be the new id of a `what` ("region", "finding", ...) whose siblings have the ids `taken` (its own
// old id left out): empty, not lower-case letters, digits, '_' and '-', or already used. Empty when it can.
std::string idProblem(const std::string& id, const std::vector<std::string>& taken, std::string_view what);
// Renames an item and everything in the case that refers to it. Each returns why it refused (idProblem, or no item
// with id `from`), with nothing changed, or "" when done (also when `to` is `from`).
// A region: the reading order, findings, "when region opened" triggers.
std::string renameRegion(scenario::Scenario& s, const std::string& from, const std::string& to);
// A finding: deteriorations, the findings an interruption is about, "when finding on screen" triggers.
std::string renameFinding(scenario::Scenario& s, const std::string& from, const std::string& to);
// An interruption: "when ignored" triggers of the others.
std::string renameInterruption(scenario::Scenario& s, const std::string& from, const std::string& to);

// An id field that renames only when the author leaves it (Enter, Tab, a click elsewhere): while the field is being
// typed in, the case keeps the id it had, so typing "head_neck" never passes through region "head". `rename(from,
// to)` returns why it refused (shown under the field until the next edit of it) or "". True when it renamed. What
// is typed lives in ctx.widgets.idField.
bool idField(AuthoringContext& ctx, const char* label, const std::string& id,
             const std::function<std::string(const std::string& from, const std::string& to)>& rename, float width = 0);

// A new session length (at least 1 s). Deadlines that were the old length's defaults (a Category 1 finding's 5 min
// or session end, the session end for the others) follow to the new length's; deadlines the author chose stay.
void setSessionDuration(scenario::Scenario& s, double seconds);

// The vitals the monitor shows once the trend has played out (the last change, else the start).
scenario::VitalSigns vitalsAtEndOfTrend(const scenario::Patient& p);
// Inserts the change after every change at the same or an earlier time; returns its index.
std::size_t addVitalsChange(scenario::Patient& p, scenario::VitalsChange change);
// Restores time order after an edit of a change's time (stable: equal times keep their order).
void sortVitalsTrend(scenario::Patient& p);

// A deterioration for the first Category 1 finding that has none yet: the vitals at the end of the trend made
// worse (tachycardia, falling pressure and saturation) over 60 s. Empty when there is no such finding.
std::optional<scenario::Deterioration> defaultDeterioration(const scenario::Scenario& s);

}  // namespace polysim::gui
