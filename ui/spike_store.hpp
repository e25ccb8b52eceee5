// The GUI's copy of the spikes of the current network, kept in step order,
// with incremental per-neuron counts and per-population 1 ms bins. Lives on
// the GUI thread; fed from the SpikeChannel by the controller.
#pragma once

#include "microcircuit/model.hpp"
#include "microcircuit/spike_sink.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace mc::ui {

class SpikeStore {
  public:
    /// Spikes kept at most (about 512 MB); older ones are discarded beyond it.
    static constexpr std::size_t kMaxSpikes = std::size_t{64} << 20;

    void reset(const DerivedParams& derived, double resolutionMs);
    /// Empties the store for the same network, keeping the room already
    /// allocated (a replay scrubbed backwards fills it again at once).
    void restart();
    /// Forgets every spike of step >= endStep and sets the end there (a replay
    /// scrubbed backwards). Costs only the spikes removed. Requires that none
    /// was discarded (discarded() == 0); otherwise it does nothing and returns false.
    bool truncate(std::int64_t endStep);
    /// Makes room for `spikes` in all (a replay knows its size: no growth beyond it).
    void reserve(std::size_t spikes) { m_spikes.reserve(std::min(spikes, kMaxSpikes)); }
    /// Appends a drained batch (sorted by step, continuing the previous one).
    void append(std::span<const Spike> spikes, std::int64_t endStep);

    std::int64_t endStep() const { return m_endStep; }
    double resolution() const { return m_h; }
    double timeMs() const { return static_cast<double>(m_endStep) * m_h; }
    std::int32_t neurons() const { return m_derived.total_neurons; }
    const DerivedParams& derived() const { return m_derived; }
    int populationOf(std::int32_t neuron) const;

    /// All stored spikes, sorted by step.
    std::span<const Spike> all() const { return m_spikes; }
    /// Spikes with fromStep <= step < toStep.
    std::span<const Spike> range(std::int64_t fromStep, std::int64_t toStep) const;
    /// Number of spikes ever discarded from the front (for ring-buffer mirrors).
    std::uint64_t discarded() const { return m_discarded; }
    /// First step still stored (0 unless old spikes were discarded).
    std::int64_t firstStoredStep() const { return m_firstStoredStep; }
    std::uint64_t totalSpikes() const { return m_total; }

    /// Spikes of neuron over the whole run so far.
    std::uint32_t countOf(std::int32_t neuron) const { return m_counts[neuron]; }
    /// Mean rate of a neuron since time 0 (Hz).
    double rateOf(std::int32_t neuron) const;
    /// Population-averaged rate (Hz) per population over [fromMs, toMs).
    std::array<double, kNumPops> populationRates(double fromMs, double toMs) const;
    /// Spike counts per population in 1 ms bins; bin b covers [b, b+1) ms.
    const std::vector<std::array<std::uint32_t, kNumPops>>& bins() const { return m_bins; }

  private:
    DerivedParams m_derived;
    double m_h = 0.1;
    std::int64_t m_endStep = 0;
    std::int64_t m_firstStoredStep = 0;
    std::vector<Spike> m_spikes;
    std::uint64_t m_discarded = 0;
    std::uint64_t m_total = 0;
    std::vector<std::uint32_t> m_counts;
    std::vector<std::array<std::uint32_t, kNumPops>> m_bins;
};

/// Per-neuron statistics over a time window, by population (for the charts and exports).
struct WindowStats {
    double fromMs = 0.0, toMs = 0.0;
    std::array<std::vector<float>, kNumPops> rates; ///< per-neuron rates (Hz), silent neurons included
    std::array<std::vector<float>, kNumPops> cvs;   ///< ISI CVs of neurons with >= 3 spikes
    std::array<double, kNumPops> meanRate{};
    std::array<double, kNumPops> sdRate{};
    std::array<double, kNumPops> meanCv{};
};
WindowStats computeWindowStats(const SpikeStore& store, double fromMs, double toMs);

} // namespace mc::ui
