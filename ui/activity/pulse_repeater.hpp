// Stimuli → "Repeat…": a thalamic pulse (or a DC transient) every T ms, N
// times or until stopped, for pulse-locked PSTHs over trials. Each stimulus
// goes through the live-event path, applied exactly at its onset (the engine
// thread generates the onsets itself, EngineWorker::startSeries, so that a
// busy GUI thread never makes one late), so the session log and
// `run --session` replay it and the raster marks it like any pulse.
#pragma once

#include "microcircuit/params.hpp"

#include <QObject>
#include <QString>

#include <string>

namespace mc::ui {

class SimController;

struct RepeatPlan {
    TimedEvent::Kind kind = TimedEvent::Kind::ThalamicPulse; ///< ThalamicPulse or DcTransient
    double periodMs = 1000.0; ///< T: onset to onset
    int count = 10;           ///< N; 0 = until stopped
    double dcDurationMs = 100.0;
    double firstDelayMs = 100.0; ///< the first onset comes this long after the engine receives the start
};

class PulseRepeater : public QObject {
    Q_OBJECT
  public:
    explicit PulseRepeater(SimController* controller, QObject* parent = nullptr);

    /// Starts a series (stopping one in progress). False with `why` without
    /// a running engine network or with a period shorter than kMinPeriodMs.
    bool start(const RepeatPlan& plan, QString* why = nullptr);
    /// Stops: the stimulus scheduled next is dropped; those applied stay.
    void stop();

    bool isActive() const { return m_active; }
    const RepeatPlan& plan() const { return m_plan; }
    /// Stimuli applied so far in this (or the last) series; after stop()
    /// also those the engine applied before the stop reached it.
    int fired() const { return m_fired; }
    /// "Repeating 3/10", "Repeating 4 (until stopped)", "Repeat done: 10/10", "".
    QString statusText() const;

    /// Onset to onset at least the PSTH window (200 ms): trials never overlap.
    static constexpr double kMinPeriodMs = 200.0;

  signals:
    void changed();

  private:
    void onEventApplied(int index);

    SimController* m_controller;
    RepeatPlan m_plan;
    bool m_active = false;
    int m_fired = 0;
    std::string m_stem; ///< the labels' stem: "thalamic pulse" or "DC transient 100 ms"
};

} // namespace mc::ui
