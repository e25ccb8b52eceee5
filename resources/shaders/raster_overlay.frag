#version 330 core
// The overlay's texel under this pixel (premultiplied), whole texels. The
// texture holds the painted image's rows from the top (row 0 = the
// framebuffer's top row), as uploaded.
uniform sampler2D overlay;
out vec4 fragColour;
void main() {
    ivec2 size = textureSize(overlay, 0);
    ivec2 p = ivec2(gl_FragCoord.xy);
    fragColour = texelFetch(overlay, ivec2(p.x, size.y - 1 - p.y), 0);
}
