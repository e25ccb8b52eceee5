// Encodes a recording's frames on a thread of its own, so that the window
// (and the raster being filmed) never waits for the H.264 encoder.
#pragma once

#include <QImage>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace mc::video {
class VideoWriter;
}

namespace mc::ui {

class FrameEncoder {
  public:
    /// Takes the open writer; frames must have its size, in Format_RGB32.
    explicit FrameEncoder(std::unique_ptr<video::VideoWriter> writer);
    /// Without finish(): stops, and the partial file is deleted.
    ~FrameEncoder();

    /// How a full queue is handled.
    enum class WhenBehind {
        Hold, ///< wall clock: repeat the newest picture queued (the timing stays, the picture waits)
        Wait, ///< model clock: wait for room (every picture is kept)
    };
    /// Queues `image` to be written `times` times. False once the encoder
    /// failed (error() says why); nothing more is written then.
    bool push(const QImage& image, int times, WhenBehind whenBehind);
    /// Writes what is queued and finishes the file (renamed to its final
    /// name). False (error() says why) if that failed: no file is left.
    bool finish();
    std::string error() const;

    /// Pictures waiting (a repeated picture counts once).
    static constexpr std::size_t kMaxQueued = 24;

  private:
    void run();
    struct Item {
        QImage image;
        int times;
    };
    std::unique_ptr<video::VideoWriter> m_writer;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Item> m_queue;
    bool m_closing = false;
    std::string m_error;
    std::thread m_thread;
};

} // namespace mc::ui
