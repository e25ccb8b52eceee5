// Updating the live charts from the SpikeStore: smoothed population rates,
// mean rates, and box plots of per-neuron rates and ISI CVs.
#include "ui/charts/charts_panel.hpp"

#include "ui/axis_ticks.hpp"
#include "ui/charts/box_summary.hpp"
#include "ui/sim_controller.hpp"

#include <QBarSet>
#include <QBoxPlotSeries>
#include <QBoxSet>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace mc::ui {
namespace {

/// Ticks at round values (1, 2, 5 x 10^k) from 0 up to `top`.
void setNiceRange(QValueAxis* axis, double top) {
    const double step = niceStep(top, 5);
    const int n = std::max(1, static_cast<int>(std::ceil(top / step - 1e-9)));
    if (axis->max() == n * step && axis->tickCount() == n + 1) return; // unchanged: no relayout
    axis->setRange(0.0, n * step);
    axis->setTickCount(n + 1);
    axis->setMinorTickCount(0);
    axis->setLabelFormat(step >= 1.0 ? "%.0f" : step >= 0.1 ? "%.1f" : "%.2f");
}

} // namespace

void ChartsPanel::updateSeries(double now) {
    const SpikeStore& store = m_controller->store();
    const auto& bins = store.bins();
    const auto& sizes = store.derived().num_neurons;
    const double t1 = std::max(now, kSeriesMs);
    const double t0 = t1 - kSeriesMs;
    const int w = static_cast<int>(kSmoothingMs);
    double ymax = 5.0;
    for (int p = 0; p < kNumPops; ++p) {
        QList<QPointF> points;
        const double norm = sizes[p] > 0 ? 1000.0 / (sizes[p] * kSmoothingMs) : 0.0;
        for (int t = static_cast<int>(std::max(0.0, t0)) + w; t <= static_cast<int>(std::floor(now)); t += 5) {
            std::uint64_t sum = 0;
            for (int b = t - w; b < t && b < static_cast<int>(bins.size()); ++b)
                sum += bins[b][p];
            const double rate = sum * norm;
            ymax = std::max(ymax, rate);
            points.append(QPointF(t, rate));
        }
        m_lines[p]->replace(points);
    }
    m_seriesX->setRange(t0, t1);
    setNiceRange(m_seriesY, ymax * 1.05);
}

void ChartsPanel::updateMeanRates(double now) {
    const auto rates = m_controller->store().populationRates(std::max(0.0, now - kMeanMs), now);
    double ymax = std::max(1.0, m_meanRatesFloor);
    for (int p = 0; p < kNumPops; ++p) {
        m_excBars->replace(p, isExcitatory(p) ? rates[p] : 0.0);
        m_inhBars->replace(p, isExcitatory(p) ? 0.0 : rates[p]);
        ymax = std::max(ymax, rates[p]);
    }
    setNiceRange(m_barsY, ymax * 1.1);
}

void ChartsPanel::updateBoxes(ChartKind kind, const std::array<std::vector<float>, kNumPops>& values) {
    const int i = static_cast<int>(kind);
    const auto sets = m_boxes[i]->boxSets();
    double ymax = kind == ChartKind::CvDistribution ? 1.5 : 1.0;
    std::vector<float> v;
    for (int p = 0; p < kNumPops && p < sets.size(); ++p) {
        // O(n) per population (nth_element), on a copy: the stats stay in neuron order.
        v.assign(values[p].begin(), values[p].end());
        const BoxSummary b = boxSummary(v);
        sets[p]->setValue(QBoxSet::LowerExtreme, b.lowerWhisker);
        sets[p]->setValue(QBoxSet::LowerQuartile, b.q1);
        sets[p]->setValue(QBoxSet::Median, b.median);
        sets[p]->setValue(QBoxSet::UpperQuartile, b.q3);
        sets[p]->setValue(QBoxSet::UpperExtreme, b.upperWhisker);
        ymax = std::max(ymax, b.upperWhisker);
    }
    setNiceRange(m_boxY[i], ymax * 1.05);
}

} // namespace mc::ui
