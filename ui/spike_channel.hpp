// Hand-off of spikes from the engine thread to the GUI thread: a double
// buffer. The engine appends a chunk's spikes to the back buffer (the one
// copy on the way); the GUI swaps it with its (empty) front buffer and hands
// that to the consumers (store, raster, statistics). Both buffers keep their
// room, so after the first seconds nothing is allocated. The mutex is held
// only for the append or the swap, never while simulating or drawing.
//
// Never drops a spike and never makes the engine wait: when the GUI falls
// behind (a stalled event loop, a slow frame) the back buffer grows and the
// GUI takes all of it at its next drain. Only if memory runs out are spikes
// dropped, and then counted.
#pragma once

#include "microcircuit/spike_sink.hpp"

#include <cstdint>
#include <mutex>
#include <new>
#include <span>
#include <vector>

namespace mc::ui {

class SpikeChannel {
  public:
    /// Room reserved at the start (spikes): about 4 s of a scale-0.1 network,
    /// 0.2 s at full scale; the buffer grows beyond it when the GUI is late.
    static constexpr std::size_t kInitialRoom = std::size_t{1} << 16;

    SpikeChannel() { m_back.reserve(kInitialRoom); }

    /// Engine thread: appends spikes of network `generation`, simulated up to `endStep`.
    void push(std::span<const Spike> spikes, std::int64_t endStep, int generation) {
        std::lock_guard lock(m_mutex);
        if (generation != m_generation) {
            m_back.clear();
            m_generation = generation;
            m_dropped = 0;
            m_waiting = 0;
        }
        try {
            m_back.insert(m_back.end(), spikes.begin(), spikes.end());
        } catch (const std::bad_alloc&) {
            m_dropped += spikes.size(); // out of memory: counted, the run goes on
        }
        m_endStep = endStep;
        m_waiting += spikes.size();
        if (m_waiting > m_mostWaiting) m_mostWaiting = m_waiting;
    }

    struct Drained {
        std::int64_t endStep = -1; ///< -1: nothing from this generation yet
        std::uint64_t dropped = 0; ///< spikes lost for want of memory since the last take
    };

    /// GUI thread: takes everything of `generation` into `out` (cleared first).
    /// Data of another generation stays (it belongs to a network not yet announced).
    Drained take(int generation, std::vector<Spike>& out) {
        out.clear();
        std::lock_guard lock(m_mutex);
        if (generation != m_generation) return {};
        out.swap(m_back);
        Drained d{m_endStep, m_dropped};
        m_dropped = 0;
        m_waiting = 0;
        return d;
    }

    /// Most spikes the engine handed over between two takes (how far the GUI fell behind).
    std::size_t mostWaiting() {
        std::lock_guard lock(m_mutex);
        return m_mostWaiting;
    }

  private:
    std::mutex m_mutex;
    std::vector<Spike> m_back;
    std::int64_t m_endStep = -1;
    std::uint64_t m_dropped = 0;
    std::size_t m_waiting = 0;
    std::size_t m_mostWaiting = 0;
    int m_generation = 0;
};

} // namespace mc::ui
