// Hand-off of spikes from the engine thread to the GUI thread: a double
// buffer. The engine appends a chunk's spikes to the back buffer; the GUI
// swaps it with its (empty) front buffer. The mutex is held only for the
// append (a memcpy) or the swap, never while simulating or drawing.
#pragma once

#include "microcircuit/spike_sink.hpp"

#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

namespace mc::ui {

class SpikeChannel {
  public:
    /// Most spikes held between two drains; beyond it spikes are dropped and counted.
    static constexpr std::size_t kCapacity = 32u << 20;

    /// Engine thread: appends spikes of network `generation`, simulated up to `endStep`.
    void push(std::span<const Spike> spikes, std::int64_t endStep, int generation) {
        std::lock_guard lock(m_mutex);
        if (generation != m_generation) {
            m_back.clear();
            m_generation = generation;
            m_dropped = 0;
        }
        const std::size_t room = kCapacity > m_back.size() ? kCapacity - m_back.size() : 0;
        const std::size_t n = std::min(room, spikes.size());
        m_back.insert(m_back.end(), spikes.begin(), spikes.begin() + static_cast<std::ptrdiff_t>(n));
        m_dropped += spikes.size() - n;
        m_endStep = endStep;
    }

    struct Drained {
        std::int64_t endStep = -1; ///< -1: nothing from this generation yet
        std::uint64_t dropped = 0;
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
        return d;
    }

  private:
    std::mutex m_mutex;
    std::vector<Spike> m_back;
    std::int64_t m_endStep = -1;
    std::uint64_t m_dropped = 0;
    int m_generation = 0;
};

} // namespace mc::ui
