// Per-neuron statistics of the last few seconds, kept up to date as spikes
// arrive instead of recomputed from the stored spikes at each refresh.
//
// For each neuron: its spike count and the sum and sum of squares of its
// inter-spike intervals (in steps, exact integers) over the window, and its
// last spike. Each spike in the window keeps one number, the interval to
// the neuron's next spike once that arrives (4 bytes; the spike itself is
// read from the store), so when the window's start passes a spike its count
// and interval leave the sums exactly. The window is the one
// computeWindowStats uses: time stamps in [max(0, now - window), now), now
// the store's end, so the results equal the recomputation bit for bit.
//
// Work per update: the spikes that arrived and left since the last one, plus
// one pass over the neurons to form rates and CVs (77,169 at full scale). A
// changed store (rewrites(): a new network, a replay scrubbed back, a late
// spike merged into place) or a gap longer than the window costs one pass
// over the spikes in the window instead. Qt-free (tested headless).
#pragma once

#include "ui/spike_store.hpp"

#include <cstdint>
#include <vector>

namespace mc::ui {

class WindowAccumulator {
  public:
    explicit WindowAccumulator(double windowMs) : m_windowMs(windowMs) {}

    /// Brings the sums up to the store's end and returns the statistics of the window.
    WindowStats update(const SpikeStore& store);
    /// Forgets everything (the next update starts from the store's window).
    void reset();
    /// The window [fromStep, toStep) of spike steps at the last update.
    std::int64_t fromStep() const { return m_from; }
    std::int64_t toStep() const { return m_to; }
    /// Per-neuron sums at the last update (for tests).
    const std::vector<IsiSums>& sums() const { return m_sums; }
    /// Spikes read from the store so far and full rebuilds (for tests and the docs' bounds).
    std::uint64_t spikesRead() const { return m_read; }
    std::uint64_t rebuilds() const { return m_rebuilds; }

  private:
    void rebuild(const SpikeStore& store);
    void add(const Spike& s, std::size_t index);
    void removeOldest(const SpikeStore& store);
    std::int32_t& nextInterval(std::size_t index) { return m_next[index & (m_next.size() - 1)]; }

    double m_windowMs;
    std::uint64_t m_rewrites = ~std::uint64_t{0};
    std::int32_t m_neurons = -1;
    double m_h = 0.0;
    std::int64_t m_from = 0, m_to = 0;
    // The window's spikes are the store's [m_begin, m_end); m_next is a ring
    // (a power of two long) of their intervals to the next spike (-1: none yet).
    std::size_t m_begin = 0, m_end = 0;
    std::vector<std::int32_t> m_next;
    std::vector<IsiSums> m_sums;
    std::vector<std::int32_t> m_lastStep;    // per neuron, -1: none
    std::vector<std::size_t> m_lastIndex;    // per neuron: store index of its last spike
    std::uint64_t m_read = 0, m_rebuilds = 0;
};

} // namespace mc::ui
