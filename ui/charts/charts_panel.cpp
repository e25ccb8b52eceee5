#include "ui/charts/charts_panel.hpp"

#include "ui/axis_ticks.hpp"
#include "ui/gui_cpu.hpp"
#include "ui/sim_controller.hpp"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QBoxPlotSeries>
#include <QBoxSet>
#include <QChart>
#include <QChartView>
#include <QContextMenuEvent>
#include <QGridLayout>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMenu>
#include <QStackedBarSeries>
#include <QTabWidget>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace mc::ui {
namespace {

/// A chart view with an export context menu.
class ExportableChartView : public QChartView {
  public:
    ExportableChartView(QChart* chart, std::function<void(const QString&)> onExport)
        : QChartView(chart), m_onExport(std::move(onExport)) {
        // No antialiasing on screen: with software OpenGL the stroking of
        // antialiased lines dominated the GUI thread. Exports are antialiased.
        setRenderHint(QPainter::Antialiasing, false);
        setMinimumSize(240, 150);
    }

  protected:
    bool viewportEvent(QEvent* e) override {
        if (e->type() != QEvent::Paint) return QChartView::viewportEvent(e);
        const guicpu::Scope cpu(guicpu::Part::ChartsPaint);
        return QChartView::viewportEvent(e);
    }
    void contextMenuEvent(QContextMenuEvent* e) override {
        QMenu menu(this);
        for (const char* fmt : {"PNG", "SVG", "PDF"})
            menu.addAction(QString("Export chart as %1…").arg(fmt), [this, fmt] { m_onExport(fmt); });
        menu.exec(e->globalPos());
    }

  private:
    std::function<void(const QString&)> m_onExport;
};

QStringList populationNames() {
    QStringList names;
    for (const char* n : kPopNames)
        names << n;
    return names;
}

} // namespace

const char* chartStem(ChartKind kind) {
    switch (kind) {
    case ChartKind::RateSeries:
        return "population_rates";
    case ChartKind::MeanRates:
        return "mean_rates";
    case ChartKind::RateDistribution:
        return "rate_boxplot";
    case ChartKind::CvDistribution:
        return "cv_boxplot";
    }
    return "chart";
}

ChartsPanel::ChartsPanel(SimController* controller, QWidget* parent) : QWidget(parent), m_controller(controller) {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_gridHost = new QWidget;
    m_tabs = new QTabWidget;
    m_tabs->setDocumentMode(true);
    outer->addWidget(m_gridHost);
    outer->addWidget(m_tabs);
    m_tabs->hide();
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int) {
        if (auto* v = qobject_cast<QChartView*>(m_tabs->currentWidget()))
            for (int i = 0; i < kNumCharts; ++i)
                if (m_views[i] == v && m_controller->hasNetwork()) refreshChart(static_cast<ChartKind>(i));
    });
    auto* grid = new QGridLayout(m_gridHost);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(2);
    for (int i = 0; i < kNumCharts; ++i) {
        auto* chart = new QChart;
        chart->setMargins(QMargins(4, 4, 4, 4));
        const auto kind = static_cast<ChartKind>(i);
        m_views[i] = new ExportableChartView(chart, [this, kind](const QString& f) { emit exportRequested(kind, f); });
        grid->addWidget(m_views[i], i / 2, i % 2);
    }
    setUpSeries();
    setUpMeanRates();
    setUpBoxPlot(ChartKind::RateDistribution, QString("Per-neuron rates, last %1 s").arg(kDistributionMs / 1000.0),
                 "rate (Hz)");
    setUpBoxPlot(ChartKind::CvDistribution,
                 QString("ISI CV, last %1 s (neurons with ≥ 3 spikes)").arg(kDistributionMs / 1000.0), "CV");
    applyTheme();
    // One chart per tick, in turn: each chart refreshes every 4 x 150 ms and
    // the GUI thread never spends a whole refresh of all four at once.
    m_timer.setInterval(150);
    connect(&m_timer, &QTimer::timeout, this, &ChartsPanel::refreshNext);
    m_timer.start();
}

void ChartsPanel::setTheme(const Theme& theme) {
    m_theme = theme;
    placeViews();
    applyTheme();
}

void ChartsPanel::setCompact(bool compact) {
    if (compact == m_compact) return;
    m_compact = compact;
    placeViews();
}

void ChartsPanel::placeViews() {
    // On a projector, two large charts read better than four small ones: the
    // distributions stay available outside presentation mode and as exports.
    static const char* tabNames[] = {"Population rates", "Mean rates", "Rate distribution", "ISI CV distribution"};
    auto* grid = static_cast<QGridLayout*>(m_gridHost->layout());
    const int current = m_tabs->currentIndex();
    while (m_tabs->count() > 0)
        m_tabs->removeTab(0);
    for (int i = 0; i < kNumCharts; ++i)
        grid->removeWidget(m_views[i]);
    for (int i = 0; i < kNumCharts; ++i) {
        const bool shown = !m_theme.presentation || i < 2;
        if (!shown) {
            m_views[i]->setParent(m_gridHost);
            m_views[i]->hide();
        } else if (m_compact) {
            m_tabs->addTab(m_views[i], tabNames[i]);
            m_views[i]->show();
        } else {
            m_views[i]->setParent(m_gridHost);
            grid->addWidget(m_views[i], m_theme.presentation ? 0 : i / 2, m_theme.presentation ? i : i % 2);
            m_views[i]->show();
        }
    }
    // The time series (eight lines and their legend) gets the taller row.
    grid->setRowStretch(0, m_theme.presentation ? 1 : 3);
    grid->setRowStretch(1, m_theme.presentation ? 0 : 2);
    if (current >= 0 && current < m_tabs->count()) m_tabs->setCurrentIndex(current);
    m_gridHost->setVisible(!m_compact);
    m_tabs->setVisible(m_compact);
}

void ChartsPanel::clear() {
    for (QLineSeries* l : m_lines)
        l->clear();
    for (int p = 0; p < kNumPops; ++p) {
        m_excBars->replace(p, 0.0);
        m_inhBars->replace(p, 0.0);
    }
    for (QBoxPlotSeries* s : m_boxes)
        if (s)
            for (QBoxSet* set : s->boxSets())
                set->clear();
    m_stats = WindowStats{};
    m_window.reset();
    m_shownStep.fill(-1);
    m_shownGeneration.fill(-1);
}

void ChartsPanel::setUpSeries() {
    QChart* chart = view(ChartKind::RateSeries)->chart();
    chart->setTitle(QString("Population rates (%1 ms smoothing)").arg(kSmoothingMs));
    m_seriesX = new QValueAxis;
    m_seriesY = new QValueAxis;
    m_seriesX->setTitleText("time (ms)");
    m_seriesX->setLabelFormat("%.0f");
    // Ticks at whole 500 ms, wherever the 2 s window currently starts.
    m_seriesX->setTickType(QValueAxis::TicksDynamic);
    m_seriesX->setTickAnchor(0.0);
    m_seriesX->setTickInterval(500.0);
    m_seriesY->setTitleText("Hz");
    chart->addAxis(m_seriesX, Qt::AlignBottom);
    chart->addAxis(m_seriesY, Qt::AlignLeft);
    for (int p = 0; p < kNumPops; ++p) {
        m_lines[p] = new QLineSeries;
        m_lines[p]->setName(kPopNames[p]);
        chart->addSeries(m_lines[p]);
        m_lines[p]->attachAxis(m_seriesX);
        m_lines[p]->attachAxis(m_seriesY);
    }
    view(ChartKind::RateSeries)->installEventFilter(this);
}

bool ChartsPanel::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::Resize && watched == view(ChartKind::RateSeries)) placeLegend();
    return QWidget::eventFilter(watched, event);
}

void ChartsPanel::placeLegend() {
    QLegend* legend = view(ChartKind::RateSeries)->chart()->legend();
    // Beside the plot where a column of eight entries fits in the height (the
    // plot keeps all of it), else one row below it.
    const QFontMetrics fm(legend->font());
    const QChart* chart = view(ChartKind::RateSeries)->chart();
    const int title = QFontMetrics(chart->titleFont()).height() + 16;
    const int column = title + kNumPops * (fm.height() * 3 / 2 + 4) + 24;
    const Qt::Alignment want = view(ChartKind::RateSeries)->height() >= column ? Qt::AlignRight : Qt::AlignBottom;
    if (legend->alignment() != want) legend->setAlignment(want);
}

void ChartsPanel::setUpMeanRates() {
    QChart* chart = view(ChartKind::MeanRates)->chart();
    chart->setTitle(QString("Mean rate per population, last %1 s").arg(kMeanMs / 1000.0));
    auto* series = new QStackedBarSeries;
    m_excBars = new QBarSet("excitatory");
    m_inhBars = new QBarSet("inhibitory");
    for (int p = 0; p < kNumPops; ++p) {
        *m_excBars << 0.0;
        *m_inhBars << 0.0;
    }
    series->append(m_excBars);
    series->append(m_inhBars);
    series->setBarWidth(0.7);
    chart->addSeries(series);
    auto* x = new QBarCategoryAxis;
    x->append(populationNames());
    m_barsY = new QValueAxis;
    m_barsY->setTitleText("rate (Hz)");
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(m_barsY, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(m_barsY);
    chart->legend()->setVisible(false);
}

void ChartsPanel::setUpBoxPlot(ChartKind kind, const QString& title, const QString& unit) {
    const int i = static_cast<int>(kind);
    QChart* chart = view(kind)->chart();
    chart->setTitle(title);
    m_boxes[i] = new QBoxPlotSeries;
    for (int p = 0; p < kNumPops; ++p)
        m_boxes[i]->append(new QBoxSet(kPopNames[p]));
    chart->addSeries(m_boxes[i]);
    auto* x = new QBarCategoryAxis;
    x->append(populationNames());
    m_boxY[i] = new QValueAxis;
    m_boxY[i]->setTitleText(unit);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(m_boxY[i], Qt::AlignLeft);
    m_boxes[i]->attachAxis(x);
    m_boxes[i]->attachAxis(m_boxY[i]);
    chart->legend()->setVisible(false);
}

void ChartsPanel::applyTheme() {
    const QFont title = m_theme.font(10.5, true);
    const QFont label = m_theme.font(8.5);
    for (QChartView* v : m_views) {
        v->chart()->setTitleFont(title);
        v->chart()->setTitleBrush(m_theme.text());
        v->chart()->legend()->setFont(m_theme.presentation ? m_theme.font(7.5) : m_theme.font(8.5));
        v->chart()->legend()->setLabelColor(m_theme.text());
        v->chart()->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries); // E solid, I dashed, as drawn
        for (QAbstractAxis* axis : v->chart()->axes()) {
            axis->setTruncateLabels(false); // numbers are never shown as "…"
            // Eight population names must fit under the bars even on a projector.
            axis->setLabelsFont(qobject_cast<QBarCategoryAxis*>(axis)
                                    ? (m_theme.presentation ? QFont(label.family(), 10) : m_theme.font(8.0))
                                    : label);
            axis->setTitleFont(label);
            axis->setLabelsColor(m_theme.text());
        }
    }
    // Shorter titles on a projector, where the large font leaves less room.
    view(ChartKind::RateSeries)
        ->chart()
        ->setTitle(m_theme.presentation ? QString("Population rates")
                                        : QString("Population rates (%1 ms smoothing)").arg(kSmoothingMs));
    m_seriesX->setTitleVisible(!m_theme.presentation); // the raster's axis says "time (ms)"
    view(ChartKind::MeanRates)
        ->chart()
        ->setTitle(m_theme.presentation ? QString("Mean rates, last %1 s").arg(kMeanMs / 1000.0)
                                        : QString("Mean rate per population, last %1 s").arg(kMeanMs / 1000.0));
    for (int p = 0; p < kNumPops; ++p) {
        QPen pen(Theme::populationLine(p), m_theme.presentation ? 3.0 : 1.8);
        if (!isExcitatory(p)) pen.setStyle(Qt::DashLine);
        m_lines[p]->setPen(pen);
    }
    placeLegend();
    m_excBars->setColor(m_theme.excitatory());
    m_inhBars->setColor(m_theme.inhibitory());
    m_excBars->setBorderColor(m_theme.excitatory());
    m_inhBars->setBorderColor(m_theme.inhibitory());
    for (QBoxPlotSeries* s : m_boxes) {
        if (!s) continue;
        const auto sets = s->boxSets();
        for (int p = 0; p < sets.size(); ++p) {
            QColor fill = m_theme.population(p);
            fill.setAlpha(150);
            sets[p]->setBrush(fill);
            sets[p]->setPen(QPen(m_theme.text(), m_theme.presentation ? 2.0 : 1.0));
        }
    }
}

void ChartsPanel::refresh() {
    for (int i = 0; i < kNumCharts; ++i)
        refreshChart(static_cast<ChartKind>(i));
}

void ChartsPanel::refreshNext() {
    if (!isVisible() || !m_controller->hasNetwork()) return;
    // Skip charts of the current network whose data did not change (paused).
    const auto info = m_controller->buildInfo();
    const std::int64_t step = m_controller->store().endStep();
    for (int tries = 0; tries < kNumCharts; ++tries) {
        const int i = m_next;
        m_next = (m_next + 1) % kNumCharts;
        if (!m_views[i]->isVisible()) continue;
        if (m_shownStep[i] == step && m_shownGeneration[i] == info->generation) continue;
        refreshChart(static_cast<ChartKind>(i));
        return;
    }
}

void ChartsPanel::refreshChart(ChartKind kind) {
    if (!m_controller->hasNetwork()) return;
    const guicpu::Scope cpu(guicpu::Part::ChartsData);
    const int i = static_cast<int>(kind);
    const double now = m_controller->modelTimeMs();
    m_shownStep[i] = m_controller->store().endStep();
    m_shownGeneration[i] = m_controller->buildInfo()->generation;
    switch (kind) {
    case ChartKind::RateSeries:
        updateSeries(now);
        break;
    case ChartKind::MeanRates:
        updateMeanRates(now);
        break;
    case ChartKind::RateDistribution:
        m_stats = m_window.update(m_controller->store());
        updateBoxes(kind, m_stats.rates);
        break;
    case ChartKind::CvDistribution:
        // Computed with the rate distribution one tick earlier (same window).
        if (m_stats.toMs <= 0.0) m_stats = m_window.update(m_controller->store());
        updateBoxes(kind, m_stats.cvs);
        break;
    }
}

} // namespace mc::ui
