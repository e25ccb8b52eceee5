#include "ui/sweep/sweep_runner.hpp"

#include <QMetaObject>

namespace mc::ui {

SweepRunner::SweepRunner(QObject* parent) : QObject(parent) {}

SweepRunner::~SweepRunner() {
    m_cancel = true;
    m_thread.reset(); // joins: the points stop at their next chunk
}

bool SweepRunner::start(const std::string& dir, const SweepSpec& spec, std::vector<SweepPoint> points, int cores) {
    if (m_running) return false;
    m_thread.reset();
    m_cancel = false;
    m_running = true;
    const int generation = ++m_generation;
    // Results come back to the GUI thread as queued calls; a result of an
    // older run (generation) is dropped.
    auto post = [this, generation](auto work) {
        QMetaObject::invokeMethod(
            this,
            [this, generation, work] {
                if (generation == m_generation) work();
            },
            Qt::QueuedConnection);
    };
    m_thread = std::make_unique<std::jthread>([this, dir, spec, points = std::move(points), cores, post] {
        SweepRunOptions options;
        options.cores = cores;
        options.cancel = &m_cancel;
        options.progress = [&](const SweepPoint& p, bool done) {
            post([this, index = p.index, done] { emit pointProgress(index, done); });
        };
        std::vector<int> all;
        for (const SweepPoint& p : points) all.push_back(p.index);
        bool complete = false;
        QString message;
        SweepRunResult r;
        try {
            r = runSweepPoints(dir, spec, points, all, options);
            const int total = static_cast<int>(points.size()), done = r.done + r.skipped;
            message = QString("%1 of %2 points finished (%3 now, %4 already done), %5 network%6 built")
                          .arg(done)
                          .arg(total)
                          .arg(r.done)
                          .arg(r.skipped)
                          .arg(r.builds)
                          .arg(r.builds == 1 ? "" : "s");
            if (!r.cancelled && r.failed == 0) {
                complete = writeSummary(dir, spec, points).empty();
                if (complete) message += QString::fromStdString("; summary written to " + dir + "/summary.csv");
            }
            if (r.cancelled)
                message = QString("Cancelled: %1 of %2 points are finished and valid; Run again with the same settings "
                                  "and folder to do the other %3.")
                              .arg(done)
                              .arg(total)
                              .arg(total - done);
            for (const std::string& e : r.errors) message += "\nerror: " + QString::fromStdString(e);
        } catch (const std::exception& e) {
            message = QString::fromStdString(e.what());
        }
        post([this, complete, cancelled = r.cancelled, message] {
            m_running = false;
            emit finished(complete, cancelled, message);
        });
    });
    return true;
}

void SweepRunner::cancel() { m_cancel = true; }

} // namespace mc::ui
