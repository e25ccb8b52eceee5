#version 330 core
// One spike per vertex: (neuron index, step) as the engine wrote them. The
// spike goes to a whole pixel column (its time) and row (its neuron),
// computed with integers where it matters, so a spike drawn alone, with a
// few new ones into the ring, or with the whole window lands on the same
// pixels (ui/raster/raster_ring.cpp). Point edges fall on pixel edges.
layout(location = 0) in ivec2 spike;

uniform int baseT;        // time index (step + 1) of this draw's first spike
uniform int baseRem;      // (baseT * columns) mod steps: where baseT lies in its column
uniform int baseColumn;   // target column of baseT's column
uniform int steps;        // window length in steps ...
uniform int columns;      // ... over this many pixel columns
uniform int ring;         // ring width in columns; 0: no wrap-around (drawn straight)
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
    if (ring > 0) {
        column = column % ring;
        // The second copy of a point that reaches across the ring's seam
        // draws its part on the other side; other points draw once.
        if (gl_InstanceID == 1) {
            if (column >= ring - pad)
                column -= ring;
            else if (column < pad)
                column += ring;
            else
                keep = false;
        }
    }
    int row = int(floor((float(n) - n0 + 0.5) / nSpan * float(rows)));
    float centre = (pointSize % 2 == 1) ? 0.5 : 0.0;
    float x = float(column + pad) + centre;
    // Row 0 at the top; the ring keeps its rows upside down (row 0 at the
    // bottom), so that its copy into a window, whose rows run from the top
    // in memory, is a plain copy of memory (raster_renderer.cpp).
    float y = ring > 0 ? float(pad) + float(row) + centre : viewportSize.y - float(pad) - (float(row) + centre);
    gl_Position = keep ? vec4(x / viewportSize.x * 2.0 - 1.0, y / viewportSize.y * 2.0 - 1.0, 0.0, 1.0)
                       : vec4(4.0, 4.0, 0.0, 1.0);
    gl_PointSize = float(pointSize);
    vColour = colours[p];
}
