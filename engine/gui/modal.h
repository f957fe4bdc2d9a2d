// One way to ask: a modal dialog, centred, that dims and blocks what is behind it. Opened while `ask` holds (or by
// ImGui::OpenPopup(title) from a button in the same window); true while it shows, and then the caller ends it with
// ImGui::EndPopup().
#pragma once

#include <imgui.h>

namespace polysim::gui {

// `at`: where its centre goes, as fractions of the display.
inline bool beginModal(const char* title, bool ask, ImVec2 at = ImVec2(0.5f, 0.5f),
                       ImGuiWindowFlags flags = ImGuiWindowFlags_AlwaysAutoResize) {
    if (ask && !ImGui::IsPopupOpen(title)) ImGui::OpenPopup(title);
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(display.x * at.x, display.y * at.y), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    return ImGui::BeginPopupModal(title, nullptr, flags);
}

}  // namespace polysim::gui
