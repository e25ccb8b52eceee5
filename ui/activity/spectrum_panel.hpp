// The spectrum panel: the power spectral density of each population's rate
// (Welch, 1 ms bins, 1 s Hann segments with 50 % overlap, up to 500 Hz) over
// the last N seconds, log-log axes, one line per population. The numbers are
// the engine's populationSpectrum (spectrum.hpp), as `analyze --spectra`
// gives them on the same spikes. Updated at most once a second while the
// network runs, and once for the paused view.
#pragma once

#include "ui/theme.hpp"

#include "microcircuit/spectrum.hpp"

#include <QWidget>

#include <array>

QT_BEGIN_NAMESPACE
class QDoubleSpinBox;
class QLabel;
QT_END_NAMESPACE

namespace mc::ui {

class SimController;
class SpikeStore;

struct SpectrumResult {
    std::array<Spectrum, kNumPops> populations{};
    double fromMs = 0.0, toMs = 0.0; ///< the interval of the spikes
};

/// Spectra of the stored spikes with time stamps in [fromMs, toMs].
SpectrumResult computeSpectra(const SpikeStore& store, double fromMs, double toMs);

/// Draws the spectra on log-log axes into `area`.
void paintSpectra(QPainter& p, const QRectF& area, const SpectrumResult& spectra, const Theme& theme);

class SpectrumPanel : public QWidget {
    Q_OBJECT
  public:
    explicit SpectrumPanel(SimController* controller, QWidget* parent = nullptr);
    void setTheme(const Theme& theme);

    /// The last N seconds of model time (default 5 s).
    void setWindowSeconds(double seconds);
    double windowSeconds() const;
    /// Recomputes now (the timer does it at most once a second, while visible).
    void refresh();
    const SpectrumResult& result() const { return m_result; }

    /// CSV as `analyze --spectra` writes it (population,frequency_hz,power_hz2_per_hz).
    bool exportCsvTo(const QString& path, QString* error) const;
    bool exportFigureTo(const QString& path, QString* error) const;

  signals:
    void updated();

  private:
    void exportAs(const QString& format);

    SimController* m_controller;
    Theme m_theme;
    SpectrumResult m_result;
    std::int64_t m_shownStep = -1;
    int m_shownGeneration = -1;
    QDoubleSpinBox* m_window = nullptr;
    QLabel* m_note = nullptr;
    QWidget* m_canvas = nullptr;
};

} // namespace mc::ui
