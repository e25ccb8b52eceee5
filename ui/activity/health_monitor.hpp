// The health check of the running (or replayed) network, every 2 s:
// each population's mean rate, mean ISI CV and activity state over the last
// 5 s (the first 0.5 s after a build left out, as the reference's t_presim)
// against NEST 3.9's rates for this scale and drive — checkAgainstReference,
// the code behind `microcircuit analyze`'s verdict. The verdict goes to the
// status bar; HealthBand draws the band on the mean-rate chart.
#pragma once

#include "microcircuit/reference_check.hpp"

#include <QGraphicsObject>
#include <QObject>
#include <QPointer>

#include <optional>

QT_BEGIN_NAMESPACE
class QChart;
class QLabel;
QT_END_NAMESPACE

namespace mc::ui {

class SimController;

class HealthMonitor : public QObject {
    Q_OBJECT
  public:
    static constexpr double kWindowMs = 5000.0; ///< judged interval: the last 5 s
    static constexpr double kSkipMs = 500.0;    ///< the start transient after a build
    static constexpr double kMinMs = 1000.0;    ///< no verdict on less than 1 s
    /// Judged again every 2 s of wall time: the 5 s of a full-scale network
    /// take ~40 ms of the GUI thread to judge, which is taken from the engine.
    static constexpr int kRefreshMs = 2000;

    explicit HealthMonitor(SimController* controller, QObject* parent = nullptr);
    /// Checks now if the stored spikes changed since the last check.
    void refresh();
    /// The last check (nullopt until there is enough data).
    const std::optional<HealthReport>& report() const { return m_report; }
    double fromMs() const { return m_from; }
    double toMs() const { return m_to; }
    /// "asynchronous irregular, like the reference", what is off, or why there is no verdict yet.
    QString verdict() const;

  signals:
    void updated();

  private:
    SimController* m_controller;
    std::optional<HealthReport> m_report;
    double m_from = 0.0, m_to = 0.0;
    std::int64_t m_shownStep = -1;
    int m_shownGeneration = -1;
};

/// Draws over a mean-rate bar chart (one category per population): each
/// population's reference band (rate ±30 %) and reference rate, its mean
/// rate over the health window (diamond) and its mean ISI CV; populations
/// the check flags in red.
class HealthBand : public QGraphicsObject {
  public:
    HealthBand(QChart* chart, const HealthMonitor* monitor);
    QRectF boundingRect() const override;
    void paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) override;
    /// The highest point drawn (Hz), so that the chart's axis can include it.
    double topHz() const;
    /// The chart's plot area moved or resized.
    void relayout() {
        prepareGeometryChange();
        update();
    }

  private:
    QChart* m_chart;
    const HealthMonitor* m_monitor;
};

} // namespace mc::ui
