#include "figures/distribution_figure.hpp"

#include "figures/plot_style.hpp"

#include <QFontMetricsF>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace mc::figures {

namespace {

constexpr int kBins = 30;

const std::vector<double>& column(const PopulationStats& s, int c) {
    return c == 0 ? s.rates : c == 1 ? s.cvs : s.ccs;
}

/// Common range of ours and the reference's values, ignoring the extreme
/// 1 % on each side so a few outliers do not squash the histogram (pairs of
/// sparse neurons reach CC = 1); values outside are counted but not drawn.
std::pair<double, double> range(const std::vector<double>& a, const std::vector<double>* b) {
    std::vector<double> all;
    for (double x : a)
        if (std::isfinite(x)) all.push_back(x);
    if (b)
        for (double x : *b)
            if (std::isfinite(x)) all.push_back(x);
    if (all.empty()) return {0.0, 1.0};
    std::sort(all.begin(), all.end());
    const auto at = [&](double q) { return all[static_cast<std::size_t>(q * (all.size() - 1))]; };
    double lo = at(0.01), hi = at(0.99);
    if (lo >= 0.0 && all.front() >= 0.0) lo = 0.0;
    if (hi <= lo) hi = lo + 1.0;
    return {lo, hi};
}

QPainterPath stepPath(const std::vector<double>& h, const Scale& x, const Scale& y, double lo, double width) {
    QPainterPath path(QPointF(x(lo), y(0.0)));
    for (std::size_t i = 0; i < h.size(); ++i) {
        path.lineTo(x(lo + i * width), y(h[i]));
        path.lineTo(x(lo + (i + 1) * width), y(h[i]));
    }
    path.lineTo(x(lo + h.size() * width), y(0.0));
    return path;
}

} // namespace

std::vector<double> normalizedHistogram(const std::vector<double>& values, double lo, double hi, int bins) {
    std::vector<double> h(static_cast<std::size_t>(bins), 0.0);
    std::size_t n = 0;
    for (double v : values) {
        if (!std::isfinite(v)) continue;
        ++n;
        if (v < lo || v > hi) continue;
        const int b = std::min(static_cast<int>(std::floor((v - lo) / (hi - lo) * bins)), bins - 1);
        h[static_cast<std::size_t>(b)] += 1.0;
    }
    if (n == 0) return {};
    for (double& x : h)
        x /= static_cast<double>(n);
    return h;
}

void paintDistributions(QPainter& p, const QRectF& rect, const AnalysisResult& result,
                        const AnalysisResult* reference) {
    static const char* titles[] = {"rate (spikes/s)", "ISI CV", "spike-count CC"};
    const std::size_t rows = result.populations.size();
    const QFont font = figureFont(rect, 0.012);
    const QFontMetricsF fm(font);
    const double left = rect.left() + fm.height() * 4.5, top = rect.top() + fm.height() * 4.0;
    const double cellW = (rect.right() - left) / 3.0;
    const double cellH = (rect.bottom() - top - fm.height()) / std::max<std::size_t>(1, rows);
    const std::vector<KsDistances> ks = reference ? compareResults(result, *reference) : std::vector<KsDistances>{};
    const double lw = std::max(1.0, rect.height() / 900.0);

    p.save();
    p.setFont(font);
    p.setPen(Qt::black);
    for (int c = 0; c < 3; ++c)
        p.drawText(QPointF(left + cellW * c + cellW / 2 - fm.horizontalAdvance(titles[c]) / 2, top - fm.height() * 1.0),
                   titles[c]);
    const QString legend = reference ? "filled: this data; black outline: reference" : "this data";
    p.drawText(QPointF(left, rect.top() + fm.ascent() + 2), legend);
    p.restore();

    for (std::size_t r = 0; r < rows; ++r) {
        const PopulationStats& s = result.populations[r];
        const PopulationStats* ref =
            reference && r < reference->populations.size() ? &reference->populations[r] : nullptr;
        p.save();
        p.setFont(font);
        p.setPen(Qt::black);
        p.drawText(QPointF(rect.left() + 2, top + cellH * (r + 0.45)), QString::fromStdString(s.name));
        p.restore();
        for (int c = 0; c < 3; ++c) {
            const QRectF cell(left + cellW * c, top + cellH * r, cellW, cellH);
            const QRectF plot(cell.left() + cellW * 0.04, cell.top() + cellH * 0.05, cellW * 0.9, cellH * 0.62);
            const auto& ours = column(s, c);
            const std::vector<double>* theirs = ref ? &column(*ref, c) : nullptr;
            auto [lo, hi] = range(ours, theirs);
            int bins = kBins;
            if (c == 0) {
                // Rates are multiples of 1 / (t_max - t_min); bins narrower
                // than that quantum would alternate between full and empty.
                const double quantum = 1000.0 / (result.tMax - result.tMin);
                const double width = std::max(quantum, std::ceil((hi - lo) / kBins / quantum) * quantum);
                lo = std::floor(lo / quantum) * quantum - quantum / 2;
                bins = std::max(1, static_cast<int>(std::ceil((hi - lo) / width)));
                hi = lo + bins * width;
            }
            const auto h = normalizedHistogram(ours, lo, hi, bins);
            const auto hr = theirs ? normalizedHistogram(*theirs, lo, hi, bins) : std::vector<double>{};
            double top = 0.0;
            for (double v : h)
                top = std::max(top, v);
            for (double v : hr)
                top = std::max(top, v);
            if (top <= 0.0) top = 1.0;
            const Scale x{lo, hi, plot.left(), plot.right()};
            const Scale y{0.0, top * 1.1, plot.bottom(), plot.top()};
            const double width = (hi - lo) / bins;
            p.save();
            p.setRenderHint(QPainter::Antialiasing, true);
            if (!h.empty()) {
                QColor fill = populationColor(static_cast<int>(r));
                p.setPen(QPen(fill, lw));
                fill.setAlpha(150);
                p.setBrush(fill);
                p.drawPath(stepPath(h, x, y, lo, width));
            } else {
                p.setFont(font);
                p.setPen(Qt::gray);
                p.drawText(plot, Qt::AlignCenter, "no data");
            }
            if (!hr.empty()) {
                p.setPen(QPen(Qt::black, lw * 1.5));
                p.setBrush(Qt::NoBrush);
                p.drawPath(stepPath(hr, x, y, lo, width));
            }
            if (c < static_cast<int>(3) && r < ks.size()) {
                const double d = c == 0 ? ks[r].rates : c == 1 ? ks[r].cvs : ks[r].ccs;
                const QString text = std::isfinite(d) ? QString("KS %1").arg(d, 0, 'f', 3) : QString("KS -");
                p.setFont(font);
                p.setPen(Qt::black);
                p.drawText(QPointF(plot.right() - fm.horizontalAdvance(text) - 4, plot.top() + fm.ascent()), text);
            }
            p.restore();
            drawFrame(p, plot, x, niceTicks(lo, hi, 4), "", "", font);
        }
    }
}

} // namespace mc::figures
