// The SDL2 window with its OpenGL 3.3 core context and Dear ImGui: the shell every screen draws into.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

struct SDL_Window;

namespace polysim::gui {

struct WindowOptions {
    int width = 1600;
    int height = 900;
    bool vsync = true;
    bool hidden = false;  // tests render without showing the window
    std::string title = "polysim";
};

// RGBA8 pixels, top row first.
struct Screenshot {
    int width = 0, height = 0;
    std::vector<uint8_t> rgba;
};

class AppWindow {
public:
    explicit AppWindow(const WindowOptions& options);  // throws std::runtime_error with SDL's reason
    ~AppWindow();
    AppWindow(const AppWindow&) = delete;
    AppWindow& operator=(const AppWindow&) = delete;

    void beginFrame();  // ImGui new frame
    void endFrame();    // renders ImGui and swaps
    // Renders and swaps only when the frame differs from the last one drawn (its draw lists, the views' images
    // and settings, any texture upload), when `force` is set (input, a window event), or when the last drawn
    // frame is older than half a second. A trainee looking at a still image then costs no drawing: on a machine
    // without a GPU the cores go to making the patient's images, and on a laptop the battery lasts. Returns
    // whether it drew.
    bool endFrameIfChanged(bool force);
    void renderWithoutSwap();  // renders into the back buffer (for a read-back before the swap)
    void swap();
    Screenshot readPixels() const;  // the back buffer as last rendered
    SDL_Window* sdl() const { return window_; }
    int width() const;
    int height() const;

private:
    void drawGl();  // the ImGui draw data of the frame into the back buffer

    SDL_Window* window_ = nullptr;
    void* context_ = nullptr;
    std::uint64_t drawnHash_ = 0;   // of the last frame drawn
    std::uint64_t drawnTicks_ = 0;  // when it was drawn (SDL_GetTicks64)
};

// Writes RGBA pixels as PNG; throws std::runtime_error naming the file on failure.
void writePng(const std::filesystem::path& file, const Screenshot& shot);

}  // namespace polysim::gui
