#version 330 core
// One spike per vertex: (neuron index, step) as the engine wrote them, drawn
// straight into the plot (RasterRenderer::renderDirect). The spike goes to a
// whole pixel column (its time) and row (its neuron), computed with integers
// where it matters and with the same single-precision steps as the ring's
// CPU painter (ui/raster/raster_paint.cpp), so both land on the same pixels.
// Point edges fall on pixel edges.
layout(location = 0) in ivec2 spike;

uniform int baseT;        // time index (step + 1) of this draw's first spike
uniform int baseRem;      // (baseT * columns) mod steps: where baseT lies in its column
uniform int baseColumn;   // plot column of baseT's column
uniform int steps;        // window length in steps ...
uniform int columns;      // ... over this many pixel columns
uniform int rows;         // plot height in pixels
uniform int pad;          // viewport beyond the target on each side (pixels)
uniform vec2 viewportSize;
uniform float n0;         // neuron index at the top edge
uniform float nSpan;      // neurons shown
uniform int decimation;   // draw 1 in `decimation` neurons of each population
uniform int firstNeuron[9];
uniform vec4 colours[8];
uniform int pointSize;    // pixels

out vec4 vColour;

void main() {
    int n = spike.x;
    int p = 0;
    for (int i = 1; i < 8; ++i)
        if (n >= firstNeuron[i]) p = i;
    bool keep = ((n - firstNeuron[p]) % decimation) == 0;
    int column = baseColumn + ((spike.y + 1 - baseT) * columns + baseRem) / steps;
    int row = int(floor((float(n) - n0 + 0.5) / nSpan * float(rows)));
    float centre = (pointSize % 2 == 1) ? 0.5 : 0.0;
    float x = float(column + pad) + centre;
    // Row 0 at the top.
    float y = viewportSize.y - float(pad) - (float(row) + centre);
    gl_Position = keep ? vec4(x / viewportSize.x * 2.0 - 1.0, y / viewportSize.y * 2.0 - 1.0, 0.0, 1.0)
                       : vec4(4.0, 4.0, 0.0, 1.0);
    gl_PointSize = float(pointSize);
    vColour = colours[p];
}
