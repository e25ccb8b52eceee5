#include "ui/perf_probe.hpp"

#include <cstdio>
#include <cstdlib>

namespace mc::ui {

namespace {
constexpr int kIntervalMs = 20;
}

PerfProbe::PerfProbe(std::function<QString()> report, QObject* parent)
    : QObject(parent), m_report(std::move(report)), m_log(std::getenv("MC_GUI_PERF_LOG") != nullptr) {
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(kIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &PerfProbe::tick);
    m_clock.start();
    m_expected = kIntervalMs;
    m_timer.start();
}

void PerfProbe::tick() {
    const qint64 now = m_clock.elapsed();
    m_worst = std::max(m_worst, static_cast<double>(now - m_expected));
    m_expected = now + kIntervalMs;
    if (now - m_secondStart >= 1000) {
        m_lastWorst = m_worst;
        m_max = std::max(m_max, m_worst);
        m_worst = 0.0;
        m_secondStart = now;
        if (m_log)
            std::fprintf(stderr, "perf wall=%.1fs latency_max=%.0fms %s\n", now / 1000.0, m_lastWorst,
                         qPrintable(m_report()));
    }
}

} // namespace mc::ui
