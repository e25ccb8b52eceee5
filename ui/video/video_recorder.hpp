// File -> Record video: grabs the window's raster (with the charts, or alone)
// into an MP4 file (video/video_writer.hpp).
//
// Two clocks:
// - wall time: a frame every 1/fps s of wall-clock time, of whatever is on
//   screen; the video plays at the speed the user watched. Pausing stops it.
// - model time: the recorder pauses the simulation and advances it itself,
//   msPerFrame of model time per frame, so the video is evenly timed in model
//   time whatever the machine's speed (slow motion for slides: 1 ms per frame
//   at 30 frames/s plays 1 s of model time in 33 s). Play/pause stops it.
// Either stops with the same menu action or after a set duration. Recording
// only looks: the engine runs the same steps, so the spikes are the same.
#pragma once

#include <QElapsedTimer>
#include <QImage>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <cstdint>
#include <memory>

class QWidget;

namespace mc::ui {

class FrameEncoder;
class RasterView;

class SimController;

enum class VideoClock { WallTime, ModelTime };

struct VideoRecordOptions {
    QString path;                         ///< the .mp4 file
    bool withCharts = true;               ///< raster and charts, else the raster alone
    VideoClock clock = VideoClock::WallTime;
    int fps = 30;                         ///< frames per second of the video
    double msPerFrame = 10.0;             ///< model time per frame (model-time clock)
    double stopAfterS = 0.0;              ///< 0: until stopped; else wall s (wall clock) or model s (model clock)
};

class VideoRecorder : public QObject {
    Q_OBJECT
  public:
    /// `raster`: the raster view; `rasterAndCharts`: the widget holding both.
    VideoRecorder(SimController* controller, RasterView* raster, QWidget* rasterAndCharts, QObject* parent = nullptr);
    ~VideoRecorder() override;

    /// Starts; false (with `why`) if the file cannot be opened or nothing runs.
    bool start(const VideoRecordOptions& options, QString* why = nullptr);
    /// Finishes the file (renamed to its final name); emits finished or failed.
    void stop();
    bool isActive() const { return m_encoder != nullptr; }
    int frames() const { return m_frames; }
    /// Length of the video so far (s), frames / fps.
    double videoSeconds() const { return m_options.fps > 0 ? static_cast<double>(m_frames) / m_options.fps : 0.0; }
    /// Wall-clock time since start (s).
    double elapsedSeconds() const { return m_wall.isValid() ? m_wall.elapsed() / 1000.0 : 0.0; }
    /// Model time recorded so far (ms), from the first frame's start.
    double modelMsRecorded() const;
    const VideoRecordOptions& options() const { return m_options; }
    QSize frameSize() const { return m_size; }

  signals:
    void started();
    void frameWritten(int frames);
    void finished(const QString& path, int frames);
    void failed(const QString& message);

  private:
    QImage grabFrame() const;
    /// Writes `image` `times` times; false (and failed emitted) on error.
    bool write(const QImage& image, int times = 1);
    void onWallTick();
    void onSpikes();
    void stepOnce();
    void onPausedChanged(bool paused);
    void fail(const QString& message);
    bool durationReached() const;

    SimController* m_controller;
    QPointer<RasterView> m_raster;
    QPointer<QWidget> m_rasterAndCharts;
    VideoRecordOptions m_options;
    std::unique_ptr<FrameEncoder> m_encoder; ///< encodes on its own thread
    QSize m_size;
    int m_frames = 0;
    QTimer m_tick;
    QElapsedTimer m_wall;
    std::int64_t m_startStep = 0;  ///< model-time clock: the store's step at start
    std::int64_t m_stepsPerFrame = 1;
    std::int64_t m_nextStep = -1;  ///< the step the next frame waits for (-1: none)
    bool m_wasPaused = false;
    bool m_ownPause = false;       ///< the recorder itself is pausing (ignored by onPausedChanged)
};

} // namespace mc::ui
