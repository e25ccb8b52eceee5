// The connectivity map: the 8 x 8 projections [target][source] plus the
// thalamic projections (a ninth column, the thalamus being a source) as a heat map,
// population names and sizes on the margins, one quantity at a time
// (connectivity_metrics.hpp). Hover shows every number of a projection;
// a click asks to edit it (projectionClicked); cells whose probability or
// weight factor differ from the defaults are outlined (dashed: pending a
// rebuild).
#pragma once

#include "ui/connectivity/connectivity_metrics.hpp"

#include <QWidget>

namespace mc::ui {

class ParameterEditor;
class SimController;

class ConnectivityMap : public QWidget {
    Q_OBJECT
  public:
    ConnectivityMap(SimController* controller, ParameterEditor* editor, QWidget* parent = nullptr);

    void setMetric(ConnectivityMetric metric);
    ConnectivityMetric metric() const { return m_metric; }
    /// The numbers as drawn (recomputed by refresh()).
    const ConnectivityNumbers& numbers() const { return m_numbers; }
    /// Recomputes from the running configuration and recent rates, redraws.
    void refresh();

    /// Where cell (target, source) is drawn in a widget-sized area; source 8 = thalamus.
    QRectF cellRect(int target, int source) const;
    /// The cell under `pos`; false outside the matrix.
    bool cellAt(QPointF pos, int& target, int& source) const;
    /// Draws the whole map (title, margins, cells, colour scale) into `area`.
    void paintMap(QPainter& p, const QRectF& area) const;
    /// Every number of one projection, one per line.
    QString describe(int target, int source) const;
    /// Whether the cell's probability or weight factor differs from the defaults.
    bool changedFromDefaults(int target, int source, bool* pendingOnly = nullptr) const;

  signals:
    void projectionClicked(int target, int source);

  protected:
    void paintEvent(QPaintEvent*) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mousePressEvent(QMouseEvent* e) override;
    void leaveEvent(QEvent*) override;

  private:
    QRectF matrixArea(const QRectF& area) const;

    SimController* m_controller;
    ParameterEditor* m_editor;
    ConnectivityMetric m_metric = ConnectivityMetric::Probability;
    ConnectivityNumbers m_numbers;
    std::array<double, kNumPops> m_rates{}; ///< recent rates (Hz) the input currents use
    int m_hoverTarget = -1, m_hoverSource = -1;
};

/// Display name of a population ("L2/3E") or of the thalamus ("TC").
QString populationLabel(int index);

} // namespace mc::ui
