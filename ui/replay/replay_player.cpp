#include "ui/replay/replay_player.hpp"

#include "ui/sim_controller.hpp"

#include "microcircuit/errors.hpp"

#include <QMetaObject>

#include <algorithm>
#include <cmath>

namespace mc::ui {

ReplayPlayer::ReplayPlayer(SimController* controller, QObject* parent) : QObject(parent), m_controller(controller) {
    m_timer.setInterval(16);
    connect(&m_timer, &QTimer::timeout, this, &ReplayPlayer::tick);
    connect(controller, &SimController::stepRequested, this, [this](double ms) {
        if (isActive()) seek(timeMs() + ms);
    });
    connect(controller, &SimController::pausedChanged, this, [this](bool paused) {
        if (!isActive() || paused) return;
        // Play at the end (or past the loop): start again from the beginning.
        if (m_controller->store().endStep() >= m_recording->endStep) seek(m_loop ? m_loopFrom : 0.0);
        m_wall.restart();
    });
    connect(controller, &SimController::sourceChanged, this, [this] {
        if (!m_controller->isRecording()) m_recording.reset(); // the engine took over: free the spikes
    });
    m_timer.start();
    m_wall.start();
}

ReplayPlayer::~ReplayPlayer() {
    m_cancel = true;
    if (m_loader.joinable()) m_loader.join();
}

bool ReplayPlayer::isActive() const {
    return m_recording && m_controller->isRecording();
}

void ReplayPlayer::open(const QString& folder) {
    cancelLoad();
    if (m_loader.joinable()) m_loader.join();
    m_cancel = false;
    m_loadDone = false;
    m_loadingFolder = folder;
    m_loadedResult.reset();
    m_loadError.clear();
    m_loadCancelled = false;
    emit loadProgress(0.0, QString());
    m_loader = std::jthread([this, path = folder.toStdString()] {
        try {
            const auto progress = [this](double f, const std::string& file) {
                QMetaObject::invokeMethod(
                    this, [this, f, name = QString::fromStdString(file)] { emit loadProgress(f, name); },
                    Qt::QueuedConnection);
            };
            auto result = std::make_unique<Recording>(loadRecording(path, progress, &m_cancel));
            if (m_cancel) throw ReadCancelled(); // cancelled while converting: shown as cancelled too
            m_loadedResult = std::move(result);
        } catch (const ReadCancelled&) {
            m_loadCancelled = true;
            m_loadError = "Opening the recording was cancelled.";
        } catch (const std::bad_alloc&) {
            m_loadError = QString::fromStdString(path) + ": the recording does not fit in memory";
        } catch (const std::exception& e) {
            m_loadError = QString::fromStdString(e.what());
        }
        m_loadDone = true;
        QMetaObject::invokeMethod(this, &ReplayPlayer::finishLoad, Qt::QueuedConnection);
    });
}

void ReplayPlayer::cancelLoad() {
    m_cancel = true;
}

void ReplayPlayer::finishLoad() {
    if (!m_loadDone || !m_loader.joinable()) return;
    m_loader.join();
    if (!m_loadedResult) {
        emit loadFailed(m_loadError, m_loadCancelled);
        return;
    }
    m_recording = std::move(m_loadedResult);
    m_loop = false;
    m_loopFrom = 0.0;
    m_loopTo = endMs();
    m_carryMs = 0.0;
    m_controller->showRecording(m_recording->info, m_recording->events, m_loadingFolder, m_recording->spikes.size());
    // The folder's voltmeter traces in the probe panel (none: the panel is emptied).
    m_controller->showRecordedProbes(m_recording->voltages.traces);
    if (!m_recording->voltages.problem.empty())
        emit voltagesProblem(QString::fromStdString(m_recording->voltages.problem));
    emit loaded();
    emit timeChanged(0.0);
}

double ReplayPlayer::timeMs() const {
    return m_controller->modelTimeMs();
}

double ReplayPlayer::endMs() const {
    return m_recording ? static_cast<double>(m_recording->endStep) * m_recording->info.config.sim.sim_resolution : 0.0;
}

void ReplayPlayer::feedTo(std::int64_t step) {
    const std::vector<Spike>& all = m_recording->spikes;
    step = std::clamp<std::int64_t>(step, 0, m_recording->endStep);
    std::int64_t from = m_controller->store().endStep();
    if (step < from) {
        from = m_controller->rewindRecording(step) ? step : 0;
        if (from == step) {
            emit timeChanged(timeMs());
            return;
        }
    }
    const auto byStep = [](const Spike& s, std::int64_t v) { return s.step < v; };
    const auto lo = std::lower_bound(all.begin(), all.end(), from, byStep);
    const auto hi = std::lower_bound(lo, all.end(), step, byStep);
    m_controller->feedRecording({all.data() + (lo - all.begin()), static_cast<std::size_t>(hi - lo)}, step);
    emit timeChanged(timeMs());
}

void ReplayPlayer::seek(double ms) {
    if (!isActive()) return;
    m_carryMs = 0.0;
    feedTo(std::llround(ms / m_recording->info.config.sim.sim_resolution));
}

void ReplayPlayer::setLoop(bool on, double fromMs, double toMs) {
    m_loop = on;
    m_loopFrom = std::clamp(std::min(fromMs, toMs), 0.0, endMs());
    m_loopTo = std::clamp(std::max(fromMs, toMs), 0.0, endMs());
    if (m_loopTo - m_loopFrom < 1.0) m_loop = false;
    if (m_loop && isActive() && (timeMs() < m_loopFrom || timeMs() > m_loopTo)) seek(m_loopFrom);
}

void ReplayPlayer::tick() {
    const double wall = static_cast<double>(m_wall.restart());
    if (isActive() && !m_controller->isPaused()) advance(wall);
}

void ReplayPlayer::advance(double wallMs) {
    if (!isActive()) return;
    const double h = m_recording->info.config.sim.sim_resolution;
    const double speed = m_controller->speed() > 0.0 ? m_controller->speed() : kMaxSpeed;
    m_carryMs += std::min(wallMs, 100.0) * speed; // a stalled frame does not jump ahead
    const auto steps = static_cast<std::int64_t>(std::floor(m_carryMs / h));
    if (steps <= 0) return;
    m_carryMs -= static_cast<double>(steps) * h;
    std::int64_t target = m_controller->store().endStep() + steps;
    const std::int64_t loopEnd = std::llround(m_loopTo / h);
    if (m_loop && target >= loopEnd) {
        seek(m_loopFrom);
        return;
    }
    if (target >= m_recording->endStep) {
        target = m_recording->endStep;
        feedTo(target);
        m_controller->pause(); // the end of the recording
        return;
    }
    feedTo(target);
}

} // namespace mc::ui
