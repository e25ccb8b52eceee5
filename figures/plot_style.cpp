#include "figures/plot_style.hpp"

#include <QFontMetricsF>

#include <cmath>

namespace mc::figures {

QFont figureFont(const QRectF& rect, double fraction) {
    QFont f("DejaVu Sans");
    f.setStyleHint(QFont::SansSerif);
    f.setPixelSize(std::max(6, static_cast<int>(std::lround(rect.height() * fraction))));
    return f;
}

std::vector<double> niceTicks(double lo, double hi, int count) {
    std::vector<double> ticks;
    if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return {lo};
    const double raw = (hi - lo) / std::max(1, count);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * mag >= raw) {
            step = m * mag;
            break;
        }
    for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step)
        ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
    return ticks;
}

QString tickLabel(double value) {
    QString s = QString::number(value, 'f', 6);
    while (s.contains('.') && (s.endsWith('0') || s.endsWith('.')))
        s.chop(1);
    return s == "-0" ? "0" : s;
}

void drawFrame(QPainter& p, const QRectF& plot, const Scale& x, const std::vector<double>& xTicks,
               const QString& xLabel, const QString& yLabel, const QFont& font) {
    p.save();
    p.setFont(font);
    const QFontMetricsF fm(font);
    const double tick = fm.height() * 0.35;
    QPen pen(Qt::black);
    pen.setWidthF(std::max(1.0, plot.height() / 500.0));
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    p.drawRect(plot);
    for (double t : xTicks) {
        const double px = x(t);
        if (px < plot.left() - 0.5 || px > plot.right() + 0.5) continue;
        p.drawLine(QPointF(px, plot.bottom()), QPointF(px, plot.bottom() + tick));
        const QString label = tickLabel(t);
        const double w = fm.horizontalAdvance(label);
        p.drawText(QPointF(px - w / 2, plot.bottom() + tick + fm.ascent()), label);
    }
    if (!xLabel.isEmpty()) {
        const double w = fm.horizontalAdvance(xLabel);
        p.drawText(QPointF(plot.center().x() - w / 2, plot.bottom() + tick + fm.height() + fm.ascent()), xLabel);
    }
    if (!yLabel.isEmpty()) {
        p.translate(plot.left() - fm.height() * 3.2, plot.center().y());
        p.rotate(-90);
        p.drawText(QPointF(-fm.horizontalAdvance(yLabel) / 2, 0), yLabel);
    }
    p.restore();
}

} // namespace mc::figures
