// ImGui frames without a window or GPU, for tests of the authoring panels and strips: the widgets see the mouse and
// keyboard exactly as the test sets them, with the app's font so that widths are as on screen.
#pragma once

#include <functional>
#include <string>

#include <imgui.h>

namespace polysim::test {

struct HeadlessImGui {
    HeadlessImGui();
    ~HeadlessImGui();
    HeadlessImGui(const HeadlessImGui&) = delete;
    HeadlessImGui& operator=(const HeadlessImGui&) = delete;

    // One frame with the mouse at `at`, the left button down or not; returns whether an item was under the mouse.
    bool frame(ImVec2 at, bool down, const std::function<void()>& draw);
    // Characters typed before the next frame.
    void type(const std::string& text);
    // A named key held down (true) or released (false) from the next frame on.
    void key(ImGuiKey key, bool down);

    ImGuiContext* context = nullptr;
};

}  // namespace polysim::test
