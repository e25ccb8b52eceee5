#include "ui/video/movie_frame.hpp"

#include "ui/axis_ticks.hpp"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace mc::ui {

MovieSpikes::MovieSpikes(const SpikeData& data) {
    std::int32_t rows = 0;
    std::size_t total = 0;
    for (const PopulationSpikes& p : data.populations)
        total += p.times.size();
    m_entries.reserve(total);
    for (std::size_t pop = 0; pop < data.populations.size(); ++pop) {
        const PopulationSpikes& p = data.populations[pop];
        m_rowStart.push_back(rows);
        m_names.push_back(QString::fromStdString(p.name).replace("L23", "L2/3"));
        for (int n = 0; n < p.size(); ++n)
            for (double t : p.neuron(n))
                m_entries.push_back({t, rows + n, static_cast<std::int16_t>(pop)});
        rows += p.size();
    }
    m_rowStart.push_back(rows);
    std::stable_sort(m_entries.begin(), m_entries.end(),
                     [](const Entry& a, const Entry& b) { return a.timeMs < b.timeMs; });
}

void paintMovieFrame(QImage& image, const MovieSpikes& spikes, const MovieFrameOptions& o) {
    const Theme& theme = o.theme;
    const double h = image.height(), w = image.width();
    image.fill(theme.background());
    QPainter p(&image);
    QFont font = theme.font();
    font.setPixelSize(std::max(9, static_cast<int>(h / 40.0)));
    QFont big = font;
    big.setPixelSize(std::max(11, static_cast<int>(h / 28.0)));
    big.setBold(true);
    const QFontMetricsF fm(font), fmBig(big);
    // Room for population labels on the left, the time axis below, the title above.
    const double left = fm.horizontalAdvance("L2/3E") + fm.height() * 1.2;
    const double top = fmBig.height() * 1.6, bottom = fm.height() * 3.0, right = fm.height() * 1.0;
    const QRectF plot(left, top, std::max(1.0, w - left - right), std::max(1.0, h - top - bottom));
    const double tEnd = o.tEndMs, tStart = o.tEndMs - o.windowMs;
    const double rows = std::max(1, spikes.rowStart().back());
    const auto xOf = [&](double t) { return plot.left() + (t - tStart) / o.windowMs * plot.width(); };
    const auto yOf = [&](double row) { return plot.top() + row / rows * plot.height(); };
    const std::size_t pops = spikes.rowStart().size() - 1;

    // Population bands: a light tint of each population's colour behind its rows.
    for (std::size_t pop = 0; pop < pops; ++pop) {
        QColor tint = theme.population(static_cast<int>(pop));
        tint.setAlphaF(pop % 2 == 0 ? 0.06 : 0.12);
        p.fillRect(QRectF(plot.left(), yOf(spikes.rowStart()[pop]), plot.width(),
                          yOf(spikes.rowStart()[pop + 1]) - yOf(spikes.rowStart()[pop])),
                   tint);
    }

    // Spikes: direct pixel writes (a frame can hold a few hundred thousand).
    const int dot = std::max(1, static_cast<int>(std::lround(h / 360.0)));
    std::vector<QRgb> colours;
    for (std::size_t pop = 0; pop < pops; ++pop)
        colours.push_back(theme.population(static_cast<int>(pop)).rgb());
    const auto& e = spikes.entries();
    auto first = std::lower_bound(e.begin(), e.end(), tStart,
                                  [](const MovieSpikes::Entry& a, double t) { return a.timeMs < t; });
    const int x0 = static_cast<int>(plot.left()), x1 = static_cast<int>(plot.right()) - dot;
    const int y0 = static_cast<int>(plot.top()), y1 = static_cast<int>(plot.bottom()) - dot;
    p.end(); // pixel writes below, painting again after
    for (auto it = first; it != e.end() && it->timeMs <= tEnd; ++it) {
        const int x = std::clamp(static_cast<int>(xOf(it->timeMs)), x0, x1);
        const int y = std::clamp(static_cast<int>(yOf(it->row + 0.5)), y0, y1);
        for (int dy = 0; dy < dot; ++dy) {
            auto* line = reinterpret_cast<QRgb*>(image.scanLine(y + dy));
            for (int dx = 0; dx < dot; ++dx)
                line[x + dx] = colours[static_cast<std::size_t>(it->pop)];
        }
    }
    p.begin(&image);
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);

    // Layer separators and population labels.
    p.setFont(font);
    for (std::size_t pop = 0; pop < pops; ++pop) {
        const double yTop = yOf(spikes.rowStart()[pop]), yBottom = yOf(spikes.rowStart()[pop + 1]);
        if (pop > 0) {
            p.setPen(QPen(pop % 2 == 0 ? theme.text() : theme.separator(), pop % 2 == 0 ? 1.5 : 1.0));
            p.drawLine(QPointF(plot.left(), yTop), QPointF(plot.right(), yTop));
        }
        p.setPen(theme.population(static_cast<int>(pop)).darker(120));
        // Small bands (L4I, L6I at full scale) keep a readable label centred on them.
        p.drawText(QRectF(0, (yTop + yBottom) / 2 - fm.height() / 2, left - fm.height() * 0.4, fm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, spikes.names()[pop]);
    }
    p.setPen(QPen(theme.text(), 1.5));
    p.setBrush(Qt::NoBrush);
    p.drawRect(plot);

    // Time axis.
    const double step = niceStep(o.windowMs, 6);
    const int decimals = step >= 1.0 ? 0 : static_cast<int>(std::ceil(-std::log10(step)));
    for (double t : niceTicks(tStart, tEnd, 6)) {
        const double x = xOf(t);
        p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + fm.height() * 0.35));
        p.drawText(QRectF(x - 100, plot.bottom() + fm.height() * 0.4, 200, fm.height()), Qt::AlignCenter,
                   QString::number(t, 'f', decimals));
    }
    p.drawText(QRectF(plot.left(), plot.bottom() + fm.height() * 1.5, plot.width(), fm.height()), Qt::AlignCenter,
               "time (ms)");

    // Title left, model time right (large: read from the back of a lecture hall).
    p.setFont(big);
    p.drawText(QRectF(plot.left(), 0, plot.width() * 0.7, top), Qt::AlignLeft | Qt::AlignVCenter, o.title);
    p.drawText(QRectF(plot.left(), 0, plot.width(), top), Qt::AlignRight | Qt::AlignVCenter,
               QString("t = %1 ms").arg(tEnd, 0, 'f', 1));
}

} // namespace mc::ui
