// The engine thread: owns the Simulation, runs it in chunks paced to the
// chosen speed, and executes commands from the GUI between chunks (the only
// points where parameters may change). Qt-free, so the thread logic can be
// tested and checked with ThreadSanitizer on its own.
#pragma once

#include "ui/session.hpp"
#include "ui/spike_channel.hpp"

#include "microcircuit/simulation.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace mc::ui {

/// What the GUI learns about a freshly built network.
struct BuildInfo {
    int generation = 0;
    int request = 0; ///< the number rebuild() returned for this build
    Config config;
    DerivedParams derived;
    std::int64_t synapses = 0;
    std::int64_t memoryBytes = 0;
    double buildSeconds = 0.0;
    int threads = 0;
    std::vector<TimedEvent> replay; ///< changes this network re-applies at their logged times
};

/// Pacing at `speed` model seconds per wall second: the wall time (s, from
/// the pacing anchor) at which a run that has done `steps` steps of
/// `resolutionMs` since the anchor may go on.
inline double pacedWallSeconds(std::int64_t steps, double resolutionMs, double speed) {
    return static_cast<double>(steps) * resolutionMs * 1e-3 / speed;
}

class EngineWorker {
  public:
    /// All callbacks are called on the engine thread; they must only post.
    struct Callbacks {
        std::function<void(double fraction, const std::string& phase)> progress;
        std::function<void(std::shared_ptr<const BuildInfo>)> built;
        /// A build did not finish. `networkKept`: the previous network still
        /// exists (false when it was released to make room). `request`: the
        /// number rebuild() returned. Not called for a build replaced by a newer request.
        std::function<void(const std::string& message, bool cancelled, bool networkKept, int request)> buildFailed;
        /// A change applied (its time filled in), with the configuration the network runs with now.
        std::function<void(const TimedEvent&, int generation, std::shared_ptr<const Config> current)> eventApplied;
        std::function<void(const std::string& message)> error;
        /// The probed neurons' samples of a chunk (Simulation::takeProbeTraces).
        std::function<void(ProbeTraces traces, int generation)> probeSamples;
    };

    /// Shortest chunk (1 ms at the default resolution), the length while paced at low speeds.
    static constexpr std::int64_t kChunkSteps = 10;
    /// Longest chunk (400 ms at the default resolution).
    static constexpr std::int64_t kMaxChunkSteps = 4000;
    /// Wall time a chunk aims at when the speed allows (s). Each chunk wakes
    /// the engine's team of threads once and ends when all of them have
    /// left it, also a worker set aside for the GUI thread, which must first
    /// get its core back from that thread: at scale 0.1 chunks of 5 ms ran
    /// the model at 19.7 model s/s, of 20 ms at 22 (docs/performance.md).
    /// A command waits at most one chunk.
    static constexpr double kChunkWallSeconds = 0.02;
    /// Wall time of paced model time a chunk may cover at most (s), so a
    /// paced run still feeds the views smoothly.
    static constexpr double kPacedChunkSeconds = 0.010;

    /// What the engine thread did, for measurements (thread-safe copy).
    struct Stats {
        std::int64_t chunks = 0;
        std::int64_t steps = 0;
        double runSeconds = 0.0;          ///< wall time inside Simulation::run
        std::vector<PhaseTimes> phases;   ///< per worker, while phase timing is on
        std::int64_t roomWaits = 0;       ///< makeRoom(true) calls that waited for a worker (ever)
        double roomWaitSeconds = 0.0;     ///< their total wait
    };

    EngineWorker(Callbacks callbacks, SpikeChannel& channel, int threads = 0);
    /// Stops (cancelling a build in progress) and joins the thread.
    ~EngineWorker();
    EngineWorker(const EngineWorker&) = delete;
    EngineWorker& operator=(const EngineWorker&) = delete;

    /// Builds a new network; then re-applies `replay` at its logged steps. A
    /// build in progress is cancelled and replaced. Returns the request's number.
    int rebuild(const Config& config, std::vector<TimedEvent> replay = {});
    /// Cancels the build in progress and every build requested so far.
    void cancelBuild();
    void setPaused(bool paused);
    /// Advances `steps` steps even while paused.
    void step(std::int64_t steps);
    /// Model seconds per wall second; 0 = as fast as possible.
    void setSpeed(double speed);
    /// Applies a change at the next chunk boundary and reports it (with its step).
    void apply(TimedEvent event);
    /// A stimulus repeated every periodMs, count times (0: until stopped).
    /// The engine thread fixes the first onset when it receives the series
    /// (firstDelayMs after its own model time, rounded up to whole ms) and
    /// generates every onset itself, ending its chunks there: each stimulus
    /// applies exactly at its onset and is logged at that step, however far
    /// the GUI lags behind.
    struct StimulusSeries {
        TimedEvent stimulus; ///< kind, duration_ms and the label's stem
        double periodMs = 1000.0;
        int count = 0;
        double firstDelayMs = 100.0;
    };
    /// "<stem>, repeat k/N" (k from 1), or "<stem>, repeat k" until stopped.
    static std::string seriesLabel(const std::string& stem, int k, int count);
    /// Replaces a series in progress; a new network ends it.
    void startSeries(StimulusSeries series);
    /// Drops the rest of the series; stimuli already applied stay.
    void stopSeries();
    /// Follows these neurons from the next chunk on (Simulation::setProbes);
    /// a new network starts without probes.
    void setProbes(std::vector<std::int32_t> neurons);
    /// Times the phases of every step of the network (Simulation::setPhaseTiming), from the next chunk on.
    void setPhaseTiming(bool on);
    /// Since the last network was built (any thread).
    Stats stats() const;

    /// The GUI thread is busy (true) or about to sleep (false); called from
    /// the GUI thread's event loop (SimController). The engine's workers step
    /// in lockstep, so a GUI thread that displaces one of them stalls them
    /// all: while the GUI thread is busy, one worker of a running network
    /// steps aside (Simulation::setThreadLimit) and the others go on without
    /// it. makeRoom(true) returns once it has, when no network is running,
    /// or after at most 2 ms. Nothing with one thread, with fewer threads
    /// than cores (the GUI thread has a core of its own), or with MC_MAKE_ROOM=0
    /// in the environment (to measure without). The spikes do not change.
    void makeRoom(bool busy);

  private:
    using Clock = std::chrono::steady_clock;
    void post(std::function<void()> command);
    void loop(std::stop_token stop);
    void build(std::stop_token stop);
    void runChunk(std::stop_token stop, std::unique_lock<std::mutex>& lock);
    void applyEvent(TimedEvent event, bool replayed);
    void resetPacing();
    TimedEvent nextSeriesEvent() const;

    class Sink;
    Callbacks m_callbacks;
    SpikeChannel& m_channel;
    int m_threads;

    std::mutex m_mutex; ///< guards m_commands
    std::condition_variable_any m_wake;
    std::deque<std::function<void()>> m_commands;
    std::atomic<bool> m_cancel{false};
    std::atomic<int> m_requested{0};     ///< number of the newest rebuild request
    std::atomic<int> m_cancelledUpTo{0}; ///< requests up to this number are cancelled

    // Engine-thread state (touched only by commands and the loop).
    std::unique_ptr<Simulation> m_sim;
    std::unique_ptr<Sink> m_sink;
    int m_generation = 0;
    bool m_paused = false;
    bool m_buildPending = false;
    int m_buildRequest = 0;
    Config m_buildConfig;
    std::vector<TimedEvent> m_replay;
    std::vector<std::int64_t> m_replaySteps; ///< eventStep of each replayed change
    std::size_t m_replayNext = 0;
    std::optional<StimulusSeries> m_series; ///< startSeries() in progress
    double m_seriesFirstMs = 0.0; ///< onset k (from 0) is m_seriesFirstMs + k period
    int m_seriesNext = 0;         ///< index of the series' next stimulus
    std::int64_t m_stepBudget = 0;
    double m_speed = 1.0;
    Clock::time_point m_anchorWall;
    std::int64_t m_anchorStep = 0;

    std::int64_t m_chunkSteps = kChunkSteps; ///< length of the next chunk at full pace
    bool m_phaseTiming = false;
    mutable std::mutex m_statsMutex; ///< guards m_stats
    Stats m_stats;

    // makeRoom: written by the GUI thread, read by the engine's workers.
    const bool m_makeRoom;
    const int m_cores; ///< cores this process may use
    std::atomic<int> m_teamThreads{0}; ///< workers of the current network
    std::atomic<int> m_threadLimit{0};
    std::atomic<int> m_threadsStepping{0};
    std::atomic<std::int64_t> m_roomWaits{0};
    std::atomic<std::int64_t> m_roomWaitNs{0};

    std::jthread m_thread; // last: starts after every member above exists
};

} // namespace mc::ui
