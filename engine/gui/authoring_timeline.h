// The interruption timeline of the authoring screen: the session's time along a strip with the series arrivals,
// finding deadlines, vitals changes and the interruptions, which are added, dragged in time and edited.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <imgui.h>

#include "gui/authoring_context.h"

namespace polysim::gui {

// The strip itself, drawn as a window at `pos` with `size` (display pixels). It keeps its zoom and drag in
// ctx.widgets.strip, with the height that shows every row of its lanes (0 before the first frame) and the
// interruptions' blocks as drawn (those scrolled out of the lane are not there).
void drawInterruptionTimeline(AuthoringContext& ctx, ImVec2 pos, ImVec2 size);
// The interruptions as a list and every field of the selected one, shown in the authoring panel's tab.
void drawInterruptionEditor(AuthoringContext& ctx);

// What the strip computes, without any GUI: the tests drive these directly.
namespace timeline {

// Session time from..to (the whole session, or a zoomed part of it) laid along x from `left` to `right` (pixels).
struct TimeAxis {
    float left = 0, right = 1;
    double fromSeconds = 0, toSeconds = 900;
    float x(double seconds) const;
    double seconds(float x) const;
    double pixelsPerSecond() const;
};

// The whole session across a strip drawn at `pos` with `size` (what the strip shows before any zoom).
TimeAxis stripAxis(ImVec2 pos, ImVec2 size, double durationSeconds);

constexpr double kSnapSeconds = 5;

double snapSeconds(double seconds, double step = kSnapSeconds);
// "m:ss" (e.g. 150 -> "2:30").
std::string clock(double seconds);
// A tick spacing from 5 s, 10 s, 15 s, 30 s, 1, 2, 5, 10 min that keeps labels at least `minPixels` apart.
double tickStep(const TimeAxis& axis, float minPixels);

// Where an AtTime interruption grabbed at `grabbedSeconds` lands after a drag of `dxPixels`: snapped to 5 s and kept
// inside the session (its delay included). Returns true when its time changed; other triggers are left alone.
bool dragAtTime(scenario::Scenario& s, std::size_t index, double grabbedSeconds, float dxPixels, const TimeAxis& axis);

// Rows for spans [from, to) along the strip: each goes to the first row free at its start, else a new row, so no two
// spans of a row overlap. Returns each span's row.
std::vector<int> packRows(const std::vector<std::pair<float, float>>& spans);

// Marks less than `minPixels` apart along the strip, grouped from the left (each group in order of x, starting at its
// leftmost mark): deadlines at the same time share one marker, labelled "N findings", the tooltip naming each.
std::vector<std::vector<std::size_t>> groupMarks(const std::vector<float>& xs, float minPixels);

// When an interruption is expected to start. AtTime: exactly. Triggered ones: an estimate with the reason, since they
// depend on what the trainee does; nullopt seconds when it can never start (e.g. waits for a noise to be ignored).
struct StartEstimate {
    std::optional<double> seconds;
    bool exact = false;   // AtTime
    std::string trigger;  // "at 0:30", "when Chest: lungs and pleura opens +4 s", ...
    std::string reason;   // how the estimate was made
};
StartEstimate estimateStart(const scenario::Scenario& s, const scenario::Interruption& in);
// Who an interruption is on the strip: its name ("Dr Brandt"), else its role's title ("Visceral surgeon"); the colour
// says the role.
std::string interruptionWho(const scenario::Interruption& in);
// The words on an interruption's block: who, and for a triggered one what it waits for, in the case's words
// ("~Visceral surgeon  when Chest: mediastinum, heart, aorta opens"), never an id.
std::string blockLabel(const scenario::Interruption& in, const StartEstimate& e);
// A series on the strip: its label, else its id.
std::string seriesName(const scenario::SeriesSpec& series);
// How long after its start an unanswered interruption escalates (patience per ask); nullopt for noise.
std::optional<double> escalatesAfter(const scenario::Interruption& in);

// A question at `seconds` (snapped, inside the session) with an unused id, a known role, a name, a text and one right
// and one wrong quick answer, so it validates without errors or warnings. Returns its index.
std::size_t addInterruptionAt(AuthoringModel& model, double seconds);
void removeInterruption(AuthoringModel& model, std::size_t index);
// A quick answer "new answer", not correct, with the smallest number as id that no answer of `in` has.
scenario::AnswerOption& addAnswer(scenario::Interruption& in);

}  // namespace timeline
}  // namespace polysim::gui
