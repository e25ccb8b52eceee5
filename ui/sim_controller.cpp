#include "ui/sim_controller.hpp"

#include "ui/gui_cpu.hpp"

#include "microcircuit/errors.hpp"
#include "microcircuit/model.hpp"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>

#include <nlohmann/json.hpp>

#include <cmath>
#include <thread>

namespace mc::ui {

LiveValues liveValuesOf(const Config& c) { return {c.net.PSP_exc_mean, c.net.g, c.net.bg_rate}; }

std::string liveValuesChange(const Config& c, const LiveValues& v) {
    nlohmann::json net = nlohmann::json::object();
    if (v.pspMv != c.net.PSP_exc_mean) net["PSP_exc_mean"] = v.pspMv;
    if (v.g != c.net.g) net["g"] = v.g;
    if (v.bgRateHz != c.net.bg_rate) net["bg_rate"] = v.bgRateHz;
    if (net.empty()) return {};
    return nlohmann::json{{"net", net}}.dump();
}

Config forLiveUse(Config config) {
    if (!config.stim.thalamic_input) {
        config.stim.thalamic_input = true;
        config.stim.th_start = kNeverMs;
    }
    return config;
}

const char* runStateName(RunState state) {
    switch (state) {
    case RunState::NoNetwork:
        return "no network";
    case RunState::Building:
        return "building";
    case RunState::Running:
        return "running";
    case RunState::Paused:
        return "paused";
    }
    return "";
}

QString SimController::memoryRefusal(const Config& config, int threads) {
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    try {
        checkMemoryFits(config, deriveParameters(config), threads);
    } catch (const ConfigError& e) {
        return QString::fromStdString(e.what()) +
               ". Nothing was built; the running network is unchanged. Choose a smaller scale.";
    } catch (const std::exception&) {
        // Invalid settings: the build reports them with the field and the allowed range.
    }
    return {};
}

SimController::SimController(int threads, QObject* parent) : QObject(parent), m_threads(threads) {
    EngineWorker::Callbacks cb;
    // Each callback runs on the engine thread and only queues work for the GUI
    // thread (see post()).
    cb.progress = [this](double f, const std::string& phase) {
        post([this, f, p = QString::fromStdString(phase)] { emit buildProgress(f, p); });
    };
    cb.built = [this](std::shared_ptr<const BuildInfo> info) { post([this, info] { onBuilt(info); }); };
    cb.buildFailed = [this](const std::string& msg, bool cancelled, bool kept, int request) {
        post([this, m = QString::fromStdString(msg), cancelled, kept, request] {
            if (!kept && !isRecording()) {
                // The previous network was released to make room: nothing runs any more.
                m_info.reset();
                m_generation = -1;
                m_store.reset(DerivedParams{}, m_store.resolution());
                m_events.clear();
                m_replayRemaining.clear();
                m_replayEndStep = -1;
                m_samples.clear();
                m_achievedSpeed = m_spikeRate = 0.0;
            }
            if (request != m_lastRequest) { // a newer build is on its way and will report
                updateState();
                return;
            }
            onBuildFailed(m, cancelled, kept);
        });
    };
    cb.eventApplied = [this](const TimedEvent& e, int generation, std::shared_ptr<const Config> current) {
        post([this, e, generation, current] { onEvent(e, generation, current); });
    };
    cb.error = [this](const std::string& msg) {
        post([this, m = QString::fromStdString(msg)] {
            if (m.startsWith("The simulation stopped") && !m_paused) {
                m_paused = true;
                emit pausedChanged(true);
                updateState();
            }
            emit errorOccurred(m);
        });
    };
    cb.probeSamples = [this](ProbeTraces traces, int generation) {
        post([this, traces = std::move(traces), generation] {
            if (generation != m_generation) return;
            m_probes.append(traces);
            emit probeSamplesArrived();
        });
    };
    m_worker = std::make_unique<EngineWorker>(std::move(cb), m_channel, threads);
    // While this thread works, one engine worker steps aside (issue 19).
    // It works from the first event it handles after a sleep (the event
    // loop's timers, window-system events, repaints and posted events all
    // pass the application's event filters) until its event loop is about
    // to sleep again; the dispatcher's `awake` comes before some of that work
    // and not at all before the rest, so it cannot tell.
    if (QAbstractEventDispatcher* events = QAbstractEventDispatcher::instance(thread())) {
        connect(events, &QAbstractEventDispatcher::aboutToBlock, this, [this] { setGuiBusy(false); },
                Qt::DirectConnection);
        if (QCoreApplication* app = QCoreApplication::instance(); app && app->thread() == thread())
            app->installEventFilter(this);
    }
    m_drainTimer.setInterval(16);
    connect(&m_drainTimer, &QTimer::timeout, this, &SimController::drain);
    m_drainTimer.start();
    m_clock.start();
}

bool SimController::eventFilter(QObject* watched, QEvent* event) {
    setGuiBusy(true);
    return QObject::eventFilter(watched, event);
}

void SimController::setGuiBusy(bool busy) {
    if (busy == m_guiBusy || !m_worker) return;
    m_guiBusy = busy;
    m_worker->makeRoom(busy);
}

SimController::~SimController() {
    m_drainTimer.stop();
    m_worker.reset(); // joins the engine thread before anything it posts to goes away
}

const Config& SimController::config() const {
    return m_info ? m_info->config : m_defaultConfig;
}

Config SimController::configNow() const {
    Config c = currentConfig();
    if (c.stim.thalamic_input && c.stim.th_start >= kNeverMs) {
        c.stim.thalamic_input = false;
        c.stim.th_start = Config{}.stim.th_start;
    }
    c.events.assign(m_replayRemaining.begin(), m_replayRemaining.end());
    return c;
}

void SimController::rebuild(const Config& config, std::vector<TimedEvent> replay) {
    // A configuration's own events are played like a session's changes.
    Config live = forLiveUse(config);
    if (replay.empty()) replay = std::move(live.events);
    live.events.clear();
    const QString refusal = memoryRefusal(live, m_threads);
    if (!refusal.isEmpty()) {
        // Refused before anything is released or allocated; a build in progress goes on.
        emit buildFailed(refusal, false);
        return;
    }
    if (isRecording()) {
        // The engine becomes the source again; the recording stays on screen until the build.
        m_recordingFolder.clear();
        m_paused = false;
        m_worker->setPaused(false);
        emit pausedChanged(false);
        emit sourceChanged();
    }
    m_pendingReplayEnd = -1;
    m_building = true;
    // A build in progress is cancelled and replaced by this one (the engine
    // reports only the newest request).
    m_lastRequest = m_worker->rebuild(live, std::move(replay));
    emit buildStarted();
    updateState();
}

void SimController::loadSession(const Session& session) {
    rebuild(session.config, session.events);
    if (m_building) m_pendingReplayEnd = session.endStep;
}

void SimController::cancelBuild() {
    if (m_building) m_worker->cancelBuild();
}

void SimController::onBuildFailed(const QString& message, bool cancelled, bool) {
    m_building = false;
    m_pendingReplayEnd = -1;
    updateState();
    emit buildFailed(message, cancelled);
}

void SimController::updateState() {
    const RunState s = m_building ? RunState::Building
                       : !m_info  ? RunState::NoNetwork
                       : m_paused ? RunState::Paused
                                  : RunState::Running;
    if (s == m_state) return;
    m_state = s;
    emit stateChanged(s);
}

void SimController::pause() {
    if (m_paused) return;
    m_paused = true;
    if (!isRecording()) m_worker->setPaused(true);
    m_samples.clear(); // the speed is measured over running time only
    m_achievedSpeed = 0.0;
    emit pausedChanged(true);
    updateState();
}

void SimController::resume() {
    if (!m_paused) return;
    m_paused = false;
    if (!isRecording()) m_worker->setPaused(false);
    m_samples.clear();
    m_achievedSpeed = 0.0;
    emit pausedChanged(false);
    updateState();
}

void SimController::step(double ms) {
    if (isRecording()) {
        emit stepRequested(ms);
        return;
    }
    const double h = config().sim.sim_resolution;
    m_worker->step(std::max<std::int64_t>(1, std::llround(ms / h)));
}

void SimController::setSpeed(double speed) {
    m_speed = std::max(0.0, speed);
    if (!isRecording()) m_worker->setSpeed(m_speed);
    emit speedChanged(m_speed);
}

void SimController::setLiveValues(const LiveValues& values, const QString& label) {
    const std::string change = liveValuesChange(currentConfig(), values);
    if (!change.empty()) applyChange(change, label);
}

void SimController::applyChange(const std::string& setJson, const QString& label) {
    // currentConfig() follows when the engine reports the change as applied (onEvent).
    TimedEvent e;
    e.kind = TimedEvent::Kind::Set;
    e.set = setJson;
    e.label = label.toStdString();
    m_worker->apply(std::move(e));
}

LiveValues SimController::liveValues() const { return liveValuesOf(currentConfig()); }

void SimController::fireThalamicPulse(double startMs) {
    TimedEvent e;
    e.kind = TimedEvent::Kind::ThalamicPulse;
    e.start_ms = startMs;
    e.label = "thalamic pulse";
    m_worker->apply(std::move(e));
}

void SimController::startDcTransient(double startMs, double durMs) {
    TimedEvent e;
    e.kind = TimedEvent::Kind::DcTransient;
    e.start_ms = startMs;
    e.duration_ms = durMs;
    e.label = "DC transient " + std::to_string(static_cast<int>(std::lround(durMs))) + " ms";
    m_worker->apply(std::move(e));
}

void SimController::startStimulusSeries(EngineWorker::StimulusSeries series) {
    m_worker->startSeries(std::move(series));
}

void SimController::stopStimulusSeries() { m_worker->stopSeries(); }

std::vector<TimedEvent> SimController::markedEvents() const {
    std::vector<TimedEvent> marked;
    if (m_info) {
        const StimParams& stim = m_info->config.stim;
        if (stim.thalamic_input && stim.th_start < kNeverMs) {
            TimedEvent e;
            e.kind = TimedEvent::Kind::ThalamicPulse;
            e.t_ms = e.start_ms = stim.th_start;
            e.label = "thalamic pulse (configured)";
            marked.push_back(e);
        }
        if (stim.dc_transient) {
            TimedEvent e;
            e.kind = TimedEvent::Kind::DcTransient;
            e.t_ms = e.start_ms = stim.dc_transient_start;
            e.duration_ms = stim.dc_transient_dur;
            e.label = "DC transient (configured)";
            marked.push_back(e);
        }
    }
    marked.insert(marked.end(), m_events.begin(), m_events.end());
    return marked;
}

Session SimController::session() const {
    // Replayed changes not reached yet still belong to the session.
    Session s{config(), m_events, m_store.endStep()};
    s.config.events.clear();
    s.events.insert(s.events.end(), m_replayRemaining.begin(), m_replayRemaining.end());
    return s;
}

void SimController::showRecording(const BuildInfo& info, std::vector<TimedEvent> events, const QString& folder,
                                  std::size_t spikes) {
    cancelBuild();
    m_building = false;
    m_pendingReplayEnd = -1;
    m_worker->setPaused(true); // the engine's network waits, untouched
    m_recordingFolder = folder;
    auto shown = std::make_shared<BuildInfo>(info);
    shown->generation = ++m_recordingGeneration;
    shown->replay.clear();
    m_info = std::move(shown);
    m_generation = m_info->generation;
    m_store.reset(m_info->derived, m_info->config.sim.sim_resolution);
    m_store.reserve(spikes);
    m_events = std::move(events);
    m_replayRemaining.clear();
    m_replayEndStep = -1;
    m_current = m_info->config;
    m_samples.clear();
    m_achievedSpeed = m_spikeRate = 0.0;
    m_dropped = 0;
    if (!m_paused) {
        m_paused = true;
        emit pausedChanged(true);
    }
    emit sourceChanged();
    emit built();
    updateState();
}

void SimController::feedRecording(std::span<const Spike> spikes, std::int64_t endStep) {
    if (!isRecording()) return;
    m_store.append(spikes, endStep);
    emit spikesArrived();
}

bool SimController::rewindRecording(std::int64_t endStep) {
    if (!isRecording()) return true;
    m_samples.clear();
    // The store holds a prefix of the recording in its fixed order, so every
    // spike keeps its index and the raster's mirror stays valid.
    if (m_store.truncate(endStep)) {
        emit spikesArrived();
        return true;
    }
    // Old spikes were discarded (a recording beyond SpikeStore::kMaxSpikes):
    // start again from 0, under a new generation for the raster's mirror.
    auto again = std::make_shared<BuildInfo>(*m_info);
    again->generation = ++m_recordingGeneration;
    m_info = std::move(again);
    m_generation = m_info->generation;
    m_store.restart();
    return false;
}

void SimController::onBuilt(std::shared_ptr<const BuildInfo> info) {
    if (isRecording()) return; // a build overtaken by opening a recording (it stays paused)
    m_info = std::move(info);
    m_generation = m_info->generation;
    m_store.reset(m_info->derived, m_info->config.sim.sim_resolution);
    const bool hadProbes = !m_probes.traces().empty();
    m_probes.reset(m_info->derived, m_info->config.sim.sim_resolution);
    if (hadProbes) emit probesChanged();
    m_events.clear();
    m_replayRemaining.assign(m_info->replay.begin(), m_info->replay.end());
    m_current = m_info->config;
    m_samples.clear();
    m_achievedSpeed = 0.0;
    m_spikeRate = 0.0;
    m_dropped = 0;
    // A build finished just before a newer request: show it, the newer one follows.
    m_building = m_info->request != m_lastRequest;
    m_replayEndStep = m_building ? -1 : m_pendingReplayEnd;
    if (!m_building) m_pendingReplayEnd = -1;
    if (m_replayRemaining.empty() && m_replayEndStep <= 0) m_replayEndStep = -1;
    emit built();
    updateState();
}

void SimController::showRecordedProbes(std::vector<ProbeTrace> traces) {
    if (!m_info) return;
    m_probes.reset(m_info->derived, m_info->config.sim.sim_resolution);
    m_probes.setRecorded(std::move(traces));
    emit probesChanged();
}

void SimController::setProbes(const std::vector<std::int32_t>& neurons) {
    std::vector<std::int32_t> valid;
    for (std::int32_t n : neurons)
        if (n >= 0 && n < m_store.neurons() && static_cast<int>(valid.size()) < ProbeStore::kMaxProbes)
            valid.push_back(n);
    m_probes.setNeurons(valid);
    m_worker->setProbes(valid);
    emit probesChanged();
}

void SimController::onEvent(const TimedEvent& event, int generation, std::shared_ptr<const Config> current) {
    if (generation != m_generation) return; // belongs to a network already replaced
    m_events.push_back(event);
    if (!m_replayRemaining.empty() && m_replayRemaining.front().t_ms == event.t_ms &&
        m_replayRemaining.front().kind == event.kind)
        m_replayRemaining.pop_front();
    m_current = *current;
    emit eventApplied(static_cast<int>(m_events.size()) - 1);
}

void SimController::post(std::function<void()> work) {
    std::lock_guard lock(m_inboxMutex);
    m_inbox.push_back(std::move(work));
}

void SimController::drain() {
    const guicpu::Scope cpu(guicpu::Part::Drain);
    // Messages from the engine thread first (a new network before its spikes).
    std::vector<std::function<void()>> inbox;
    {
        std::lock_guard lock(m_inboxMutex);
        inbox.swap(m_inbox);
    }
    for (auto& work : inbox)
        work();
    if (m_generation < 0 || isRecording()) {
        if (isRecording()) updateRates();
        return;
    }
    const SpikeChannel::Drained d = m_channel.take(m_generation, m_buffer);
    if (d.endStep >= 0 && (d.endStep > m_store.endStep() || !m_buffer.empty())) {
        m_store.append(m_buffer, d.endStep);
        m_probes.noteSpikes(m_buffer);
        m_dropped += d.dropped;
        emit spikesArrived();
    }
    if (m_replayEndStep >= 0 && m_replayRemaining.empty() && m_store.endStep() >= m_replayEndStep) {
        m_replayEndStep = -1;
        emit replayFinished();
    }
    updateRates();
}

void SimController::updateRates() {
    // Measured over running time only: while paused or building nothing is
    // sampled and the last values stay (pause/resume restart the window).
    if (m_state != RunState::Running) return;
    const qint64 now = m_clock.elapsed();
    m_samples.push_back({now, m_store.timeMs(), m_store.totalSpikes()});
    while (m_samples.size() > 2 && now - m_samples.front().wallMs > 2000)
        m_samples.pop_front();
    const Sample& a = m_samples.front();
    const Sample& b = m_samples.back();
    const double wall = static_cast<double>(b.wallMs - a.wallMs);
    const double model = b.modelMs - a.modelMs;
    m_achievedSpeed = wall > 200.0 ? model / wall : 0.0;
    if (model > 0.0) m_spikeRate = static_cast<double>(b.spikes - a.spikes) / (model * 1e-3);
}

} // namespace mc::ui
