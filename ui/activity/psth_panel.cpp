#include "ui/activity/psth_panel.hpp"

#include "ui/activity/paint_canvas.hpp"
#include "ui/activity/spike_window.hpp"
#include "ui/axis_ticks.hpp"
#include "ui/figure_export.hpp"
#include "ui/sim_controller.hpp"

#include "microcircuit/file_write.hpp"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QPainterPath>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>

namespace mc::ui {

std::vector<double> stimulusOnsets(const SimController& controller, TimedEvent::Kind kind) {
    std::vector<double> onsets;
    for (const TimedEvent& e : controller.markedEvents())
        if (e.kind == kind && e.start_ms < kNeverMs) onsets.push_back(e.start_ms);
    std::sort(onsets.begin(), onsets.end());
    onsets.erase(std::unique(onsets.begin(), onsets.end()), onsets.end());
    return onsets;
}

PsthResult computePsth(const SpikeStore& store, std::span<const double> onsetsMs) {
    PsthResult r;
    const PsthOptions opt;
    const double end = store.timeMs();
    for (double t : onsetsMs)
        if (t - opt.beforeMs >= 0.0 && t + opt.afterMs <= end + 1e-9) r.onsetsMs.push_back(t);
    std::vector<std::pair<double, double>> windows;
    for (double t : r.onsetsMs) windows.emplace_back(t - opt.beforeMs, t + opt.afterMs);
    const SpikeData data = spikeDataOf(store, windows);
    for (int p = 0; p < kNumPops; ++p) r.populations[p] = pulsePsth(data.populations[p], r.onsetsMs, end, opt);
    r.trials = r.populations[0].trials;
    return r;
}

std::vector<double> smoothed(std::span<const double> v, double sigma) {
    std::vector<double> out(v.begin(), v.end());
    if (!(sigma > 0.0)) return out;
    const int reach = static_cast<int>(std::ceil(3.0 * sigma));
    std::vector<double> kernel(2 * reach + 1);
    for (int k = -reach; k <= reach; ++k) kernel[k + reach] = std::exp(-0.5 * k * k / (sigma * sigma));
    const int n = static_cast<int>(v.size());
    for (int i = 0; i < n; ++i) {
        if (!std::isfinite(v[i])) continue;
        double sum = 0.0, weight = 0.0;
        for (int k = -reach; k <= reach; ++k) {
            const int j = i + k;
            if (j < 0 || j >= n || !std::isfinite(v[j])) continue;
            sum += kernel[k + reach] * v[j];
            weight += kernel[k + reach];
        }
        out[i] = sum / weight;
    }
    return out;
}

namespace {

QString number(double x, int decimals) { return QString::number(x, 'f', decimals); }

/// One population's plot: band, mean, onset line, axes.
void paintOne(QPainter& p, const QRectF& cell, const Psth& h, int pop, const Theme& theme, double sigmaBins,
              bool bottomLabels, const QFont& font) {
    const QFontMetricsF fm(font);
    const double left = fm.horizontalAdvance("0000") + 6, bottom = bottomLabels ? fm.height() * 2.2 : fm.height() * 0.6;
    const QRectF plot(cell.left() + left, cell.top() + fm.height() * 1.3, cell.width() - left - 6,
                      cell.height() - fm.height() * 1.3 - bottom);
    if (plot.width() < 20 || plot.height() < 12) return;
    const double t0 = -PsthOptions{}.beforeMs, t1 = PsthOptions{}.afterMs;
    const std::vector<double> mean = smoothed(h.mean, sigmaBins), sem = smoothed(h.sem, sigmaBins);
    double top = 1.0;
    for (std::size_t b = 0; b < mean.size(); ++b)
        if (std::isfinite(mean[b])) top = std::max(top, mean[b] + (std::isfinite(sem[b]) ? sem[b] : 0.0));
    const double step = niceStep(top, 3);
    top = std::ceil(top / step - 1e-9) * step;
    const auto X = [&](double t) { return plot.left() + (t - t0) / (t1 - t0) * plot.width(); };
    const auto Y = [&](double r) { return plot.bottom() - std::clamp(r / top, 0.0, 1.05) * plot.height(); };
    p.setFont(font);
    // Axes and ticks.
    p.setPen(QPen(theme.separator(), 0.8));
    for (double y = step; y < top + 1e-9; y += step) p.drawLine(QPointF(plot.left(), Y(y)), QPointF(plot.right(), Y(y)));
    p.setPen(QPen(theme.text(), 1.0));
    p.drawRect(plot);
    const int decimals = step >= 1.0 ? 0 : step >= 0.1 ? 1 : 2;
    for (double y = 0.0; y < top + 1e-9; y += step)
        p.drawText(QRectF(cell.left(), Y(y) - fm.height() / 2, left - 4, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
                   number(y, decimals));
    for (double t = t0; t <= t1 + 1e-9; t += 50.0) {
        p.drawLine(QPointF(X(t), plot.bottom()), QPointF(X(t), plot.bottom() + 3));
        if (bottomLabels)
            p.drawText(QRectF(X(t) - 30, plot.bottom() + 3, 60, fm.height()), Qt::AlignHCenter | Qt::AlignTop,
                       number(t, 0));
    }
    if (bottomLabels)
        p.drawText(QRectF(plot.left(), plot.bottom() + 3 + fm.height(), plot.width(), fm.height()), Qt::AlignHCenter,
                   "time from onset (ms)");
    // The onset.
    p.setPen(QPen(theme.marker(), 1.2, Qt::DashLine));
    p.drawLine(QPointF(X(0.0), plot.top()), QPointF(X(0.0), plot.bottom()));
    const QColor colour = Theme::populationLine(pop);
    if (h.trials > 0) {
        // ±1 s.e.m. band, then the mean as a step-free line through bin centres.
        const double bin = PsthOptions{}.binMs;
        QPainterPath band;
        bool haveBand = false;
        for (std::size_t b = 0; b < mean.size(); ++b) {
            if (!std::isfinite(sem[b])) continue;
            const QPointF pt(X(h.timeMs[b] + bin / 2), Y(mean[b] + sem[b]));
            haveBand ? band.lineTo(pt) : band.moveTo(pt);
            haveBand = true;
        }
        for (std::size_t b = mean.size(); b-- > 0;)
            if (std::isfinite(sem[b])) band.lineTo(QPointF(X(h.timeMs[b] + bin / 2), Y(std::max(0.0, mean[b] - sem[b]))));
        if (haveBand) {
            QColor fill = colour;
            fill.setAlpha(70);
            p.fillPath(band, fill);
        }
        QPolygonF line;
        for (std::size_t b = 0; b < mean.size(); ++b)
            if (std::isfinite(mean[b])) line << QPointF(X(h.timeMs[b] + bin / 2), Y(mean[b]));
        p.setRenderHint(QPainter::Antialiasing, true);
        p.setPen(QPen(colour, theme.presentation ? 2.4 : 1.4));
        p.drawPolyline(line);
    }
    // Name and peak.
    QFont bold = font;
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(colour.darker(120));
    QString title = kPopNames[pop];
    p.drawText(QRectF(plot.left(), cell.top(), plot.width(), fm.height() * 1.3), Qt::AlignLeft | Qt::AlignVCenter, title);
    p.setFont(font);
    p.setPen(theme.text());
    if (h.trials > 0 && std::isfinite(h.peakMs))
        p.drawText(QRectF(plot.left(), cell.top(), plot.width(), fm.height() * 1.3), Qt::AlignRight | Qt::AlignVCenter,
                   QString("peak %1 ms").arg(h.peakMs >= 0 ? "+" + number(h.peakMs, 0) : number(h.peakMs, 0)));
}

} // namespace

void paintPsth(QPainter& p, const QRectF& area, const PsthResult& psth, const Theme& theme, double smoothingMs,
               const QString& lockedTo) {
    p.fillRect(area, theme.background());
    QFont font = theme.font(8.0);
    QFont head = theme.font(9.5, true);
    const double headH = QFontMetricsF(head).height() * 1.5;
    p.setFont(head);
    p.setPen(theme.text());
    const QString smoothing =
        smoothingMs > 0 ? QString("Gaussian smoothing σ = %1 ms").arg(smoothingMs) : QString("no smoothing");
    p.drawText(QRectF(area.left() + 4, area.top(), area.width() - 8, headH), Qt::AlignLeft | Qt::AlignVCenter,
               QString("PSTH (Hz per neuron): %1 trial%2 locked to %3, ±1 s.e.m., 1 ms bins, %4")
                   .arg(psth.trials)
                   .arg(psth.trials == 1 ? "" : "s")
                   .arg(lockedTo, smoothing));
    const QRectF grid(area.left(), area.top() + headH, area.width(), area.height() - headH);
    const double cw = grid.width() / 2.0, ch = grid.height() / 4.0;
    for (int pop = 0; pop < kNumPops; ++pop) {
        const int row = pop / 2, col = pop % 2;
        const QRectF cell(grid.left() + col * cw, grid.top() + row * ch, cw, ch);
        paintOne(p, cell.adjusted(2, 2, -2, -2), psth.populations[pop], pop, theme, smoothingMs / PsthOptions{}.binMs,
                 row == 3, font);
    }
}


PsthPanel::PsthPanel(SimController* controller, QWidget* parent) : QWidget(parent), m_controller(controller) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* bar = new QHBoxLayout;
    m_lock = new QComboBox;
    m_lock->addItems({"thalamic pulses", "DC transients"});
    m_lock->setToolTip("The stimulus whose onsets the trials are aligned to: the configured one and those fired "
                       "live (Stimuli → Repeat…, or one at a time)");
    m_smoothing = new QComboBox;
    for (double s : {0.0, 1.0, 2.0, 5.0}) m_smoothing->addItem(s > 0 ? QString("Gaussian %1 ms").arg(s) : "none", s);
    m_smoothing->setToolTip("Smoothing of the display only (σ of a Gaussian); the CSV holds the 1 ms bins as well");
    m_trials = new QLabel("no trial yet");
    auto* exportButton = new QToolButton;
    exportButton->setText("Export");
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(exportButton);
    for (const char* fmt : {"PNG", "SVG", "PDF", "CSV"})
        menu->addAction(QString("%1…").arg(fmt), this, [this, fmt] { exportAs(fmt); });
    exportButton->setMenu(menu);
    bar->addWidget(new QLabel("Locked to"));
    bar->addWidget(m_lock);
    bar->addWidget(new QLabel("Smoothing"));
    bar->addWidget(m_smoothing);
    bar->addWidget(m_trials, 1);
    bar->addWidget(exportButton);
    layout->addLayout(bar);
    m_canvas = new PaintCanvas(
        [this](QPainter& p, const QRectF& r) { paintPsth(p, r, m_result, m_theme, m_sigmaMs, lockedToText()); },
        QSize(360, 300));
    layout->addWidget(m_canvas, 1);
    connect(m_lock, &QComboBox::currentIndexChanged, this, [this](int i) {
        setLockKind(i == 0 ? TimedEvent::Kind::ThalamicPulse : TimedEvent::Kind::DcTransient);
    });
    connect(m_smoothing, &QComboBox::currentIndexChanged, this,
            [this](int i) { setSmoothingMs(m_smoothing->itemData(i).toDouble()); });
    connect(controller, &SimController::built, this, [this] {
        m_shownOnsets.clear();
        m_result = PsthResult{};
        refresh();
    });
    auto* timer = new QTimer(this);
    timer->setInterval(250);
    connect(timer, &QTimer::timeout, this, &PsthPanel::refresh);
    timer->start();
}

void PsthPanel::setTheme(const Theme& theme) {
    m_theme = theme;
    m_canvas->update();
}

void PsthPanel::setLockKind(TimedEvent::Kind kind) {
    if (kind == m_kind) return;
    m_kind = kind;
    m_lock->setCurrentIndex(kind == TimedEvent::Kind::ThalamicPulse ? 0 : 1);
    m_shownOnsets.assign(1, -1.0); // forces a recomputation
    refresh();
}

void PsthPanel::setSmoothingMs(double sigmaMs) {
    m_sigmaMs = std::max(0.0, sigmaMs);
    const int i = m_smoothing->findData(m_sigmaMs);
    if (i >= 0 && i != m_smoothing->currentIndex()) m_smoothing->setCurrentIndex(i);
    m_canvas->update();
}

QString PsthPanel::lockedToText() const {
    return m_kind == TimedEvent::Kind::ThalamicPulse ? "thalamic pulses" : "DC transients";
}

void PsthPanel::refresh() {
    if (!m_controller->hasNetwork()) return;
    // Only the onsets whose window is complete count; recompute when they change.
    const double now = m_controller->modelTimeMs();
    std::vector<double> complete;
    for (double t : stimulusOnsets(*m_controller, m_kind))
        if (t - PsthOptions{}.beforeMs >= 0.0 && t + PsthOptions{}.afterMs <= now + 1e-9) complete.push_back(t);
    const int generation = m_controller->buildInfo()->generation;
    if (complete == m_shownOnsets && generation == m_shownGeneration) return;
    m_shownOnsets = complete;
    m_shownGeneration = generation;
    m_result = computePsth(m_controller->store(), complete);
    m_trials->setText(m_result.trials == 0
                          ? QString("no complete trial yet")
                          : QString("%1 trial%2").arg(m_result.trials).arg(m_result.trials == 1 ? "" : "s"));
    m_canvas->update();
    emit updated();
}

bool PsthPanel::exportCsvTo(const QString& path, QString* error) const {
    std::ostringstream csv;
    const bool smooth = m_sigmaMs > 0.0;
    csv << "population,time_ms,rate_hz,sem_hz,trials" << (smooth ? ",rate_smoothed_hz" : "") << '\n';
    const auto num = [](double x) { return std::isfinite(x) ? QString::number(x, 'g', 10).toStdString() : std::string(); };
    for (int p = 0; p < kNumPops; ++p) {
        const Psth& h = m_result.populations[p];
        const std::vector<double> s = smoothed(h.mean, m_sigmaMs / PsthOptions{}.binMs);
        for (std::size_t b = 0; b < h.timeMs.size(); ++b) {
            csv << kPopNames[p] << ',' << num(h.timeMs[b]) << ',' << num(h.mean[b]) << ',' << num(h.sem[b]) << ','
                << h.trials;
            if (smooth) csv << ',' << num(s[b]);
            csv << '\n';
        }
    }
    try {
        writeFileAtomic(path.toStdString(), csv.str());
    } catch (const std::exception& e) {
        if (error) *error = e.what();
        return false;
    }
    return true;
}

bool PsthPanel::exportFigureTo(const QString& path, QString* error) const {
    Theme theme = m_theme;
    theme.presentation = false;
    return writeFigure(
        path, FigureSize{174.0, 150.0, 300},
        [&](QPainter& p, const QRectF& r) { paintPsth(p, r, m_result, theme, m_sigmaMs, lockedToText()); }, error);
}

void PsthPanel::exportAs(const QString& format) {
    const QString suffix = format.toLower();
    const QString path = QFileDialog::getSaveFileName(this, "Export PSTH", "psth." + suffix,
                                                      QString("%1 (*.%2)").arg(format, suffix));
    if (path.isEmpty()) return;
    QString error;
    const bool ok = suffix == "csv" ? exportCsvTo(path, &error) : exportFigureTo(path, &error);
    if (!ok) QMessageBox::warning(this, "Export failed", error);
}

} // namespace mc::ui
