// Window/level on Hounsfield units: the plane texture is int16 HU stored as R16_SNORM so it can be filtered.
#version 330 core
in vec2 vUv;
uniform sampler2D uPlane;
uniform mat3 uUvToTexture;  // screen orientation (radiological convention) -> texture axes
uniform float uLowerHU;     // level - width / 2
uniform float uWidthHU;
out vec4 fragColor;
void main() {
    vec2 t = (uUvToTexture * vec3(vUv, 1.0)).xy;
    float hu = texture(uPlane, t).r * 32767.0;
    float g = clamp((hu - uLowerHU) / uWidthHU, 0.0, 1.0);
    fragColor = vec4(g, g, g, 1.0);
}
