#include "ui/activity/health_monitor.hpp"

#include "ui/activity/spike_window.hpp"
#include "ui/gui_cpu.hpp"
#include "ui/sim_controller.hpp"

#include <QAbstractSeries>
#include <QChart>
#include <QLegend>
#include <QPainter>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace mc::ui {

HealthMonitor::HealthMonitor(SimController* controller, QObject* parent) : QObject(parent), m_controller(controller) {
    auto* timer = new QTimer(this);
    timer->setInterval(kRefreshMs);
    connect(timer, &QTimer::timeout, this, &HealthMonitor::refresh);
    timer->start();
    connect(controller, &SimController::built, this, [this] {
        m_report.reset();
        m_shownStep = -1;
        emit updated();
    });
}

void HealthMonitor::refresh() {
    if (!m_controller->hasNetwork()) {
        if (m_report) {
            m_report.reset();
            emit updated();
        }
        return;
    }
    const std::int64_t step = m_controller->store().endStep();
    const int generation = m_controller->buildInfo()->generation;
    if (step == m_shownStep && generation == m_shownGeneration) return; // paused: the verdict stands
    m_shownStep = step;
    m_shownGeneration = generation;
    m_to = m_controller->modelTimeMs();
    m_from = std::max(kSkipMs, m_to - kWindowMs);
    if (m_to - m_from < kMinMs) {
        m_report.reset();
    } else {
        const guicpu::Scope cpu(guicpu::Part::Health);
        const SpikeData data = spikeDataOf(m_controller->store(), m_from, m_to);
        m_report = checkAgainstReference(data, m_from, m_to, m_controller->currentConfig());
    }
    emit updated();
}

QString HealthMonitor::verdict() const {
    if (!m_controller->hasNetwork()) return {};
    if (!m_report)
        return QString("health check after %1 s of model time").arg((kSkipMs + kMinMs) / 1000.0, 0, 'f', 1);
    return QString::fromStdString(m_report->verdict);
}

HealthBand::HealthBand(QChart* chart, const HealthMonitor* monitor) : m_chart(chart), m_monitor(monitor) {
    setZValue(10.0); // over the bars
}

QRectF HealthBand::boundingRect() const { return m_chart->plotArea(); }

double HealthBand::topHz() const {
    const auto& r = m_monitor->report();
    double top = 0.0;
    if (!r) return top;
    for (const PopulationCheck& c : r->populations) {
        if (std::isfinite(c.bandHigh)) top = std::max(top, c.bandHigh);
        top = std::max(top, c.health.meanRate);
    }
    return top * 1.12; // and the CV labels above
}

void HealthBand::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) {
    const auto& r = m_monitor->report();
    if (!r || m_chart->series().isEmpty()) return;
    QAbstractSeries* series = m_chart->series().first();
    const QRectF plot = m_chart->plotArea();
    p->save();
    p->setClipRect(plot);
    p->setRenderHint(QPainter::Antialiasing, true);
    const QColor bad(0xc0, 0x10, 0x10);
    QFont font = m_chart->legend()->font();
    font.setPointSizeF(std::max(6.5, font.pointSizeF() * 0.9));
    p->setFont(font);
    const QFontMetricsF fm(font);
    for (int pop = 0; pop < static_cast<int>(r->populations.size()) && pop < kNumPops; ++pop) {
        const PopulationCheck& c = r->populations[pop];
        const auto at = [&](double x, double y) { return m_chart->mapToPosition(QPointF(x, y), series); };
        const bool ok = c.problem.empty();
        if (std::isfinite(c.referenceRate)) {
            const QPointF a = at(pop - 0.42, c.bandHigh);
            const QPointF b = at(pop + 0.42, std::max(0.0, c.bandLow));
            const QRectF band = QRectF(a, b).normalized();
            p->setBrush(Qt::NoBrush);
            p->fillRect(band, QColor(0x30, 0xa0, 0x50, 60));
            p->setPen(QPen(ok ? QColor(0x20, 0x80, 0x40) : bad, ok ? 1.0 : 2.0));
            p->drawRect(band);
            const QPointF l = at(pop - 0.42, c.referenceRate), rr = at(pop + 0.42, c.referenceRate);
            p->setPen(QPen(QColor(0x10, 0x50, 0x20), 1.6));
            p->drawLine(l, rr);
        }
        // The health window's mean rate, and the mean CV above it.
        const QPointF m = at(pop, c.health.meanRate);
        QPolygonF diamond{m + QPointF(0, -5), m + QPointF(5, 0), m + QPointF(0, 5), m + QPointF(-5, 0)};
        p->setPen(QPen(Qt::white, 1.0));
        p->setBrush(ok ? QColor(0x10, 0x10, 0x10) : bad);
        p->drawPolygon(diamond);
        const double topRate = std::max(c.health.meanRate, std::isfinite(c.bandHigh) ? c.bandHigh : c.health.meanRate);
        const QPointF label = at(pop, topRate);
        p->setPen(c.cvOk ? QColor(0x20, 0x20, 0x20) : bad);
        const QString cv = std::isfinite(c.meanCv) ? QString("CV %1").arg(c.meanCv, 0, 'f', 2) : QString("CV –");
        p->drawText(QRectF(label.x() - 40, label.y() - fm.height() - 2, 80, fm.height()), Qt::AlignCenter, cv);
    }
    // What the marks mean.
    p->setPen(QColor(0x20, 0x20, 0x20));
    const QString band = r->calibrated ? QString("NEST rate ± %1 sd of this engine's seed spread").arg(kBandSigmas, 0, 'f', 0)
                                       : QString("NEST rate ± %1 % (no calibrated spread for this scale)")
                                             .arg(kRateTolerance * 100, 0, 'f', 0);
    const QString key = QString("green band: %1; ◆ mean over %2–%3 s; CV: mean ISI CV")
                            .arg(band)
                            .arg(m_monitor->fromMs() / 1000.0, 0, 'f', 1)
                            .arg(m_monitor->toMs() / 1000.0, 0, 'f', 1);
    p->drawText(plot.adjusted(6, 2, -6, -2), Qt::AlignTop | Qt::AlignLeft, r->haveReference ? key : key.mid(key.indexOf("◆")));
    p->restore();
}

} // namespace mc::ui
