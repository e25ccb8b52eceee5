#include "ui/video/frame_encoder.hpp"

#include "video/video_writer.hpp"

namespace mc::ui {

FrameEncoder::FrameEncoder(std::unique_ptr<video::VideoWriter> writer) : m_writer(std::move(writer)) {
    m_thread = std::thread([this] { run(); });
}

FrameEncoder::~FrameEncoder() {
    {
        std::lock_guard lock(m_mutex);
        m_closing = true;
        m_queue.clear();
    }
    m_changed.notify_all();
    if (m_thread.joinable()) m_thread.join();
    m_writer.reset(); // an unfinished video: its partial file is deleted
}

bool FrameEncoder::push(const QImage& image, int times, WhenBehind whenBehind) {
    if (times <= 0) return error().empty();
    std::unique_lock lock(m_mutex);
    if (whenBehind == WhenBehind::Wait)
        m_changed.wait(lock, [this] { return m_queue.size() < kMaxQueued || !m_error.empty(); });
    if (!m_error.empty() || m_closing) return false;
    if (m_queue.size() >= kMaxQueued && !m_queue.empty())
        m_queue.back().times += times; // behind: the newest picture stays on screen longer
    else
        m_queue.push_back({image, times});
    lock.unlock();
    m_changed.notify_all();
    return true;
}

void FrameEncoder::run() {
    for (;;) {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return !m_queue.empty() || m_closing; });
        if (m_queue.empty()) return; // closing, all written
        Item item = std::move(m_queue.front());
        m_queue.pop_front();
        lock.unlock();
        m_changed.notify_all();
        try {
            for (int i = 0; i < item.times; ++i)
                m_writer->addFrame(item.image.constBits(), item.image.bytesPerLine());
        } catch (const video::VideoError& e) {
            lock.lock();
            m_error = e.what();
            m_queue.clear();
            lock.unlock();
            m_changed.notify_all();
            return;
        }
    }
}

bool FrameEncoder::finish() {
    {
        std::lock_guard lock(m_mutex);
        m_closing = true;
    }
    m_changed.notify_all();
    if (m_thread.joinable()) m_thread.join();
    std::lock_guard lock(m_mutex);
    if (!m_error.empty()) {
        m_writer.reset();
        return false;
    }
    try {
        m_writer->finish();
    } catch (const video::VideoError& e) {
        m_error = e.what();
        m_writer.reset();
        return false;
    }
    m_writer.reset();
    return true;
}

std::string FrameEncoder::error() const {
    std::lock_guard lock(m_mutex);
    return m_error;
}

} // namespace mc::ui
