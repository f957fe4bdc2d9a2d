#include "support/headless_imgui.h"

#include <filesystem>

namespace polysim::test {

HeadlessImGui::HeadlessImGui() : context(ImGui::CreateContext()) {
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(1600, 900);
    // The app's font and size (app_window.cpp), so widths are as on screen.
    const char* font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    if (std::filesystem::exists(font)) io.Fonts->AddFontFromFileTTF(font, 16.0f);
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    // Named keys at indices of their own (the pre-1.87 key map).
    for (int k = 0; k < ImGuiKey_COUNT; ++k) io.KeyMap[k] = 256 + k;
}

HeadlessImGui::~HeadlessImGui() {
    ImGui::DestroyContext(context);
}

bool HeadlessImGui::frame(ImVec2 at, bool down, const std::function<void()>& draw) {
    ImGuiIO& io = ImGui::GetIO();
    io.DeltaTime = 1.f / 60;
    io.MousePos = at;
    io.MouseDown[0] = down;
    ImGui::NewFrame();
    draw();
    const bool hovered = ImGui::IsAnyItemHovered();
    ImGui::Render();
    return hovered;
}

void HeadlessImGui::type(const std::string& text) {
    ImGui::GetIO().AddInputCharactersUTF8(text.c_str());
}

void HeadlessImGui::key(ImGuiKey key, bool down) {
    ImGui::GetIO().KeysDown[256 + key] = down;
}

}  // namespace polysim::test
