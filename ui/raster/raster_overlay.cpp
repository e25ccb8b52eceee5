// The raster's QPainter layer on top of the GL spikes: frame, layer
// separators and labels, time axis, live-change markers and the header
// (decimation, pause state).
#include "ui/raster/raster_view.hpp"

#include "ui/axis_ticks.hpp"
#include "ui/sim_controller.hpp"

#include <QOpenGLPaintDevice>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace mc::ui {

namespace {

/// Paints into the overlay layer's framebuffer (QPainter binds its target
/// through this on begin).
class OverlayDevice : public QOpenGLPaintDevice {
  public:
    explicit OverlayDevice(OverlayLayer* layer) : m_layer(layer) {}
    void ensureActiveTarget() override { m_layer->bindForPainting(); }

  private:
    OverlayLayer* m_layer;
};

} // namespace

void RasterView::updateOverlay(const QSize& pixels, const QRect& plot) {
    const double dpr = devicePixelRatioF();
    OverlayKey key;
    key.pixels = pixels;
    key.plot = plot;
    key.dpr = dpr;
    key.presentation = m_theme.presentation;
    key.colourBlindSafe = m_theme.colourBlindSafe;
    key.window = palette().color(QPalette::Window).rgba();
    key.ready = m_renderer.isReady();
    key.network = m_controller->hasNetwork();
    key.building = m_controller->isBuilding();
    key.paused = m_controller->isPaused();
    key.follow = m_follow;
    key.generation = key.network ? m_controller->buildInfo()->generation : -1;
    key.decimation = decimation();
    key.n0 = m_n0;
    key.nSpan = nSpan();
    key.events = m_controller->markedEvents().size();
    const double t0 = t0Ms(), t1 = t1Ms();
    const bool events = eventsVisible(t0, t1);
    const bool timeMoved = t0 != m_overlayT0 || t1 != m_overlayT1;
    // Markers and shading move with time over the whole plot; otherwise
    // only the time axis below the plot does.
    bool all = !m_overlayCached || key != m_overlayKey || ((events || m_overlayEvents) && timeMoved);
    if (m_overlayLayer.resize(pixels)) all = true;
    if (!all && !timeMoved) return;
    const QColor window = palette().color(QPalette::Window);
    // The strip from the plot's last row (where the ticks begin) down.
    const int stripTop = plotRect().bottom();
    const int stripTopPx = static_cast<int>(stripTop * dpr);
    const QRect strip(0, stripTopPx, pixels.width(), pixels.height() - stripTopPx);
    if (all) {
        // Everything above the strip through OpenGL, into the layer: the
        // same paint engine, so the same pixels, as when it was painted over
        // the spikes each frame.
        m_overlayLayer.fill(QRect(QPoint(0, 0), pixels), window);
        m_overlayLayer.fill(plot, Qt::transparent);
        if (!m_overlayDevice) m_overlayDevice = std::make_unique<OverlayDevice>(&m_overlayLayer);
        m_overlayDevice->setSize(pixels);
        m_overlayDevice->setDevicePixelRatio(dpr);
        {
            QPainter p(m_overlayDevice.get());
            p.setClipRect(QRectF(0, 0, width(), stripTop));
            paintOverlay(p);
        }
        m_overlayLayer.finishPainting(QRect(0, 0, pixels.width(), stripTopPx));
    }
    // The strip (tick labels move every frame) on the CPU, where text is cheap.
    QImage img(strip.size(), QImage::Format_ARGB32_Premultiplied);
    const QRgb windowRgb = window.rgba();
    for (int y = 0; y < img.height(); ++y) {
        auto* line = reinterpret_cast<QRgb*>(img.scanLine(y));
        std::fill(line, line + img.width(), windowRgb);
        if (strip.y() + y >= plot.top() && strip.y() + y <= plot.bottom())
            std::fill(line + plot.left(), line + plot.right() + 1, QRgb(0));
    }
    img.setDevicePixelRatio(dpr);
    {
        QPainter p(&img);
        p.translate(0, -stripTop);
        p.setClipRect(QRectF(0, stripTop, width(), height() - stripTop));
        // Qt's raster engine sets text one pixel lower than its OpenGL one,
        // which painted these labels before (compared pixel for pixel).
        m_textDy = -1.0 / dpr;
        paintOverlay(p);
        m_textDy = 0.0;
    }
    m_overlayLayer.upload(img, strip.topLeft());
    // The plot's inked rectangles, found again where the overlay changed
    // (bands of one row: a line blends one or two rows, not four).
    constexpr int band = 1;
    const int firstBand = all ? plot.top() : plot.top() + std::max(0, (strip.top() - plot.top()) / band) * band;
    std::erase_if(m_overlayInk, [&](const QRect& r) { return r.top() >= firstBand; });
    for (QRect& r : m_overlayInk) // a tall one (a vertical line) reaching into the new bands ends above them
        if (r.bottom() >= firstBand) r.setBottom(firstBand - 1);
    const QRect changed(plot.left(), firstBand, plot.width(), plot.bottom() + 1 - firstBand);
    const QImage ink = m_overlayLayer.read(changed);
    for (const QRect& r : inkRects(ink, ink.rect(), band))
        m_overlayInk.push_back(r.translated(changed.topLeft()));
    m_overlayKey = key;
    m_overlayT0 = t0;
    m_overlayT1 = t1;
    m_overlayEvents = events;
}

bool RasterView::eventsVisible(double t0, double t1) const {
    const Config& c = m_controller->config();
    for (const TimedEvent& e : m_controller->markedEvents()) {
        if (e.kind != TimedEvent::Kind::Set && stimulusEndMs(e, c) >= t0 && e.start_ms <= t1) return true;
        const double t = markerMs(e);
        if (t >= t0 && t <= t1) return true;
    }
    return false;
}

void RasterView::paintOverlay(QPaintDevice* device) {
    QPainter p(device);
    paintOverlay(p);
}

void RasterView::paintOverlay(QPainter& p) {
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
    const QRectF footerText = QRectF(footer).translated(0.0, m_textDy);
    if (k > 1) p.drawText(footerText, Qt::AlignRight | Qt::AlignVCenter, QString("1 in %1 neurons shown").arg(k));
    if (m_controller->isPaused())
        p.drawText(footerText, Qt::AlignLeft | Qt::AlignVCenter, "PAUSED: drag to pan, wheel to zoom");
    else if (!m_follow)
        p.drawText(footerText, Qt::AlignLeft | Qt::AlignVCenter, "Not following: press Home");
}

void RasterView::paintLayers(QPainter& p, const QRect& plot) {
    const auto& first = m_controller->store().derived().first_neuron;
    p.save(); // within the clip the caller may have set
    p.setClipRect(plot, Qt::IntersectClip);
    for (int pop = 1; pop < kNumPops; ++pop) {
        const double y = neuronToY(first[pop] - 0.5);
        // Lines that cannot reach the clip are left out (the overlay's
        // time-axis strip, repainted every frame, holds at most one of them).
        if (p.hasClipping()) {
            const QRectF clip = p.clipBoundingRect();
            if (y + 2.0 < clip.top() || y - 2.0 > clip.bottom()) continue;
        }
        const bool layerBoundary = pop % 2 == 0;
        p.setPen(QPen(m_theme.separator(), layerBoundary ? 1.5 : 0.8, layerBoundary ? Qt::SolidLine : Qt::DotLine));
        if (y > plot.top() && y < plot.bottom()) p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
    }
    p.restore();
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
        p.drawText(QRectF(x - 60, plot.bottom() + 6 + m_textDy, 120, fm.height()), Qt::AlignHCenter | Qt::AlignTop,
                   label);
    }
    p.setFont(m_theme.font(10, true));
    p.drawText(QRectF(plot.left(), plot.bottom() + 6 + fm.height() + m_textDy, plot.width(),
                      height() - plot.bottom() - fm.height() - 6),
               Qt::AlignCenter, "time (ms)");
}

} // namespace mc::ui
