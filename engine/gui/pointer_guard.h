// Where a mouse event belongs: to an ImGui window (a bubble, the HUD, the mark picker, a question) or to the images
// under them. ImGui's own io.WantCaptureMouse is worked out when a frame starts, from where the pointer was then; a
// pointer moved onto a bubble and clicked before the next frame (a quick hand, a slow frame) would still count as
// over the image. The guard asks by the event's own position, against the windows the last frame drew.
#pragma once

#include <SDL.h>
#include <imgui.h>

namespace polysim::gui {

// True when the last frame drew an ImGui window that takes the mouse at `point` (window pixels); windows that let
// clicks through (ImGuiWindowFlags_NoMouseInputs, tooltips) do not count. Call between frames, as events are.
bool imguiWindowAt(ImVec2 point);

// Whether ImGui, not the view underneath, takes the mouse event `e`: an event over a window, any event while a
// popup or modal question is open, and (motion) while ImGui holds a button it took.
bool imguiTakesMouse(const SDL_Event& e, ImVec2 pointer);

}  // namespace polysim::gui
