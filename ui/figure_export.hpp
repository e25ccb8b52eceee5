// Figures for export, made for print: PNG, SVG or PDF of a chosen physical
// size and resolution (default one journal column, 85 mm, at 300 dpi) on a
// white background; the raster figure in the reference's style (dots, layers
// L2/3 at top to L6 at bottom, E #595289 / I #af143c) with an E/I legend,
// shaded stimuli and a time axis in model time or relative to the window or
// to a marked event. Dense rasters go into SVG/PDF as one embedded image
// under vector axes and text, sparse ones as one path per population, so
// vector files stay small.
#pragma once

#include "ui/session.hpp"
#include "ui/spike_store.hpp"
#include "ui/theme.hpp"

#include <QRectF>
#include <QSizeF>
#include <QString>

#include <functional>
#include <utility>
#include <vector>

class QPainter;
class QWidget;

namespace mc::ui {

/// Physical size of an exported figure.
struct FigureSize {
    double widthMm = 85.0; ///< one journal column
    double heightMm = 65.0;
    int dpi = 300; ///< pixels per inch of a PNG and of a raster embedded in SVG/PDF
    /// The size the paint routine sees, in units of 1/96 inch (fonts in points
    /// come out at their printed size).
    QSizeF logical() const { return {widthMm / 25.4 * 96.0, heightMm / 25.4 * 96.0}; }
};

/// Writes a figure; the format follows the suffix (.png, .svg, .pdf). The
/// paint routine draws into a rectangle of `size.logical()` on white.
bool writeFigure(const QString& path, const FigureSize& size,
                 const std::function<void(QPainter&, const QRectF&)>& paint, QString* error);
/// Renders a chart view into a figure of `size`: the chart is laid out at the
/// figure's size on white, without the screen's rounded grey background.
bool writeWidgetFigure(const QString& path, QWidget* widget, const FigureSize& size, QString* error);

/// A shaded stimulus interval [startMs, endMs] on the raster.
struct StimulusSpan {
    double startMs = 0.0, endMs = 0.0;
};
/// The thalamic pulses and DC transients of a run: the configured ones and
/// those fired live.
std::vector<StimulusSpan> stimulusSpans(const Config& config, const std::vector<LiveEvent>& events);

/// What the raster figure shows. Captured from the view when an export is
/// asked for, so that the figure is the view at that moment.
struct RasterFigureView {
    double t0Ms = 0.0, t1Ms = 1000.0;
    double n0 = 0.0, nSpan = 1.0;
    int decimation = 1;
    double resolutionMs = 0.1; ///< time step (event steps to ms)
    Theme theme;
    std::vector<LiveEvent> events;      ///< markers (labelled dashed lines)
    std::vector<StimulusSpan> stimuli;  ///< shaded
    double originMs = 0.0;              ///< the time axis shows t - originMs
    QString originLabel;                ///< empty: model time; else "time relative to <label>"
    /// Device pixels per figure unit for the spikes of SVG/PDF; > 0: the dots
    /// are drawn as one embedded image at that resolution (dense rasters).
    double embedScale = 0.0;
};

/// Spikes at or above this count are embedded as an image in SVG/PDF exports.
inline constexpr std::size_t kEmbedSpikesAbove = 5000;

/// The plot rectangle of the raster figure inside `area`.
QRectF rasterPlotRect(const QRectF& area);
/// Draws the spikes of the view into `area` with axes, layer labels, legend,
/// stimulus shading and markers.
void paintRasterFigure(QPainter& p, const QRectF& area, const SpikeStore& store, const RasterFigureView& view);

/// Choices of the export dialog.
struct FigureOptions {
    FigureOptions() = default;
    explicit FigureOptions(const FigureSize& s) : size(s) {}
    FigureSize size;
    double originMs = 0.0; ///< time axis origin (raster)
    QString originLabel;   ///< empty: model time
};

/// Default print sizes: one journal column wide.
inline constexpr FigureSize kRasterFigure{85.0, 65.0, 300};
inline constexpr FigureSize kChartFigure{174.0, 80.0, 300}; // two columns: room for the legend
inline constexpr FigureSize kBoxPlotFigure{85.0, 75.0, 300};

/// Asks for the print size, resolution and (for the raster, `view` given)
/// the time axis; `options` fills the dialog and receives the choice.
/// Returns false if cancelled.
bool askFigureOptions(QWidget* parent, const QString& title, const RasterFigureView* view, FigureOptions& options);

} // namespace mc::ui
