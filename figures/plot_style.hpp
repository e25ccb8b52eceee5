// Colours, fonts and axes shared by the figures (the reference's style).
#pragma once

#include <QColor>
#include <QFont>
#include <QPainter>
#include <QRectF>

#include <string>
#include <vector>

namespace mc::figures {

/// The reference's excitatory and inhibitory colours.
inline const QColor kExcColor{0x59, 0x52, 0x89}; // #595289
inline const QColor kInhColor{0xaf, 0x14, 0x3c}; // #af143c
inline QColor populationColor(int pop) {
    return pop % 2 == 0 ? kExcColor : kInhColor;
}

/// A sans-serif font whose pixel size is `fraction` of `rect`'s height, so
/// text scales with the figure (the reference uses 8 pt on a 3 in figure).
QFont figureFont(const QRectF& rect, double fraction = 0.035);

/// About `count` round tick values covering [lo, hi].
std::vector<double> niceTicks(double lo, double hi, int count = 5);
/// Tick label without trailing zeros.
QString tickLabel(double value);

/// Linear map of a data range onto a pixel range.
struct Scale {
    double d0, d1, p0, p1;
    double operator()(double v) const { return d1 == d0 ? p0 : p0 + (v - d0) * (p1 - p0) / (d1 - d0); }
};

/// Draws the left and bottom axis lines of `plot`, x ticks with labels and
/// the x label; `yLabel` is drawn rotated left of the plot.
void drawFrame(QPainter& p, const QRectF& plot, const Scale& x, const std::vector<double>& xTicks,
               const QString& xLabel, const QString& yLabel, const QFont& font);

} // namespace mc::figures
