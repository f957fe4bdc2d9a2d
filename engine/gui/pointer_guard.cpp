// Where a mouse event belongs (see pointer_guard.h).
#include "gui/pointer_guard.h"

#include <imgui_internal.h>

namespace polysim::gui {

bool imguiWindowAt(ImVec2 point) {
    ImGuiContext* g = ImGui::GetCurrentContext();
    if (!g) return false;
    // Between frames each window's Active still says whether the last frame drew it.
    for (ImGuiWindow* w : g->Windows) {
        if (!w->Active || w->Hidden || (w->Flags & ImGuiWindowFlags_NoMouseInputs)) continue;
        if (point.x >= w->Pos.x && point.y >= w->Pos.y && point.x < w->Pos.x + w->Size.x &&
            point.y < w->Pos.y + w->Size.y)
            return true;
    }
    return false;
}

bool imguiTakesMouse(const SDL_Event& e, ImVec2 pointer) {
    if (ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopup)) return true;
    switch (e.type) {
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP:
            return imguiWindowAt(ImVec2(float(e.button.x), float(e.button.y)));
        case SDL_MOUSEMOTION:
            return imguiWindowAt(ImVec2(float(e.motion.x), float(e.motion.y))) || ImGui::GetIO().WantCaptureMouse;
        default:
            return imguiWindowAt(pointer);  // the wheel acts where the pointer is
    }
}

}  // namespace polysim::gui
