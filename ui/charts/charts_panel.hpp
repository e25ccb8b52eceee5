// The live charts (Qt Charts): smoothed population rates over time, the
// current mean rate per population, and the distributions of per-neuron rates
// and ISI CVs as box plots (like the reference's box plot). Refreshed from the
// SpikeStore a few times per second, one chart per tick; the distributions
// come from running per-neuron sums (WindowAccumulator), not from the stored
// spikes, so a refresh costs the new spikes and one pass over the neurons.
#pragma once

#include "ui/charts/window_accumulator.hpp"
#include "ui/spike_store.hpp"
#include "ui/theme.hpp"

#include <QTimer>
#include <QWidget>

#include <array>

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;
class QBarSet;
class QBoxPlotSeries;
class QTabWidget;
QT_END_NAMESPACE

namespace mc::ui {

class SimController;

enum class ChartKind { RateSeries = 0, MeanRates, RateDistribution, CvDistribution };
inline constexpr int kNumCharts = 4;
/// File-name stem of a chart ("population_rates", ...).
const char* chartStem(ChartKind kind);

class ChartsPanel : public QWidget {
    Q_OBJECT
  public:
    /// Windows over which the charts are computed (ms).
    static constexpr double kSeriesMs = 2000.0, kMeanMs = 1000.0, kDistributionMs = 5000.0;
    static constexpr double kSmoothingMs = 20.0;

    explicit ChartsPanel(SimController* controller, QWidget* parent = nullptr);
    void setTheme(const Theme& theme);
    /// Compact: one chart at a time in tabs (short windows, where the raster
    /// keeps the height); otherwise a grid.
    void setCompact(bool compact);
    bool isCompact() const { return m_compact; }
    /// Clears every chart (no network).
    void clear();
    QChartView* view(ChartKind kind) const { return m_views[static_cast<int>(kind)]; }
    /// Statistics behind the distribution charts (last refresh).
    const WindowStats& stats() const { return m_stats; }
    /// Refreshes all charts now (exports and tests); the timer refreshes one at a time.
    void refresh();
    /// The mean-rate chart's rate axis reaches at least this (Hz): room for
    /// the health check's reference band drawn over it (ui/activity/).
    void setMeanRatesFloor(double hz) { m_meanRatesFloor = hz; }

  signals:
    void exportRequested(mc::ui::ChartKind kind, const QString& format);

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    void refreshNext();
    void refreshChart(ChartKind kind);
    void setUpSeries();
    void setUpMeanRates();
    void setUpBoxPlot(ChartKind kind, const QString& title, const QString& unit);
    void updateSeries(double now);
    void updateMeanRates(double now);
    void updateBoxes(ChartKind kind, const std::array<std::vector<float>, kNumPops>& values);
    void applyTheme();
    void placeViews();
    /// The rate chart's legend: one row below the plot where eight entries
    /// fit in the width, else one column beside it.
    void placeLegend();

    SimController* m_controller;
    Theme m_theme;
    bool m_compact = false;
    QWidget* m_gridHost = nullptr;
    QTabWidget* m_tabs = nullptr;
    std::array<QChartView*, kNumCharts> m_views{};
    std::array<QLineSeries*, kNumPops> m_lines{};
    QValueAxis* m_seriesX = nullptr;
    QValueAxis* m_seriesY = nullptr;
    QBarSet* m_excBars = nullptr;
    QBarSet* m_inhBars = nullptr;
    QValueAxis* m_barsY = nullptr;
    std::array<QBoxPlotSeries*, kNumCharts> m_boxes{};
    std::array<QValueAxis*, kNumCharts> m_boxY{};
    WindowStats m_stats;
    WindowAccumulator m_window{kDistributionMs}; // the distributions' sums, updated as spikes arrive
    double m_meanRatesFloor = 0.0;
    QTimer m_timer;
    int m_next = 0;
    std::array<std::int64_t, kNumCharts> m_shownStep{-1, -1, -1, -1};
    std::array<int, kNumCharts> m_shownGeneration{-1, -1, -1, -1};
};

} // namespace mc::ui
