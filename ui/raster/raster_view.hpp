// The live raster: a QOpenGLWidget that forwards drawing of the spikes to a
// RasterRenderer and paints axes, layer labels, separators and live-change
// markers with QPainter on top. Time window scrolls with model time (default
// 1 s); wheel zooms time (Ctrl+wheel: neurons), drag pans, double-click or
// Home returns to the scrolling full view. Hover tells a neuron's id,
// population and rate.
#pragma once

#include "ui/raster/raster_renderer.hpp"
#include "ui/theme.hpp"

#include "microcircuit/model.hpp"

#include <QElapsedTimer>
#include <QOpenGLWidget>
#include <QTimer>

namespace mc::ui {

class SimController;

/// How a neuron is named wherever a user sees it: its NEST id (index + 1, as
/// in the exported files) and its place in its population, e.g.
/// "neuron 4197 (#1077 of 1096 in L4E)".
QString neuronLabel(const DerivedParams& derived, std::int32_t neuron);

class RasterView : public QOpenGLWidget {
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

  signals:
    void exportRequested(const QString& format);
    void viewChanged();
    void chosenWindowChanged(double ms);
    /// A click (without dragging) on neuron row `neuron` (global index): Probe → follow it.
    void neuronClicked(int neuron);

  protected:
    void initializeGL() override;
    void paintGL() override;
    void wheelEvent(QWheelEvent* e) override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;
    void mouseDoubleClickEvent(QMouseEvent* e) override;
    void keyPressEvent(QKeyEvent* e) override;
    void contextMenuEvent(QContextMenuEvent* e) override;

  private:
    void paintOverlay();
    void paintTimeAxis(QPainter& p, const QRect& plot);
    void paintLayers(QPainter& p, const QRect& plot);
    void paintEvents(QPainter& p, const QRect& plot);
    void showHover(const QPoint& pos);
    void clampNeuronRange();
    void onContextAboutToBeDestroyed();

    static constexpr int kFrameIntervalMs = 30;
    SimController* m_controller;
    QTimer m_frameTimer;
    bool m_dirty = false;
    bool m_incremental = true;
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
