// OpenGL 3.3 core entry points. Linux libGL exports the core functions, so prototypes are enough (no loader).
#pragma once

#ifndef GL_GLEXT_PROTOTYPES
#define GL_GLEXT_PROTOTYPES 1
#endif
#include <GL/gl.h>
#include <GL/glext.h>
