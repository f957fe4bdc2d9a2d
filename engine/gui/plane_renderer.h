// Draws one CT plane with window/level in the fragment shader. The plane is int16 HU uploaded as an R16_SNORM
// 2D texture (filterable, unlike R16I), cut from the Volume on the CPU: scrolling re-uploads one 512x512 slice,
// which keeps a 1000-slice series out of (software) GPU memory.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include <imgui.h>

#include "gui/view_geometry.h"
#include "imaging/window.h"

namespace polysim::gui {

// GL program and quad shared by the planes; created once a GL context exists.
class PlaneProgram {
public:
    void create();  // throws std::runtime_error with the GLSL log when a shader fails to compile
    void destroy();
    unsigned program() const { return program_; }
    unsigned vao() const { return vao_; }
    int uDisplaySize = -1, uImageRect = -1, uUvToTexture = -1, uLowerHU = -1, uWidthHU = -1, uPlane = -1;

private:
    unsigned program_ = 0, vao_ = 0, vbo_ = 0;
};

class PlaneTexture {
public:
    ~PlaneTexture() { release(); }
    void release();  // frees the GL texture (before the context goes away)
    // Uploads a width x height int16 HU image (rows of `width`), reallocating when the size changes.
    void upload(const int16_t* hu, int width, int height);
    unsigned id() const { return texture_; }
    bool empty() const { return texture_ == 0; }

private:
    unsigned texture_ = 0;
    int width_ = 0, height_ = 0;
};

// What one draw needs; lives in the Viewer so the ImGui draw callback can point at it until the frame renders.
struct PlaneDraw {
    const PlaneProgram* program = nullptr;
    const PlaneTexture* texture = nullptr;
    ImageRect image;  // in ImGui display coordinates
    std::array<float, 9> uvToTexture{};
    imaging::Window window;
};

// ImDrawCallback: draws the plane clipped to the draw command's clip rectangle.
void drawPlaneCallback(const ImDrawList* parentList, const ImDrawCmd* cmd);

// Cuts the plane through `index` along `mapping.normalAxis` out of `volume` into `out` (texture layout),
// using air for slices `shown` refuses (not decoded or not arrived yet). Returns the width and height.
std::array<int, 2> extractPlane(const imaging::Volume& volume, const PlaneMapping& mapping, int index,
                                std::vector<int16_t>& out, const std::function<bool(int)>& shown);

}  // namespace polysim::gui
