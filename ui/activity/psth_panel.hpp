// The PSTH panel: per population, the trial-averaged rate around each onset
// of a stimulus (−50 … +150 ms, 1 ms bins) with a band of ±1 s.e.m., the
// trial count, and a chosen Gaussian smoothing for display. The numbers are
// the engine's pulsePsth (spectrum.hpp), as `microcircuit analyze --psth`
// gives them for a run folder of the same spikes. Updated when a trial's
// window is complete; works the same in the paused view and on recordings.
#pragma once

#include "ui/theme.hpp"

#include "microcircuit/params.hpp"
#include "microcircuit/spectrum.hpp"

#include <QWidget>

#include <array>
#include <span>
#include <vector>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
QT_END_NAMESPACE

namespace mc::ui {

class SimController;
class SpikeStore;

/// Onsets (ms, ascending) of the thalamic pulses or of the DC transients the
/// network received: the configured ones and those fired live.
std::vector<double> stimulusOnsets(const SimController& controller, TimedEvent::Kind kind);

struct PsthResult {
    std::array<Psth, kNumPops> populations{};
    std::vector<double> onsetsMs; ///< the onsets whose whole window lies in the data
    int trials = 0;
};

/// The PSTH of every population around `onsetsMs` from the stored spikes
/// (pulsePsth; trials whose window leaves the stored time are skipped).
PsthResult computePsth(const SpikeStore& store, std::span<const double> onsetsMs);

/// Gaussian smoothing (sigma in bins; <= 0: unchanged), normalised over the
/// bins that exist near the ends; NaN bins stay NaN.
std::vector<double> smoothed(std::span<const double> values, double sigmaBins);

/// Draws the eight PSTHs (layers top to bottom, E left, I right) into `area`.
void paintPsth(QPainter& p, const QRectF& area, const PsthResult& psth, const Theme& theme, double smoothingMs,
               const QString& lockedTo);

class PsthPanel : public QWidget {
    Q_OBJECT
  public:
    explicit PsthPanel(SimController* controller, QWidget* parent = nullptr);
    void setTheme(const Theme& theme);

    /// Which stimulus the trials are locked to (ThalamicPulse or DcTransient).
    void setLockKind(TimedEvent::Kind kind);
    TimedEvent::Kind lockKind() const { return m_kind; }
    /// Display smoothing: Gaussian sigma in ms (0: none).
    void setSmoothingMs(double sigmaMs);
    double smoothingMs() const { return m_sigmaMs; }

    /// Recomputes now if a trial was completed (the timer does it 4 times a second).
    void refresh();
    const PsthResult& result() const { return m_result; }

    /// CSV as `analyze --psth` writes it (population,time_ms,rate_hz,sem_hz,trials),
    /// plus rate_smoothed_hz when a smoothing is chosen.
    bool exportCsvTo(const QString& path, QString* error) const;
    /// PNG, SVG or PDF by suffix (the figure export's print size and resolution).
    bool exportFigureTo(const QString& path, QString* error) const;

  signals:
    void updated();

  private:
    QString lockedToText() const;
    void exportAs(const QString& format);

    SimController* m_controller;
    Theme m_theme;
    TimedEvent::Kind m_kind = TimedEvent::Kind::ThalamicPulse;
    double m_sigmaMs = 0.0;
    PsthResult m_result;
    std::vector<double> m_shownOnsets;
    int m_shownGeneration = -1;
    QComboBox* m_lock = nullptr;
    QComboBox* m_smoothing = nullptr;
    QLabel* m_trials = nullptr;
    QWidget* m_canvas = nullptr;
};

} // namespace mc::ui
