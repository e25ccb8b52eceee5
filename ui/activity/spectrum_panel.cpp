#include "ui/activity/spectrum_panel.hpp"

#include "ui/activity/paint_canvas.hpp"
#include "ui/activity/spike_window.hpp"
#include "ui/figure_export.hpp"
#include "ui/sim_controller.hpp"

#include "microcircuit/file_write.hpp"

#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>

namespace mc::ui {

SpectrumResult computeSpectra(const SpikeStore& store, double fromMs, double toMs) {
    SpectrumResult r;
    r.fromMs = fromMs;
    r.toMs = toMs;
    if (!haveSpectra() || toMs - fromMs < 4.0 * SpectrumOptions{}.binMs) return r;
    const SpikeData data = spikeDataOf(store, fromMs, toMs);
    for (int p = 0; p < kNumPops; ++p) r.populations[p] = populationSpectrum(data.populations[p], fromMs, toMs);
    return r;
}

namespace {

/// "10⁻²": a power of ten with a superscript exponent.
QString decade(int exponent) {
    static const QString digits[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    QString out = exponent < 0 ? "⁻" : "";
    for (QChar ch : QString::number(std::abs(exponent))) out += digits[ch.digitValue()];
    return "10" + out;
}

} // namespace

void paintSpectra(QPainter& p, const QRectF& area, const SpectrumResult& s, const Theme& theme) {
    p.fillRect(area, theme.background());
    const QFont font = theme.font(8.0), head = theme.font(9.5, true);
    const QFontMetricsF fm(font);
    const double headH = QFontMetricsF(head).height() * 1.5;
    p.setFont(head);
    p.setPen(theme.text());
    const double seconds = (s.toMs - s.fromMs) / 1000.0;
    p.drawText(QRectF(area.left() + 4, area.top(), area.width() - 8, headH), Qt::AlignLeft | Qt::AlignVCenter,
               s.populations[0].freqHz.empty()
                   ? QString(haveSpectra() ? "Power spectra: waiting for data" : "Power spectra need FFTW3 (not in this build)")
                   : QString("Power spectral density of the population rates, %1–%2 s (%3 s; Welch, %4 segments)")
                         .arg(s.fromMs / 1000.0, 0, 'f', 1)
                         .arg(s.toMs / 1000.0, 0, 'f', 1)
                         .arg(seconds, 0, 'f', 1)
                         .arg(s.populations[0].segments));
    // Frequencies above 0 Hz on a log axis; the power range in whole decades.
    double fLo = 1e300, fHi = 0.0, pLo = 1e300, pHi = 0.0;
    for (const Spectrum& sp : s.populations)
        for (std::size_t k = 1; k < sp.freqHz.size(); ++k) {
            fLo = std::min(fLo, sp.freqHz[k]);
            fHi = std::max(fHi, sp.freqHz[k]);
            if (sp.power[k] > 0.0) {
                pLo = std::min(pLo, sp.power[k]);
                pHi = std::max(pHi, sp.power[k]);
            }
        }
    const double legendW = fm.horizontalAdvance("L23E") + 40;
    const double left = fm.horizontalAdvance("10⁻⁰⁰") + 14, bottom = fm.height() * 2.6;
    const QRectF plot(area.left() + left, area.top() + headH + 4, area.width() - left - legendW - 10,
                      area.height() - headH - 4 - bottom);
    if (plot.width() < 40 || plot.height() < 40) return;
    p.setPen(QPen(theme.text(), 1.0));
    p.setFont(font);
    p.drawRect(plot);
    if (!(fHi > fLo) || !(pHi > 0.0)) return;
    const double x0 = std::floor(std::log10(fLo) + 1e-9), x1 = std::log10(500.0);
    const double y0 = std::floor(std::log10(pLo)), y1 = std::ceil(std::log10(pHi));
    const double y1e = y1 > y0 ? y1 : y0 + 1;
    const auto X = [&](double f) { return plot.left() + (std::log10(f) - x0) / (x1 - x0) * plot.width(); };
    const auto Y = [&](double pw) { return plot.bottom() - (std::log10(pw) - y0) / (y1e - y0) * plot.height(); };
    // Decades with grid lines, 2..9 as short ticks.
    for (int d = static_cast<int>(x0); d <= static_cast<int>(std::ceil(x1)); ++d)
        for (int m = 1; m <= 9; ++m) {
            const double f = m * std::pow(10.0, d);
            if (f < std::pow(10.0, x0) - 1e-9 || f > 500.0 + 1e-9) continue;
            if (m == 1) {
                p.setPen(QPen(theme.separator(), 0.8));
                p.drawLine(QPointF(X(f), plot.top()), QPointF(X(f), plot.bottom()));
                p.setPen(theme.text());
                p.drawText(QRectF(X(f) - 30, plot.bottom() + 3, 60, fm.height()), Qt::AlignHCenter | Qt::AlignTop,
                           QString::number(f, 'g', 4));
            }
            p.setPen(QPen(theme.text(), 1.0));
            p.drawLine(QPointF(X(f), plot.bottom()), QPointF(X(f), plot.bottom() - (m == 1 ? 5 : 3)));
        }
    p.drawText(QRectF(plot.right() - 40, plot.bottom() + 3, 40, fm.height()), Qt::AlignRight | Qt::AlignTop, "500");
    p.drawText(QRectF(plot.left(), plot.bottom() + 3 + fm.height(), plot.width(), fm.height()), Qt::AlignHCenter,
               "frequency (Hz)");
    const int yStep = std::max(1, static_cast<int>(std::ceil((y1e - y0) / 6.0)));
    for (int d = static_cast<int>(y0); d <= static_cast<int>(y1e); d += yStep) {
        const double y = Y(std::pow(10.0, d));
        p.setPen(QPen(theme.separator(), 0.8));
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        p.setPen(theme.text());
        p.drawText(QRectF(area.left(), y - fm.height() / 2, left - 6, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
                   decade(d));
    }
    p.save();
    p.setClipRect(plot);
    p.setRenderHint(QPainter::Antialiasing, true);
    for (int pop = 0; pop < kNumPops; ++pop) {
        const Spectrum& sp = s.populations[pop];
        QPolygonF line;
        for (std::size_t k = 1; k < sp.freqHz.size(); ++k)
            if (sp.power[k] > 0.0) line << QPointF(X(sp.freqHz[k]), Y(sp.power[k]));
        QPen pen(Theme::populationLine(pop), theme.presentation ? 2.2 : 1.2);
        if (!isExcitatory(pop)) pen.setStyle(Qt::DashLine);
        p.setPen(pen);
        p.drawPolyline(line);
    }
    p.restore();
    // Legend and unit.
    p.setPen(theme.text());
    p.drawText(QRectF(plot.left() + 4, plot.top() + 2, plot.width(), fm.height()), Qt::AlignLeft,
               "(spikes/s)²/Hz per neuron");
    for (int pop = 0; pop < kNumPops; ++pop) {
        const double y = plot.top() + 4 + pop * fm.height() * 1.3;
        QPen pen(Theme::populationLine(pop), theme.presentation ? 2.4 : 1.6);
        if (!isExcitatory(pop)) pen.setStyle(Qt::DashLine);
        p.setPen(pen);
        p.drawLine(QPointF(plot.right() + 8, y + fm.height() / 2), QPointF(plot.right() + 28, y + fm.height() / 2));
        p.setPen(theme.text());
        QString label = kPopNames[pop];
        p.drawText(QRectF(plot.right() + 32, y, legendW, fm.height()), Qt::AlignLeft | Qt::AlignVCenter, label);
    }
}


SpectrumPanel::SpectrumPanel(SimController* controller, QWidget* parent) : QWidget(parent), m_controller(controller) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* bar = new QHBoxLayout;
    m_window = new QDoubleSpinBox;
    m_window->setRange(0.5, 60.0);
    m_window->setDecimals(1);
    m_window->setSingleStep(1.0);
    m_window->setValue(5.0);
    m_window->setSuffix(" s");
    m_window->setToolTip("The spectra are of the last this many seconds of model time (resolution 1 Hz from 1 s on; "
                         "shorter windows have coarser frequencies)");
    m_note = new QLabel;
    auto* exportButton = new QToolButton;
    exportButton->setText("Export");
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(exportButton);
    for (const char* fmt : {"PNG", "SVG", "PDF", "CSV"})
        menu->addAction(QString("%1…").arg(fmt), this, [this, fmt] { exportAs(fmt); });
    exportButton->setMenu(menu);
    bar->addWidget(new QLabel("Last"));
    bar->addWidget(m_window);
    bar->addWidget(m_note, 1);
    bar->addWidget(exportButton);
    layout->addLayout(bar);
    m_canvas = new PaintCanvas([this](QPainter& p, const QRectF& r) { paintSpectra(p, r, m_result, m_theme); },
                               QSize(360, 260));
    layout->addWidget(m_canvas, 1);
    connect(m_window, &QDoubleSpinBox::valueChanged, this, [this] {
        m_shownStep = -1;
        refresh();
    });
    auto* timer = new QTimer(this);
    timer->setInterval(1000); // a spectrum of seconds changes little within one
    connect(timer, &QTimer::timeout, this, [this] {
        if (isVisible()) refresh();
    });
    timer->start();
}

void SpectrumPanel::setTheme(const Theme& theme) {
    m_theme = theme;
    m_canvas->update();
}

void SpectrumPanel::setWindowSeconds(double seconds) { m_window->setValue(seconds); }
double SpectrumPanel::windowSeconds() const { return m_window->value(); }

void SpectrumPanel::refresh() {
    if (!m_controller->hasNetwork()) return;
    const std::int64_t step = m_controller->store().endStep();
    const int generation = m_controller->buildInfo()->generation;
    if (step == m_shownStep && generation == m_shownGeneration) return; // paused: nothing new
    m_shownStep = step;
    m_shownGeneration = generation;
    const double now = m_controller->modelTimeMs();
    const double from = std::max(0.0, now - m_window->value() * 1000.0);
    try {
        m_result = computeSpectra(m_controller->store(), from, now);
        m_note->setText(m_result.populations[0].freqHz.empty()
                            ? QString()
                            : QString("resolution %1 Hz").arg(m_result.populations[0].resolutionHz, 0, 'g', 3));
    } catch (const std::exception& e) {
        m_result = SpectrumResult{};
        m_note->setText(e.what());
    }
    m_canvas->update();
    emit updated();
}

bool SpectrumPanel::exportCsvTo(const QString& path, QString* error) const {
    std::ostringstream csv;
    csv << "population,frequency_hz,power_hz2_per_hz\n";
    const auto num = [](double x) { return std::isfinite(x) ? QString::number(x, 'g', 10).toStdString() : std::string(); };
    for (int p = 0; p < kNumPops; ++p) {
        const Spectrum& s = m_result.populations[p];
        for (std::size_t k = 0; k < s.freqHz.size(); ++k)
            csv << kPopNames[p] << ',' << num(s.freqHz[k]) << ',' << num(s.power[k]) << '\n';
    }
    try {
        writeFileAtomic(path.toStdString(), csv.str());
    } catch (const std::exception& e) {
        if (error) *error = e.what();
        return false;
    }
    return true;
}

bool SpectrumPanel::exportFigureTo(const QString& path, QString* error) const {
    Theme theme = m_theme;
    theme.presentation = false;
    return writeFigure(path, kChartFigure, [&](QPainter& p, const QRectF& r) { paintSpectra(p, r, m_result, theme); },
                       error);
}

void SpectrumPanel::exportAs(const QString& format) {
    const QString suffix = format.toLower();
    const QString path = QFileDialog::getSaveFileName(this, "Export spectra", "spectra." + suffix,
                                                      QString("%1 (*.%2)").arg(format, suffix));
    if (path.isEmpty()) return;
    QString error;
    const bool ok = suffix == "csv" ? exportCsvTo(path, &error) : exportFigureTo(path, &error);
    if (!ok) QMessageBox::warning(this, "Export failed", error);
}

} // namespace mc::ui
