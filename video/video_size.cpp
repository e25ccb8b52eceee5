#include "video/video_writer.hpp"

namespace mc::video {

std::string videoSizeProblem(int width, int height) {
    const std::string size = std::to_string(width) + " x " + std::to_string(height) + " pixels";
    if (width < kMinVideoSide || height < kMinVideoSide || width > kMaxVideoSide || height > kMaxVideoSide)
        return size + " is outside " + std::to_string(kMinVideoSide) + ".." + std::to_string(kMaxVideoSide) +
               " pixels per side";
    if (width % 2 != 0 || height % 2 != 0) return size + ": width and height must be even (H.264 in yuv420p)";
    return {};
}

} // namespace mc::video
