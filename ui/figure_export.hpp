// Figures for export: PNG, SVG or PDF from one QPainter routine, and the
// raster figure in the reference's style (dots, layers L2/3 at top to L6 at
// bottom, E #595289 / I #af143c, "time [ms]").
#pragma once

#include "ui/session.hpp"
#include "ui/spike_store.hpp"
#include "ui/theme.hpp"

#include <QRectF>
#include <QSize>
#include <QString>

#include <functional>

class QPainter;
class QWidget;

namespace mc::ui {

/// Writes a figure; the format follows the suffix (.png, .svg, .pdf).
/// `size` is in pixels at 96 dpi; PNGs are rendered at twice that.
bool writeFigure(const QString& path, QSize size, const std::function<void(QPainter&, const QRectF&)>& paint,
                 QString* error);
/// Renders a widget (e.g. a chart view) into a figure file.
bool writeWidgetFigure(const QString& path, QWidget* widget, QString* error);

struct RasterFigureView {
    double t0Ms = 0.0, t1Ms = 1000.0;
    double n0 = 0.0, nSpan = 1.0;
    int decimation = 1;
    Theme theme;
};

/// Draws the spikes of the view into `area` with axes and layer labels.
void paintRasterFigure(QPainter& p, const QRectF& area, const SpikeStore& store, const RasterFigureView& view,
                       const std::vector<TimedEvent>& events);

} // namespace mc::ui
