#version 330 core
// The quad that shows the ring: two triangles over the whole viewport (the
// plot), corners from the vertex number.
void main() {
    vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));
    gl_Position = vec4(corner * 2.0 - 1.0, 0.0, 1.0);
}
