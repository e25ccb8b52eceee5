#version 330 core
// Plot pixel (x, y) shows ring texel ((offset + x) mod ring, rows - 1 - y)
// (the ring is upside down): the window read from its first column on,
// wrapping around the ring's end. Whole texels, no filtering.
uniform sampler2D ringTexture;
uniform int originX, originY;  // plot's lower-left corner in the framebuffer
uniform int ring;              // ring width in columns
uniform int offset;            // ring column of the plot's first column
uniform int firstColumn;       // plot columns the ring holds: [firstColumn, lastColumn]
uniform int lastColumn;
uniform vec4 background;
out vec4 fragColour;

void main() {
    ivec2 p = ivec2(gl_FragCoord.xy) - ivec2(originX, originY);
    if (p.x < firstColumn || p.x > lastColumn)
        fragColour = background;
    else
        fragColour = texelFetch(ringTexture, ivec2((offset + p.x) % ring, textureSize(ringTexture, 0).y - 1 - p.y), 0);
}
