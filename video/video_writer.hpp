// Writes frames to an MP4 file (H.264, yuv420p) through FFmpeg's libraries.
//
// The file appears under its final name only when finish() succeeds: frames
// go to "<path>.part", which finish() renames; a failure, or destroying the
// writer without finish(), deletes the partial file. The MP4 index is moved
// to the front ("faststart"), so players and slides start without reading it all.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace mc::video {

/// Why a video could not be written. `kind` separates what the user can fix
/// (bad size, a place that cannot be written) from a missing encoder.
class VideoError : public std::runtime_error {
  public:
    enum class Kind {
        NoEncoder, ///< this FFmpeg has no usable H.264 encoder
        BadInput,  ///< size or frame rate outside what the encoder accepts
        Write,     ///< the file could not be created or written (disk full, permissions, ...)
    };
    VideoError(Kind kind, const std::string& what) : std::runtime_error(what), m_kind(kind) {}
    Kind kind() const { return m_kind; }

  private:
    Kind m_kind;
};

struct VideoOptions {
    int width = 1280;  ///< pixels; even (yuv420p halves the colour planes)
    int height = 720;  ///< pixels; even
    int fps = 30;      ///< frames per second of the video
    int crf = 20;      ///< x264 constant rate factor: lower is better and larger (18-23 is good for slides)
};

/// Size limits of a video frame (pixels), checked by VideoWriter.
inline constexpr int kMinVideoSide = 16;
inline constexpr int kMaxVideoSide = 8192;

/// Why `width` x `height` cannot be a video frame, or empty if it can.
std::string videoSizeProblem(int width, int height);

/// The name of the H.264 encoder that will be used ("libx264"), or empty
/// if this FFmpeg has none.
std::string h264EncoderName();

class VideoWriter {
  public:
    /// Opens "<path>.part" for writing. Throws VideoError.
    VideoWriter(const std::string& path, const VideoOptions& options);
    /// Without a successful finish(): the partial file is deleted.
    ~VideoWriter();
    VideoWriter(const VideoWriter&) = delete;
    VideoWriter& operator=(const VideoWriter&) = delete;

    /// Appends one frame of width x height pixels, 4 bytes each in the CPU's
    /// byte order of 0xAARRGGBB (QImage::Format_RGB32 / ARGB32); `stride`:
    /// bytes per row. Throws VideoError (the partial file is deleted then).
    void addFrame(const std::uint8_t* pixels, std::ptrdiff_t stride);
    /// Flushes the encoder, writes the index and renames the file to its
    /// final name. Throws VideoError (nothing is left under either name then).
    void finish();
    /// Stops and deletes the partial file (also done by the destructor).
    void abort();

    int frames() const { return m_frames; }
    const std::string& path() const { return m_path; }
    const VideoOptions& options() const { return m_options; }

  private:
    struct Impl;
    [[noreturn]] void fail(VideoError::Kind kind, const std::string& what);
    std::string m_path;
    VideoOptions m_options;
    std::unique_ptr<Impl> m_impl;
    int m_frames = 0;
};

} // namespace mc::video
