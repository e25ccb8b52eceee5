// The raster's QPainter layer on top of the GL spikes: frame, layer
// separators and labels, time axis, live-change markers and the header
// (decimation, pause state).
#include "ui/raster/raster_view.hpp"

#include "ui/axis_ticks.hpp"
#include "ui/sim_controller.hpp"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace mc::ui {

void RasterView::paintOverlay(QPaintDevice* device) {
    QPainter p(device);
    p.setRenderHint(QPainter::Antialiasing, false);
    const QRect plot = plotRect();
    if (!m_renderer.isReady()) {
        p.setPen(Qt::red);
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, "The raster needs OpenGL 3.3: " + m_renderer.error());
        return;
    }
    if (!m_controller->hasNetwork()) {
        p.setPen(m_theme.text());
        p.setFont(m_theme.font(14));
        p.drawText(plot, Qt::AlignCenter, m_controller->isBuilding() ? "Building the network…" : "No network");
        return;
    }
    paintLayers(p, plot);
    paintEvents(p, plot);
    paintTimeAxis(p, plot);
    p.setPen(QPen(m_theme.text(), 1));
    p.setBrush(Qt::NoBrush);
    p.drawRect(plot.adjusted(0, 0, -1, -1));

    // Footer, beside the axis title (the top margin belongs to the event
    // labels): decimation (honest about what is drawn) and pause state.
    p.setFont(m_theme.font(9.5, true));
    const int k = decimation();
    const int tickHeight = QFontMetrics(m_theme.font(9.5)).height() + 6;
    const QRect footer(plot.left(), plot.bottom() + tickHeight, plot.width(), height() - plot.bottom() - tickHeight);
    p.setPen(m_theme.text());
    if (k > 1) p.drawText(footer, Qt::AlignRight | Qt::AlignVCenter, QString("1 in %1 neurons shown").arg(k));
    if (m_controller->isPaused())
        p.drawText(footer, Qt::AlignLeft | Qt::AlignVCenter, "PAUSED: drag to pan, wheel to zoom");
    else if (!m_follow)
        p.drawText(footer, Qt::AlignLeft | Qt::AlignVCenter, "Not following: press Home");
}

void RasterView::paintLayers(QPainter& p, const QRect& plot) {
    const auto& first = m_controller->store().derived().first_neuron;
    p.setClipRect(plot);
    for (int pop = 1; pop < kNumPops; ++pop) {
        const double y = neuronToY(first[pop] - 0.5);
        const bool layerBoundary = pop % 2 == 0;
        p.setPen(QPen(m_theme.separator(), layerBoundary ? 1.5 : 0.8, layerBoundary ? Qt::SolidLine : Qt::DotLine));
        if (y > plot.top() && y < plot.bottom()) p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
    }
    p.setClipping(false);
    // Layer labels centred on each layer's band; E/I marked small beside it.
    p.setPen(m_theme.text());
    for (int layer = 0; layer < 4; ++layer) {
        const double yTop = std::max<double>(plot.top(), neuronToY(first[2 * layer] - 0.5));
        const double yBot = std::min<double>(plot.bottom(), neuronToY(first[2 * layer + 2] - 0.5));
        if (yBot - yTop < 6) continue;
        p.setFont(m_theme.font(12, true));
        p.drawText(QRectF(0, yTop, plot.left() - 22 * m_theme.fontScale(), yBot - yTop),
                   Qt::AlignRight | Qt::AlignVCenter, layerName(2 * layer));
        p.setFont(m_theme.font(7.5));
        // Each mark centred on its band, also on a band thinner than the
        // text (L5I, L6I are 1-2 % of the rows), unless it would overlap the other.
        const double textH = p.fontMetrics().height();
        const auto centre = [&](int pop) {
            const double a = std::max<double>(plot.top(), neuronToY(first[pop] - 0.5));
            const double b = std::min<double>(plot.bottom(), neuronToY(first[pop + 1] - 0.5));
            return b > a ? (a + b) / 2.0 : -1e9;
        };
        const double cE = centre(2 * layer), cI = centre(2 * layer + 1);
        const bool apart = cI - cE >= textH * 0.9;
        for (int ei = 0; ei < 2; ++ei) {
            const double c = ei == 0 ? cE : cI;
            if (c < plot.top() || (!apart && ei == 0)) continue; // crowded: the thinner I keeps its mark
            p.drawText(QRectF(plot.left() - 18 * m_theme.fontScale(), c - textH / 2, 14 * m_theme.fontScale(), textH),
                       Qt::AlignCenter, ei == 0 ? "E" : "I");
        }
    }
}

void RasterView::paintEvents(QPainter& p, const QRect& plot) {
    const double t0 = t0Ms(), t1 = t1Ms();
    const auto xOf = [&](double t) { return plot.left() + (t - t0) / (t1 - t0) * plot.width(); };
    const Config& c = m_controller->config();
    p.setFont(m_theme.font(8.5, true));
    double lastLabelRight = -1e9;
    for (const TimedEvent& e : m_controller->markedEvents()) {
        // Stimuli: shade their active interval in the plot.
        if (e.kind != TimedEvent::Kind::Set) {
            const double a = e.start_ms;
            const double b = stimulusEndMs(e, c);
            if (b >= t0 && a <= t1) {
                QColor shade = m_theme.marker();
                shade.setAlpha(40);
                p.fillRect(QRectF(QPointF(std::max(xOf(a), double(plot.left())), plot.top()),
                                  QPointF(std::min(xOf(b), double(plot.right())), plot.bottom())),
                           shade);
            }
        }
        const double t = markerMs(e);
        if (t < t0 || t > t1) continue;
        const double x = xOf(t);
        p.setPen(QPen(m_theme.marker(), 1.5, Qt::DashLine));
        p.drawLine(QPointF(x, plot.top() - 4), QPointF(x, plot.bottom()));
        const QString label = QString::fromStdString(e.label);
        const int w = p.fontMetrics().horizontalAdvance(label) + 6;
        double lx = std::clamp(x - w / 2.0, 0.0, double(width() - w));
        if (lx < lastLabelRight) continue; // no overlapping labels
        lastLabelRight = lx + w;
        p.setPen(m_theme.marker());
        p.drawText(QRectF(lx, 0, w, plot.top() - 4), Qt::AlignCenter, label);
    }
}

void RasterView::paintTimeAxis(QPainter& p, const QRect& plot) {
    const double t0 = t0Ms(), t1 = t1Ms();
    p.setFont(m_theme.font(9.5));
    p.setPen(QPen(m_theme.text(), 1));
    const QFontMetrics fm = p.fontMetrics();
    for (double t : niceTicks(t0, t1, std::max(2, plot.width() / (fm.horizontalAdvance("000000") + 20)))) {
        const double x = plot.left() + (t - t0) / (t1 - t0) * plot.width();
        p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 5));
        const QString label = QString::number(t, 'f', tickDecimals(t0, t1));
        p.drawText(QRectF(x - 60, plot.bottom() + 6, 120, fm.height()), Qt::AlignHCenter | Qt::AlignTop, label);
    }
    p.setFont(m_theme.font(10, true));
    p.drawText(
        QRectF(plot.left(), plot.bottom() + 6 + fm.height(), plot.width(), height() - plot.bottom() - fm.height() - 6),
        Qt::AlignCenter, "time (ms)");
}

} // namespace mc::ui
