#include "figures/raster_figure.hpp"

#include "figures/plot_style.hpp"
#include "microcircuit/analysis.hpp"

#include <QFontMetricsF>

#include <algorithm>
#include <cmath>

namespace mc::figures {

int rasterStride(double nScaling) {
    if (!(nScaling > 0.1)) return 1;
    return std::max(1, static_cast<int>(10.0 * nScaling + 1e-9));
}

RasterOptions defaultRasterWindow(const SpikeData& data) {
    RasterOptions o;
    const double end = data.tEnd > 0.0 ? data.tEnd : data.lastSpikeMs;
    const double presim = data.tPresim >= 0.0 ? data.tPresim : 500.0;
    o.tStart = presim + 100.0; // = 600 ms with the default warm-up, as the reference's figure
    o.tEnd = o.tStart + 200.0;
    if (o.tEnd > end) {
        o.tEnd = end;
        o.tStart = std::max(0.0, end - 200.0);
    }
    if (o.tEnd <= o.tStart) o.tEnd = o.tStart + 1.0;
    o.everyKth = rasterStride(data.nScaling);
    return o;
}

void paintRaster(QPainter& p, const QRectF& rect, const SpikeData& data, const RasterOptions& options) {
    const QFont font = figureFont(rect);
    const QFontMetricsF fm(font);
    // Margins as the reference's subplots_adjust(bottom=.13, left=.12, top=.97, right=.95).
    const QRectF plot(rect.left() + rect.width() * 0.12, rect.top() + rect.height() * 0.03, rect.width() * 0.83,
                      rect.height() * 0.84);
    const int k = std::max(1, options.everyKth);
    // Rows from the top: population 0 first; each shows ceil(size / k) neurons.
    std::vector<double> rowStart;
    double rows = 0.0;
    for (const PopulationSpikes& pop : data.populations) {
        rowStart.push_back(rows);
        rows += (pop.size() + k - 1) / k;
    }
    rowStart.push_back(rows);
    if (rows <= 0.0) rows = 1.0;
    const Scale x{options.tStart, options.tEnd, plot.left(), plot.right()};
    const Scale y{0.0, rows, plot.top(), plot.bottom()};
    const double dot = std::max(1.0, std::round(rect.height() / 450.0));

    p.save();
    p.setClipRect(plot);
    p.setRenderHint(QPainter::Antialiasing, false); // exact colours, crisp dots
    // Grey line at the top of each layer, as the reference draws.
    QPen grid(QColor(204, 204, 204));
    grid.setWidthF(dot);
    p.setPen(grid);
    for (std::size_t pop = 2; pop < data.populations.size(); pop += 2)
        p.drawLine(QPointF(plot.left(), y(rowStart[pop])), QPointF(plot.right(), y(rowStart[pop])));
    p.setPen(Qt::NoPen);
    for (std::size_t pop = 0; pop < data.populations.size(); ++pop) {
        const PopulationSpikes& ps = data.populations[pop];
        const QColor color = populationColor(static_cast<int>(pop));
        for (int n = 0; n < ps.size(); n += k) {
            const double py = std::floor(y(rowStart[pop] + n / k + 0.5) - dot / 2);
            for (double t : clipTrain(ps.neuron(n), options.tStart, options.tEnd))
                p.fillRect(QRectF(std::floor(x(t) - dot / 2), py, dot, dot), color);
        }
    }
    p.restore();

    std::vector<double> ticks = niceTicks(options.tStart, options.tEnd, 4);
    drawFrame(p, plot, x, ticks, "time (ms)", "", font);
    p.save();
    p.setFont(font);
    p.setPen(Qt::black);
    static const char* layers[] = {"L2/3", "L4", "L5", "L6"};
    for (std::size_t layer = 0; layer * 2 < data.populations.size() && layer < 4; ++layer) {
        const double top = rowStart[layer * 2];
        const double bottom = rowStart[std::min(layer * 2 + 2, data.populations.size())];
        const QString label = layers[layer];
        p.drawText(QPointF(plot.left() - fm.horizontalAdvance(label) - fm.height() * 0.4,
                           y((top + bottom) / 2) + fm.ascent() / 2 - fm.descent() / 2),
                   label);
    }
    if (k > 1) {
        const QString note = QString("every k-th neuron shown, k = %1").arg(k);
        // Bottom left, clear of the centred time label.
        p.drawText(QPointF(rect.left() + fm.height() * 0.4, rect.bottom() - fm.descent() - 2), note);
    }
    p.restore();
}

} // namespace mc::figures
