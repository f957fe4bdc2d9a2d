// The reading room's speech bubbles (see reading_room.h): the team's interruptions in their role colours, with the
// quick answers and the typed answer, and the deterioration announcements above them.
#include "gui/palette.h"
#include "gui/reading_room.h"
#include "gui/reading_room_layout.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "scenario/internal.h"

namespace polysim::gui {
namespace {
// The colour of each role the scenario reader knows (scenario::detail::knownRoles) in the room.
constexpr std::pair<std::string_view, ImU32> kRoleColours[] = {
    {"trauma_leader", IM_COL32(200, 60, 60, 255)},
    {"neurosurgeon", IM_COL32(120, 80, 200, 255)},
    {"anaesthetist", IM_COL32(40, 150, 90, 255)},
    {"vascular_surgeon", IM_COL32(200, 110, 30, 255)},
    {"visceral_surgeon", IM_COL32(190, 160, 30, 255)},
    {"thoracic_surgeon", IM_COL32(30, 160, 170, 255)},
    {"orthopaedic_surgeon", IM_COL32(120, 170, 40, 255)},
    {"neurologist", IM_COL32(60, 120, 200, 255)},
    {"emergency_physician", IM_COL32(170, 60, 170, 255)},
    {"radiographer", IM_COL32(110, 170, 230, 255)},
    {"interventional_radiologist", IM_COL32(230, 120, 120, 255)},
    {"maxillofacial_surgeon", IM_COL32(150, 110, 70, 255)},
    {"nurse", IM_COL32(200, 90, 160, 255)},
    {"phone", IM_COL32(100, 130, 160, 255)},
    {"pager", IM_COL32(170, 140, 100, 255)},
};
}  // namespace

ImU32 roleColour(const std::string& role) {
    const std::string_view r = role == "anaesthesiologist" ? std::string_view("anaesthetist") : std::string_view(role);
    for (const auto& [id, colour] : kRoleColours)
        if (id == r) return colour;
    // A role the scenario reader only warns about: a colour of its own from its name, never the grey of nothing.
    const float hue = float(std::hash<std::string>{}(role) % 360) / 360.f;
    float red, green, blue;
    ImGui::ColorConvertHSVtoRGB(hue, 0.6f, 0.75f, red, green, blue);
    return ImGui::ColorConvertFloat4ToU32(ImVec4(red, green, blue, 1));
}

Announcement splitAnnouncement(const std::string& text) {
    Announcement a{"", text};
    const auto colon = text.find(": ");
    if (colon == std::string::npos || colon > 40) return a;
    std::string speaker = text.substr(0, colon), id;
    for (char c : speaker) id += c == ' ' ? '_' : char(std::tolower(static_cast<unsigned char>(c)));
    for (const auto& r : scenario::detail::knownRoles()) {
        std::string title;
        for (char c : scenario::roleTitle(r))
            title += c == ' ' ? '_' : char(std::tolower(static_cast<unsigned char>(c)));
        if (id == r || id == title) a.role = r;
    }
    if (a.role.empty() && id == "anaesthesiologist") a.role = "anaesthetist";
    if (a.role.empty()) return a;
    std::string words = text.substr(colon + 2);
    if (words.size() >= 2 && (words.front() == '\'' || words.front() == '"') && words.back() == words.front())
        words = words.substr(1, words.size() - 2);
    a.words = words;
    return a;
}

float ReadingRoom::drawAlert(const std::string& finding, const std::string& announcement, ImVec2 at, float width) {
    const auto a = splitAnnouncement(announcement);
    ImGui::SetNextWindowPos(at, ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(width, 0));
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::ColorConvertU32ToFloat4(palette::kAlarmBackground));
    ImGui::PushStyleColor(ImGuiCol_Border, palette::kAlarmBorder);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 4.f);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 6.f);
    // Shown, never in the way: no focus, no input, clicks go through to the images.
    ImGui::Begin(("##alert" + finding).c_str(), nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoInputs |
                     ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoSavedSettings);
    ImFont* big = ImGui::GetIO().Fonts->Fonts.Size > 1 ? ImGui::GetIO().Fonts->Fonts[1] : nullptr;
    if (big) ImGui::PushFont(big);
    ImGui::TextColored(palette::kAlarmTitle, "PATIENT DETERIORATING");
    if (big) ImGui::PopFont();
    if (!a.role.empty()) ImGui::TextColored(palette::kWhite, "%s:", scenario::roleTitle(a.role).c_str());
    // Wrapped between words: the closing quote stays on the last word's line.
    const std::string words = a.role.empty() ? a.words : "\"" + a.words + "\"";
    ImGui::TextUnformatted(wrapToWidth(words, width - 16 - 2 * ImGui::GetStyle().WindowPadding.x).c_str());
    noteControl("alert:" + finding);
    const float h = ImGui::GetWindowHeight();
    ImGui::End();
    ImGui::PopStyleVar(2);
    ImGui::PopStyleColor(2);
    alertsShown_.push_back(announcement);
    return h;
}

void ReadingRoom::drawBubbles() {
    ImGuiIO& io = ImGui::GetIO();
    // The bubbles stack at the viewer's right edge: in their own lane beside the images when the room has one (it
    // covers no image), else over the column beside the big view, below its corner text, so the big image and its
    // annotations stay free; over a scout filling the viewer, beside the body.
    const auto side = viewer_.sidePlanes();
    const ImageRect coronal = viewer_.viewBounds(side[0]), sagittal = viewer_.viewBounds(side[1]);
    const bool column = coronal.size().x > 0 && sagittal.size().x > 0;
    const bool lane = bubbleLane();
    const float w = lane ? kLaneWidth - 16 : column ? std::clamp(float(coronal.size().x) - 40, 300.f, 430.f) : 430.f;
    const float x = io.DisplaySize.x - (lane ? 8 : 14) - w;
    float y = lane ? kTopBar + 6 : column ? float(coronal.min.y) + 26 : kTopBar + 32;
    alertsShown_.clear();
    bubbleLayout_.beginFrame(io.MousePos, session_->now());
    for (const auto& [finding, at] : session_->deteriorationsFired()) {
        const auto* d = deteriorationOf(scenario_, finding);
        if (session_->now() - at > kAlertSeconds || !d || d->announcement.empty()) continue;
        const std::string id = "alert:" + finding;
        const auto top = bubbleLayout_.place(id, x, w, y);
        if (!top) continue;
        const float h = drawAlert(finding, d->announcement, ImVec2(x, *top), w);
        bubbleLayout_.drawn(id, ImVec2(x, *top), ImVec2(x + w, *top + h));
        y = *top + h + 10;
    }
    std::set<std::string> asking;
    for (const auto& live : session_->activeInterruptions()) {
        if (!live.spec) continue;
        const auto& spec = *live.spec;
        asking.insert(spec.id);
        // While the pointer rests on the bubbles, a bubble keeps the words it had (a repeat reflows them later).
        auto kept = bubbleWords_.find(spec.id);
        if (kept == bubbleWords_.end() || !bubbleLayout_.holding())
            kept = bubbleWords_.insert_or_assign(spec.id, live).first;
        const session::ActiveInterruption& a = kept->second;
        const auto top = bubbleLayout_.place(spec.id, x, w, y);
        if (!top) continue;
        y = *top;
        ImU32 col = roleColour(spec.role);
        ImVec4 c = ImGui::ColorConvertU32ToFloat4(col);
        ImGui::SetNextWindowPos(ImVec2(x, y), ImGuiCond_Always);
        ImGui::SetNextWindowSize(ImVec2(w, 0));
        ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(c.x * 0.35f, c.y * 0.35f, c.z * 0.35f, 0.95f));
        ImGui::PushStyleColor(ImGuiCol_Border, c);
        ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 3.f);
        ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 12.f);
        std::string title = "##bubble" + spec.id;
        // A bubble that appears takes no focus: the keys stay with the viewer or the field being typed in.
        ImGui::Begin(title.c_str(), nullptr,
                     ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                         ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_AlwaysAutoResize |
                         ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav);
        const std::string who = spec.name + (spec.name.empty() ? "" : " - ") + scenario::roleTitle(spec.role);
        ImGui::TextColored(palette::kWhite, "%s", who.c_str());
        // The state beside the name when it fits, else on a line of its own: never cut off.
        const char* state = a.escalated ? "(escalating)" : a.repeats > 0 ? "(asks again)" : nullptr;
        if (state) {
            const float gap = ImGui::CalcTextSize("  ").x;
            if (ImGui::CalcTextSize(who.c_str()).x + gap + ImGui::CalcTextSize(state).x <=
                ImGui::GetContentRegionAvail().x)
                ImGui::SameLine(0, gap);
            ImGui::TextColored(a.escalated ? palette::kEscalating : palette::kAttention, "%s", state);
        }
        ImGui::PushTextWrapPos(w - 16);
        ImGui::TextUnformatted(spec.kind == scenario::InterruptionKind::Noise && a.saying.empty()
                                   ? (spec.role == "pager" ? "*beep beep beep*" : "*ring ring*")
                                   : ("\"" + a.saying + "\"").c_str());
        ImGui::PopTextWrapPos();
        ImGui::PushID(spec.id.c_str());
        // Quick answers only once the session offers them (after a while, or after an answer they did not
        // understand; never in exam mode), shuffled: the buttons must not give the diagnosis away.
        for (const auto* opt : session_->offeredChoices(spec.id)) {
            // Quick answers are sentences: wrapped inside full-width buttons, by the width the text has there.
            const float textWidth = ImGui::GetContentRegionAvail().x - 2 * ImGui::GetStyle().FramePadding.x;
            std::string label = wrapToWidth(opt->text, textWidth) + "##" + opt->id;
            if (ImGui::Button(label.c_str(), ImVec2(-1, 0))) answer(spec, opt->id, "", opt->text);
            noteControl("answer:" + spec.id + ":" + opt->id);
        }
        auto& typed = typedAnswers_[spec.id];
        if (spec.kind != scenario::InterruptionKind::Noise) {
            ImGui::SetNextItemWidth(w - 90);
            bool enter = ImGui::InputText("##typed", &typed, ImGuiInputTextFlags_EnterReturnsTrue);
            ImGui::SameLine();
            if ((ImGui::Button("Answer") || enter) && !typed.empty()) {
                answer(spec, "", typed, typed);
                typed.clear();
            }
            noteControl("answer:" + spec.id);
        } else {
            // A phone or a pager only needs dealing with (the session counts any answer); on the phone the trainee
            // may say something, which the log keeps.
            const bool pager = spec.role == "pager";
            // An instructor's remark in a team member's voice: it goes by itself, or with a nod.
            const bool remark = !pager && spec.role != "phone";
            bool enter = false;
            if (remark) {
                if (ImGui::Button("OK", ImVec2(-1, 0))) answer(spec, "", "", "OK");
                noteControl("answer:" + spec.id);
            } else if (!pager) {
                ImGui::SetNextItemWidth(w - 170);
                enter = ImGui::InputTextWithHint("##typed", "what you tell them (optional)", &typed,
                                                 ImGuiInputTextFlags_EnterReturnsTrue);
                ImGui::SameLine();
            }
            if (!remark &&
                (ImGui::Button(pager ? "Dismiss the pager" : "Answer the phone", ImVec2(pager ? -1 : 0, 0)) || enter)) {
                answer(spec, "", typed, typed.empty() ? (pager ? "pager dismissed" : "phone answered") : typed);
                typed.clear();
            }
            if (!remark) noteControl("answer:" + spec.id);
        }
        ImGui::PopID();
        bubbleLayout_.drawn(spec.id, ImGui::GetWindowPos(),
                            ImVec2(ImGui::GetWindowPos().x + ImGui::GetWindowWidth(), y + ImGui::GetWindowHeight()));
        controls_["bubble:" + spec.id] = {
            ImGui::GetWindowPos(),
            ImVec2(ImGui::GetWindowPos().x + ImGui::GetWindowWidth(), y + ImGui::GetWindowHeight())};
        y += ImGui::GetWindowHeight() + 10;
        ImGui::End();
        ImGui::PopStyleVar(2);
        ImGui::PopStyleColor(2);
    }
    std::erase_if(bubbleWords_, [&](const auto& entry) { return !asking.contains(entry.first); });
    // The answer just given, in the bubble's colour and place, for a moment after the question goes.
    asking.clear();  // an answer given in this frame has ended its question
    for (const auto& live : session_->activeInterruptions())
        if (live.spec) asking.insert(live.spec->id);
    std::erase_if(farewells_, [&](const auto& entry) {
        return session_->now() >= entry.second.until || asking.contains(entry.first);
    });
    for (const auto& [id, farewell] : farewells_) {
        const auto top = bubbleLayout_.place(id, x, w, y);
        if (!top) continue;
        const ImVec4 c = ImGui::ColorConvertU32ToFloat4(farewell.colour);
        ImGui::SetNextWindowPos(ImVec2(x, *top), ImGuiCond_Always);
        ImGui::SetNextWindowSize(ImVec2(w, 0));
        ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(c.x * 0.35f, c.y * 0.35f, c.z * 0.35f, 0.95f));
        ImGui::PushStyleColor(ImGuiCol_Border, c);
        ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 3.f);
        ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 12.f);
        ImGui::Begin(("##answered" + id).c_str(), nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoNav |
                         ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoSavedSettings);
        ImGui::PushTextWrapPos(w - 16);
        ImGui::TextColored(c, "%s", farewell.text.c_str());
        ImGui::PopTextWrapPos();
        noteControl("answered:" + id);
        bubbleLayout_.drawnInPlace(id, ImVec2(x, *top), ImVec2(x + w, *top + ImGui::GetWindowHeight()));
        y = bubbleLayout_.bottom() + 10;
        ImGui::End();
        ImGui::PopStyleVar(2);
        ImGui::PopStyleColor(2);
    }
}

void ReadingRoom::answer(const scenario::Interruption& spec, const std::string& option, const std::string& typed,
                         const std::string& shown) {
    // Shown once the question has gone (while it is still asked, its bubble is shown instead).
    if (apply(session::AnswerInterruption{spec.id, option, typed}))
        farewells_[spec.id] = {"You: " + shown, roleColour(spec.role), session_->now() + kFarewellSeconds};
}

}  // namespace polysim::gui
