// The live raster: a widget holding an OpenGL window of its own
// (RasterSurface) whose frames draw the spikes with a RasterRenderer and
// paint axes, layer labels, separators and live-change markers with QPainter
// on top. Time window scrolls with model time (default
// 1 s); wheel zooms time (Ctrl+wheel: neurons), drag pans, double-click or
// Home returns to the scrolling full view. Hover tells a neuron's id,
// population and rate.
#pragma once

#include "ui/raster/raster_overlay_layer.hpp"
#include "ui/raster/raster_renderer.hpp"
#include "ui/theme.hpp"

#include "microcircuit/model.hpp"

#include <QElapsedTimer>
#include <QWidget>

#include <memory>

class QOpenGLPaintDevice;
class QPainter;
#include <QTimer>

namespace mc::ui {

class SimController;
class RasterSurface;

/// How a neuron is named wherever a user sees it: its NEST id (index + 1, as
/// in the exported files) and its place in its population, e.g.
/// "neuron 4197 (#1077 of 1096 in L4E)".
QString neuronLabel(const DerivedParams& derived, std::int32_t neuron);

class RasterView : public QWidget {
    Q_OBJECT
  public:
    explicit RasterView(SimController* controller, QWidget* parent = nullptr);
    ~RasterView() override;

    void setTheme(const Theme& theme);
    /// Visible window length (ms) and whether the right edge follows model time.
    void setWindowMs(double ms);
    double windowMs() const { return m_windowMs; }
    /// The window length chosen in View → Raster window (default 1 s): the
    /// view shows it now, and Home, double-click and "Follow" return to it.
    void chooseWindowMs(double ms);
    double chosenWindowMs() const { return m_chosenWindowMs; }
    /// Back to the scrolling view of all neurons over the chosen window.
    void resetView();
    bool isFollowing() const { return m_follow; }

    /// Visible time range [t0, t1] in ms and neuron range [n0, n0 + nSpan).
    double t0Ms() const { return t1Ms() - m_windowMs; }
    double t1Ms() const;
    double n0() const { return m_n0; }
    double nSpan() const;
    /// 1 in `decimation()` neurons of each population is drawn.
    int decimation() const;
    /// Plot area in widget coordinates.
    QRect plotRect() const;
    /// Widget y of the centre of neuron row n.
    double neuronToY(double n) const;
    /// The hover text at a widget position (empty outside the plot): the
    /// neuron (neuronLabel), its rate and the time under the cursor.
    QString hoverText(const QPoint& pos) const;
    /// Frames painted since construction, and the recent frame rate.
    qint64 frames() const { return m_frames; }
    double framesPerSecond() const { return m_fps; }
    /// Mean GUI-thread time of one paintGL over the last second (ms), GL submission included.
    double paintMs() const { return m_paintMs; }
    /// Spikes drawn per frame (mean over the last second): only the new ones
    /// while the view scrolls, all of the ring's on a full redraw.
    double spikesDrawnPerFrame() const { return m_spikesPerFrame; }
    /// Full redraws of the ring per second (zoom, pan, resize, colours...).
    double fullRedrawsPerSecond() const { return m_fullRedrawsPerSecond; }
    /// The renderer's counters (last frame's work, full redraws so far).
    const RasterRenderer& renderer() const { return m_renderer; }
    const QString& glError() const { return m_renderer.error(); }
    /// false: every frame draws the window's spikes straight from the store
    /// instead of through the ring (tests compare both ways).
    void setIncremental(bool on);
    /// false: every frame paints the whole overlay again and finds its ink
    /// anew, instead of only what changed (tests compare both ways).
    void setOverlayCached(bool on);
    /// The view as drawn (spikes and the painted labels, axis and markers),
    /// rendered now offscreen at the view's size in device pixels.
    QImage grabFramebuffer();
    /// A frame drawn now into the surface's own window (as on screen, where
    /// the ring's copy takes another path in the driver than into a
    /// framebuffer object), read back before it is shown. Null if the
    /// surface is not exposed. For tests.
    QImage grabSurface();
    /// A new frame soon (hides QWidget::update: the pixels are the surface's).
    void update();

  signals:
    void exportRequested(const QString& format);
    void viewChanged();
    void chosenWindowChanged(double ms);
    /// A click (without dragging) on neuron row `neuron` (global index): Probe → follow it.
    void neuronClicked(int neuron);

  protected:
    friend class RasterSurface;
    void initializeGL();
    /// One frame into framebuffer `fbo` of `pixels` (the surface's or a grab's).
    void paintFrame(unsigned fbo, const QSize& pixels);
    void wheelEvent(QWheelEvent* e) override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;
    void mouseDoubleClickEvent(QMouseEvent* e) override;
    void keyPressEvent(QKeyEvent* e) override;
    void contextMenuEvent(QContextMenuEvent* e) override;

  private:
    void paintOverlay(QPaintDevice* device);
    void paintOverlay(QPainter& p);
    /// Brings the overlay image up to date for a frame of `pixels` with the
    /// plot at `plot` (device pixels) and uploads what changed (raster_overlay.cpp).
    void updateOverlay(const QSize& pixels, const QRect& plot);
    /// Any live-change marker or stimulus shading in the window [t0, t1].
    bool eventsVisible(double t0, double t1) const;
    void paintTimeAxis(QPainter& p, const QRect& plot);
    void paintLayers(QPainter& p, const QRect& plot);
    void paintEvents(QPainter& p, const QRect& plot);
    void showHover(const QPoint& pos);
    void clampNeuronRange();

    static constexpr int kFrameIntervalMs = 30;
    SimController* m_controller;
    RasterSurface* m_surface;
    std::unique_ptr<QOpenGLPaintDevice> m_paintDevice;
    /// The overlay (transparent over the plot, opaque around it) and what
    /// it was painted for: repainted as a whole when the view changes, only
    /// its time-axis strip when just time moved on.
    struct OverlayKey {
        QSize pixels;
        QRect plot;
        double dpr = 0.0;
        bool presentation = false, colourBlindSafe = false;
        QRgb window = 0;
        bool ready = false, network = false, building = false, paused = false, follow = false;
        int generation = -1, decimation = 0;
        double n0 = 0.0, nSpan = 0.0;
        std::size_t events = 0;
        bool operator==(const OverlayKey&) const = default;
    };
    OverlayLayer m_overlayLayer;
    std::unique_ptr<QOpenGLPaintDevice> m_overlayDevice; ///< paints into m_overlayLayer
    OverlayKey m_overlayKey;
    double m_overlayT0 = 0.0, m_overlayT1 = 0.0;
    bool m_overlayEvents = false;
    double m_textDy = 0.0;           ///< shift of the time axis' and footer's text (raster_overlay.cpp)
    std::vector<QRect> m_overlayInk; ///< rectangles of the plot holding ink (blended each frame)
    QTimer m_frameTimer;
    bool m_dirty = false;
    bool m_incremental = true;
    bool m_overlayCached = true;
    RasterRenderer m_renderer;
    Theme m_theme;
    double m_windowMs = 1000.0;
    double m_chosenWindowMs = 1000.0;
    QPoint m_hoverPos{-1, -1}; ///< last mouse position over the plot, for a tooltip that follows the scrolling
    bool m_follow = true;
    double m_rightMs = 0.0; ///< right edge while not following
    double m_n0 = 0.0;
    double m_nSpanZoom = 0.0; ///< 0: all neurons
    QPoint m_dragStart;
    double m_dragRight = 0.0, m_dragN0 = 0.0;
    bool m_dragging = false;
    qint64 m_frames = 0;
    double m_fps = 0.0;
    double m_paintMs = 0.0, m_paintMsSum = 0.0;
    double m_spikesPerFrame = 0.0, m_fullRedrawsPerSecond = 0.0;
    std::uint64_t m_spikesSum = 0, m_fullRedrawsAtSecond = 0;
    QElapsedTimer m_fpsClock;
    qint64 m_fpsFrames = 0;
};

} // namespace mc::ui
