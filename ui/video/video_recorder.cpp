#include "ui/video/video_recorder.hpp"

#include "ui/sim_controller.hpp"
#include "ui/video/frame_encoder.hpp"
#include "video/video_writer.hpp"

#include "ui/raster/raster_view.hpp"
#include <QPainter>
#include <QWidget>

#include <algorithm>
#include <cmath>

namespace mc::ui {

VideoRecorder::VideoRecorder(SimController* controller, RasterView* raster, QWidget* rasterAndCharts, QObject* parent)
    : QObject(parent), m_controller(controller), m_raster(raster), m_rasterAndCharts(rasterAndCharts) {
    m_tick.setTimerType(Qt::PreciseTimer);
    connect(&m_tick, &QTimer::timeout, this, &VideoRecorder::onWallTick);
    connect(m_controller, &SimController::spikesArrived, this, &VideoRecorder::onSpikes);
    connect(m_controller, &SimController::pausedChanged, this, &VideoRecorder::onPausedChanged);
    // A rebuild or another source ends what is being filmed.
    connect(m_controller, &SimController::buildStarted, this, [this] {
        if (isActive()) stop();
    });
}

VideoRecorder::~VideoRecorder() {
    // The window closes while recording: the video so far is kept (finished
    // and renamed). Nothing else is touched: the controller may be gone already.
    if (m_encoder) m_encoder->finish();
}

QImage VideoRecorder::grabFrame() const {
    if (!m_raster) return {};
    // The raster's labels, axis and markers are painted into its OpenGL
    // framebuffer after the spikes; QWidget::grab() shows the spikes only,
    // grabFramebuffer() both. So the raster comes from its framebuffer, drawn
    // over the grab of the widget around it.
    QImage raster = m_raster->grabFramebuffer().convertToFormat(QImage::Format_RGB32);
    if (!m_options.withCharts || !m_rasterAndCharts) return raster;
    QImage frame = m_rasterAndCharts->grab().toImage().convertToFormat(QImage::Format_RGB32);
    if (m_raster->isVisible()) {
        QPainter p(&frame);
        p.drawImage(QRect(m_raster->mapTo(m_rasterAndCharts.data(), QPoint(0, 0)), m_raster->size()), raster);
    }
    return frame;
}

bool VideoRecorder::start(const VideoRecordOptions& options, QString* why) {
    const auto refuse = [why](const QString& text) {
        if (why) *why = text;
        return false;
    };
    if (isActive()) return refuse("A video is being recorded already.");
    if (!m_controller->hasNetwork()) return refuse("There is nothing to record yet: no network is running.");
    if (options.fps < 1 || options.fps > 120) return refuse(QString("%1 frames/s: allowed 1 to 120.").arg(options.fps));
    if (options.clock == VideoClock::ModelTime && !(options.msPerFrame > 0.0 && options.msPerFrame <= 10000.0))
        return refuse(QString("%1 ms of model time per frame: allowed more than 0 and up to 10000.")
                          .arg(options.msPerFrame));
    if (!(options.stopAfterS >= 0.0)) return refuse("The duration must be 0 (until stopped) or more.");
    m_options = options;
    const QImage first = grabFrame();
    if (first.isNull()) return refuse("The view to record is not available.");
    // yuv420p needs even sides: the last odd row or column is left out.
    m_size = QSize(first.width() & ~1, first.height() & ~1);
    video::VideoOptions vo;
    vo.width = m_size.width();
    vo.height = m_size.height();
    vo.fps = options.fps;
    try {
        m_encoder =
            std::make_unique<FrameEncoder>(std::make_unique<video::VideoWriter>(options.path.toStdString(), vo));
    } catch (const video::VideoError& e) {
        return refuse(QString::fromStdString(e.what()));
    }
    m_frames = 0;
    m_wall.start();
    if (options.clock == VideoClock::WallTime) {
        if (!write(first)) return refuse(QString("The first frame could not be written."));
        m_tick.start(std::max(1, static_cast<int>(std::lround(1000.0 / options.fps))));
    } else {
        // The recorder advances the model itself, one frame's time at a time.
        const double h = m_controller->store().resolution();
        m_stepsPerFrame = std::max<std::int64_t>(1, std::llround(options.msPerFrame / h));
        m_wasPaused = m_controller->isPaused();
        m_ownPause = true;
        m_controller->pause();
        m_ownPause = false;
        m_startStep = m_controller->store().endStep();
        m_nextStep = m_startStep;
        stepOnce();
    }
    emit started();
    return true;
}

double VideoRecorder::modelMsRecorded() const {
    if (m_options.clock == VideoClock::ModelTime)
        return static_cast<double>(m_frames) * m_stepsPerFrame * m_controller->store().resolution();
    return m_frames * 1000.0 / std::max(1, m_options.fps) * m_controller->speed();
}

bool VideoRecorder::durationReached() const {
    if (m_options.stopAfterS <= 0.0) return false;
    if (m_options.clock == VideoClock::ModelTime)
        return static_cast<double>(m_frames * m_stepsPerFrame) * m_controller->store().resolution() >=
               m_options.stopAfterS * 1000.0 - 1e-9;
    return m_frames >= std::lround(m_options.stopAfterS * m_options.fps);
}

void VideoRecorder::stepOnce() {
    m_nextStep += m_stepsPerFrame;
    m_controller->step(static_cast<double>(m_stepsPerFrame) * m_controller->store().resolution());
}

bool VideoRecorder::write(const QImage& grabbed, int times) {
    if (!m_encoder) return false;
    QImage image = grabbed;
    if (image.size() != m_size) {
        // The window was resized: keep the video's size (crop an odd pixel, or scale).
        image = (image.width() - m_size.width() <= 1 && image.height() - m_size.height() <= 1 &&
                 image.width() >= m_size.width() && image.height() >= m_size.height())
                    ? image.copy(QRect(QPoint(0, 0), m_size))
                    : image.scaled(m_size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        image = image.convertToFormat(QImage::Format_RGB32);
    }
    const auto whenBehind = m_options.clock == VideoClock::WallTime ? FrameEncoder::WhenBehind::Hold
                                                                    : FrameEncoder::WhenBehind::Wait;
    if (!m_encoder->push(image, times, whenBehind)) {
        fail(QString::fromStdString(m_encoder->error()));
        return false;
    }
    m_frames += times;
    emit frameWritten(m_frames);
    return true;
}

void VideoRecorder::onWallTick() {
    if (!isActive()) return;
    // Frames follow the wall clock: a late tick repeats the picture so that
    // the video keeps the time the user saw (at most one second's worth).
    const qint64 due = m_wall.elapsed() * m_options.fps / 1000 + 1;
    int times = static_cast<int>(std::clamp<qint64>(due - m_frames, 0, m_options.fps));
    if (m_options.stopAfterS > 0.0)
        times = std::min<int>(times, static_cast<int>(std::lround(m_options.stopAfterS * m_options.fps)) - m_frames);
    if (times > 0 && !write(grabFrame(), times)) return;
    if (durationReached()) stop();
}

void VideoRecorder::onSpikes() {
    if (!isActive() || m_options.clock != VideoClock::ModelTime || m_nextStep < 0) return;
    if (m_controller->store().endStep() < m_nextStep) return;
    if (!write(grabFrame())) return;
    if (durationReached()) {
        stop();
        return;
    }
    stepOnce();
}

void VideoRecorder::onPausedChanged(bool paused) {
    if (!isActive() || m_ownPause) return;
    // Wall clock: pausing stops. Model clock: the simulation is paused while
    // the recorder steps it; the user's play/pause stops the recording.
    if (m_options.clock == VideoClock::WallTime ? paused : true) {
        m_wasPaused = m_controller->isPaused(); // the user's choice stands
        stop();
    }
}

void VideoRecorder::stop() {
    if (!m_encoder) return;
    m_tick.stop();
    m_nextStep = -1;
    std::unique_ptr<FrameEncoder> encoder = std::move(m_encoder);
    const int frames = m_frames;
    if (m_options.clock == VideoClock::ModelTime && !m_wasPaused && m_controller->isPaused()) {
        m_ownPause = true;
        m_controller->resume();
        m_ownPause = false;
    }
    // Waits for the frames still queued (at most FrameEncoder::kMaxQueued pictures).
    if (!encoder->finish()) {
        emit failed(QString::fromStdString(encoder->error()));
        return;
    }
    emit finished(m_options.path, frames);
}

void VideoRecorder::fail(const QString& message) {
    m_tick.stop();
    m_nextStep = -1;
    m_encoder.reset(); // deletes the partial file
    if (m_options.clock == VideoClock::ModelTime && !m_wasPaused && m_controller->isPaused()) {
        m_ownPause = true;
        m_controller->resume();
        m_ownPause = false;
    }
    emit failed(message + " Recording stopped; the partial video was deleted.");
}

} // namespace mc::ui
