#include "ui/raster/raster_view.hpp"

#include "ui/raster/raster_surface.hpp"

#include "ui/gui_cpu.hpp"

#include "ui/sim_controller.hpp"

#include <QContextMenuEvent>
#include <QCursor>
#include <QMenu>
#include <QOpenGLContext>
#include <QOpenGLExtraFunctions>
#include <QOpenGLFramebufferObject>
#include <QOpenGLPaintDevice>
#include <QToolTip>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace mc::ui {

RasterView::RasterView(SimController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller), m_surface(new RasterSurface(this)) {
    QWidget* container = QWidget::createWindowContainer(m_surface, this);
    // The keyboard stays with this widget (and the window's shortcuts): the
    // surface never takes the focus (raster_surface.cpp).
    container->setFocusPolicy(Qt::NoFocus);
    container->setMouseTracking(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(container);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(320, 240);
    m_fpsClock.start();
    // Redraw at most ~30 times per second when spikes arrived (each drain is
    // 16 ms); input and view changes redraw at once.
    connect(controller, &SimController::spikesArrived, this, [this] { m_dirty = true; });
    m_frameTimer.setInterval(kFrameIntervalMs);
    connect(&m_frameTimer, &QTimer::timeout, this, [this] {
        if (!m_dirty) return;
        m_dirty = false;
        update();
        // A tooltip under a still mouse follows the scrolling raster.
        if (m_follow && !m_dragging && QToolTip::isVisible() && rect().contains(mapFromGlobal(QCursor::pos())))
            showHover(m_hoverPos);
    });
    m_frameTimer.start();
    connect(controller, &SimController::built, this, [this] {
        m_nSpanZoom = 0.0;
        m_n0 = 0.0;
        update();
    });
    connect(controller, &SimController::eventApplied, this, &RasterView::update);
}

RasterView::~RasterView() {
    // The surface (a child of the container) outlives this destructor's body.
    m_surface->detach();
    if (m_surface->context() && m_surface->makeCurrent()) {
        m_renderer.release();
        m_overlayLayer.release();
        m_overlayDevice.reset();
        m_paintDevice.reset();
        m_surface->doneCurrent();
    }
}

void RasterView::update() {
    m_surface->requestFrame();
}

QImage RasterView::grabFramebuffer() {
    if (!m_surface->makeCurrent()) return {};
    const double dpr = devicePixelRatioF();
    const QSize pixels(static_cast<int>(width() * dpr), static_cast<int>(height() * dpr));
    QOpenGLFramebufferObject fbo(pixels);
    fbo.bind();
    paintFrame(fbo.handle(), pixels);
    QImage img = fbo.toImage();
    QOpenGLFramebufferObject::bindDefault();
    img.setDevicePixelRatio(dpr);
    return img;
}

QImage RasterView::grabSurface() {
    if (!m_surface->isExposed() || !m_surface->makeCurrent()) return {};
    QOpenGLContext* ctx = m_surface->context();
    const QSize pixels = m_surface->size() * m_surface->devicePixelRatio();
    paintFrame(ctx->defaultFramebufferObject(), pixels);
    auto* gl = ctx->extraFunctions();
    gl->glBindFramebuffer(GL_READ_FRAMEBUFFER, ctx->defaultFramebufferObject());
    QImage img(pixels, QImage::Format_RGBA8888);
    gl->glPixelStorei(GL_PACK_ALIGNMENT, 4);
    gl->glReadPixels(0, 0, pixels.width(), pixels.height(), GL_RGBA, GL_UNSIGNED_BYTE, img.bits());
    ctx->swapBuffers(m_surface);
    return img.mirrored().convertToFormat(QImage::Format_RGB32);
}

void RasterView::setTheme(const Theme& theme) {
    m_theme = theme;
    update();
}

void RasterView::setIncremental(bool on) {
    m_incremental = on;
    update();
}

void RasterView::setOverlayCached(bool on) {
    m_overlayCached = on;
    update();
}

void RasterView::setWindowMs(double ms) {
    m_windowMs = std::clamp(ms, 1.0, 600000.0);
    emit viewChanged();
    update();
}

void RasterView::chooseWindowMs(double ms) {
    m_chosenWindowMs = std::clamp(ms, 1.0, 600000.0);
    emit chosenWindowChanged(m_chosenWindowMs);
    setWindowMs(m_chosenWindowMs);
}

void RasterView::resetView() {
    m_windowMs = m_chosenWindowMs;
    m_follow = true;
    m_n0 = 0.0;
    m_nSpanZoom = 0.0;
    emit viewChanged();
    update();
}

double RasterView::t1Ms() const {
    const double now = m_controller->modelTimeMs();
    return m_follow ? std::max(now, m_windowMs) : m_rightMs;
}

double RasterView::nSpan() const {
    const double all = std::max(1, m_controller->store().neurons());
    return m_nSpanZoom > 0.0 ? std::min(m_nSpanZoom, all) : all;
}

int RasterView::decimation() const {
    // Beyond ~20,000 rows a raster is a solid block on any screen: show every
    // k-th neuron of each population and say so.
    return std::max(1, static_cast<int>(std::ceil(nSpan() / 20000.0)));
}

QRect RasterView::plotRect() const {
    const double s = m_theme.fontScale();
    const int left = static_cast<int>(72 * s), top = static_cast<int>(30 * s);
    const int bottom = static_cast<int>(44 * s), right = 14;
    return QRect(left, top, std::max(10, width() - left - right), std::max(10, height() - top - bottom));
}

double RasterView::neuronToY(double n) const {
    const QRect r = plotRect();
    return r.top() + (n - m_n0 + 0.5) / nSpan() * r.height();
}

void RasterView::initializeGL() {
    if (!m_renderer.initialize()) qWarning("raster: %s", qPrintable(m_renderer.error()));
    // Without it the overlay is painted through OpenGL each frame (slower, the same picture).
    if (!m_overlayLayer.initialize()) qWarning("raster: the overlay's shaders did not compile");
}

void RasterView::paintFrame(unsigned fbo, const QSize& pixels) {
    QElapsedTimer paintClock;
    paintClock.start();
    const SpikeStore& store = m_controller->store();
    const double dpr = devicePixelRatioF();
    const QRect plot = plotRect();
    auto* gl = m_surface->context()->extraFunctions();
    gl->glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    gl->glViewport(0, 0, pixels.width(), pixels.height());
    const bool profile = guicpu::rasterProfile();
    const QRect plotPx(static_cast<int>(plot.x() * dpr), static_cast<int>(plot.y() * dpr),
                       static_cast<int>(plot.width() * dpr), static_cast<int>(plot.height() * dpr));
    // The spikes cover the plot and the overlay's copy the rest: nothing to
    // clear then (a clear of the whole surface costs ~0.5 ms in software).
    const bool spikes = m_controller->hasNetwork() && m_renderer.isReady();
    const bool layered = spikes && m_overlayLayer.isReady();
    if (!layered) {
        const guicpu::Scope cpu(guicpu::Part::RasterClear);
        const QColor bg = palette().color(QPalette::Window);
        gl->glClearColor(bg.redF(), bg.greenF(), bg.blueF(), 1.0f);
        gl->glClear(GL_COLOR_BUFFER_BIT);
        if (profile) gl->glFinish();
    }

    if (spikes) {
        RasterFrame f;
        const double h = store.resolution();
        // The renderer draws what arrived since the last frame into its ring
        // and shows the window from there (raster_ring.cpp).
        f.stored = store.all();
        f.storedBase = store.discarded();
        f.endStep = store.endStep();
        f.generation = m_controller->buildInfo()->generation;
        f.t0Step = static_cast<std::int64_t>(std::llround(t0Ms() / h)) - 1;
        f.stepSpan = m_windowMs / h;
        f.n0 = m_n0;
        f.nSpan = nSpan();
        f.decimation = decimation();
        f.firstNeuron = store.derived().first_neuron;
        for (int p = 0; p < kNumPops; ++p)
            f.colours[p] = m_theme.population(p);
        f.background = m_theme.background();
        f.pointSize = static_cast<float>(std::max(1.0, std::round(m_theme.pointSize() * dpr)));
        f.plot = plotPx;
        f.framebuffer = pixels;
        m_incremental ? m_renderer.render(f) : m_renderer.renderDirect(f);
        m_spikesSum += m_renderer.lastFrame().spikesDrawn;
    }
    {
        const guicpu::Scope cpu(guicpu::Part::RasterOverlay);
        if (layered) {
            // Painted on the CPU where it changed; the margins copied as
            // they are, the plot's inked rectangles blended over the spikes.
            updateOverlay(pixels, plotPx);
            gl->glBindFramebuffer(GL_FRAMEBUFFER, fbo);
            const int w = pixels.width(), hPx = pixels.height();
            const int below = plotPx.y() + plotPx.height();
            const int right = plotPx.x() + plotPx.width();
            for (const QRect& margin : {QRect(0, 0, w, plotPx.y()), QRect(0, below, w, hPx - below),
                                        QRect(0, plotPx.y(), plotPx.x(), plotPx.height()),
                                        QRect(right, plotPx.y(), w - right, plotPx.height())})
                m_overlayLayer.copy(margin, hPx);
            m_overlayLayer.blend(m_overlayInk, pixels);
        } else {
            if (!m_paintDevice) m_paintDevice = std::make_unique<QOpenGLPaintDevice>();
            m_paintDevice->setSize(pixels);
            m_paintDevice->setDevicePixelRatio(dpr);
            paintOverlay(m_paintDevice.get());
        }
        if (profile) gl->glFinish();
    }
    m_paintMsSum += paintClock.nsecsElapsed() * 1e-6;

    ++m_frames;
    ++m_fpsFrames;
    if (m_fpsClock.elapsed() >= 1000) {
        m_fps = m_fpsFrames * 1000.0 / static_cast<double>(m_fpsClock.restart());
        m_paintMs = m_paintMsSum / static_cast<double>(m_fpsFrames);
        m_paintMsSum = 0.0;
        m_spikesPerFrame = static_cast<double>(m_spikesSum) / static_cast<double>(m_fpsFrames);
        m_spikesSum = 0;
        m_fullRedrawsPerSecond = static_cast<double>(m_renderer.fullRedraws() - m_fullRedrawsAtSecond) * m_fps /
                                 static_cast<double>(m_fpsFrames);
        m_fullRedrawsAtSecond = m_renderer.fullRedraws();
        m_fpsFrames = 0;
    }
}

void RasterView::clampNeuronRange() {
    const double all = std::max(1, m_controller->store().neurons());
    if (m_nSpanZoom >= all) m_nSpanZoom = 0.0;
    m_n0 = std::clamp(m_n0, 0.0, all - nSpan());
}

void RasterView::wheelEvent(QWheelEvent* e) {
    const double factor = std::pow(1.0015, -e->angleDelta().y());
    const QRect plot = plotRect();
    const QPointF pos = e->position();
    if (e->modifiers() & (Qt::ControlModifier | Qt::ShiftModifier)) {
        const double frac = std::clamp((pos.y() - plot.top()) / plot.height(), 0.0, 1.0);
        const double anchor = m_n0 + frac * nSpan();
        const double span = std::clamp(nSpan() * factor, 20.0, double(std::max(1, m_controller->store().neurons())));
        m_nSpanZoom = span;
        m_n0 = anchor - frac * span;
        clampNeuronRange();
    } else {
        const double frac = std::clamp((pos.x() - plot.left()) / plot.width(), 0.0, 1.0);
        const double anchor = t0Ms() + frac * m_windowMs;
        const double window = std::clamp(m_windowMs * factor, 5.0, 600000.0);
        if (!m_follow) m_rightMs = anchor + (1.0 - frac) * window;
        m_windowMs = window;
    }
    emit viewChanged();
    update();
    e->accept();
}

void RasterView::mousePressEvent(QMouseEvent* e) {
    if (e->button() != Qt::LeftButton) return;
    m_dragging = true;
    m_dragStart = e->pos();
    m_dragRight = t1Ms();
    m_dragN0 = m_n0;
}

void RasterView::mouseMoveEvent(QMouseEvent* e) {
    if (m_dragging) {
        const QRect plot = plotRect();
        const QPoint d = e->pos() - m_dragStart;
        if (d.manhattanLength() > 3) {
            m_follow = false;
            m_rightMs = std::max(m_windowMs * 0.1, m_dragRight - d.x() * m_windowMs / plot.width());
            m_n0 = m_dragN0 - d.y() * nSpan() / plot.height();
            clampNeuronRange();
            emit viewChanged();
            update();
        }
        return;
    }
    showHover(e->pos());
}

void RasterView::mouseReleaseEvent(QMouseEvent* e) {
    const bool click = m_dragging && (e->pos() - m_dragStart).manhattanLength() <= 3;
    m_dragging = false;
    const QRect plot = plotRect();
    if (!click || !plot.contains(e->pos()) || !m_controller->hasNetwork()) return;
    const double n = std::floor(m_n0 + (e->pos().y() - plot.top()) * nSpan() / plot.height());
    if (n >= 0 && n < m_controller->store().neurons()) emit neuronClicked(static_cast<int>(n));
}

void RasterView::mouseDoubleClickEvent(QMouseEvent*) {
    resetView();
}

void RasterView::keyPressEvent(QKeyEvent* e) {
    switch (e->key()) {
    case Qt::Key_Home:
        resetView();
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        setWindowMs(m_windowMs / 1.5);
        break;
    case Qt::Key_Minus:
        setWindowMs(m_windowMs * 1.5);
        break;
    default:
        QWidget::keyPressEvent(e);
    }
}

QString neuronLabel(const DerivedParams& d, std::int32_t neuron) {
    int pop = 0;
    while (pop < kNumPops - 1 && neuron >= d.first_neuron[pop + 1])
        ++pop;
    return QString("neuron %1 (#%2 of %3 in %4)")
        .arg(static_cast<qint64>(neuron) + 1)
        .arg(neuron - d.first_neuron[pop] + 1)
        .arg(d.num_neurons[pop])
        .arg(kPopNames[pop]);
}

QString RasterView::hoverText(const QPoint& pos) const {
    const QRect plot = plotRect();
    if (!plot.contains(pos) || !m_controller->hasNetwork()) return {};
    const SpikeStore& store = m_controller->store();
    const auto n = static_cast<std::int32_t>(std::floor(m_n0 + (pos.y() - plot.top()) * nSpan() / plot.height()));
    if (n < 0 || n >= store.neurons()) return {};
    const double t = t0Ms() + (pos.x() - plot.left()) * m_windowMs / plot.width();
    return QString("%1\nrate %2 Hz over the run (%3 spikes)\nt = %4 ms")
        .arg(neuronLabel(store.derived(), n))
        .arg(store.rateOf(n), 0, 'f', 2)
        .arg(store.countOf(n))
        .arg(t, 0, 'f', 1);
}

void RasterView::showHover(const QPoint& pos) {
    m_hoverPos = pos;
    const QString text = hoverText(pos);
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(mapToGlobal(pos), text, this);
}

void RasterView::contextMenuEvent(QContextMenuEvent* e) {
    QMenu menu(this);
    for (const char* fmt : {"PNG", "SVG", "PDF"})
        menu.addAction(QString("Export raster as %1…").arg(fmt), this, [this, fmt] { emit exportRequested(fmt); });
    menu.addSeparator();
    menu.addAction("Reset view (Home)", this, &RasterView::resetView);
    menu.exec(e->globalPos());
}

} // namespace mc::ui
