// A build without FFmpeg's libraries: every video says why it cannot be made.
#include "video/video_writer.hpp"

namespace mc::video {

namespace {
const char* const kNoVideo = "this build of microcircuit has no video support: it was built without FFmpeg's "
                             "libraries (Debian's libavformat-dev, libavcodec-dev, libswscale-dev, libavutil-dev)";
}

std::string h264EncoderName() {
    return {};
}

struct VideoWriter::Impl {};

VideoWriter::VideoWriter(const std::string& path, const VideoOptions& options) : m_path(path), m_options(options) {
    throw VideoError(VideoError::Kind::NoEncoder, kNoVideo);
}
VideoWriter::~VideoWriter() = default;
void VideoWriter::abort() {}
void VideoWriter::fail(VideoError::Kind kind, const std::string& what) {
    throw VideoError(kind, what);
}
void VideoWriter::addFrame(const std::uint8_t*, std::ptrdiff_t) {
    throw VideoError(VideoError::Kind::NoEncoder, kNoVideo);
}
void VideoWriter::finish() {
    throw VideoError(VideoError::Kind::NoEncoder, kNoVideo);
}

} // namespace mc::video
