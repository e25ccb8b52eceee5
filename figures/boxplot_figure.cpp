#include "figures/boxplot_figure.hpp"

#include "figures/plot_style.hpp"

#include <QFontMetricsF>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mc::figures {

namespace {

double quantile(const std::vector<double>& sorted, double q) {
    const double pos = q * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

} // namespace

BoxStats boxStats(std::vector<double> v) {
    BoxStats b;
    std::erase_if(v, [](double x) { return !std::isfinite(x); });
    if (v.empty()) return b;
    std::sort(v.begin(), v.end());
    b.q1 = quantile(v, 0.25);
    b.median = quantile(v, 0.5);
    b.q3 = quantile(v, 0.75);
    b.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    const double iqr = b.q3 - b.q1;
    b.whiskerLow = b.q1;
    b.whiskerHigh = b.q3;
    for (double x : v) {
        if (x >= b.q1 - 1.5 * iqr) b.whiskerLow = std::min(b.whiskerLow, x);
        if (x <= b.q3 + 1.5 * iqr) b.whiskerHigh = std::max(b.whiskerHigh, x);
        if (x < b.q1 - 1.5 * iqr || x > b.q3 + 1.5 * iqr) b.outliers.push_back(x);
    }
    return b;
}

void paintBoxplot(QPainter& p, const QRectF& rect, const std::vector<std::string>& names,
                  const std::vector<std::vector<double>>& rates, const QString& xLabel) {
    const QFont font = figureFont(rect);
    const QFontMetricsF fm(font);
    const QRectF plot(rect.left() + rect.width() * 0.14, rect.top() + rect.height() * 0.03, rect.width() * 0.81,
                      rect.height() * 0.84);
    const std::size_t n = std::min(names.size(), rates.size());
    std::vector<BoxStats> boxes;
    double hi = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        boxes.push_back(boxStats(rates[i]));
        for (double r : rates[i])
            if (std::isfinite(r)) hi = std::max(hi, r);
    }
    if (hi <= 0.0) hi = 1.0;
    const Scale x{0.0, hi * 1.05, plot.left(), plot.right()};
    const double rowH = plot.height() / std::max<std::size_t>(1, n);
    const double lw = std::max(1.0, rect.height() / 400.0);

    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    for (std::size_t i = 0; i < n; ++i) {
        const BoxStats& b = boxes[i];
        const double cy = plot.top() + rowH * (i + 0.5), h = rowH * 0.5;
        QPen pen(Qt::black);
        pen.setWidthF(lw);
        p.setPen(pen);
        p.drawLine(QPointF(x(b.whiskerLow), cy), QPointF(x(b.q1), cy));
        p.drawLine(QPointF(x(b.q3), cy), QPointF(x(b.whiskerHigh), cy));
        p.drawLine(QPointF(x(b.whiskerLow), cy - h / 4), QPointF(x(b.whiskerLow), cy + h / 4));
        p.drawLine(QPointF(x(b.whiskerHigh), cy - h / 4), QPointF(x(b.whiskerHigh), cy + h / 4));
        p.setBrush(populationColor(static_cast<int>(i)));
        p.drawRect(QRectF(QPointF(x(b.q1), cy - h / 2), QPointF(x(b.q3), cy + h / 2)));
        pen.setWidthF(lw * 2.5);
        p.setPen(pen);
        p.drawLine(QPointF(x(b.median), cy - h / 2), QPointF(x(b.median), cy + h / 2));
        QPen meanPen(QColor(211, 211, 211), lw * 2.5, Qt::DashLine);
        p.setPen(meanPen);
        p.drawLine(QPointF(x(b.mean), cy - h / 2), QPointF(x(b.mean), cy + h / 2));
        // Outliers as red '+' like the reference's fliers; thinned to at most
        // 2000 per box so full-scale figures stay light.
        QPen flier(Qt::red, lw);
        p.setPen(flier);
        const std::size_t step = std::max<std::size_t>(1, b.outliers.size() / 2000);
        const double s = h / 5;
        for (std::size_t j = 0; j < b.outliers.size(); j += step) {
            const double px = x(b.outliers[j]);
            p.drawLine(QPointF(px - s, cy), QPointF(px + s, cy));
            p.drawLine(QPointF(px, cy - s), QPointF(px, cy + s));
        }
    }
    p.restore();
    drawFrame(p, plot, x, niceTicks(0.0, hi * 1.05, 5), xLabel, "", font);
    p.save();
    p.setFont(font);
    p.setPen(Qt::black);
    for (std::size_t i = 0; i < n; ++i) {
        QString label = QString::fromStdString(names[i]).replace("23", "2/3");
        p.drawText(QPointF(plot.left() - fm.horizontalAdvance(label) - fm.height() * 0.4,
                           plot.top() + rowH * (i + 0.5) + fm.ascent() / 2 - fm.descent() / 2),
                   label);
    }
    p.restore();
}

} // namespace mc::figures
