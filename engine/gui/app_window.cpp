// SDL2 + OpenGL 3.3 core + Dear ImGui 1.86 set-up, following ImGui's example_sdl2_opengl3.
#include "gui/app_window.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include <SDL.h>
#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>
#include <imgui.h>

#include "gui/gl.h"
#include "gui/palette.h"
#include "gui/plane_renderer.h"
#include "imaging/render.h"

namespace polysim::gui {
namespace {
// Installed by fonts-dejavu-core (make deps); ImGui's built-in font is the fallback so the app never needs a file.
constexpr const char* kFontFile = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr const char* kBoldFontFile = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

void styleForReadingRoom() {
    ImGui::StyleColorsDark();
    ImGuiStyle& s = ImGui::GetStyle();
    s.WindowRounding = 4;
    s.FrameRounding = 3;
    s.WindowBorderSize = 1;
    s.Colors[ImGuiCol_WindowBg] = palette::kWindowBackground;
}
}  // namespace

AppWindow::AppWindow(const WindowOptions& o) {
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0)
        throw std::runtime_error(std::string("cannot open a window: ") + SDL_GetError() +
                                 " (no display? try: xvfb-run -a -s '-screen 0 1600x900x24' polysim)");
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
    SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);
    Uint32 flags = SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
    flags |= o.hidden ? SDL_WINDOW_HIDDEN : SDL_WINDOW_SHOWN;
    window_ =
        SDL_CreateWindow(o.title.c_str(), SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, o.width, o.height, flags);
    if (!window_) throw std::runtime_error(std::string("cannot create the window: ") + SDL_GetError());
    context_ = SDL_GL_CreateContext(window_);
    if (!context_) {
        SDL_DestroyWindow(window_);
        throw std::runtime_error(std::string("cannot create an OpenGL 3.3 core context: ") + SDL_GetError());
    }
    SDL_GL_MakeCurrent(window_, context_);
    SDL_GL_SetSwapInterval(o.vsync ? 1 : 0);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // the layout is the app's, not a file in the working directory
    // No keyboard navigation: the arrows, Space, Home/End and the number keys are the viewer's (see bindings.h),
    // and a focused button must never take them (Space on "End session"). Only a text field being typed in takes
    // the keyboard (io.WantCaptureKeyboard).
    styleForReadingRoom();
    // Latin plus the punctuation, arrows, maths signs and ticks the scenario and debrief texts use (dashes, "<=",
    // "->", the debrief's check and cross marks).
    static const ImWchar ranges[] = {0x0020, 0x017F, 0x2000, 0x206F, 0x2190, 0x21FF, 0x2200, 0x22FF, 0x2700, 0x27BF, 0};
    if (std::filesystem::exists(kFontFile)) {
        io.Fonts->AddFontFromFileTTF(kFontFile, 16.0f, nullptr, ranges);
        if (std::filesystem::exists(kBoldFontFile)) io.Fonts->AddFontFromFileTTF(kBoldFontFile, 20.0f, nullptr, ranges);
    } else {
        io.Fonts->AddFontDefault();
    }
    ImGui_ImplSDL2_InitForOpenGL(window_, context_);
    ImGui_ImplOpenGL3_Init("#version 330 core");
}

AppWindow::~AppWindow() {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplSDL2_Shutdown();
    ImGui::DestroyContext();
    SDL_GL_DeleteContext(context_);
    SDL_DestroyWindow(window_);
    SDL_Quit();
}

int AppWindow::width() const {
    int w = 0, h = 0;
    SDL_GL_GetDrawableSize(window_, &w, &h);
    return w;
}
int AppWindow::height() const {
    int w = 0, h = 0;
    SDL_GL_GetDrawableSize(window_, &w, &h);
    return h;
}

void AppWindow::beginFrame() {
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    ImGui::NewFrame();
}

void AppWindow::renderWithoutSwap() {
    ImGui::Render();
    drawGl();
}

void AppWindow::drawGl() {
    glViewport(0, 0, width(), height());
    glDisable(GL_SCISSOR_TEST);
    glClearColor(0.0f, 0.0f, 0.0f, 1.0f);  // the viewer's background: views need no fill of their own
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

void AppWindow::swap() {
    SDL_GL_SwapWindow(window_);
}

void AppWindow::endFrame() {
    renderWithoutSwap();
    swap();
    drawnHash_ = 0;
}

namespace {

// FNV-1a over the bytes of a value.
struct FrameHash {
    std::uint64_t h = 1469598103934665603ULL;
    void bytes(const void* p, std::size_t n) {
        const auto* b = static_cast<const unsigned char*>(p);
        for (std::size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ULL;
    }
    template <class T>
    void value(const T& v) {
        bytes(&v, sizeof v);
    }
};

// Everything the GL draw of this frame depends on: the vertices, indices and commands of every draw list, what
// the views' draw callbacks draw (image rectangle, reformat mapping, window), the display size and the textures.
std::uint64_t frameHash(const ImDrawData& d) {
    FrameHash f;
    f.value(d.DisplaySize.x);
    f.value(d.DisplaySize.y);
    f.value(d.FramebufferScale.x);
    f.value(d.FramebufferScale.y);
    f.value(textureUploads());
    for (int l = 0; l < d.CmdListsCount; ++l) {
        const ImDrawList& list = *d.CmdLists[l];
        f.bytes(list.VtxBuffer.Data, std::size_t(list.VtxBuffer.Size) * sizeof(ImDrawVert));
        f.bytes(list.IdxBuffer.Data, std::size_t(list.IdxBuffer.Size) * sizeof(ImDrawIdx));
        for (const ImDrawCmd& c : list.CmdBuffer) {
            f.value(c.ClipRect.x), f.value(c.ClipRect.y), f.value(c.ClipRect.z), f.value(c.ClipRect.w);
            f.value(c.TextureId), f.value(c.VtxOffset), f.value(c.IdxOffset), f.value(c.ElemCount);
            f.value(c.UserCallback);
            if (c.UserCallback == drawPlaneCallback && c.UserCallbackData) {
                const auto& p = *static_cast<const PlaneDraw*>(c.UserCallbackData);
                f.value(p.program), f.value(p.texture), f.value(p.image.min), f.value(p.image.max);
                f.value(p.uvToTexture), f.value(p.window.width), f.value(p.window.level);
            }
        }
    }
    return f.h;
}

}  // namespace

bool AppWindow::endFrameIfChanged(bool force) {
    ImGui::Render();
    const std::uint64_t hash = frameHash(*ImGui::GetDrawData());
    const std::uint64_t now = SDL_GetTicks64();
    if (!force && hash == drawnHash_ && now - drawnTicks_ < 500) return false;
    drawGl();
    swap();
    drawnHash_ = hash;
    drawnTicks_ = now;
    return true;
}

Screenshot AppWindow::readPixels() const {
    Screenshot s;
    s.width = width();
    s.height = height();
    s.rgba.resize(std::size_t(s.width) * std::size_t(s.height) * 4);
    std::vector<uint8_t> flipped(s.rgba.size());
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, s.width, s.height, GL_RGBA, GL_UNSIGNED_BYTE, flipped.data());
    // OpenGL's rows start at the bottom; PNG's at the top.
    const std::size_t row = std::size_t(s.width) * 4;
    for (int y = 0; y < s.height; ++y)
        std::copy_n(flipped.data() + std::size_t(s.height - 1 - y) * row, row, s.rgba.data() + std::size_t(y) * row);
    for (std::size_t i = 3; i < s.rgba.size(); i += 4) s.rgba[i] = 255;
    return s;
}

void writePng(const std::filesystem::path& file, const Screenshot& shot) {
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
    // The window is opaque (readPixels sets alpha to 255): written as RGB by the one PNG writer.
    imaging::Image8 image;
    image.width = shot.width;
    image.height = shot.height;
    image.channels = 3;
    image.pixels.resize(shot.rgba.size() / 4 * 3);
    for (std::size_t i = 0, o = 0; i + 3 < shot.rgba.size(); i += 4, o += 3)
        std::copy_n(shot.rgba.data() + i, 3, image.pixels.data() + o);
    imaging::writePng(file, image);
}

}  // namespace polysim::gui
