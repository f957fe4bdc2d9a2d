// OpenGL side of the viewer: the window/level program, plane textures, and cutting planes out of a Volume.
#include "gui/plane_renderer.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>

#include "gui/gl.h"
#include "gui/shader_sources.h"

namespace polysim::gui {
namespace {
// The driver's log when a shader failed to compile or a program to link; nothing when it worked.
std::optional<std::string> failure(GLuint id, bool program) {
    GLint ok = 0;
    if (program)
        glGetProgramiv(id, GL_LINK_STATUS, &ok);
    else
        glGetShaderiv(id, GL_COMPILE_STATUS, &ok);
    if (ok) return std::nullopt;
    char log[2048] = {};
    if (program)
        glGetProgramInfoLog(id, sizeof log, nullptr, log);
    else
        glGetShaderInfoLog(id, sizeof log, nullptr, log);
    return std::string(log);
}

GLuint compile(GLenum type, const char* source, const char* name) {
    GLuint s = glCreateShader(type);
    glShaderSource(s, 1, &source, nullptr);
    glCompileShader(s);
    if (auto log = failure(s, false)) {
        glDeleteShader(s);
        throw std::runtime_error(std::string("shaders/") + name + ": " + *log);
    }
    return s;
}
}  // namespace

void PlaneProgram::create() {
    GLuint vs = compile(GL_VERTEX_SHADER, kShader_plane_vert_glsl, "plane.vert.glsl");
    GLuint fs = compile(GL_FRAGMENT_SHADER, kShader_plane_frag_glsl, "plane.frag.glsl");
    program_ = glCreateProgram();
    glAttachShader(program_, vs);
    glAttachShader(program_, fs);
    glLinkProgram(program_);
    glDeleteShader(vs);
    glDeleteShader(fs);
    if (auto log = failure(program_, true)) throw std::runtime_error("shaders/plane.*.glsl: link failed: " + *log);
    uDisplaySize = glGetUniformLocation(program_, "uDisplaySize");
    uImageRect = glGetUniformLocation(program_, "uImageRect");
    uUvToTexture = glGetUniformLocation(program_, "uUvToTexture");
    uLowerHU = glGetUniformLocation(program_, "uLowerHU");
    uWidthHU = glGetUniformLocation(program_, "uWidthHU");
    uPlane = glGetUniformLocation(program_, "uPlane");

    const float corners[] = {0, 0, 1, 0, 0, 1, 1, 1};
    glGenVertexArrays(1, &vao_);
    glBindVertexArray(vao_);
    glGenBuffers(1, &vbo_);
    glBindBuffer(GL_ARRAY_BUFFER, vbo_);
    glBufferData(GL_ARRAY_BUFFER, sizeof corners, corners, GL_STATIC_DRAW);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, nullptr);
    glBindVertexArray(0);
}

void PlaneProgram::destroy() {
    if (vbo_) glDeleteBuffers(1, &vbo_);
    if (vao_) glDeleteVertexArrays(1, &vao_);
    if (program_) glDeleteProgram(program_);
    vbo_ = vao_ = program_ = 0;
}

void PlaneTexture::release() {
    if (texture_) glDeleteTextures(1, &texture_);
    texture_ = 0;
    width_ = height_ = 0;
}

void PlaneTexture::upload(const int16_t* hu, int width, int height) {
    if (!texture_) {
        texture_ = newImageTexture();
    } else {
        glBindTexture(GL_TEXTURE_2D, texture_);
    }
    glPixelStorei(GL_UNPACK_ALIGNMENT, 2);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    ++textureUploads();
    if (width != width_ || height != height_) {
        glTexImage2D(GL_TEXTURE_2D, 0, GL_R16_SNORM, width, height, 0, GL_RED, GL_SHORT, hu);
        width_ = width, height_ = height;
    } else {
        glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, width, height, GL_RED, GL_SHORT, hu);
    }
}

void drawPlaneCallback(const ImDrawList*, const ImDrawCmd* cmd) {
    const auto& d = *static_cast<const PlaneDraw*>(cmd->UserCallbackData);
    if (!d.program || !d.texture || d.texture->empty()) return;
    const ImGuiIO& io = ImGui::GetIO();
    const ImVec2 scale = io.DisplayFramebufferScale;
    const float fbW = io.DisplaySize.x * scale.x, fbH = io.DisplaySize.y * scale.y;
    // The backend sets the scissor only for its own triangles; a callback has to clip itself.
    const ImVec4 c = cmd->ClipRect;
    glEnable(GL_SCISSOR_TEST);
    glScissor(int(c.x * scale.x), int(fbH - c.w * scale.y), int((c.z - c.x) * scale.x), int((c.w - c.y) * scale.y));
    glDisable(GL_BLEND);
    glUseProgram(d.program->program());
    glUniform2f(d.program->uDisplaySize, fbW, fbH);
    glUniform4f(d.program->uImageRect, float(d.image.min.x * scale.x), float(d.image.min.y * scale.y),
                float(d.image.max.x * scale.x), float(d.image.max.y * scale.y));
    glUniformMatrix3fv(d.program->uUvToTexture, 1, GL_FALSE, d.uvToTexture.data());
    glUniform1f(d.program->uLowerHU, float(d.window.lower()));
    glUniform1f(d.program->uWidthHU, float(std::max(1.0, d.window.width)));
    glUniform1i(d.program->uPlane, 0);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, d.texture->id());
    glBindVertexArray(d.program->vao());
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    glBindVertexArray(0);
}

std::array<int, 2> extractPlane(const imaging::Volume& volume, const PlaneMapping& m, int index,
                                std::vector<int16_t>& out, const std::function<bool(int)>& shown) {
    const glm::ivec3 d = volume.dims();
    const int w = d[m.textureAxisX], h = d[m.textureAxisY];
    out.resize(std::size_t(w) * std::size_t(h));
    index = std::clamp(index, 0, d[m.normalAxis] - 1);
    const std::size_t rowLen = std::size_t(d.x);
    if (m.normalAxis == 2) {  // an acquired slice: one copy
        if (shown(index))
            std::memcpy(out.data(), volume.slice(index), out.size() * sizeof(int16_t));
        else
            std::fill(out.begin(), out.end(), imaging::Volume::kAirHU);
    } else if (m.normalAxis == 1) {  // one row from every slice
        for (int k = 0; k < d.z; ++k) {
            int16_t* dst = out.data() + std::size_t(k) * rowLen;
            if (shown(k))
                std::memcpy(dst, volume.slice(k) + std::size_t(index) * rowLen, rowLen * 2);
            else
                std::fill(dst, dst + rowLen, imaging::Volume::kAirHU);
        }
    } else {  // one column from every slice
        for (int k = 0; k < d.z; ++k) {
            int16_t* dst = out.data() + std::size_t(k) * std::size_t(d.y);
            if (!shown(k)) {
                std::fill(dst, dst + d.y, imaging::Volume::kAirHU);
                continue;
            }
            const int16_t* src = volume.slice(k) + index;
            for (int j = 0; j < d.y; ++j) dst[j] = src[std::size_t(j) * rowLen];
        }
    }
    return {w, h};
}

}  // namespace polysim::gui
