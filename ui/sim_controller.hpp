// The GUI side of the engine: owns the engine thread, drains its spikes on a
// timer into the SpikeStore, keeps the log of live changes, and measures the
// achieved speed. Every method is called on the GUI thread and returns at once;
// engine work happens at the next chunk boundary.
#pragma once

#include "ui/engine_worker.hpp"
#include "ui/probes/probe_store.hpp"
#include "ui/session.hpp"
#include "ui/spike_store.hpp"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>

namespace mc::ui {

/// Values of the live controls in model units.
struct LiveValues {
    double pspMv = 0.15;   ///< mean excitatory PSP (mV)
    double g = -4.0;       ///< relative inhibition
    double bgRateHz = 8.0; ///< rate of each external input (Hz)
};

/// What the program is doing; every control and label follows it.
enum class RunState {
    NoNetwork, ///< nothing built (or the last network was released by a cancelled build)
    Building,  ///< a network is being built (the previous one, if kept, waits)
    Running,
    Paused,
};
const char* runStateName(RunState state);

class SimController : public QObject {
    Q_OBJECT
  public:
    /// `threads` = engine worker threads (0: all cores).
    explicit SimController(int threads = 0, QObject* parent = nullptr);
    ~SimController() override;

    /// Builds `config` (replaying `replay` at its logged steps) and runs it.
    void rebuild(const Config& config, std::vector<TimedEvent> replay = {});
    /// Builds a session's configuration and replays its live changes.
    void loadSession(const Session& session);
    /// Cancels the build in progress (and any requested after it).
    void cancelBuild();
    /// Why `config` cannot be built on this machine (its memory estimate does
    /// not fit), or empty if it can.
    static QString memoryRefusal(const Config& config, int threads);

    void pause();
    void resume();
    void togglePause() { m_paused ? resume() : pause(); }
    /// Advances `ms` of model time, also while paused.
    void step(double ms);
    /// Model seconds per wall second; 0 = as fast as possible.
    void setSpeed(double speed);
    /// Sets PSP, g and drive rate (those that differ from now) as one live change.
    void setLiveValues(const LiveValues& values, const QString& label);
    /// Applies a partial configuration of live fields ({"net": {"g": -5}},
    /// as in a configuration's events) at the next step boundary; logged
    /// with `label`. A refused change is reported by errorOccurred.
    void applyChange(const std::string& setJson, const QString& label);
    /// Fires a thalamic pulse now (startMs < 0) or at startMs.
    void fireThalamicPulse(double startMs = -1.0);
    /// Starts a DC transient now (startMs < 0) or at startMs, lasting durMs.
    void startDcTransient(double startMs, double durMs);

    /// Repeats a thalamic pulse or DC transient, each applied exactly at its
    /// onset and logged at that step (EngineWorker::startSeries).
    void startStimulusSeries(EngineWorker::StimulusSeries series);
    /// Drops the rest of the series.
    void stopStimulusSeries();

    /// Follows these neurons' V_m and current (at most 8; see ProbeStore).
    /// Needs no rebuild and changes no spike.
    void setProbes(const std::vector<std::int32_t>& neurons);
    const ProbeStore& probes() const { return m_probes; }

    RunState state() const { return m_state; }
    bool isPaused() const { return m_paused; }
    bool isBuilding() const { return m_building; }
    bool hasNetwork() const { return m_info != nullptr; }
    double speed() const { return m_speed; }
    const SpikeStore& store() const { return m_store; }
    double modelTimeMs() const { return m_store.timeMs(); }
    /// The configuration the current network was built from (defaults before the first build).
    const Config& config() const;
    /// The configuration it runs with now: config() with the live changes applied.
    const Config& currentConfig() const { return m_info ? m_current : m_defaultConfig; }
    /// What `microcircuit config` prints for the network as it runs now (File
    /// → Save configuration, Export → For NEST): currentConfig() with the live
    /// changes made so far, without the thalamic synapses the window always
    /// builds (forLiveUse), and with the timed changes still to come.
    Config configNow() const;
    std::shared_ptr<const BuildInfo> buildInfo() const { return m_info; }
    const std::vector<TimedEvent>& events() const { return m_events; }
    /// What the raster marks: the live changes and stimuli, and the stimuli
    /// the configuration itself schedules (e.g. a lesson's pulse at 700 ms).
    std::vector<TimedEvent> markedEvents() const;
    LiveValues liveValues() const;
    Session session() const;
    /// True while a loaded session's saved run is being replayed (until its saved end).
    bool isReplaying() const { return m_replayEndStep >= 0; }

    // Replay (ui/replay/): a recording instead of the engine feeds the store,
    // and the views never know which. In recording mode pause, resume, speed
    // and step drive the replay (stepRequested), the engine's network (if
    // any) stays paused, and rebuild() leaves recording mode.
    /// Shows a recording described by `info` with `events` marked; the store starts empty at step 0.
    /// `spikes`: how many the recording holds (the store makes room for them once).
    void showRecording(const BuildInfo& info, std::vector<TimedEvent> events, const QString& folder,
                       std::size_t spikes = 0);
    /// The probe panel shows these recorded traces (a folder's voltmeter files) in place of any probes.
    void showRecordedProbes(std::vector<ProbeTrace> traces);
    /// Continues the store with the recording's next spikes up to `endStep`.
    void feedRecording(std::span<const Spike> spikes, std::int64_t endStep);
    /// Scrubs back: the store keeps the recording's spikes before `endStep`.
    /// Returns false if it cannot (the store discarded old spikes); then the
    /// caller feeds the spikes again from 0 (the store was emptied).
    bool rewindRecording(std::int64_t endStep);
    /// The folder being replayed; empty while the engine is the source.
    const QString& recordingFolder() const { return m_recordingFolder; }
    bool isRecording() const { return !m_recordingFolder.isEmpty(); }

    /// Model seconds per wall second over the last ~2 s of running (0 when
    /// paused, and until 0.2 s of running after a resume or a build).
    double achievedSpeed() const { return m_achievedSpeed; }
    /// Spikes per second of model time over the last ~2 s of running (kept as it was while paused).
    double spikesPerModelSecond() const { return m_spikeRate; }
    /// Spikes lost because memory ran out (the hand-off never drops otherwise).
    std::uint64_t droppedSpikes() const { return m_dropped; }
    /// Most spikes that waited at once for the GUI thread (how far it fell behind).
    std::size_t mostSpikesWaiting() { return m_channel.mostWaiting(); }
    /// Measurements: the engine's per-step phase times (EngineWorker::setPhaseTiming).
    void setPhaseTiming(bool on) { m_worker->setPhaseTiming(on); }
    EngineWorker::Stats engineStats() const { return m_worker->stats(); }

  signals:
    void buildStarted();
    void buildProgress(double fraction, const QString& phase);
    void built();
    void buildFailed(const QString& message, bool cancelled);
    void spikesArrived();
    void pausedChanged(bool paused);
    void speedChanged(double speed);
    void eventApplied(int index);
    void errorOccurred(const QString& message);
    void stateChanged(mc::ui::RunState state);
    /// Recording mode: the user asked to advance `ms` of recorded time.
    void stepRequested(double ms);
    /// A recording is shown (or the engine became the source again).
    void sourceChanged();
    /// A replayed session reached the model time at which it was saved.
    void replayFinished();
    /// The set of probes changed (also: cleared by a new network).
    void probesChanged();
    void probeSamplesArrived();

  protected:
    /// Notes that the GUI thread works (see the constructor).
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    void setGuiBusy(bool busy);
    bool m_guiBusy = false; ///< the GUI thread works (one engine worker stands aside)
    /// Engine thread: queues work for the GUI thread, run by the next drain().
    /// A plain std::mutex hand-off (not Qt's event queue) keeps the whole
    /// cross-thread path visible to ThreadSanitizer.
    void post(std::function<void()> work);
    void drain();
    void onBuilt(std::shared_ptr<const BuildInfo> info);
    void onEvent(const TimedEvent& event, int generation, std::shared_ptr<const Config> current);
    void updateRates();
    void updateState();
    void onBuildFailed(const QString& message, bool cancelled, bool networkKept);

    std::mutex m_inboxMutex;
    std::vector<std::function<void()>> m_inbox;
    SpikeChannel m_channel;
    std::unique_ptr<EngineWorker> m_worker;
    SpikeStore m_store;
    ProbeStore m_probes;
    std::vector<Spike> m_buffer;
    std::shared_ptr<const BuildInfo> m_info;
    Config m_defaultConfig;
    int m_generation = -1;
    bool m_paused = false;
    bool m_building = false;
    RunState m_state = RunState::NoNetwork;
    int m_threads = 0;
    std::int64_t m_replayEndStep = -1; ///< saved end of the session being replayed, -1: none
    std::int64_t m_pendingReplayEnd = -1;
    int m_lastRequest = 0; ///< the engine's number of the newest build request
    double m_speed = 1.0;
    Config m_current; ///< the running network's configuration (live changes applied)
    std::vector<TimedEvent> m_events;
    std::deque<TimedEvent> m_replayRemaining; ///< replayed changes not applied yet
    std::uint64_t m_dropped = 0;

    QString m_recordingFolder;
    int m_recordingGeneration = 1 << 30; ///< generations of recordings: never the engine's

    QTimer m_drainTimer;
    QElapsedTimer m_clock;
    struct Sample {
        qint64 wallMs;
        double modelMs;
        std::uint64_t spikes;
    };
    std::deque<Sample> m_samples;
    double m_achievedSpeed = 0.0;
    double m_spikeRate = 0.0;
};

/// The live control values of a configuration.
LiveValues liveValuesOf(const Config& config);
/// The change from `config` to `values` as a partial configuration
/// ({"net": {"g": -5}}); "" when nothing differs.
std::string liveValuesChange(const Config& config, const LiveValues& values);
/// Onset used for "no scheduled thalamic pulse" (ms): beyond any run.
inline constexpr double kNeverMs = 1e9;
/// The configuration as the GUI builds it: thalamic synapses always present
/// so a pulse can be fired at any time; if the configuration asked for no
/// thalamic input, its scheduled pulse is moved to kNeverMs (never).
Config forLiveUse(Config config);

} // namespace mc::ui
