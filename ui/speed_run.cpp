#include "ui/speed_run.hpp"

#include "ui/main_window.hpp"
#include "ui/perf_probe.hpp"
#include "ui/raster/raster_view.hpp"
#include "ui/sim_controller.hpp"

#include <QApplication>

#include <cmath>
#include <cstdio>
#include <sys/resource.h>
#include <unistd.h>

namespace mc::ui {

double residentMb() {
    std::FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f) return 0.0;
    long size = 0, resident = 0;
    const int n = std::fscanf(f, "%ld %ld", &size, &resident);
    std::fclose(f);
    return n == 2 ? static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0)
                  : 0.0;
}

double peakResidentMb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0; // KiB on Linux
}

namespace {
/// A number for a JSON line (JSON has no inf or nan).
QByteArray num(double v, int decimals = 3) {
    return std::isfinite(v) ? QByteArray::number(v, 'f', decimals) : QByteArray("null");
}
} // namespace

SpeedRun::SpeedRun(MainWindow& window, const Options& options, QObject* parent)
    : QObject(parent), m_window(window), m_options(options) {
    if (!m_options.logPath.isEmpty()) {
        m_log.setFileName(m_options.logPath);
        if (!m_log.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
            std::fprintf(stderr, "warning: --perf-log %s: cannot write (%s); no log\n",
                         qPrintable(m_options.logPath), qPrintable(m_log.errorString()));
    }
    SimController* c = m_window.controller();
    c->setPhaseTiming(m_log.isOpen());
    if (m_log.isOpen()) guicpu::meterWindowPaint(&m_window);
    connect(c, &SimController::built, this, &SpeedRun::onBuilt);
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &SpeedRun::tick);
}

void SpeedRun::onBuilt() {
    if (m_started) return;
    m_started = true;
    if (m_options.maxSpeed) m_window.controller()->setSpeed(0.0);
    m_clock.start();
    m_lastSecond = snapshot();
    m_timer.start();
    if (m_options.quitAfterSeconds > 0.0) {
        const double warm = warmUpSeconds(m_options.quitAfterSeconds);
        QTimer::singleShot(static_cast<int>(warm * 1000.0), this, [this] {
            m_from = snapshot();
            m_window.perfProbe()->resetMaxLatency();
            // The phase times start again (from the next chunk on) for the measured stretch.
            if (m_log.isOpen()) m_window.controller()->setPhaseTiming(true);
            m_measuring = true;
        });
        QTimer::singleShot(static_cast<int>(m_options.quitAfterSeconds * 1000.0), this, &SpeedRun::finish);
    }
}

SpeedRun::Snapshot SpeedRun::snapshot() const {
    Snapshot s;
    s.wallS = m_clock.isValid() ? static_cast<double>(m_clock.nsecsElapsed()) * 1e-9 : 0.0;
    s.modelS = m_window.controller()->modelTimeMs() * 1e-3;
    s.frames = m_window.raster()->frames();
    const EngineWorker::Stats e = m_window.controller()->engineStats();
    s.engineRunS = e.runSeconds;
    s.engineSteps = e.steps;
    s.roomWaits = e.roomWaits;
    s.roomWaitS = e.roomWaitSeconds;
    s.guiCpuS = guicpu::threadSeconds();
    s.partsS = guicpu::totals();
    return s;
}

void SpeedRun::write(const QByteArray& line) {
    if (!m_log.isOpen()) return;
    m_log.write(line + '\n');
    m_log.flush();
}

void SpeedRun::tick() {
    const Snapshot now = snapshot();
    const double wall = now.wallS - m_lastSecond.wallS;
    if (wall > 0.0)
        write("{\"kind\": \"second\", \"wall_s\": " + num(now.wallS) + ", \"model_s\": " + num(now.modelS, 4) +
              ", \"speed\": " + num((now.modelS - m_lastSecond.modelS) / wall) +
              ", \"fps\": " + num(static_cast<double>(now.frames - m_lastSecond.frames) / wall, 1) +
              ", \"latency_ms\": " + num(m_window.perfProbe()->worstLatencyMs(), 0) +
              ", \"gui_thread_cpu_fraction\": " + num((now.guiCpuS - m_lastSecond.guiCpuS) / wall) +
              ", \"rss_mb\": " + num(residentMb(), 1) + ", \"spikes_waiting_max\": " +
              QByteArray::number(qulonglong(m_window.controller()->mostSpikesWaiting())) + "}");
    m_lastSecond = now;
}

void SpeedRun::finish() {
    SimController* c = m_window.controller();
    const Snapshot to = snapshot();
    const double wall = to.wallS - m_from.wallS;
    const double model = to.modelS - m_from.modelS;
    const EngineWorker::Stats e = c->engineStats();
    QByteArray phases = "[";
    for (std::size_t w = 0; w < e.phases.size(); ++w) {
        const PhaseTimes& p = e.phases[w];
        const double n = static_cast<double>(std::max<std::int64_t>(1, p.steps));
        phases += QByteArray(w ? ", " : "") + "{\"enqueue_ns\": " + num(p.enqueue_ns / n, 1) +
                  ", \"deliver_ns\": " + num(p.deliver_ns / n, 1) + ", \"update_ns\": " + num(p.update_ns / n, 1) +
                  ", \"deliver_ahead_ns\": " + num(p.deliver_ahead_ns / n, 1) +
                  ", \"wait_ns\": " + num(p.wait_ns / n, 1) + ", \"steps\": " + QByteArray::number(qlonglong(p.steps)) +
                  "}";
    }
    phases += "]";
    // The GUI thread's CPU: its fraction of a core, a raster frame's mean,
    // and per part in ms per second (raster parts are per frame in ms).
    const double frames = static_cast<double>(std::max<qint64>(1, to.frames - m_from.frames));
    const auto partS = [&](guicpu::Part p) {
        const int i = static_cast<int>(p);
        return to.partsS[i] - m_from.partsS[i];
    };
    QByteArray frameParts = "{", guiParts = "{";
    for (int i = 0; i < guicpu::kParts; ++i) {
        const auto p = static_cast<guicpu::Part>(i);
        const bool raster = p <= guicpu::Part::RasterSwap;
        QByteArray& out = raster ? frameParts : guiParts;
        out += QByteArray(out.size() > 1 ? ", \"" : "\"") + guicpu::name(p) +
               "\": " + num(raster ? partS(p) * 1e3 / frames : (wall > 0.0 ? partS(p) * 1e3 / wall : 0.0), 3);
    }
    frameParts += "}";
    guiParts += "}";
    const double engineSteps = static_cast<double>(to.engineSteps - m_from.engineSteps);
    const double h = c->store().resolution();
    write("{\"kind\": \"summary\", \"measured_wall_s\": " + num(wall) + ", \"measured_model_s\": " + num(model, 4) +
          ", \"gui_rtf\": " + (model > 0.0 ? num(wall / model, 4) : QByteArray("null")) +
          ", \"fps\": " + num(wall > 0.0 ? static_cast<double>(to.frames - m_from.frames) / wall : 0.0, 1) +
          ", \"max_latency_ms\": " + num(m_window.perfProbe()->maxLatencyMs(), 0) +
          ", \"gui_thread_cpu_fraction\": " + num(wall > 0.0 ? (to.guiCpuS - m_from.guiCpuS) / wall : 0.0) +
          ", \"raster_frame_cpu_ms\": " + num(partS(guicpu::Part::RasterFrame) * 1e3 / frames) +
          ", \"raster_frame_cpu_parts_ms\": " + frameParts + ", \"raster_spikes_per_frame\": " +
          num(m_window.raster()->spikesDrawnPerFrame(), 0) + ", \"gui_cpu_ms_per_s\": " + guiParts +
          ", \"raster_profile\": " + (guicpu::rasterProfile() ? "true" : "false") +
          ", \"gui_rss_mb\": " + num(residentMb(), 1) + ", \"gui_peak_rss_mb\": " + num(peakResidentMb(), 1) +
          ", \"threads\": " + QByteArray::number(c->buildInfo() ? c->buildInfo()->threads : 0) +
          ", \"neurons\": " + QByteArray::number(c->store().neurons()) +
          ", \"spikes_waiting_max\": " + QByteArray::number(qulonglong(c->mostSpikesWaiting())) +
          ", \"spikes_dropped\": " + QByteArray::number(qulonglong(c->droppedSpikes())) +
          ", \"engine_busy_fraction\": " + num(wall > 0.0 ? (to.engineRunS - m_from.engineRunS) / wall : 0.0) +
          ", \"engine_chunk_model_ms\": " +
          num(e.chunks > 0 ? static_cast<double>(e.steps) * h / static_cast<double>(e.chunks) : 0.0, 2) +
          ", \"engine_rtf_inside_run\": " +
          num(engineSteps > 0.0 ? (to.engineRunS - m_from.engineRunS) / (engineSteps * h * 1e-3) : 0.0, 4) +
          ", \"room_waits_per_s\": " + num(wall > 0.0 ? static_cast<double>(to.roomWaits - m_from.roomWaits) / wall : 0.0, 1) +
          ", \"room_wait_ms_per_s\": " + num(wall > 0.0 ? (to.roomWaitS - m_from.roomWaitS) * 1e3 / wall : 0.0, 2) +
          ", \"phases\": " + phases + "}");
    m_log.close();
    QApplication::quit();
}

} // namespace mc::ui
