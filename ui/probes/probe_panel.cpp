#include "ui/probes/probe_panel.hpp"

#include "ui/axis_ticks.hpp"
#include "ui/figure_export.hpp"
#include "ui/probes/probe_store.hpp"
#include "ui/raster/raster_view.hpp"
#include "ui/sim_controller.hpp"

#include "microcircuit/file_write.hpp"

#include <QContextMenuEvent>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace mc::ui {
namespace {

QColor probeColour(int i) {
    static constexpr QRgb colours[] = {0x0072b2, 0xd55e00, 0x009e73, 0xcc79a7, 0x56b4e9, 0xe69f00, 0x000000, 0x999999};
    return QColor::fromRgb(colours[i % 8]);
}

/// Draws one series of a trace over [t0, t1] into the band [top, bottom],
/// value range [lo, hi]; min/max per pixel column when samples outnumber pixels.
template <class Value>
void drawSeries(QPainter& p, const ProbeTrace& t, Value value, double h, double t0, double t1, double x0, double x1,
                double top, double bottom, double lo, double hi) {
    const auto first = std::lower_bound(t.steps.begin(), t.steps.end(), static_cast<std::int64_t>(t0 / h) - 2);
    const auto last = std::upper_bound(t.steps.begin(), t.steps.end(), static_cast<std::int64_t>(t1 / h) + 1);
    const auto xOf = [&](std::int64_t step) { return x0 + ((step + 1) * h - t0) / (t1 - t0) * (x1 - x0); };
    const auto yOf = [&](double v) { return bottom - (std::clamp(v, lo, hi) - lo) / (hi - lo) * (bottom - top); };
    const std::size_t a = static_cast<std::size_t>(first - t.steps.begin());
    const std::size_t b = static_cast<std::size_t>(last - t.steps.begin());
    if (b <= a) return;
    QPainterPath path;
    if (static_cast<double>(b - a) < 2.0 * (x1 - x0)) {
        for (std::size_t k = a; k < b; ++k) {
            const QPointF pt(xOf(t.steps[k]), yOf(value(k)));
            if (k == a)
                path.moveTo(pt);
            else
                path.lineTo(pt);
        }
    } else {
        int column = -1;
        double mn = 0, mx = 0;
        const auto flush = [&] {
            if (column < 0) return;
            path.moveTo(column, yOf(mn));
            path.lineTo(column + 0.01, yOf(mx));
        };
        for (std::size_t k = a; k < b; ++k) {
            const int c = static_cast<int>(xOf(t.steps[k]));
            const double v = value(k);
            if (c != column) {
                flush();
                column = c;
                mn = mx = v;
            } else {
                mn = std::min(mn, v);
                mx = std::max(mx, v);
            }
        }
        flush();
    }
    p.drawPath(path);
}

} // namespace

void paintProbes(QPainter& p, const QRectF& area, const ProbeStore& store, const Config& config, double t0, double t1,
                 double left, double right, const Theme& theme) {
    const auto& traces = store.traces();
    if (traces.empty() || t1 <= t0) return;
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    const double rowH = area.height() / static_cast<double>(traces.size());
    const double x0 = area.left() + left, x1 = area.right() - right;
    const double h = store.resolution();
    QFont small = theme.font(8.0);
    p.setFont(small);
    for (std::size_t i = 0; i < traces.size(); ++i) {
        const ProbeTrace& t = traces[i];
        const int pop = [&] {
            int q = 0;
            while (q < kNumPops - 1 && t.neuron >= store.derived().first_neuron[q + 1])
                ++q;
            return q;
        }();
        const double top = area.top() + i * rowH;
        const double vTop = top + 16, vBottom = top + rowH * 0.68, iTop = vBottom + 4, iBottom = top + rowH - 4;
        const double vTh = config.net.neuron.V_th[pop], vReset = config.net.neuron.V_reset[pop];
        double lo = vReset - 3.0, hi = vTh + 2.0;
        double iLo = 0.0, iHi = 0.0;
        const bool hasCurrent = t.current.size() == t.vm.size(); // a recorded voltmeter has V_m only
        const auto a = std::lower_bound(t.steps.begin(), t.steps.end(), static_cast<std::int64_t>(t0 / h) - 2);
        for (std::size_t k = static_cast<std::size_t>(a - t.steps.begin()); k < t.steps.size(); ++k) {
            if ((t.steps[k] + 1) * h > t1) break;
            lo = std::min(lo, t.vm[k]);
            if (!hasCurrent) continue;
            iLo = std::min(iLo, t.current[k]);
            iHi = std::max(iHi, t.current[k]);
        }
        if (iHi - iLo < 1.0) iHi = iLo + 1.0;
        const auto yV = [&](double v) { return vBottom - (v - lo) / (hi - lo) * (vBottom - vTop); };
        // Row frame, label and the threshold and reset lines.
        p.setPen(theme.separator());
        if (i > 0) p.drawLine(QPointF(area.left(), top), QPointF(area.right(), top));
        p.setPen(theme.text());
        p.drawText(QRectF(x0 + 4, top + 1, x1 - x0, 14), Qt::AlignLeft | Qt::AlignVCenter,
                   QString::fromStdString(store.label(t.neuron)) +
                       (hasCurrent ? QString("   V_m [mV] %1 … %2;  I_syn [pA] %3 … %4")
                                         .arg(lo, 0, 'f', 1)
                                         .arg(hi, 0, 'f', 1)
                                         .arg(iLo, 0, 'f', 0)
                                         .arg(iHi, 0, 'f', 0)
                                   : QString("   V_m [mV] %1 … %2 (recorded by a voltmeter; no I_syn)")
                                         .arg(lo, 0, 'f', 1)
                                         .arg(hi, 0, 'f', 1)));
        p.drawText(QRectF(area.left(), vTop - 7, left - 4, 14), Qt::AlignRight | Qt::AlignVCenter,
                   QString("θ %1").arg(vTh, 0, 'f', 0));
        p.drawText(QRectF(area.left(), yV(vReset) - 7, left - 4, 14), Qt::AlignRight | Qt::AlignVCenter,
                   QString("reset %1").arg(vReset, 0, 'f', 0));
        if (hasCurrent)
            p.drawText(QRectF(area.left(), iTop, left - 4, iBottom - iTop), Qt::AlignRight | Qt::AlignVCenter, "I_syn");
        QPen dashed(QColor(0x80, 0x80, 0x80), 1.0, Qt::DashLine);
        p.setPen(dashed);
        p.drawLine(QPointF(x0, yV(vTh)), QPointF(x1, yV(vTh)));
        dashed.setStyle(Qt::DotLine);
        p.setPen(dashed);
        p.drawLine(QPointF(x0, yV(vReset)), QPointF(x1, yV(vReset)));
        const double yZero = iBottom - (0.0 - iLo) / (iHi - iLo) * (iBottom - iTop);
        if (hasCurrent) p.drawLine(QPointF(x0, yZero), QPointF(x1, yZero));
        // Spikes: a stroke from the threshold up, at the spike's time stamp.
        const QColor colour = probeColour(static_cast<int>(i));
        p.setPen(QPen(colour, theme.presentation ? 2.5 : 1.5));
        for (std::int64_t s : t.spikes) {
            const double ts = (s + 1) * h;
            if (ts < t0 || ts > t1) continue;
            const double x = x0 + (ts - t0) / (t1 - t0) * (x1 - x0);
            p.drawLine(QPointF(x, yV(vTh)), QPointF(x, vTop - 2));
        }
        drawSeries(
            p, t, [&](std::size_t k) { return t.vm[k]; }, h, t0, t1, x0, x1, vTop, vBottom, lo, hi);
        p.setPen(QPen(colour.lighter(130), 1.0));
        if (hasCurrent)
            drawSeries(
            p, t, [&](std::size_t k) { return t.current[k]; }, h, t0, t1, x0, x1, iTop, iBottom, iLo, iHi);
    }
    p.restore();
}

ProbePanel::ProbePanel(SimController* controller, RasterView* raster, QWidget* parent)
    : QWidget(parent), m_controller(controller), m_raster(raster) {
    setObjectName("probePanel");
    setAutoFillBackground(true);
    connect(controller, &SimController::probesChanged, this, &ProbePanel::onProbesChanged);
    connect(controller, &SimController::probeSamplesArrived, this, qOverload<>(&QWidget::update));
    connect(raster, &RasterView::viewChanged, this, qOverload<>(&QWidget::update));
    onProbesChanged();
}

void ProbePanel::setTheme(const Theme& theme) {
    m_theme = theme;
    update();
}

bool ProbePanel::addProbe(std::int32_t neuron, QString* why) {
    const ProbeStore& store = m_controller->probes();
    if (!m_controller->hasNetwork() || neuron < 0 || neuron >= m_controller->store().neurons()) {
        if (why) *why = QString("There is no neuron %1 in this network.").arg(neuron);
        return false;
    }
    std::vector<std::int32_t> n = store.neurons();
    if (std::find(n.begin(), n.end(), neuron) != n.end()) return true;
    if (static_cast<int>(n.size()) >= ProbeStore::kMaxProbes) {
        if (why) *why = QString("At most %1 neurons can be followed; remove one first.").arg(ProbeStore::kMaxProbes);
        return false;
    }
    n.push_back(neuron);
    m_controller->setProbes(n);
    return true;
}

void ProbePanel::removeProbe(int index) {
    std::vector<std::int32_t> n = m_controller->probes().neurons();
    if (index < 0 || index >= static_cast<int>(n.size())) return;
    n.erase(n.begin() + index);
    m_controller->setProbes(n);
}

void ProbePanel::clearProbes() {
    m_controller->setProbes({});
}

void ProbePanel::onProbesChanged() {
    const int rows = static_cast<int>(m_controller->probes().traces().size());
    setMinimumHeight(rows * kRowHeight / 2);
    setVisible(rows > 0);
    updateGeometry();
    update();
}

QSize ProbePanel::sizeHint() const {
    return {800, static_cast<int>(m_controller->probes().traces().size()) * kRowHeight};
}

void ProbePanel::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), m_theme.background());
    const QRect plot = m_raster->plotRect();
    const double left = plot.left(), right = m_raster->width() - plot.right() - 1;
    paintProbes(p, QRectF(rect()), m_controller->probes(), m_controller->config(), m_raster->t0Ms(), m_raster->t1Ms(),
                left, right, m_theme);
}

void ProbePanel::contextMenuEvent(QContextMenuEvent* e) {
    const auto& traces = m_controller->probes().traces();
    if (traces.empty()) return;
    const int row = std::clamp(static_cast<int>(e->pos().y() * static_cast<double>(traces.size()) / height()), 0,
                               static_cast<int>(traces.size()) - 1);
    QMenu menu(this);
    menu.addAction(
        QString("Remove probe %1").arg(QString::fromStdString(m_controller->probes().label(traces[row].neuron))), this,
        [this, row] { removeProbe(row); });
    menu.addAction("Remove all probes", this, &ProbePanel::clearProbes);
    menu.addSeparator();
    menu.addAction("Export traces as CSV…", this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, "Export probe traces", "probes.csv", "CSV (*.csv)");
        QString error;
        if (!path.isEmpty() && !exportCsvTo(path, &error)) QMessageBox::warning(this, "Export failed", error);
    });
    menu.addAction("Export figure…", this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, "Export probe figure", "probes.png",
                                                          "PNG (*.png);;SVG (*.svg);;PDF (*.pdf)");
        QString error;
        if (!path.isEmpty() && !exportFigureTo(path, &error)) QMessageBox::warning(this, "Export failed", error);
    });
    menu.exec(e->globalPos());
}

bool ProbePanel::exportCsvTo(const QString& path, QString* error) const {
    try {
        writeFileAtomic(path.toStdString(), m_controller->probes().toCsv());
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
}

bool ProbePanel::exportFigureTo(const QString& path, QString* error) const {
    const int rows = static_cast<int>(m_controller->probes().traces().size());
    const double t0 = m_raster->t0Ms(), t1 = m_raster->t1Ms();
    const Config config = m_controller->config();
    const ProbeStore& store = m_controller->probes();
    const Theme theme = m_theme;
    FigureSize size; // two journal columns wide, 30 mm a probe
    size.widthMm = 180.0;
    size.heightMm = 10.0 + std::max(1, rows) * 30.0;
    return writeFigure(
        path, size,
        [&](QPainter& p, const QRectF& area) {
            p.fillRect(area, Qt::white);
            const QRectF plot = area.adjusted(0, 0, 0, -30);
            paintProbes(p, plot, store, config, t0, t1, 80, 20, theme);
            // Time axis with ticks under the rows.
            const double x0 = plot.left() + 80, x1 = plot.right() - 20, y = plot.bottom() + 2;
            p.setPen(theme.text());
            p.setFont(theme.font(8.0));
            p.drawLine(QPointF(x0, y), QPointF(x1, y));
            const int decimals = tickDecimals(t0, t1);
            for (double t : niceTicks(t0, t1, 8)) {
                const double x = x0 + (t - t0) / (t1 - t0) * (x1 - x0);
                p.drawLine(QPointF(x, y), QPointF(x, y + 3));
                p.drawText(QRectF(x - 40, y + 3, 80, 12), Qt::AlignHCenter | Qt::AlignTop,
                           QString::number(t, 'f', decimals));
            }
            p.drawText(QRectF(x1 - 80, y + 14, 80, 12), Qt::AlignRight | Qt::AlignTop, "time [ms]");
        },
        error);
}

} // namespace mc::ui
