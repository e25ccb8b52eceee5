// Runs a sweep in the background for the Sweep panel, through the same
// library as `microcircuit sweep` (runSweepPoints, writeSummary), so the
// folder it fills is an ordinary sweep folder: `sweep collect`, `--figures`
// and resuming from the command line work on it.
#pragma once

#include "microcircuit/sweep.hpp"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <thread>

namespace mc::ui {

class SweepRunner : public QObject {
    Q_OBJECT
  public:
    explicit SweepRunner(QObject* parent = nullptr);
    /// Cancels a running sweep and waits for its points to stop.
    ~SweepRunner() override;

    /// Runs every point of `points` not finished yet in `dir` (prepared with
    /// prepareSweepFolder), then writes the summary. `cores`: worker threads
    /// in all (0 = all cores). Returns at once; false if a sweep is running.
    bool start(const std::string& dir, const SweepSpec& spec, std::vector<SweepPoint> points, int cores = 0);
    /// Stops the running points; finished points stay valid (a later start resumes).
    void cancel();
    bool isRunning() const { return m_running; }

  signals:
    /// A point started (finished = false) or is finished and valid (true);
    /// also for points found finished already (resume).
    void pointProgress(int point, bool finished);
    /// The sweep ended: `message` says how (points done, cancelled, errors);
    /// `complete` when every point is finished and the summary written.
    void finished(bool complete, bool cancelled, const QString& message);

  private:
    std::unique_ptr<std::jthread> m_thread;
    std::atomic<bool> m_cancel{false};
    bool m_running = false;
    int m_generation = 0;
};

} // namespace mc::ui
