// `microcircuit render DIR --video out.mp4`: a recorded spike folder as a
// raster movie, without a display (Qt's offscreen platform, QImage frames).
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace mc::ui {

struct RenderRequest {
    std::string folder;               ///< anything mc::readRecording reads
    std::string output;               ///< the .mp4 file
    std::optional<double> fromMs;     ///< first time shown; default: the end of the warm-up, else 0
    std::optional<double> toMs;       ///< last time shown; default: the end of the recording
    int fps = 30;                     ///< frames per second of the video
    std::optional<double> msPerFrame; ///< model time per frame; default 1000 / fps (real time)
    int width = 1280, height = 720;   ///< frame size (pixels, even)
    double windowMs = 500.0;          ///< width of the raster's time window
};

/// What renderVideo made.
struct RenderResult {
    int frames = 0;
    double fromMs = 0.0, toMs = 0.0, msPerFrame = 0.0;
};

/// Number of frames for the interval from..to at msPerFrame: frame k
/// (0-based) shows the raster up to from + (k + 1) * msPerFrame.
int movieFrameCount(double fromMs, double toMs, double msPerFrame);

/// Reads the folder and writes the video (through a temporary file renamed
/// at the end: nothing is left under the final name on failure). Throws
/// mc::ConfigError for bad input (folder, interval, size) and mc::WriteError
/// when the video cannot be written or no H.264 encoder exists.
/// `progress` gets the fraction of frames done.
RenderResult renderVideo(const RenderRequest& request, const std::function<void(double)>& progress = {});

} // namespace mc::ui
