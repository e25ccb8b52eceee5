// Raster plot of all populations in the reference's style: L2/3 at the top,
// layer labels on the y axis, excitatory #595289 and inhibitory #af143c.
#pragma once

#include "microcircuit/spike_data.hpp"

#include <QPainter>
#include <QRectF>

namespace mc::figures {

struct RasterOptions {
    double tStart = 0.0; ///< left edge (ms)
    double tEnd = 200.0; ///< right edge (ms)
    int everyKth = 1;    ///< draw only every k-th neuron of each population
};

/// The reference's thinning: above N_scaling 0.1 it draws every
/// int(10 * N_scaling)-th spike; we draw every k-th neuron with the same k
/// (whole trains stay visible). 1 for N_scaling <= 0.1 or unknown.
int rasterStride(double nScaling);

/// The reference's window for a run: 600-800 ms (th_start 700 +- 100 ms)
/// when the data cover it, else the 200 ms after the warm-up, clipped to the data.
RasterOptions defaultRasterWindow(const SpikeData& data);

/// Paints the raster into `rect` (axes, labels and the thinning note included).
void paintRaster(QPainter& painter, const QRectF& rect, const SpikeData& data, const RasterOptions& options);

} // namespace mc::figures
