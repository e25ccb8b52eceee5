// Measures how responsive the GUI thread is: a 20 ms timer notes how late it
// fires (an input event waits at most that long for the event loop), and the
// raster's frame rate. With MC_GUI_PERF_LOG set, prints one line per second to
// stderr; used for docs/gui.md ("Performance").
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <algorithm>
#include <functional>

namespace mc::ui {

class PerfProbe : public QObject {
    Q_OBJECT
  public:
    /// `report` gives the text appended to each line (model time, fps, ...).
    explicit PerfProbe(std::function<QString()> report, QObject* parent = nullptr);
    /// Worst lateness of the event loop in the last full second (ms).
    double worstLatencyMs() const { return m_lastWorst; }
    /// Worst lateness since the last resetMaxLatency() (ms).
    double maxLatencyMs() const { return std::max(m_max, m_worst); }
    void resetMaxLatency() { m_max = m_worst = 0.0; }

  private:
    void tick();
    std::function<QString()> m_report;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_expected = 0;
    qint64 m_secondStart = 0;
    double m_worst = 0.0, m_lastWorst = 0.0, m_max = 0.0;
    bool m_log = false;
};

} // namespace mc::ui
