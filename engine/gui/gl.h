// OpenGL 3.3 core entry points. Linux libGL exports the core functions, so prototypes are enough (no loader).
#pragma once

#ifndef GL_GLEXT_PROTOTYPES
#define GL_GLEXT_PROTOTYPES 1
#endif
#include <GL/gl.h>
#include <GL/glext.h>

#include <cstdint>

// Texture uploads so far (on the GL thread): a frame whose draw lists are unchanged is left undrawn only when no
// image has changed either.
inline std::uint64_t& textureUploads() {
    static std::uint64_t n = 0;
    return n;
}

// A new 2D texture, bound, that samples linearly and clamps at its edges (images in the views and the debrief).
inline GLuint newImageTexture() {
    GLuint texture = 0;
    glGenTextures(1, &texture);
    glBindTexture(GL_TEXTURE_2D, texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    return texture;
}
