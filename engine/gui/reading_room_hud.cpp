// The reading room's HUD (see reading_room.h): the top bar with the session clock and the series, the vitals monitor,
// the window presets, the reading-order checklist, the status line and the placeholder before the first image.
#include "gui/palette.h"
#include "gui/reading_room.h"
#include "gui/reading_room_layout.h"
#include "gui/text_fit.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <imgui.h>
#include <imgui_stdlib.h>

namespace polysim::gui {
namespace {
// One heartbeat of a stylised ECG (0..1 through the beat) for the monitor trace.
double ecg(double phase) {
    auto bump = [&](double c, double w, double h) { return h * std::exp(-std::pow((phase - c) / w, 2)); };
    return bump(0.12, 0.025, 0.15) - bump(0.22, 0.008, 0.15) + bump(0.24, 0.012, 1.0) - bump(0.27, 0.01, 0.25) +
           bump(0.5, 0.05, 0.3);
}
}  // namespace

void ReadingRoom::drawStatus() {
    const double age = clock_.now() - statusAt_;
    if (status_.empty() || age > kStatusSeconds) return;
    // Over the foot of the big view, above its window and HU lines; fading out in its last two seconds.
    const ImageRect axial = viewer_.viewBounds(viewer_.bigPlane());
    const bool laidOut = axial.size().x > 0;
    ImGuiIO& io = ImGui::GetIO();
    const float width = laidOut ? float(axial.size().x) - 40 : io.DisplaySize.x - kLeftPanel - 40;
    const float centreX = laidOut ? float(axial.min.x + axial.max.x) * 0.5f : (kLeftPanel + io.DisplaySize.x) * 0.5f;
    ImGui::SetNextWindowPos(ImVec2(centreX, io.DisplaySize.y - 60), ImGuiCond_Always, ImVec2(0.5f, 1));
    ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0), ImVec2(width, io.DisplaySize.y * 0.5f));
    ImGui::PushStyleVar(ImGuiStyleVar_Alpha, float(std::clamp((kStatusSeconds - age) / 2.0, 0.0, 1.0)));
    ImGui::Begin("##status", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoInputs |
                     ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav);
    ImGui::TextColored(palette::kStatus, "%s",
                       wrapToWidth(status_, width - 16 - 2 * ImGui::GetStyle().WindowPadding.x).c_str());
    controls_["status"] = {ImGui::GetWindowPos(), ImVec2(ImGui::GetWindowPos().x + ImGui::GetWindowWidth(),
                                                         ImGui::GetWindowPos().y + ImGui::GetWindowHeight())};
    ImGui::End();
    ImGui::PopStyleVar();
}

void ReadingRoom::drawViewerPlaceholder() {
    if (viewer_.volume()) return;
    // No image yet: say why, in the middle of the viewer, rather than leave a black screen.
    const auto& sv = session_->view();
    std::string line1, line2;
    if (!sv.series.empty()) {
        std::string label = sv.series;
        for (const auto& s : scenario_.images.series)
            if (s.id == sv.series) label = s.label;
        line1 = "Loading " + label + " ...";
        line2 = "The images show as soon as they are read.";
    } else {
        line1 = "Waiting for the scanner";
        bool arrived = false;
        for (const auto& st : session_->seriesStates()) arrived = arrived || (st.spec && st.arrivedFraction > 0);
        line2 = arrived ? "Open an arrived series from the top bar."
                        : "The first images open by themselves when they arrive.";
    }
    ImGuiIO& io = ImGui::GetIO();
    ImDrawList* l = ImGui::GetBackgroundDrawList();
    ImVec2 centre((kLeftPanel + io.DisplaySize.x) * 0.5f, (kTopBar + io.DisplaySize.y) * 0.5f);
    ImVec2 s1 = ImGui::CalcTextSize(line1.c_str()), s2 = ImGui::CalcTextSize(line2.c_str());
    l->AddText(ImVec2(centre.x - s1.x * 0.5f, centre.y - s1.y - 2), palette::kWaitingTitle, line1.c_str());
    l->AddText(ImVec2(centre.x - s2.x * 0.5f, centre.y + 4), palette::kWaitingLine, line2.c_str());
}

void ReadingRoom::drawTopBar() {
    ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(io.DisplaySize.x, kTopBar));
    ImGui::Begin("##top", nullptr,
                 ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoBringToFrontOnFocus);
    ImFont* big = io.Fonts->Fonts.Size > 1 ? io.Fonts->Fonts[1] : nullptr;
    if (big) ImGui::PushFont(big);
    ImGui::TextColored(palette::kDone, "T+ %s", clockText(session_->now()).c_str());
    if (big) ImGui::PopFont();
    // Laid out by the widths things have: the Keys button at the right edge, the title and the series buttons
    // shortened (full text in a tooltip) when they would not fit before it.
    const ImGuiStyle& style = ImGui::GetStyle();
    const float keysWidth = ImGui::CalcTextSize("Keys").x + 2 * style.FramePadding.x;
    const float keysX = io.DisplaySize.x - keysWidth - style.WindowPadding.x;
    ImGui::SameLine(130);
    const std::string title = fitText(scenario_.meta.title, (keysX - 130) * 0.3f);
    ImGui::TextUnformatted(title.c_str());
    if (title != scenario_.meta.title && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", scenario_.meta.title.c_str());
    ImGui::SameLine(0, 24);
    struct SeriesButton {
        const session::SeriesState* state;
        std::string label, tip;
    };
    std::vector<SeriesButton> buttons;
    const auto states = session_->seriesStates();
    for (const auto& st : states) {
        if (!st.spec) continue;
        char progress[32] = "";
        if (st.arrivedFraction > 0 && st.arrivedFraction < 1)
            std::snprintf(progress, sizeof progress, " %d%%", int(st.arrivedFraction * 100));
        const char* state = st.arrivedFraction <= 0 ? " (awaited)" : st.arrivedFraction < 1 ? " (arriving)" : "";
        buttons.push_back({&st, st.spec->label + (st.arrivedFraction <= 0 ? state : progress), st.spec->label + state});
    }
    if (computedScoutOffered()) buttons.push_back({nullptr, "Scout (computed)", ""});
    const float gap = style.ItemSpacing.x, pad = 2 * style.FramePadding.x;
    const float room = keysX - gap - ImGui::GetCursorPosX();
    auto total = [&] {
        float sum = 0;
        for (const auto& b : buttons) sum += ImGui::CalcTextSize(b.label.c_str()).x + pad + gap;
        return sum;
    };
    // Short of room, "(awaited)" goes first (the grey says it), then every label is cut to an equal share.
    if (total() > room)
        for (auto& b : buttons)
            if (b.state && b.state->arrivedFraction <= 0) b.label = b.state->spec->label;
    if (total() > room && !buttons.empty()) {
        // Each button gets an equal share, a short label keeping its arrival percentage.
        const float share = room / float(buttons.size()) - pad - gap;
        for (auto& b : buttons) {
            const auto cut = b.label.rfind('%') == b.label.size() - 1 ? b.label.rfind(' ') : std::string::npos;
            const std::string suffix = cut == std::string::npos ? "" : b.label.substr(cut);
            b.label = fitText(b.label.substr(0, cut), share - ImGui::CalcTextSize(suffix.c_str()).x) + suffix;
        }
    }
    for (const auto& b : buttons) {
        if (!b.state) {
            ImGui::PushStyleColor(ImGuiCol_Button, computedScoutShown() ? palette::kSelected : palette::kArrived);
            if (ImGui::Button(b.label.c_str())) showComputedScout(true);
            noteControl(std::string("series:") + kComputedScoutId);
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("This case brings no scout: an AP projection of the body series, like a topogram.");
            ImGui::PopStyleColor();
            ImGui::SameLine();
            continue;
        }
        const auto& st = *b.state;
        ImVec4 c = st.arrivedFraction <= 0  ? palette::kAwaited
                   : st.arrivedFraction < 1 ? palette::kArriving
                                            : palette::kArrived;
        ImGui::PushStyleColor(ImGuiCol_Button, c);
        if (st.arrivedFraction <= 0) ImGui::PushStyleColor(ImGuiCol_Text, palette::kAwaitedText);
        bool open = ImGui::Button((b.label + "##" + st.spec->id).c_str());
        if (st.arrivedFraction <= 0) ImGui::PopStyleColor();
        noteControl("series:" + st.spec->id);
        if (b.tip != b.label && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", b.tip.c_str());
        if (open && st.arrivedFraction > 0) openSeries(*st.spec);
        ImGui::PopStyleColor();
        ImGui::SameLine();
    }
    ImGui::SameLine(keysX);
    if (ImGui::Button("Keys")) bindingsOpen_ = !bindingsOpen_;
    noteControl("keys");
    ImGui::End();
}

void ReadingRoom::drawVitals(ImVec2 pos, ImVec2 size) {
    auto v = session_->vitals();
    ImDrawList* l = ImGui::GetWindowDrawList();
    l->AddRectFilled(pos, ImVec2(pos.x + size.x, pos.y + size.y), palette::kMonitorBackground, 4);
    // ECG trace scrolling with session time, over two rows of numbers (the trace gives way in a small window).
    const float traceH = size.y - 102, traceY = pos.y + 8 + traceH, row1 = traceH + 18, row2 = traceH + 62;
    const double secondsShown = 3.0, beat = 60.0 / std::max(20.0, v.heartRate);
    ImVec2 prev;
    for (int x = 0; x <= int(size.x) - 16; x += 2) {
        double t = session_->now() - secondsShown * (1.0 - x / (size.x - 16));
        double phase = std::fmod(std::max(0.0, t), beat) / beat;
        ImVec2 p(pos.x + 8 + x, traceY - float(ecg(phase) * traceH * 0.8));
        if (x > 0) l->AddLine(prev, p, palette::kHeartRate, 1.5f);
        prev = p;
    }
    char b[64];
    auto big = [&](float x, float y, ImU32 col, const char* label, const char* value) {
        l->AddText(ImVec2(pos.x + x, pos.y + y), col, label);
        ImFont* f = ImGui::GetIO().Fonts->Fonts.Size > 1 ? ImGui::GetIO().Fonts->Fonts[1] : ImGui::GetFont();
        l->AddText(f, 24.f, ImVec2(pos.x + x, pos.y + y + 14), col, value);
    };
    std::snprintf(b, sizeof b, "%.0f", v.heartRate);
    big(8, row1, palette::kHeartRate, "HR", b);
    std::snprintf(b, sizeof b, "%.0f/%.0f", v.systolic, v.diastolic);
    big(70, row1, palette::kBloodPressure, "NIBP mmHg", b);
    std::snprintf(b, sizeof b, "%.0f", v.spo2);
    big(200, row1, palette::kSaturation, "SpO2 %", b);
    std::snprintf(b, sizeof b, "%.0f", v.respiratoryRate);
    big(8, row2, palette::kRespiratoryRate, "RR", b);
    std::snprintf(b, sizeof b, "%d", v.gcs);
    big(70, row2, palette::kGcs, "GCS", b);
    // Alarm when the patient is shocked: the monitor a trauma room hears.
    if (v.systolic < 90 || v.heartRate > 120 || v.spo2 < 90)
        l->AddText(ImVec2(pos.x + 200, pos.y + row2 + 8), palette::kAlarm, "ALARM");
    ImGui::Dummy(size);
}

void ReadingRoom::drawPresets() {
    int n = 1;
    const float width = (kLeftPanel - 34) / 4;
    for (const auto& p : imaging::kWindowPresets) {
        // "6 Mediast…": the key it is on (when a short one) and the label's first word, as it fits.
        const std::string command = "window.preset." + std::string(p.name);
        const auto chords = bindings_.chordsOf(command);
        const std::string key = chords.empty() ? "" : chords.front().toString();
        const std::string label(p.label);
        const std::string word = label.substr(0, label.find_first_of(" /"));
        const std::string shown =
            fitText((key.size() <= 2 ? key + " " : "") + word, width - 2 * ImGui::GetStyle().FramePadding.x);
        bool on = viewer_.window() == p.window;
        if (on) ImGui::PushStyleColor(ImGuiCol_Button, palette::kSelected);
        if (ImGui::Button((shown + "##" + command).c_str(), ImVec2(width, 0)))
            viewer_.execute(command, viewer_.activePlane());
        if (on) ImGui::PopStyleColor();
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("%s: W %.0f  L %.0f%s%s", label.c_str(), p.window.width, p.window.level,
                              key.empty() ? "" : "  (key ", key.empty() ? "" : (key + ")").c_str());
        if (n++ % 4 != 0) ImGui::SameLine(0, 4);
    }
}

void ReadingRoom::drawChecklist(float height) {
    ImGui::BeginChild("##checklist", ImVec2(0, height), false);
    ImGui::TextUnformatted("Reading order");
    const float right = ImGui::GetContentRegionMax().x;  // left of the scrollbar when there is one
    const float percentWidth = ImGui::CalcTextSize("100%").x;
    for (std::size_t i = 0; i < scenario_.readingOrder.size(); ++i) {
        const auto* region = scenario_.findRegion(scenario_.readingOrder[i]);
        if (!region) continue;
        double fraction = 0;
        bool done = false;
        if (coverage_)
            for (const auto& rc : coverage_->coverage.regions)
                if (rc.region && rc.region->id == region->id) fraction = rc.fraction, done = rc.completedAt.has_value();
        char line[200];
        std::snprintf(line, sizeof line, "%s %zu %s", done ? "[x]" : "[ ]", i + 1, region->label.c_str());
        const std::string text = fitText(line, right - percentWidth - 12 - ImGui::GetCursorPosX());
        ImGui::TextColored(done ? palette::kDone : palette::kPending, "%s", text.c_str());
        const std::string hint = coverageHint(*region);
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("%s%s%s", text != line ? region->label.c_str() : "", text != line ? "\n" : "",
                              hint.c_str());
        const ImVec2 rowMin = ImGui::GetItemRectMin();
        const float rowBottom = ImGui::GetItemRectMax().y;
        char percent[16];
        std::snprintf(percent, sizeof percent, "%.0f%%", fraction * 100);
        ImGui::SameLine(right - ImGui::CalcTextSize(percent).x);
        ImGui::TextDisabled("%s", percent);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", hint.c_str());
        noteControl("coverage:" + region->id);
        // A thin bar under the row fills towards the region's required coverage.
        const float full = ImGui::GetWindowPos().x + right - rowMin.x;
        const float filled = full * float(std::min(1.0, fraction / std::max(0.01, region->minCoverage)));
        ImDrawList* l = ImGui::GetWindowDrawList();
        l->AddRectFilled(ImVec2(rowMin.x, rowBottom + 1), ImVec2(rowMin.x + full, rowBottom + 3), palette::kBarTrack);
        l->AddRectFilled(ImVec2(rowMin.x, rowBottom + 1), ImVec2(rowMin.x + filled, rowBottom + 3),
                         done ? palette::kBarDone : palette::kBarGoing);
    }
    checklistHeight_ = ImGui::GetCursorPosY() + ImGui::GetStyle().WindowPadding.y;
    ImGui::EndChild();
}

}  // namespace polysim::gui

namespace polysim::gui {
std::string coverageHint(const scenario::Region& region) {
    std::string planes;
    for (std::size_t i = 0; i < region.planes.size(); ++i)
        planes += (i == 0                          ? ""
                   : i + 1 == region.planes.size() ? " or "
                                                   : ", ") +
                  std::string(imaging::planeName(region.planes[i]));
    return "Counts the images of this region seen in " +
           (region.windows.empty() ? std::string("any window") : scoring::windowsPhrase(region.windows)) +
           (region.planes.size() > 1 ? ", on " + planes + " slices (the plane read best counts)" : std::string()) +
           "; it is read at " + fixed(region.minCoverage * 100, 0) + "% of them.";
}
}  // namespace polysim::gui
