#version 330 core
// The overlay's rectangles to blend: corners in framebuffer pixels.
layout(location = 0) in vec2 corner;
uniform vec2 framebufferSize;
void main() {
    gl_Position = vec4(corner / framebufferSize * 2.0 - 1.0, 0.0, 1.0);
}
