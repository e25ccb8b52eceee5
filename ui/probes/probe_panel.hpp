// The probe panel under the raster: one row per followed neuron (at most 8),
// each with V_m at every step, its threshold (dashed) and reset (dotted)
// lines and its spikes marked, and below it the synaptic current; the time
// axis is the raster's, so the panel scrolls and zooms with it. Right-click:
// remove a probe, export the traces as CSV or as a figure.
#pragma once

#include "ui/theme.hpp"

#include <QWidget>

namespace mc::ui {

class ProbeStore;
class RasterView;
class SimController;

/// Paints the probes over [t0Ms, t1Ms] into `area`, the time axis spanning
/// [area.left() + left, area.right() - right] (the raster's plot margins).
void paintProbes(QPainter& p, const QRectF& area, const ProbeStore& store, const Config& config, double t0Ms,
                 double t1Ms, double left, double right, const Theme& theme);

class ProbePanel : public QWidget {
    Q_OBJECT
  public:
    static constexpr int kRowHeight = 96;
    ProbePanel(SimController* controller, RasterView* raster, QWidget* parent = nullptr);

    void setTheme(const Theme& theme);
    /// Adds a probe on a neuron (global index); false with a reason when it cannot.
    bool addProbe(std::int32_t neuron, QString* why = nullptr);
    void removeProbe(int index);
    void clearProbes();
    bool exportCsvTo(const QString& path, QString* error) const;
    /// PNG, SVG or PDF by suffix: the rows over the raster's visible time.
    bool exportFigureTo(const QString& path, QString* error) const;
    QSize sizeHint() const override;

  protected:
    void paintEvent(QPaintEvent*) override;
    void contextMenuEvent(QContextMenuEvent* e) override;

  private:
    void onProbesChanged();
    SimController* m_controller;
    RasterView* m_raster;
    Theme m_theme;
};

} // namespace mc::ui
