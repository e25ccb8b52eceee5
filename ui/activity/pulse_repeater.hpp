// Stimuli → "Repeat…": a thalamic pulse (or a DC transient) every T ms, N
// times or until stopped, for pulse-locked PSTHs over trials. Each stimulus
// goes through the live-event path, applied exactly at its onset (the engine
// thread holds the next few, at least 3 s of them, so that a busy GUI
// thread never makes one late), so the session log and `run --session`
// replay it and the raster marks it like any pulse.
#pragma once

#include "microcircuit/params.hpp"

#include <QObject>
#include <QString>

#include <limits>
#include <string>
#include <vector>

namespace mc::ui {

class SimController;

struct RepeatPlan {
    TimedEvent::Kind kind = TimedEvent::Kind::ThalamicPulse; ///< ThalamicPulse or DcTransient
    double periodMs = 1000.0; ///< T: onset to onset
    int count = 10;           ///< N; 0 = until stopped
    double dcDurationMs = 100.0;
    double firstDelayMs = 300.0; ///< the first onset comes this long after the start (more than an engine chunk, up to 100 ms, so it is never already passed)
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
    /// Schedules stimuli until kLookAheadMs (and at least 3) lie ahead of the last one applied.
    void topUp();
    static constexpr double kLookAheadMs = 3000.0;
    void onEventApplied(int index);

    SimController* m_controller;
    RepeatPlan m_plan;
    bool m_active = false;
    int m_fired = 0;
    int m_scheduled = 0;      ///< stimuli handed to the engine in this series
    std::vector<std::string> m_pending; ///< labels of those not reported applied yet
    double m_firstOnset = 0.0; ///< onset k (from 0) is m_firstOnset + k T
};

} // namespace mc::ui
