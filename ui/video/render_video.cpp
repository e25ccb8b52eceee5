#include "ui/video/render_video.hpp"

#include "ui/video/movie_frame.hpp"
#include "video/video_writer.hpp"

#include "figures/figure_writer.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/recording.hpp"

#include <QFileInfo>

#include <cmath>
#include <filesystem>

namespace mc::ui {

int movieFrameCount(double fromMs, double toMs, double msPerFrame) {
    // A frame covers msPerFrame of model time; a last partial frame is kept.
    return static_cast<int>(std::ceil((toMs - fromMs) / msPerFrame - 1e-9));
}

namespace {

std::string num(double x) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%g", x);
    return buf;
}

} // namespace

RenderResult renderVideo(const RenderRequest& r, const std::function<void(double)>& progress) {
    if (const std::string problem = video::videoSizeProblem(r.width, r.height); !problem.empty())
        throw ConfigError("--size: " + problem);
    if (r.fps < 1 || r.fps > 240) throw ConfigError("--fps " + std::to_string(r.fps) + ": allowed 1..240 frames/s");
    if (r.msPerFrame && !(*r.msPerFrame > 0.0 && *r.msPerFrame <= 60000.0))
        throw ConfigError("--ms-per-frame " + num(*r.msPerFrame) + ": allowed > 0 and <= 60000 ms");
    if (!(r.windowMs > 0.0 && r.windowMs <= 1e6)) throw ConfigError("--window " + num(r.windowMs) + ": allowed > 0 ms");

    figures::ensureGuiApplication();
    const SpikeData data = readRecording(r.folder);
    RenderResult out;
    const double end = data.tEnd > 0.0 ? data.tEnd : data.lastSpikeMs;
    out.fromMs = r.fromMs.value_or(data.tPresim > 0.0 && data.tPresim < end ? data.tPresim : 0.0);
    out.toMs = r.toMs.value_or(end);
    out.msPerFrame = r.msPerFrame.value_or(1000.0 / r.fps);
    if (!(out.fromMs >= 0.0)) throw ConfigError("--from " + num(out.fromMs) + ": allowed >= 0 ms");
    if (!(out.toMs > out.fromMs))
        throw ConfigError("--to " + num(out.toMs) + " ms must lie after --from " + num(out.fromMs) + " ms" +
                          (r.toMs ? "" : " (the recording ends at " + num(end) + " ms)"));
    const int frames = movieFrameCount(out.fromMs, out.toMs, out.msPerFrame);
    if (frames > 1000000)
        throw ConfigError("--from/--to/--ms-per-frame: " + std::to_string(frames) +
                          " frames; at most 1000000 (give a larger --ms-per-frame)");

    const MovieSpikes spikes(data);
    MovieFrameOptions options;
    options.windowMs = r.windowMs;
    options.title = QFileInfo(QString::fromStdString(r.folder)).absoluteFilePath().section('/', -1);
    if (std::abs(out.msPerFrame * r.fps - 1000.0) > 1e-6)
        options.title += QString("  (%1× slow motion)").arg(1000.0 / (out.msPerFrame * r.fps), 0, 'g', 3);
    QImage image(r.width, r.height, QImage::Format_RGB32);
    try {
        video::VideoWriter writer(r.output, {r.width, r.height, r.fps});
        for (int k = 0; k < frames; ++k) {
            options.tEndMs = std::min(out.toMs, out.fromMs + (k + 1) * out.msPerFrame);
            paintMovieFrame(image, spikes, options);
            writer.addFrame(image.constBits(), image.bytesPerLine());
            if (progress) progress(static_cast<double>(k + 1) / frames);
        }
        writer.finish();
    } catch (const video::VideoError& e) {
        if (e.kind() == video::VideoError::Kind::BadInput) throw ConfigError(e.what());
        throw WriteError(e.what());
    }
    out.frames = frames;
    return out;
}

} // namespace mc::ui
