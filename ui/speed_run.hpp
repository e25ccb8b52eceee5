// A measured run of the window (`microcircuit gui --quit-after S --perf-log
// FILE`, scripts/gui_speed.sh): once the network is built it runs (at
// maximum speed if asked), writes one JSON line per second to the log and,
// after S seconds, a summary line (achieved RTF, frames per second, worst
// event-loop latency, memory, the engine's per-phase times) and quits.
#pragma once

#include <QElapsedTimer>
#include <QFile>
#include <QObject>
#include <QTimer>

#include "ui/gui_cpu.hpp"

#include <algorithm>

namespace mc::ui {

class MainWindow;

class SpeedRun : public QObject {
    Q_OBJECT
  public:
    struct Options {
        bool maxSpeed = false;
        double quitAfterSeconds = 0.0; ///< 0: run until closed
        QString logPath;               ///< empty: no log
    };
    SpeedRun(MainWindow& window, const Options& options, QObject* parent = nullptr);

    /// Seconds after the build that are not measured (first frames, the charts' first fill).
    static double warmUpSeconds(double quitAfter) { return std::min(2.0, quitAfter / 4.0); }

  private:
    struct Snapshot {
        double wallS = 0.0, modelS = 0.0;
        qint64 frames = 0;
        double engineRunS = 0.0;
        qint64 engineSteps = 0;
        qint64 roomWaits = 0;
        double roomWaitS = 0.0;
        double guiCpuS = 0.0; ///< the GUI thread's CPU time
        std::array<double, guicpu::kParts> partsS{};
    };
    void onBuilt();
    void tick();
    Snapshot snapshot() const;
    void finish();
    void write(const QByteArray& line);

    MainWindow& m_window;
    Options m_options;
    QFile m_log;
    QTimer m_timer;
    QElapsedTimer m_clock;
    bool m_started = false, m_measuring = false;
    Snapshot m_from;
    Snapshot m_lastSecond;
};

/// Resident memory of this process now and at its peak (MB; 0 where unknown).
double residentMb();
double peakResidentMb();

} // namespace mc::ui
