// Replay of a recorded folder: loads it on a worker thread (progress, cancel),
// then plays it into the SimController's store as a timeline — play/pause and
// speed are the controller's own (so every control that drives them works),
// seek() scrubs to any time, a loop window repeats, events can be jumped to.
#pragma once

#include "ui/replay/recording.hpp"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>

#include <atomic>
#include <memory>
#include <thread>

namespace mc::ui {

class SimController;

class ReplayPlayer : public QObject {
    Q_OBJECT
  public:
    /// Model time advanced per second of wall time at speed "max" (controller speed 0).
    static constexpr double kMaxSpeed = 50.0;

    explicit ReplayPlayer(SimController* controller, QObject* parent = nullptr);
    ~ReplayPlayer() override;

    /// Starts reading `folder` in the background; ends in loaded() or loadFailed().
    void open(const QString& folder);
    void cancelLoad();
    bool isLoading() const { return m_loader.joinable() && !m_loadDone; }
    /// A recording is loaded and the controller shows it.
    bool isActive() const;
    const Recording* recording() const { return m_recording.get(); }

    double timeMs() const;
    double endMs() const;
    /// Shows the recording up to `ms` (clamped to it): the views show [ms - window, ms].
    void seek(double ms);
    /// Repeats [fromMs, toMs) while playing (off: plays to the end and pauses).
    void setLoop(bool on, double fromMs, double toMs);
    bool loops() const { return m_loop; }
    double loopFromMs() const { return m_loopFrom; }
    double loopToMs() const { return m_loopTo; }
    /// Advances by one frame of playback (as a timer tick of `wallMs` would).
    void advance(double wallMs);

  signals:
    void loadProgress(double fraction, const QString& file);
    void loaded();
    void loadFailed(const QString& message, bool cancelled);
    void timeChanged(double ms);
    /// Some of the folder's voltmeter files could not be read (file, line, why); the spikes replay all the same.
    void voltagesProblem(const QString& message);

  private:
    void finishLoad();
    void tick();
    void feedTo(std::int64_t step);

    SimController* m_controller;
    std::unique_ptr<Recording> m_recording;
    std::jthread m_loader;
    std::atomic<bool> m_cancel{false};
    std::atomic<bool> m_loadDone{false};
    std::unique_ptr<Recording> m_loadedResult; ///< written by the loader, taken on the GUI thread
    QString m_loadError;
    bool m_loadCancelled = false;
    QString m_loadingFolder;
    bool m_loop = false;
    double m_loopFrom = 0.0, m_loopTo = 0.0;
    double m_carryMs = 0.0; ///< playback time not yet a whole step
    QTimer m_timer;
    QElapsedTimer m_wall;
};

} // namespace mc::ui
