#version 330 core
// One spike per vertex: (neuron index, step). Positions are computed here so
// the buffer holds the engine's integers unchanged (no float precision loss
// in long runs: time is taken relative to the window start as an integer).
layout(location = 0) in ivec2 spike;

uniform int t0Step;        // step whose spike time (t0Step + 1) h is the left edge
uniform float stepSpan;    // window length in steps
uniform float n0;          // neuron index at the top edge
uniform float nSpan;       // neurons shown
uniform int decimation;    // draw 1 in `decimation` neurons of each population
uniform int firstNeuron[9];
uniform vec4 colours[8];
uniform float pointSize;

out vec4 vColour;

void main() {
    int n = spike.x;
    int p = 0;
    for (int i = 1; i < 8; ++i)
        if (n >= firstNeuron[i]) p = i;
    bool keep = ((n - firstNeuron[p]) % decimation) == 0;
    float x = float(spike.y - t0Step) / stepSpan * 2.0 - 1.0;
    float y = 1.0 - (float(n) - n0 + 0.5) / nSpan * 2.0;
    gl_Position = keep ? vec4(x, y, 0.0, 1.0) : vec4(4.0, 4.0, 0.0, 1.0);
    gl_PointSize = pointSize;
    vColour = colours[p];
}
