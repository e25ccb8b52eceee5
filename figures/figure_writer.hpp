// Writing a painted figure to PNG, SVG or PDF, headless.
#pragma once

#include <QPainter>
#include <QRectF>
#include <QSize>

#include <functional>
#include <string>

namespace mc::figures {

/// Paints a figure into `rect` (device pixels of the output).
using PaintFunction = std::function<void(QPainter& painter, const QRectF& rect)>;

/// Makes sure a QGuiApplication exists (fonts and painting need one). When
/// none does, one is created with the `offscreen` platform unless
/// QT_QPA_PLATFORM says otherwise, so figures work without a display.
void ensureGuiApplication();

/// Writes one figure of `sizePx` pixels; the format follows the extension of
/// `path` (.png, .svg, .pdf). `dpi` sets the physical size of SVG/PDF output.
/// Throws mc::WriteError naming the file if it cannot be written; then no
/// file of that name is left (not even an older one).
void writeFigure(const std::string& path, QSize sizePx, const PaintFunction& paint, int dpi = 300);

} // namespace mc::figures
