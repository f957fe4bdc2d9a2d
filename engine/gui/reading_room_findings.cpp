// The reading room's findings and calls panel (see reading_room.h): the marks and calls made, the call pickers, the
// free-text call, the conclusion and the session's end; and the mark picker.
#include "gui/reading_room.h"

#include "gui/modal.h"
#include "gui/palette.h"
#include "gui/reading_room_layout.h"

#include <algorithm>
#include <cstdio>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "phantom/phantom.h"
#include "scenario/internal.h"
#include "session/matching.h"

namespace polysim::gui {

bool pickerOffers(const session::Diagnosis& diagnosis, const std::string& search) {
    return session::matchesSearch(diagnosis.label, search) ||
           std::any_of(diagnosis.names.begin(), diagnosis.names.end(),
                       [&](const std::string& s) { return session::matchesSearch(s, search); });
}

std::vector<std::string> callRoles(const scenario::Scenario& scenario, std::size_t* caseRoles) {
    std::vector<std::string> roles;
    auto add = [&](const std::string& r) {
        if (!r.empty() && r != "phone" && r != "pager" && std::find(roles.begin(), roles.end(), r) == roles.end())
            roles.push_back(r);
    };
    for (const auto& f : scenario.findings)
        for (const auto& r : f.tell) add(r);
    for (const auto& in : scenario.interruptions) add(in.role);
    if (caseRoles) *caseRoles = roles.size();
    for (const auto& r : scenario::detail::knownRoles()) add(r);
    return roles;
}

void ReadingRoom::drawFindings(float height) {
    ImGui::BeginChild("##findings", ImVec2(0, height), true);
    ImGui::TextDisabled("Findings: double-click the image, or M");
    const auto marks = session_->marks();
    for (const auto& m : marks) {
        ImGui::PushID(m.id.c_str());
        ImGui::TextColored(palette::kMarkId, "%s", m.id.c_str());
        ImGui::SameLine();
        ImGui::TextWrapped("%s", m.label.c_str());
        char go[48];
        std::snprintf(go, sizeof go, "Go to z %.0f", m.lps.z);
        if (ImGui::SmallButton(go)) {
            if (session_->view().plane != session::Plane::Axial) apply(session::SetPlane{session::Plane::Axial});
            apply(session::SetPosition{m.lps.z});
        }
        ImGui::SameLine();
        if (ImGui::SmallButton("Call...")) ImGui::OpenPopup("call");
        ImGui::SameLine();
        if (ImGui::SmallButton("Remove")) apply(session::RemoveMark{m.id});
        if (ImGui::BeginPopup("call")) {
            if (auto r = pickCallRole(""); !r.empty()) apply(session::CallFinding{m.id, "", r});
            ImGui::EndPopup();
        }
        ImGui::PopID();
    }
    const auto& calls = session_->calls();
    if (!calls.empty()) ImGui::TextDisabled("Calls");
    for (const auto& c : calls) {
        // A call by mark names the mark's label, as the trainee chose it.
        std::string what = c.text;
        if (!c.mark.empty())
            for (const auto& m : session_->allMarks())
                if (m.id == c.mark) what = m.label + (c.text.empty() ? "" : " - " + c.text);
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        ImGui::TextWrapped("%s to %s: %s", clockText(c.t).c_str(), scenario::roleTitle(c.role).c_str(), what.c_str());
        ImGui::PopStyleColor();
    }
    // A new mark or call scrolls into view.
    if (marks.size() + calls.size() != listedItems_) {
        listedItems_ = marks.size() + calls.size();
        ImGui::SetScrollHereY(1.0f);
    }
    ImGui::EndChild();
}

std::string ReadingRoom::pickCallRole(const std::string& current) {
    std::string chosen;
    for (std::size_t i = 0; i < callRoles_.size(); ++i) {
        if (i == caseRoles_ && i > 0) ImGui::Separator();  // the case's roles above, the rest of the team below
        const std::string& r = callRoles_[i];
        if (ImGui::Selectable(scenario::roleTitle(r).c_str(), r == current)) chosen = r;
    }
    return chosen;
}

// The conclusion box grows with the sentence (two to six lines, then it scrolls). While the trainee types in it, it
// is the text field; otherwise it shows the whole sentence wrapped, so a submitted conclusion can be read back, and
// a click on it edits it again.
void ReadingRoom::drawConclusionBox() {
    const ImGuiStyle& style = ImGui::GetStyle();
    const float lineHeight = ImGui::GetTextLineHeight();
    const float wrapWidth = ImGui::GetContentRegionAvail().x - 2 * style.FramePadding.x - style.ScrollbarSize;
    const float textHeight =
        conclusion_.empty() ? 0.0f : ImGui::CalcTextSize(conclusion_.c_str(), nullptr, false, wrapWidth).y;
    const ImVec2 size(-1, std::clamp(textHeight, 2 * lineHeight, 6 * lineHeight) + 2 * style.FramePadding.y + 2);
    if (editingConclusion_ || conclusion_.empty()) {
        if (focusConclusion_) ImGui::SetKeyboardFocusHere();
        focusConclusion_ = false;
        // Taken up again from a click on the sentence: the caret goes to its end, to add to it.
        auto caretToEnd = [](ImGuiInputTextCallbackData* data) {
            bool& pending = *static_cast<bool*>(data->UserData);
            if (pending) data->CursorPos = data->SelectionStart = data->SelectionEnd = data->BufTextLen;
            pending = false;
            return 0;
        };
        ImGui::InputTextMultiline("##conclusion", &conclusion_, size, ImGuiInputTextFlags_CallbackAlways, caretToEnd,
                                  &caretToEnd_);
        if (ImGui::IsItemActive())
            editingConclusion_ = true;
        else if (ImGui::IsItemDeactivated())
            editingConclusion_ = false;
        return;
    }
    ImGui::PushStyleColor(ImGuiCol_ChildBg, style.Colors[ImGuiCol_FrameBg]);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, style.FramePadding);
    ImGui::BeginChild("##conclusionText", size, false, ImGuiWindowFlags_AlwaysUseWindowPadding);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(conclusion_.c_str());
    ImGui::PopTextWrapPos();
    const bool hovered = ImGui::IsWindowHovered();
    ImGui::EndChild();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
    if (hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_TextInput);
    if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left))
        editingConclusion_ = focusConclusion_ = caretToEnd_ = true;
}

void ReadingRoom::drawConclusion() {
    ImGui::Separator();
    ImGui::SetNextItemWidth(-1);
    const bool enter = ImGui::InputTextWithHint("##callText", "call out in words, then the role", &callText_,
                                                ImGuiInputTextFlags_EnterReturnsTrue);
    noteControl("call-text");
    ImGui::SetNextItemWidth(170);
    if (ImGui::BeginCombo("##callRole", scenario::roleTitle(callRole_).c_str())) {
        if (auto r = pickCallRole(callRole_); !r.empty()) callRole_ = r;
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    if ((ImGui::Button("Call") || enter) && !callText_.empty()) {
        apply(session::CallFinding{"", callText_, callRole_});
        callText_.clear();
    }
    ImGui::Separator();
    ImGui::TextUnformatted("Conclusion (one sentence)");
    // The session's conclusion is the one that counts: shown when the room has none of its own (a script, a
    // resumed log), and said to be in once submitted, or changed since.
    const auto submittedAt = session_->conclusionAt();
    if (conclusion_.empty() && submittedAt) conclusion_ = session_->conclusion();
    if (submittedAt) {
        const bool same = conclusion_ == session_->conclusion();
        const std::string note = same ? "submitted at " + clockText(*submittedAt) : "changed: submit again";
        ImGui::SameLine(ImGui::GetContentRegionMax().x - ImGui::CalcTextSize(note.c_str()).x);
        ImGui::TextColored(same ? palette::kDone : palette::kAttention, "%s", note.c_str());
        noteControl("conclusion:state");
    }
    drawConclusionBox();
    noteControl("conclusion");
    if (ImGui::Button("Submit conclusion") && !conclusion_.empty()) apply(session::WriteConclusion{conclusion_});
    noteControl("submit-conclusion");
    ImGui::SameLine();
    bool declared = session_->primarySurveyDeclaredAt().has_value();
    if (declared) ImGui::BeginDisabled();
    if (ImGui::Button(declared ? "Primary survey declared" : "Primary survey complete"))
        apply(session::DeclarePrimarySurveyComplete{});
    noteControl("primary-survey");
    if (declared) ImGui::EndDisabled();
    // Ending early cannot be undone: the room asks first.
    if (ImGui::Button("End session")) ImGui::OpenPopup("End the session?");
    noteControl("end-session");
    if (beginModal("End the session?", false, ImVec2(0.5f, 0.4f))) {
        ImGui::TextUnformatted("The session ends now and is scored; it cannot be taken up again.");
        ImGui::TextDisabled("The clock keeps running while this question is open.");
        if (ImGui::Button("End session and score")) {
            apply(session::EndSession{});
            ImGui::CloseCurrentPopup();
        }
        noteControl("end-session:confirm");
        ImGui::SameLine();
        if (ImGui::Button("Keep reading")) ImGui::CloseCurrentPopup();
        noteControl("end-session:keep-reading");
        ImGui::EndPopup();
    }
}

void ReadingRoom::drawMarkPicker() {
    if (!pickerOpen_) return;
    ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.4f), ImGuiCond_Appearing,
                            ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(480, 380), ImGuiCond_Appearing);
    ImGui::Begin("Mark a finding", &pickerOpen_, ImGuiWindowFlags_NoCollapse);
    ImGui::Text("at (%.0f, %.0f, %.0f) mm LPS", pickerLps_.x, pickerLps_.y, pickerLps_.z);
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    ImGui::SetNextItemWidth(-1);
    const std::string searchBefore = pickerSearch_;
    bool enter = ImGui::InputTextWithHint("##search", "search or type a label", &pickerSearch_,
                                          ImGuiInputTextFlags_EnterReturnsTrue);
    // One match is highlighted (the first, Up and Down move it): Enter takes it, Shift+Enter keeps the typed text.
    std::vector<const session::Diagnosis*> offered;
    for (const auto& d : session::traumaLexicon())
        if (pickerOffers(d, pickerSearch_)) offered.push_back(&d);
    const int up = ImGui::GetKeyIndex(ImGuiKey_UpArrow), down = ImGui::GetKeyIndex(ImGuiKey_DownArrow);
    const bool moved = pickerSearch_ != searchBefore || ImGui::IsKeyPressed(up) || ImGui::IsKeyPressed(down);
    if (pickerSearch_ != searchBefore || ImGui::IsWindowAppearing()) pickerHighlight_ = 0;
    pickerHighlight_ += int(ImGui::IsKeyPressed(down)) - int(ImGui::IsKeyPressed(up));
    pickerHighlight_ = std::clamp(pickerHighlight_, 0, std::max(0, int(offered.size()) - 1));
    std::string chosen;
    if (enter && !ImGui::GetIO().KeyShift && !offered.empty()) chosen = offered[std::size_t(pickerHighlight_)]->label;
    ImGui::BeginChild("labels", ImVec2(0, -34), true);
    // The whole trauma lexicon (injuries, normal variants, mimics), the same for every case.
    for (std::size_t i = 0; i < offered.size(); ++i) {
        const bool highlighted = int(i) == pickerHighlight_;
        if (ImGui::Selectable(offered[i]->label.c_str(), highlighted)) chosen = offered[i]->label;
        if (highlighted && moved) ImGui::SetScrollHereY();
    }
    ImGui::EndChild();
    if (chosen.empty() && (ImGui::Button("Mark with the typed text (Shift+Enter)") || enter) && !pickerSearch_.empty())
        chosen = pickerSearch_;
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) pickerOpen_ = false;
    ImGui::End();
    if (!chosen.empty()) {
        apply(session::MarkFinding{pickerLps_, chosen, ""});
        pickerOpen_ = false;
    }
}

}  // namespace polysim::gui
