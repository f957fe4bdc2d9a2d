// The interruption timeline (see authoring_timeline.h): the strip under the viewer and the Interruptions tab.
#include "gui/authoring_timeline.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <utility>
#include <vector>

#include <imgui_stdlib.h>

#include "common/format.h"
#include "gui/authoring_panels.h"
#include "gui/palette.h"
#include "gui/reading_room.h"
#include "scenario/internal.h"

namespace polysim::gui {
namespace timeline {
using scenario::Interruption;
using scenario::InterruptionKind;
using scenario::Scenario;
using Trigger = scenario::InterruptionTrigger::Type;

float TimeAxis::x(double s) const {
    return left + float((s - fromSeconds) * pixelsPerSecond());
}
double TimeAxis::seconds(float px) const {
    return fromSeconds + double(px - left) / pixelsPerSecond();
}
double TimeAxis::pixelsPerSecond() const {
    return double(right - left) / std::max(1e-6, toSeconds - fromSeconds);
}

double snapSeconds(double seconds, double step) {
    return std::round(seconds / step) * step;
}

std::string clock(double seconds) {
    const long total = std::lround(std::max(0.0, seconds));
    char text[32];
    std::snprintf(text, sizeof text, "%ld:%02ld", total / 60, total % 60);
    return text;
}

double tickStep(const TimeAxis& axis, float minPixels) {
    for (double step : {5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0})
        if (step * axis.pixelsPerSecond() >= double(minPixels)) return step;
    return 1200;
}

bool dragAtTime(Scenario& s, std::size_t index, double grabbedSeconds, float dxPixels, const TimeAxis& axis) {
    if (index >= s.interruptions.size()) return false;
    auto& trigger = s.interruptions[index].trigger;
    if (trigger.type != Trigger::AtTime) return false;
    // The delay counts: the loader warns about an interruption that would start after the session ends.
    const double latest = std::max(0.0, s.durationSeconds - trigger.delaySeconds);
    const double wanted = grabbedSeconds + double(dxPixels) / axis.pixelsPerSecond();
    // Snapping first, then clamping to whole snaps, keeps the end of a session of odd length reachable.
    const double moved = std::clamp(snapSeconds(wanted), 0.0, std::floor(latest / kSnapSeconds) * kSnapSeconds);
    if (moved == trigger.atSeconds) return false;
    trigger.atSeconds = moved;
    return true;
}

std::vector<int> packRows(const std::vector<std::pair<float, float>>& spans) {
    std::vector<float> freeFrom;  // per row: where its last span ends
    std::vector<std::size_t> order(spans.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return spans[a].first < spans[b].first; });
    std::vector<int> row(spans.size(), 0);
    for (auto i : order) {
        auto it = std::find_if(freeFrom.begin(), freeFrom.end(), [&](float f) { return f <= spans[i].first; });
        if (it == freeFrom.end())
            it = freeFrom.insert(freeFrom.end(), spans[i].second);
        else
            *it = spans[i].second;
        row[i] = int(it - freeFrom.begin());
    }
    return row;
}

std::vector<std::vector<std::size_t>> groupMarks(const std::vector<float>& xs, float minPixels) {
    std::vector<std::size_t> order(xs.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return xs[a] < xs[b]; });
    std::vector<std::vector<std::size_t>> groups;
    for (std::size_t i : order) {
        if (groups.empty() || xs[i] - xs[groups.back().front()] >= minPixels) groups.emplace_back();
        groups.back().push_back(i);
    }
    return groups;
}

std::optional<double> escalatesAfter(const Interruption& in) {
    // The session repeats after each `patience` and escalates one patience after the last repeat.
    if (in.kind == InterruptionKind::Noise || in.patienceSeconds <= 0) return std::nullopt;
    return in.patienceSeconds * double(in.maxRepeats + 1);
}

namespace {
std::string delayText(double delay) {
    return delay > 0 ? " +" + shortNumber(delay) + " s" : "";
}

// What the strip calls a region, a finding and an interruption: the words the case gives them, not their ids (an id
// the case does not know stays as it is, so a broken reference still shows).
std::string regionName(const Scenario& s, const std::string& id) {
    const auto* r = s.findRegion(id);
    return r && !r->label.empty() ? r->label : id;
}

std::string findingName(const Scenario& s, const std::string& id) {
    const auto* f = s.findFinding(id);
    return f && !f->label.empty() ? f->label : id;
}

std::string interruptionName(const Scenario& s, const std::string& id) {
    const auto* in = s.findInterruption(id);
    return in ? interruptionWho(*in) : id;
}

// The first series to arrive that can show `region`: its own series when it names one; otherwise any cross-sectional
// series, where a head CT counts only for the head (it does not reach the neck or below).
const scenario::SeriesSpec* firstSeriesShowing(const Scenario& s, const scenario::Region* region) {
    const scenario::SeriesSpec* first = nullptr;
    for (const auto& series : s.images.series) {
        const bool shows = region && !region->series.empty()
                               ? series.id == region->series
                               : series.kind != phantom::SeriesKind::Scout &&
                                     (series.kind != phantom::SeriesKind::Head || (region && region->id == "head"));
        if (shows && (!first || series.arrivalSeconds < first->arrivalSeconds)) first = &series;
    }
    return first;
}

StartEstimate fromRegion(const Scenario& s, const scenario::Region* region, const std::string& what, double delay) {
    StartEstimate e;
    const auto* series = firstSeriesShowing(s, region);
    if (!series) {
        e.reason = "no series of the case shows " + what + ", so it never starts";
        return e;
    }
    e.seconds = series->arrivalSeconds + delay;
    e.reason = "estimate: the series " + (series->label.empty() ? series->id : series->label) + " shows " + what +
               " and starts arriving at " + clock(series->arrivalSeconds) +
               "; it fires when the trainee first has it on screen, so at that time" + " at the earliest" +
               (delay > 0 ? ", then " + shortNumber(delay) + " s delay" : "");
    return e;
}

StartEstimate estimate(const Scenario& s, const Interruption& in, int depth) {
    const auto& t = in.trigger;
    StartEstimate e;
    switch (t.type) {
        case Trigger::AtTime:
            e.trigger = "at " + clock(t.atSeconds) + delayText(t.delaySeconds);
            e.seconds = t.atSeconds + t.delaySeconds;
            e.exact = true;
            e.reason = "starts at " + clock(*e.seconds);
            return e;
        case Trigger::RegionOpened: {
            const auto* region = s.findRegion(t.target);
            e = region ? fromRegion(s, region, regionName(s, t.target), t.delaySeconds)
                       : StartEstimate{std::nullopt, false, "", "the region '" + t.target + "' does not exist"};
            e.trigger = "when " + regionName(s, t.target) + " opens" + delayText(t.delaySeconds);
            return e;
        }
        case Trigger::FindingOnScreen: {
            const auto* finding = s.findFinding(t.target);
            e = finding ? fromRegion(s, s.findRegion(finding->region), findingName(s, t.target), t.delaySeconds)
                        : StartEstimate{std::nullopt, false, "", "the finding '" + t.target + "' does not exist"};
            e.trigger = "when " + findingName(s, t.target) + " is on screen" + delayText(t.delaySeconds);
            return e;
        }
        case Trigger::InterruptionIgnored: {
            e.trigger = "when " + interruptionName(s, t.target) + " is ignored" + delayText(t.delaySeconds);
            const auto* target = s.findInterruption(t.target);
            if (!target || depth > int(s.interruptions.size())) {
                e.reason = target ? "the 'when_ignored' triggers form a cycle, so it never starts"
                                  : "the interruption '" + t.target + "' does not exist";
                return e;
            }
            const StartEstimate before = estimate(s, *target, depth + 1);
            const auto after = escalatesAfter(*target);
            if (!before.seconds || !after) {
                e.reason = !after ? "'" + t.target + "' is noise or has no patience, so it never escalates"
                                  : "'" + t.target + "' never starts: " + before.reason;
                return e;
            }
            e.seconds = *before.seconds + *after + t.delaySeconds;
            e.reason = "estimate: " + interruptionName(s, t.target) + " starts " +
                       (before.exact ? "at " : "at about ") + clock(*before.seconds) + ", asks " +
                       std::to_string(target->maxRepeats + 1) + " time(s) " + shortNumber(target->patienceSeconds) +
                       " s apart and escalates unanswered at " + clock(*before.seconds + *after) +
                       (t.delaySeconds > 0 ? ", then " + shortNumber(t.delaySeconds) + " s delay" : "");
            return e;
        }
    }
    return e;
}
}  // namespace

StartEstimate estimateStart(const Scenario& s, const Interruption& in) {
    return estimate(s, in, 0);
}

std::string interruptionWho(const Interruption& in) {
    return in.name.empty() ? scenario::roleTitle(in.role) : in.name;
}

std::string blockLabel(const Interruption& in, const StartEstimate& e) {
    const std::string who = interruptionWho(in);
    return e.exact ? who : (e.seconds ? "~" : "? ") + who + "  " + e.trigger;
}

std::string seriesName(const scenario::SeriesSpec& series) {
    return series.label.empty() ? series.id : series.label;
}

std::size_t addInterruptionAt(AuthoringModel& model, double seconds) {
    auto& s = model.scenario();
    Interruption in;
    for (std::size_t n = s.interruptions.size() + 1;; ++n) {
        in.id = "interruption_" + std::to_string(n);
        if (!s.findInterruption(in.id)) break;
    }
    in.role = "trauma_leader";
    in.name = "Team leader";
    in.text = "What have you got so far?";
    in.kind = InterruptionKind::Question;
    in.trigger.type = Trigger::AtTime;
    in.trigger.atSeconds =
        std::clamp(snapSeconds(seconds), 0.0, std::floor(s.durationSeconds / kSnapSeconds) * kSnapSeconds);
    in.answers = {{"summary", "The critical findings so far, and what I am reading next.", true, ""},
                  {"nothing_yet", "Nothing yet.", false,
                   "Give what you have and when you will call back: the team plans on it."}};
    s.interruptions.push_back(std::move(in));
    model.touch();
    return s.interruptions.size() - 1;
}

scenario::AnswerOption& addAnswer(Interruption& in) {
    std::vector<std::string> taken;
    for (const auto& a : in.answers) taken.push_back(a.id);
    // The smallest number not taken: after a removal, the next answer does not repeat a remaining one's id.
    int n = 1;
    while (std::find(taken.begin(), taken.end(), std::to_string(n)) != taken.end()) ++n;
    in.answers.push_back({std::to_string(n), "new answer", false, ""});
    return in.answers.back();
}

void removeInterruption(AuthoringModel& model, std::size_t index) {
    auto& list = model.scenario().interruptions;
    if (index >= list.size()) return;
    list.erase(list.begin() + long(index));
    model.touch();
}

}  // namespace timeline

namespace {
using namespace timeline;
using scenario::Interruption;
using scenario::InterruptionKind;
using Trigger = scenario::InterruptionTrigger::Type;

constexpr float kGutter = 96;     // lane names
const ImVec2 kPadding(6, 5);      // the strip window's padding
constexpr float kRowHeight = 16;  // one interruption row
constexpr ImU32 kText = palette::kTimelineText;
constexpr ImU32 kDim = palette::kTimelineDim;

ImU32 scaled(ImU32 colour, float f, int alpha = 255) {
    ImVec4 c = ImGui::ColorConvertU32ToFloat4(colour);
    return IM_COL32(int(std::min(1.f, c.x * f) * 255), int(std::min(1.f, c.y * f) * 255),
                    int(std::min(1.f, c.z * f) * 255), alpha);
}

// Text from `at`, cut at `maxX` so it never runs into the next mark of its lane.
void label(ImDrawList* dl, ImVec2 at, float maxX, ImU32 colour, const std::string& text) {
    if (maxX - at.x < 8) return;
    ImVec4 clip(at.x, at.y, maxX, at.y + ImGui::GetFontSize() + 2);
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), at, colour, text.c_str(), nullptr, 0, &clip);
}

// A tooltip for a rectangle drawn without an item (markers of the lanes).
void hoverTip(ImVec2 lo, ImVec2 hi, const std::string& text) {
    if (!ImGui::IsWindowHovered() || !ImGui::IsMouseHoveringRect(lo, hi)) return;
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28);
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

// Where each mark's label may run to: the next mark's x in the same row (or the strip's end).
std::vector<float> labelLimits(const std::vector<float>& xs, const std::vector<int>& rows, float end) {
    std::vector<float> limit(xs.size(), end);
    for (std::size_t i = 0; i < xs.size(); ++i)
        for (std::size_t j = 0; j < xs.size(); ++j)
            if (j != i && rows[j] == rows[i] && xs[j] > xs[i]) limit[i] = std::min(limit[i], xs[j] - 4);
    return limit;
}

struct Lane {
    const char* name;
    float top, height;
    const char* help;
    const char* hint = nullptr;  // a second, dimmer line under the name
};

void drawLaneFrame(ImDrawList* dl, const Lane& lane, float left, float right, int index) {
    dl->AddRectFilled(ImVec2(left, lane.top), ImVec2(right, lane.top + lane.height),
                      index % 2 ? palette::kLaneOdd : palette::kLaneEven);
    const float y = lane.hint ? lane.top + 4 : lane.top + (lane.height - ImGui::GetFontSize()) * 0.5f;
    dl->AddText(ImVec2(left - kGutter + 4, std::max(lane.top, y)), kDim, lane.name);
    if (lane.hint)
        dl->AddText(ImVec2(left - kGutter + 4, std::max(lane.top, y) + ImGui::GetFontSize() + 2),
                    palette::kTimelineHint, lane.hint);
    hoverTip(ImVec2(left - kGutter, lane.top), ImVec2(left, lane.top + lane.height), lane.help);
}

void drawTicks(ImDrawList* dl, const TimeAxis& axis, float top, float bottom) {
    const double step = tickStep(axis, 64);
    for (double t = std::ceil(axis.fromSeconds / step) * step; t <= axis.toSeconds + 1e-6; t += step) {
        const float x = std::round(axis.x(t));
        dl->AddLine(ImVec2(x, top + ImGui::GetFontSize()), ImVec2(x, bottom), palette::kTick);
        const std::string text = clock(t);
        const float w = ImGui::CalcTextSize(text.c_str()).x;
        dl->AddText(ImVec2(std::clamp(x - w * 0.5f, axis.left, axis.right - w), top), kDim, text.c_str());
    }
}

// The series' bars and where each row is: a series' row is free again after its bar and its id.
std::vector<int> seriesRows(const scenario::Scenario& s, const TimeAxis& axis) {
    std::vector<std::pair<float, float>> spans;
    for (const auto& series : s.images.series) {
        const float x0 = axis.x(series.arrivalSeconds);
        const float bar = axis.x(series.arrivalSeconds + series.arrivalDurationSeconds) - x0;
        spans.emplace_back(x0, x0 + std::max(bar, ImGui::CalcTextSize(seriesName(series).c_str()).x + 10));
    }
    return packRows(spans);
}

int rowCount(const std::vector<int>& rows) {
    return rows.empty() ? 1 : *std::max_element(rows.begin(), rows.end()) + 1;
}

void drawSeries(ImDrawList* dl, const scenario::Scenario& s, const TimeAxis& axis, const Lane& lane,
                const std::vector<int>& rows) {
    const auto& all = s.images.series;
    const float h = lane.height / float(std::max(2, rowCount(rows)));
    for (std::size_t i = 0; i < all.size(); ++i) {
        const auto& series = all[i];
        const float y = lane.top + h * float(rows[i]);
        const ImVec2 lo(axis.x(series.arrivalSeconds), y + 2);
        const ImVec2 hi(std::max(lo.x + 3, axis.x(series.arrivalSeconds + series.arrivalDurationSeconds)), y + h - 1);
        dl->AddRectFilled(lo, hi, palette::kSeriesBar, 2);
        label(dl, ImVec2(lo.x + 4, y + (h - ImGui::GetFontSize()) * 0.5f), axis.right, kText, seriesName(series));
        hoverTip(ImVec2(lo.x, y), ImVec2(std::max(hi.x, lo.x + 40), y + h),
                 "series " + series.id + (series.label.empty() ? "" : " (" + series.label + ")") + "\narrives " +
                     clock(series.arrivalSeconds) +
                     (series.arrivalDurationSeconds > 0
                          ? " to " + clock(series.arrivalSeconds + series.arrivalDurationSeconds)
                          : std::string(", all at once")));
    }
}

ImU32 categoryColour(int category) {
    return category == 1 ? palette::kCategory1 : category == 2 ? palette::kCategory2 : kDim;
}

void drawDeadlines(ImDrawList* dl, const scenario::Scenario& s, const TimeAxis& axis, const Lane& lane,
                   float gridBottom) {
    std::vector<float> xs;
    for (const auto& f : s.findings) xs.push_back(axis.x(f.deadlineSeconds));
    // Deadlines that would draw on top of each other share one marker, in the colour of the most urgent.
    const auto groups = groupMarks(xs, 12);
    std::vector<float> groupXs;
    for (const auto& g : groups) groupXs.push_back(xs[g.front()]);
    const auto limits = labelLimits(groupXs, std::vector<int>(groups.size(), 0), axis.right);
    for (std::size_t k = 0; k < groups.size(); ++k) {
        const auto& group = groups[k];
        int category = 3;
        std::string tip;
        for (std::size_t i : group) {
            const auto& f = s.findings[i];
            category = std::min(category, f.acrCategory);
            tip += (tip.empty() ? "" : "\n") + f.label + " (" + f.id + ")\nCategory " + std::to_string(f.acrCategory) +
                   ", to be called by " + clock(f.deadlineSeconds);
        }
        const ImU32 colour = categoryColour(category);
        const float x = groupXs[k], y = lane.top + 2, h = lane.height - 4;
        // The Category 1 deadlines reach down through the interruptions: what stands in the way of calling them.
        if (category == 1) dl->AddLine(ImVec2(x, lane.top + lane.height), ImVec2(x, gridBottom), scaled(colour, 1, 70));
        dl->AddTriangleFilled(ImVec2(x - 5, y), ImVec2(x + 5, y), ImVec2(x, y + h), colour);
        // The label's first words ("Tension pneumothorax", not the side and the signs): the tooltip has it whole.
        std::string name = findingName(s, s.findings[group.front()].id);
        if (const auto cut = name.find_first_of(",:("); cut != std::string::npos && cut > 0) name = name.substr(0, cut);
        while (!name.empty() && name.back() == ' ') name.pop_back();
        const std::string text = group.size() == 1 ? name : std::to_string(group.size()) + " findings";
        // A deadline at the session's end is labelled on its left, where there is room.
        const float w = ImGui::CalcTextSize(text.c_str()).x;
        const float labelX = x + 7 + w > axis.right && limits[k] >= axis.right ? x - 7 - w : x + 7;
        label(dl, ImVec2(labelX, lane.top + (lane.height - ImGui::GetFontSize()) * 0.5f),
              labelX < x ? x - 6 : limits[k], colour, text);
        hoverTip(ImVec2(std::min(x - 6, labelX), lane.top),
                 ImVec2(std::max(x + 6, std::min(labelX + w, limits[k])), lane.top + lane.height), tip);
    }
}

std::string vitalsText(const scenario::VitalSigns& v) {
    std::ostringstream out;
    out << "HR " << v.heartRate << ", BP " << v.systolic << "/" << v.diastolic << ", SpO2 " << v.spo2 << " %, RR "
        << v.respiratoryRate << ", GCS " << v.gcs;
    return out.str();
}

void drawVitals(ImDrawList* dl, const scenario::Scenario& s, const TimeAxis& axis, const Lane& lane) {
    const auto& trend = s.patient.vitalsTrend;
    std::vector<float> xs;
    for (const auto& c : trend) xs.push_back(axis.x(c.atSeconds));
    const auto limits = labelLimits(xs, std::vector<int>(xs.size(), 0), axis.right);
    const ImU32 colour = palette::kVitalsMark;
    for (std::size_t i = 0; i < trend.size(); ++i) {
        const float x = xs[i], cy = lane.top + lane.height * 0.5f, r = lane.height * 0.3f;
        dl->AddQuadFilled(ImVec2(x, cy - r), ImVec2(x + r, cy), ImVec2(x, cy + r), ImVec2(x - r, cy), colour);
        label(dl, ImVec2(x + r + 3, lane.top + (lane.height - ImGui::GetFontSize()) * 0.5f), limits[i], kDim,
              trend[i].note);
        hoverTip(ImVec2(x - r - 1, lane.top), ImVec2(x + r + 1, lane.top + lane.height),
                 "vitals at " + clock(trend[i].atSeconds) + (trend[i].note.empty() ? "" : ": " + trend[i].note) + "\n" +
                     vitalsText(trend[i].vitals));
    }
}

std::string interruptionTip(const Interruption& in, const StartEstimate& e) {
    std::string tip =
        (in.name.empty() ? scenario::roleTitle(in.role) : in.name + " - " + scenario::roleTitle(in.role)) + " (" +
        in.id + ")\n\"" + in.text + "\"\n\n" + e.trigger + ": " + e.reason;
    if (const auto after = escalatesAfter(in))
        tip += "\nunanswered, escalates " + shortNumber(*after) + " s after it starts (bar length)";
    else if (in.kind == InterruptionKind::Noise)
        tip += "\nrings for " + shortNumber(in.durationSeconds) + " s";
    if (e.exact) tip += "\n\ndrag to move it (5 s steps)";
    return tip;
}

// Where each interruption's block goes: its start, the end of its bar, and its row, which it holds until the bar
// ends or its name is written out, whichever is later (the trigger's words after the name may be cut by the next
// block of the row).
struct InterruptionLayout {
    std::vector<StartEstimate> estimates;
    std::vector<float> xs, ends, spanEnds;
    std::vector<int> rows;
};

InterruptionLayout layoutInterruptions(const scenario::Scenario& s, const TimeAxis& axis) {
    InterruptionLayout out;
    std::vector<std::pair<float, float>> spans;
    for (const auto& in : s.interruptions) {
        out.estimates.push_back(estimateStart(s, in));
        // One that never starts stands at the end of the session, flagged.
        const double start = out.estimates.back().seconds.value_or(s.durationSeconds);
        const double length = in.kind == InterruptionKind::Noise ? in.durationSeconds : escalatesAfter(in).value_or(0);
        const float x = axis.x(start);
        const float name = ImGui::CalcTextSize(interruptionWho(in).c_str()).x + 14;
        out.xs.push_back(x);
        out.ends.push_back(std::max(axis.x(start + length), x + 8));
        out.spanEnds.push_back(std::max(out.ends.back(), x + std::max(24.f, name)));
        spans.emplace_back(x, out.spanEnds.back() + 2);
    }
    out.rows = packRows(spans);
    return out;
}

void drawInterruptions(ImDrawList* dl, AuthoringContext& ctx, const TimeAxis& axis, const Lane& lane,
                       const InterruptionLayout& layout) {
    auto& s = ctx.model.scenario();
    auto& st = ctx.widgets.strip;
    // Rows as tall as they fit, down to the font's height; below that the lane shows some rows at a time.
    const int rows = rowCount(layout.rows);
    const float rowHeight = std::clamp(lane.height / float(rows), ImGui::GetFontSize() + 2, kRowHeight);
    const int visible = std::max(1, int(lane.height / rowHeight));
    st.firstRow = std::clamp(st.firstRow, 0, std::max(0, rows - visible));
    const auto& estimates = layout.estimates;
    const auto& xs = layout.xs;
    const auto& ends = layout.ends;
    std::vector<int> shownRows(layout.rows.size());
    for (std::size_t i = 0; i < shownRows.size(); ++i) shownRows[i] = layout.rows[i] - st.firstRow;
    auto shown = [&](std::size_t i) { return shownRows[i] >= 0 && shownRows[i] < visible; };
    const auto limits = labelLimits(xs, layout.rows, axis.right + 40);
    auto rowMiddle = [&](std::size_t i) { return lane.top + rowHeight * (float(shownRows[i]) + 0.5f); };
    // "When ignored" hangs on the other one's escalation (the end of its bar): a thread from there to its start.
    for (std::size_t i = 0; i < s.interruptions.size(); ++i) {
        const auto& t = s.interruptions[i].trigger;
        if (t.type != Trigger::InterruptionIgnored || !estimates[i].seconds || !shown(i)) continue;
        for (std::size_t j = 0; j < s.interruptions.size(); ++j)
            if (s.interruptions[j].id == t.target && shown(j)) {
                const ImU32 colour = scaled(roleColour(s.interruptions[i].role), 1.2f, 190);
                dl->AddLine(ImVec2(ends[j], rowMiddle(j)), ImVec2(xs[i], rowMiddle(i)), colour, 1.5f);
                dl->AddCircleFilled(ImVec2(ends[j], rowMiddle(j)), 3, colour);
            }
    }
    st.blocks.clear();
    for (std::size_t i = 0; i < s.interruptions.size(); ++i) {
        if (!shown(i)) continue;
        const auto& in = s.interruptions[i];
        const auto& e = estimates[i];
        const float y = lane.top + rowHeight * float(shownRows[i]);
        const ImVec2 lo(xs[i], y + 1), hi(ends[i], y + rowHeight - 1);
        const ImU32 role = e.seconds ? roleColour(in.role) : kDim;
        const bool selected = ctx.selection.interruption == int(i);
        // Fixed times are filled blocks; triggered ones are outlines at their estimate, since the trainee moves them.
        dl->AddRectFilled(lo, hi, e.exact ? role : scaled(role, 0.45f, 150), 3);
        if (!e.exact) dl->AddRect(lo, hi, role, 3, 0, 1.5f);
        if (selected) dl->AddRect(ImVec2(lo.x - 1, lo.y - 1), ImVec2(hi.x + 1, hi.y + 1), IM_COL32_WHITE, 3, 0, 2);
        const std::string text = blockLabel(in, e);
        label(dl, ImVec2(lo.x + 4, y + (rowHeight - ImGui::GetFontSize()) * 0.5f), limits[i] - 2,
              e.exact ? IM_COL32_WHITE : scaled(role, 1.6f), text);

        // The block answers the mouse over its bar and its name, which no other block of the row covers.
        const ImVec2 hit(std::max(hi.x, std::min(layout.spanEnds[i], axis.right + 12)), hi.y);
        ImGui::SetCursorScreenPos(lo);
        ImGui::PushID(int(i));
        ImGui::InvisibleButton("block", ImVec2(std::max(1.f, hit.x - lo.x), hit.y - lo.y));
        ImGui::PopID();
        st.blocks.push_back({i, lo, hit});
        if (ImGui::IsItemActivated()) {
            ctx.selection.interruption = int(i);
            st.grabbedSeconds = in.trigger.atSeconds;
        }
        if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2) &&
            dragAtTime(s, i, st.grabbedSeconds, ImGui::GetMouseDragDelta(ImGuiMouseButton_Left).x, axis))
            ctx.model.touch();
        if (ImGui::IsItemHovered() && !ImGui::IsItemActive()) {
            ImGui::BeginTooltip();
            ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
            ImGui::TextUnformatted(interruptionTip(in, e).c_str());
            ImGui::PopTextWrapPos();
            ImGui::EndTooltip();
        } else if (ImGui::IsItemActive() && e.exact) {
            ImGui::SetTooltip("%s", e.trigger.c_str());
        }
    }
    if (rows > visible) {
        const std::string more = "rows " + std::to_string(st.firstRow + 1) + "-" +
                                 std::to_string(st.firstRow + visible) + " of " + std::to_string(rows) +
                                 "\nShift+wheel";
        dl->AddText(ImVec2(axis.left - kGutter + 4, lane.top + lane.height - 2 * ImGui::GetFontSize() - 4),
                    palette::kMoreRows, more.c_str());
        const ImGuiIO& io = ImGui::GetIO();
        if (ImGui::IsWindowHovered() && io.KeyShift && io.MouseWheel != 0 &&
            ImGui::IsMouseHoveringRect(ImVec2(axis.left - kGutter, lane.top),
                                       ImVec2(axis.right, lane.top + lane.height)))
            st.firstRow = std::clamp(st.firstRow - int(io.MouseWheel), 0, rows - visible);
    }
    // Delete (authoring.delete) removes the selected one while the strip has the keyboard.
    int& selected = ctx.selection.interruption;
    static const Bindings defaultKeys = Bindings::defaults();
    if (ImGui::IsWindowFocused() && !ImGui::GetIO().WantTextInput && selected >= 0 &&
        selected < int(s.interruptions.size()) &&
        commandPressed(ctx.bindings ? *ctx.bindings : defaultKeys, "authoring.delete")) {
        removeInterruption(ctx.model, std::size_t(selected));
        selected = -1;
    }
    // Double-click on free space of the lane: a new interruption at that time.
    const ImVec2 mouse = ImGui::GetMousePos();
    if (ImGui::IsWindowHovered() && !ImGui::IsAnyItemHovered() && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left) &&
        mouse.x >= axis.left && mouse.x <= axis.right && mouse.y >= lane.top && mouse.y <= lane.top + lane.height)
        ctx.selection.interruption = int(addInterruptionAt(ctx.model, axis.seconds(mouse.x)));
}

// Mouse wheel zooms around the mouse, right-drag pans, right double-click shows the whole session again.
void zoomAndPan(AuthoringWidgetState::Strip& st, TimeAxis& axis, double duration) {
    if (!ImGui::IsWindowHovered()) return;
    const ImGuiIO& io = ImGui::GetIO();
    double from = axis.fromSeconds, to = axis.toSeconds;
    if (io.MouseWheel != 0 && !io.KeyShift) {  // Shift+wheel scrolls the interruptions' rows
        const double at = std::clamp(axis.seconds(io.MousePos.x), from, to);
        const double f = std::pow(0.8, double(io.MouseWheel));
        const double span = std::clamp((to - from) * f, std::min(30.0, duration), duration);
        from = at - (at - from) * span / (to - from);
        to = from + span;
    }
    if (ImGui::IsMouseDragging(ImGuiMouseButton_Right, 1)) {
        const double shift = -double(io.MouseDelta.x) / axis.pixelsPerSecond();
        from += shift;
        to += shift;
    }
    const double span = to - from;
    from = std::clamp(from, 0.0, std::max(0.0, duration - span));
    st.from = from;
    st.to = from + span;
    if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Right)) st.from = st.to = 0;
}
}  // namespace

TimeAxis timeline::stripAxis(ImVec2 pos, ImVec2 size, double durationSeconds) {
    return TimeAxis{pos.x + kPadding.x + kGutter, pos.x + size.x - 14, 0, std::max(1.0, durationSeconds)};
}

void drawInterruptionTimeline(AuthoringContext& ctx, ImVec2 pos, ImVec2 size) {
    const auto& s = ctx.model.scenario();
    ImGui::SetNextWindowPos(pos);
    ImGui::SetNextWindowSize(size);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, kPadding);
    ImGui::Begin("##interruption timeline", nullptr,
                 ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse |
                     ImGuiWindowFlags_NoSavedSettings);
    ImGui::PopStyleVar();
    ImGui::SetWindowFontScale(0.8125f);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 top = ImGui::GetCursorScreenPos();
    const float bottom = pos.y + size.y - 5;
    const double duration = std::max(1.0, s.durationSeconds);
    auto& st = ctx.widgets.strip;
    TimeAxis axis = stripAxis(pos, size, duration);
    if (st.to > st.from && st.from < duration) axis.fromSeconds = st.from, axis.toSeconds = std::min(st.to, duration);

    const float font = ImGui::GetFontSize();
    // Lanes grow with their rows, so no two blocks ever overlap: the series lane as it needs, the interruptions'
    // as the strip allows; the strip asks the screen for the height that shows every row.
    const auto seriesRowOf = seriesRows(s, axis);
    const auto layout = layoutInterruptions(s, axis);
    const Lane series{"series", top.y + font + 2, float(std::max(2, rowCount(seriesRowOf))) * (font + 1),
                      "series arrivals: bars from the first to the last image"};
    const Lane deadlines{"deadlines", series.top + series.height + 2, font + 3,
                         "finding deadlines: red Category 1, amber 2, grey 3"};
    const Lane vitals{"vitals", deadlines.top + deadlines.height + 2, font + 1, "changes of the patient's vitals"};
    const Lane interruptions{"interruptions", vitals.top + vitals.height + 2, bottom - (vitals.top + vitals.height + 2),
                             "filled: at a fixed time (drag to move, 5 s steps); outlined: triggered, at an estimate "
                             "(hover for how it was made). Bar length: until they escalate unanswered.\n"
                             "Click to select, Delete removes the selected one. Double-click free space to add one; "
                             "mouse wheel zooms, right-drag pans, right "
                             "double-click shows the whole session.",
                             "wheel: zoom\ndouble-click:\n  add one"};
    st.wantedHeight = (interruptions.top - pos.y) + float(rowCount(layout.rows)) * kRowHeight + 6;
    dl->PushClipRect(ImVec2(pos.x, top.y), ImVec2(pos.x + size.x, bottom + 2), true);
    int index = 0;
    for (const Lane* lane : {&series, &deadlines, &vitals, &interruptions})
        drawLaneFrame(dl, *lane, axis.left, axis.right, index++);
    drawTicks(dl, axis, top.y, bottom);
    dl->PushClipRect(ImVec2(axis.left - 1, top.y), ImVec2(axis.right + 12, bottom + 2), true);
    drawSeries(dl, s, axis, series, seriesRowOf);
    drawVitals(dl, s, axis, vitals);
    drawDeadlines(dl, s, axis, deadlines, bottom);
    drawInterruptions(dl, ctx, axis, interruptions, layout);
    dl->PopClipRect();
    dl->PopClipRect();
    zoomAndPan(st, axis, duration);
    ImGui::End();
}

// ---- the Interruptions tab ----

namespace {
bool touched(AuthoringContext& ctx, bool changed) {
    if (changed) ctx.model.touch();
    return changed;
}

bool secondsField(const char* name, double& value, double min) {
    if (!ImGui::InputDouble(name, &value, 1, 5, "%.0f s")) return false;
    value = std::max(min, value);
    return true;
}

// A combo over `options`; `value` not among them is shown as it is. `empty` names the choice of "" when not null.
bool pickFrom(const char* name, std::string& value, const std::vector<std::string>& options, const char* empty,
              ImGuiComboFlags flags = 0) {
    bool changed = false;
    if (ImGui::BeginCombo(name, value.empty() && empty ? empty : value.c_str(), flags)) {
        if (empty && ImGui::Selectable(empty, value.empty())) value.clear(), changed = true;
        for (const auto& o : options)
            if (ImGui::Selectable(o.c_str(), o == value)) value = o, changed = true;
        ImGui::EndCombo();
    }
    return changed;
}

// Free text with a drop-down of the usual values beside it (roles).
bool textWithChoices(const char* name, std::string& value, const std::vector<std::string>& options) {
    ImGui::PushID(name);
    const float arrow = ImGui::GetFrameHeight();
    ImGui::SetNextItemWidth(ImGui::CalcItemWidth() - arrow);
    bool changed = ImGui::InputText("##text", &value);
    ImGui::SameLine(0, 0);
    changed |= pickFrom("##choices", value, options, nullptr, ImGuiComboFlags_NoPreview);
    ImGui::PopID();
    ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
    ImGui::TextUnformatted(name);
    return changed;
}

bool enumCombo(const char* name, int& value, const std::vector<const char*>& names) {
    return ImGui::Combo(name, &value, names.data(), int(names.size()));
}

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
    return out;
}

// Comma-separated words. The text being typed is kept as typed (a trailing ", " included) until the field is left.
bool commaList(AuthoringContext& ctx, const char* name, std::vector<std::string>& words) {
    auto& typing = ctx.widgets.commaLists;
    const ImGuiID id = ImGui::GetID(name);
    auto found = typing.find(id);
    std::string text = found != typing.end() ? found->second : joined(words);
    if (!ImGui::InputText(name, &text)) {
        if (!ImGui::IsItemActive()) typing.erase(id);
        return false;
    }
    typing[id] = text;
    words.clear();
    std::stringstream in(text);
    for (std::string w; std::getline(in, w, ',');) {
        const auto a = w.find_first_not_of(' '), b = w.find_last_not_of(' ');
        if (a != std::string::npos) words.push_back(w.substr(a, b - a + 1));
    }
    return true;
}

// One checkbox per id, flowing over lines; ticked ones are the members of `chosen`.
bool checkboxes(const std::vector<std::string>& ids, std::vector<std::string>& chosen) {
    bool changed = false;
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    for (std::size_t k = 0; k < ids.size(); ++k) {
        const float w = ImGui::CalcTextSize(ids[k].c_str()).x + ImGui::GetFrameHeight() + 24;
        if (k > 0 && ImGui::GetItemRectMax().x + w < right) ImGui::SameLine();
        auto it = std::find(chosen.begin(), chosen.end(), ids[k]);
        bool on = it != chosen.end();
        if (ImGui::Checkbox(ids[k].c_str(), &on)) {
            if (on)
                chosen.push_back(ids[k]);
            else
                chosen.erase(it);
            changed = true;
        }
    }
    return changed;
}

template <typename T>
std::vector<std::string> idsOf(const std::vector<T>& items, const std::string& except = "") {
    std::vector<std::string> ids;
    for (const auto& item : items)
        if (item.id != except) ids.push_back(item.id);
    return ids;
}

void drawTrigger(AuthoringContext& ctx, Interruption& in) {
    const auto& s = ctx.model.scenario();
    auto& t = in.trigger;
    int type = int(t.type);
    const bool retyped = touched(
        ctx, enumCombo("trigger", type,
                       {"at a time", "when a region opens", "when a finding is on screen", "when another is ignored"}));
    t.type = Trigger(type);
    std::vector<std::string> targets;
    const char* what = t.type == Trigger::RegionOpened      ? "region"
                       : t.type == Trigger::FindingOnScreen ? "finding"
                       : t.type == Trigger::AtTime          ? nullptr
                                                            : "ignored";
    if (t.type == Trigger::RegionOpened) targets = idsOf(s.regions);
    if (t.type == Trigger::FindingOnScreen) targets = idsOf(s.findings);
    if (t.type == Trigger::InterruptionIgnored) targets = idsOf(s.interruptions, in.id);
    // A new trigger type starts on the first target it can have, so the case never holds a trigger without one.
    if (retyped) t.target = targets.empty() ? "" : targets.front();
    if (what)
        touched(ctx, pickFrom(what, t.target, targets, nullptr));
    else
        touched(ctx, secondsField("at", t.atSeconds, 0));
    touched(ctx, secondsField("delay", t.delaySeconds, 0));
    const auto e = estimateStart(s, in);
    ImGui::TextDisabled("%s %s", e.seconds ? (e.exact ? "starts" : "about") : "never starts:",
                        e.seconds ? clock(*e.seconds).c_str() : e.reason.c_str());
}

void drawAnswers(AuthoringContext& ctx, Interruption& in) {
    int remove = -1;
    for (std::size_t k = 0; k < in.answers.size(); ++k) {
        auto& a = in.answers[k];
        ImGui::PushID(int(k));
        ImGui::SetNextItemWidth(110);
        touched(ctx, ImGui::InputText("##id", &a.id));
        ImGui::SameLine();
        touched(ctx, ImGui::Checkbox("correct", &a.correct));
        ImGui::SameLine();
        if (ImGui::SmallButton("remove")) remove = int(k);
        touched(ctx, ImGui::InputText("answer", &a.text));
        touched(ctx, ImGui::InputText("feedback", &a.feedback));
        ImGui::Spacing();
        ImGui::PopID();
    }
    if (remove >= 0) in.answers.erase(in.answers.begin() + remove), ctx.model.touch();
    if (ImGui::SmallButton("Add answer")) {
        addAnswer(in);
        ctx.model.touch();
    }
}

void drawFields(AuthoringContext& ctx, Interruption& in) {
    const auto& s = ctx.model.scenario();
    touched(ctx, idField(ctx, "id", in.id, [&](const std::string& from, const std::string& to) {
                return renameInterruption(ctx.model.scenario(), from, to);
            }));
    touched(ctx, textWithChoices("role", in.role, scenario::detail::knownRoles()));
    touched(ctx, ImGui::InputText("name", &in.name));
    touched(ctx, ImGui::InputTextMultiline("text", &in.text, ImVec2(ImGui::CalcItemWidth(), 54)));
    int kind = int(in.kind);
    if (touched(ctx, enumCombo("kind", kind, {"question", "request", "challenge", "noise"})))
        in.kind = InterruptionKind(kind);
    drawTrigger(ctx, in);
    if (in.kind == InterruptionKind::Noise) touched(ctx, secondsField("rings for", in.durationSeconds, 0));
    if (ImGui::CollapsingHeader("findings it is about", ImGuiTreeNodeFlags_DefaultOpen))
        touched(ctx, checkboxes(idsOf(s.findings), in.relatedFindings));
    if (ImGui::CollapsingHeader("answers", ImGuiTreeNodeFlags_DefaultOpen)) {
        drawAnswers(ctx, in);
        touched(ctx, commaList(ctx, "keywords", in.keywords));
    }
    if (in.kind != InterruptionKind::Noise &&
        ImGui::CollapsingHeader("when nobody answers", ImGuiTreeNodeFlags_DefaultOpen)) {
        touched(ctx, secondsField("patience", in.patienceSeconds, 1));
        touched(ctx, ImGui::InputText("repeat text", &in.repeatText));
        if (touched(ctx, ImGui::InputInt("max repeats", &in.maxRepeats)))
            in.maxRepeats = std::clamp(in.maxRepeats, 0, 20);
        touched(ctx, ImGui::InputText("escalation", &in.escalationText));
    }
}

void drawList(AuthoringContext& ctx) {
    const auto& s = ctx.model.scenario();
    ImGui::BeginChild("interruption list", ImVec2(0, 124), true);
    for (int i = 0; i < int(s.interruptions.size()); ++i) {
        const auto& in = s.interruptions[std::size_t(i)];
        const auto e = estimateStart(s, in);
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float h = ImGui::GetTextLineHeight();
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + 3), ImVec2(p.x + 8, p.y + h - 3),
                                                  roleColour(in.role), 2);
        ImGui::SetCursorScreenPos(ImVec2(p.x + 14, p.y));
        const std::string row = (e.exact || !e.seconds ? "" : "~") + (e.seconds ? clock(*e.seconds) : "never") + "  " +
                                in.id + (in.name.empty() ? "" : "  (" + in.name + ")") +
                                (e.exact ? "" : "  " + e.trigger) + "##i" + std::to_string(i);
        if (ImGui::Selectable(row.c_str(), ctx.selection.interruption == i)) ctx.selection.interruption = i;
    }
    ImGui::EndChild();
}
}  // namespace

void drawInterruptionEditor(AuthoringContext& ctx) {
    auto& s = ctx.model.scenario();
    int& selected = ctx.selection.interruption;
    double& addAt = ctx.widgets.addInterruptionAt;
    if (ImGui::Button("Add interruption at")) selected = int(addInterruptionAt(ctx.model, addAt));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(90);
    secondsField("##add at", addAt, 0);
    const bool valid = selected >= 0 && selected < int(s.interruptions.size());
    if (valid) {
        ImGui::SameLine();
        if (ImGui::Button("Delete")) {
            removeInterruption(ctx.model, std::size_t(selected));
            selected = -1;
            return;
        }
    }
    drawList(ctx);
    if (!valid) {
        ImGui::TextDisabled("Select an interruption here or on the timeline; double-click the timeline to add one.");
        return;
    }
    ImGui::PushID(selected);
    ImGui::PushItemWidth(-104);
    drawFields(ctx, s.interruptions[std::size_t(selected)]);
    ImGui::PopItemWidth();
    ImGui::PopID();
}

}  // namespace polysim::gui
