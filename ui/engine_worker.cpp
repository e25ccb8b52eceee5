#include "ui/engine_worker.hpp"

#include "microcircuit/errors.hpp"
#include "microcircuit/live.hpp"
#include "microcircuit/model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string_view>
#include <thread>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace mc::ui {

/// Forwards each chunk's spikes into the channel, tagged with the generation.
class EngineWorker::Sink : public SpikeSink {
  public:
    Sink(SpikeChannel& channel, int generation) : m_channel(channel), m_generation(generation) {}
    void onSpikes(std::span<const Spike> spikes, std::int64_t endStep) override {
        m_channel.push(spikes, endStep, m_generation);
    }

  private:
    SpikeChannel& m_channel;
    int m_generation;
};

EngineWorker::EngineWorker(Callbacks callbacks, SpikeChannel& channel, int threads)
    : m_callbacks(std::move(callbacks)), m_channel(channel), m_threads(threads),
      m_makeRoom(std::string_view(std::getenv("MC_MAKE_ROOM") ? std::getenv("MC_MAKE_ROOM") : "") != "0"),
      m_cores(Simulation::defaultThreads()),
      m_thread([this](std::stop_token stop) { loop(stop); }) {}

EngineWorker::~EngineWorker() {
    m_cancel.store(true);
    m_thread.request_stop();
    if (m_thread.joinable()) m_thread.join();
}

void EngineWorker::post(std::function<void()> command) {
    {
        std::lock_guard lock(m_mutex);
        m_commands.push_back(std::move(command));
    }
    m_wake.notify_all();
}

int EngineWorker::rebuild(const Config& config, std::vector<TimedEvent> replay) {
    // The number first, then the flag: a build starting now either sees the
    // newer number or has the flag raised while it runs.
    const int request = ++m_requested;
    m_cancel.store(true);
    post([this, config, replay = std::move(replay), request]() mutable {
        m_buildPending = true;
        m_buildRequest = request;
        m_buildConfig = config;
        m_replay = std::move(replay);
        m_replaySteps.clear();
        for (const TimedEvent& e : m_replay) m_replaySteps.push_back(eventStep(e, config.sim.sim_resolution));
        m_replayNext = 0;
    });
    return request;
}

void EngineWorker::cancelBuild() {
    m_cancelledUpTo.store(m_requested.load());
    m_cancel.store(true);
}

void EngineWorker::setPaused(bool paused) {
    post([this, paused] {
        m_paused = paused;
        m_stepBudget = 0;
        resetPacing();
    });
}

void EngineWorker::step(std::int64_t steps) {
    post([this, steps] { m_stepBudget += std::max<std::int64_t>(0, steps); });
}

void EngineWorker::setProbes(std::vector<std::int32_t> neurons) {
    post([this, neurons = std::move(neurons)] {
        if (m_sim) m_sim->setProbes(neurons);
    });
}

void EngineWorker::setPhaseTiming(bool on) {
    post([this, on] {
        m_phaseTiming = on;
        if (m_sim) m_sim->setPhaseTiming(on);
    });
}

EngineWorker::Stats EngineWorker::stats() const {
    Stats s;
    {
        std::lock_guard lock(m_statsMutex);
        s = m_stats;
    }
    s.roomWaits = m_roomWaits.load(std::memory_order_relaxed);
    s.roomWaitSeconds = static_cast<double>(m_roomWaitNs.load(std::memory_order_relaxed)) * 1e-9;
    return s;
}

void EngineWorker::setSpeed(double speed) {
    post([this, speed] {
        m_speed = std::max(0.0, speed);
        resetPacing();
    });
}

void EngineWorker::apply(TimedEvent event) {
    post([this, event = std::move(event)]() mutable { applyEvent(std::move(event), false); });
}

void EngineWorker::makeRoom(bool busy) {
    const int threads = m_teamThreads.load(std::memory_order_relaxed);
    // With a core to spare, the GUI thread displaces nobody.
    if (!m_makeRoom || threads < 2 || threads < m_cores) return;
    if (!busy) {
        m_threadLimit.store(0, std::memory_order_relaxed);
        return;
    }
    m_threadLimit.store(threads - 1, std::memory_order_relaxed);
    if (m_threadsStepping.load(std::memory_order_relaxed) < threads) return;
    // This thread may have displaced a worker in the middle of its step: give
    // the core back until that worker has finished the step and stepped aside.
    const Clock::time_point start = Clock::now();
    const Clock::time_point deadline = start + std::chrono::milliseconds(2);
    while (m_threadsStepping.load(std::memory_order_relaxed) >= threads && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::microseconds(20));
    m_roomWaits.fetch_add(1, std::memory_order_relaxed);
    m_roomWaitNs.fetch_add(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count(),
                           std::memory_order_relaxed);
}

std::string EngineWorker::seriesLabel(const std::string& stem, int k, int count) {
    std::string label = stem;
    label.append(", repeat ").append(std::to_string(k));
    if (count > 0) label.append("/").append(std::to_string(count));
    return label;
}

void EngineWorker::startSeries(StimulusSeries series) {
    post([this, series = std::move(series)]() mutable {
        m_series.reset();
        if (!m_sim) return;
        const double now = static_cast<double>(m_sim->steps()) * m_sim->resolution();
        // On the 1 ms grid, so that every onset lies on a PSTH bin edge.
        m_seriesFirstMs = std::ceil(now + std::max(0.0, series.firstDelayMs) - 1e-9);
        m_seriesNext = 0;
        m_series = std::move(series);
    });
}

void EngineWorker::stopSeries() {
    post([this] { m_series.reset(); });
}

TimedEvent EngineWorker::nextSeriesEvent() const {
    TimedEvent e = m_series->stimulus;
    e.start_ms = m_seriesFirstMs + m_seriesNext * m_series->periodMs;
    e.t_ms = e.start_ms;
    e.label = seriesLabel(m_series->stimulus.label, m_seriesNext + 1, m_series->count);
    return e;
}

void EngineWorker::resetPacing() {
    m_anchorWall = Clock::now();
    m_anchorStep = m_sim ? m_sim->steps() : 0;
}

void EngineWorker::applyEvent(TimedEvent e, bool replayed) {
    if (!m_sim) return;
    if (!replayed) {
        // Logged at the step it applies before, so a replay applies it there too.
        e.t_ms = static_cast<double>(m_sim->steps()) * m_sim->resolution();
        if (e.kind != TimedEvent::Kind::Set && e.start_ms < 0.0) e.start_ms = e.t_ms;
    }
    if (e.kind == TimedEvent::Kind::ThalamicPulse && !m_sim->config().stim.thalamic_input)
        throw ConfigError("this network was built without thalamic synapses; rebuild to fire a pulse");
    EventPlayer::apply(*m_sim, e); // throws, changing nothing, for an invalid change
    if (m_callbacks.eventApplied)
        m_callbacks.eventApplied(e, m_generation, std::make_shared<const Config>(m_sim->config()));
}

void EngineWorker::build(std::stop_token stop) {
    m_buildPending = false;
    m_cancel.store(false);
    const int request = m_buildRequest;
    const auto superseded = [&] { return m_requested.load() != request; };
    const Config config = m_buildConfig;
    const int generation = m_generation + 1;
    const auto fail = [&](const std::string& message, bool cancelled) {
        m_replay.clear();
#if defined(__GLIBC__)
        malloc_trim(0); // hand the memory of the abandoned network back to the system
#endif
        if (!superseded() && m_callbacks.buildFailed)
            m_callbacks.buildFailed(message, cancelled, m_sim != nullptr, request);
        resetPacing();
    };
    try {
        if (m_cancelledUpTo.load() >= request || superseded()) throw BuildCancelled();
        config.validate();
        // Two large networks do not always fit together: release the old one
        // first when both would exceed 80% of the memory (what the engine allows one network).
        const DerivedParams derived = deriveParameters(config);
        const int threads = m_sim ? m_sim->threads() : std::max(1, m_threads);
        const std::int64_t need = estimateMemoryBytes(config, derived, threads);
        const double physical =
            static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE));
        if (m_sim && static_cast<double>(m_sim->memoryBytes() + need) > 0.8 * physical) m_sim.reset();

        BuildOptions options;
        options.threads = m_threads;
        options.cancel = &m_cancel;
        double lastReported = -1.0;
        options.progress = [&](double fraction, const char* phase) {
            if (fraction - lastReported < 0.01 && fraction < 1.0) return;
            lastReported = fraction;
            if (m_callbacks.progress) m_callbacks.progress(fraction, phase ? phase : "");
        };
        auto sim = std::make_unique<Simulation>(config, options);
        if (stop.stop_requested()) return;
        m_sim = std::move(sim);
        m_sim->setThreadLimit(&m_threadLimit, &m_threadsStepping);
        m_teamThreads.store(m_sim->threads(), std::memory_order_relaxed);
        m_series.reset(); // stimuli meant for the previous network
        m_generation = generation;
        m_sim->setPhaseTiming(m_phaseTiming);
        m_chunkSteps = kChunkSteps;
        {
            std::lock_guard statsLock(m_statsMutex);
            m_stats = Stats{};
        }
        m_sink = std::make_unique<Sink>(m_channel, generation);
        auto info = std::make_shared<BuildInfo>();
        info->generation = generation;
        info->request = request;
        info->config = m_sim->config();
        info->derived = m_sim->derived();
        info->synapses = m_sim->numSynapses();
        info->memoryBytes = m_sim->memoryBytes();
        info->buildSeconds = m_sim->buildSeconds();
        info->threads = m_sim->threads();
        info->replay = m_replay;
        // An empty first batch tells the GUI that time 0 of this network exists.
        m_channel.push({}, 0, generation);
        if (m_callbacks.built) m_callbacks.built(std::move(info));
        resetPacing();
    } catch (const BuildCancelled&) {
        fail(m_sim ? "Rebuild cancelled; the previous network keeps running."
                   : "Rebuild cancelled; there is no network (the previous one was released to make room). "
                     "Rebuild to continue.",
             true);
    } catch (const std::exception& e) {
        fail(e.what(), false);
    } catch (...) {
        fail("unknown error while building the network", false);
    }
}

void EngineWorker::runChunk(std::stop_token, std::unique_lock<std::mutex>& lock) {
    lock.unlock();
    try {
        // Replayed changes due now, then a chunk that ends at the next one.
        while (m_replayNext < m_replay.size() && m_replaySteps[m_replayNext] <= m_sim->steps())
            applyEvent(m_replay[m_replayNext++], true);
        const double h = m_sim->resolution();
        if (m_series && eventStep(nextSeriesEvent(), h) <= m_sim->steps()) {
            // Chunks end at the onset, and the first lies ahead of the step
            // at which the series arrived: it is never late.
            TimedEvent e = nextSeriesEvent();
            if (++m_seriesNext == m_series->count) m_series.reset();
            try {
                applyEvent(std::move(e), true);
            } catch (...) {
                m_series.reset();
                throw;
            }
        }
        std::int64_t n = m_chunkSteps;
        if (m_speed > 0.0) // paced: at most kPacedChunkSeconds of wall time's worth of model time
            n = std::min(n, std::max(kChunkSteps, static_cast<std::int64_t>(m_speed * kPacedChunkSeconds * 1e3 /
                                                                            m_sim->resolution())));
        if (m_paused) n = std::min(n, m_stepBudget);
        if (m_replayNext < m_replay.size()) n = std::min(n, m_replaySteps[m_replayNext] - m_sim->steps());
        if (m_series) n = std::min(n, eventStep(nextSeriesEvent(), h) - m_sim->steps());
        if (n > 0) {
            const Clock::time_point start = Clock::now();
            m_sim->run(n, m_sink.get());
            const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
            // The next chunk lasts about kChunkWallSeconds at this network's pace.
            const double perStep = seconds / static_cast<double>(n);
            if (n >= kChunkSteps && perStep > 0.0)
                m_chunkSteps = std::clamp(static_cast<std::int64_t>(kChunkWallSeconds / perStep), kChunkSteps,
                                          kMaxChunkSteps);
            {
                std::lock_guard statsLock(m_statsMutex);
                ++m_stats.chunks;
                m_stats.steps += n;
                m_stats.runSeconds += seconds;
                if (m_phaseTiming) m_stats.phases = m_sim->phaseTimes();
            }
            if (!m_sim->probes().empty() && m_callbacks.probeSamples)
                m_callbacks.probeSamples(m_sim->takeProbeTraces(), m_generation);
            if (m_paused) m_stepBudget -= n;
        }
    } catch (const std::exception& e) {
        m_paused = true;
        m_stepBudget = 0;
        if (m_callbacks.error) m_callbacks.error(std::string("The simulation stopped: ") + e.what());
    } catch (...) {
        m_paused = true;
        m_stepBudget = 0;
        if (m_callbacks.error) m_callbacks.error("The simulation stopped after an unknown error.");
    }
    lock.lock();
}

void EngineWorker::loop(std::stop_token stop) {
    std::unique_lock lock(m_mutex);
    const auto hasCommand = [this] { return !m_commands.empty(); };
    while (!stop.stop_requested()) {
        while (!m_commands.empty()) {
            auto command = std::move(m_commands.front());
            m_commands.pop_front();
            lock.unlock();
            try {
                command();
            } catch (const std::exception& e) {
                if (m_callbacks.error) m_callbacks.error(e.what());
            } catch (...) {
                if (m_callbacks.error) m_callbacks.error("unknown error in a command");
            }
            lock.lock();
        }
        if (m_buildPending) {
            lock.unlock();
            build(stop);
            lock.lock();
            continue;
        }
        const bool canRun = m_sim && (!m_paused || m_stepBudget > 0);
        if (!canRun) {
            m_wake.wait(lock, stop, hasCommand);
            continue;
        }
        if (m_speed > 0.0 && !m_paused) {
            const double seconds = pacedWallSeconds(m_sim->steps() - m_anchorStep, m_sim->resolution(), m_speed);
            const auto target =
                m_anchorWall + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
            const auto now = Clock::now();
            if (now < target) {
                if (m_wake.wait_until(lock, stop, target, hasCommand)) continue;
                if (stop.stop_requested()) break;
            } else if (now - target > std::chrono::milliseconds(250)) {
                resetPacing(); // cannot keep up: do not race to catch up afterwards
            }
        }
        runChunk(stop, lock);
    }
}

} // namespace mc::ui
