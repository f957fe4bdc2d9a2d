// Places one CT plane (a textured quad) inside its view rectangle, in window pixels.
#version 330 core
layout(location = 0) in vec2 aCorner;  // (0,0)..(1,1)
uniform vec2 uDisplaySize;             // framebuffer size in pixels
uniform vec4 uImageRect;               // x0, y0, x1, y1 in pixels, y down
out vec2 vUv;
void main() {
    vec2 p = mix(uImageRect.xy, uImageRect.zw, aCorner);
    vUv = aCorner;
    gl_Position = vec4(p.x / uDisplaySize.x * 2.0 - 1.0, 1.0 - p.y / uDisplaySize.y * 2.0, 0.0, 1.0);
}
