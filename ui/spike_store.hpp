// The GUI's copy of the spikes of the current network, kept in step order,
// with incremental per-neuron counts and per-population 1 ms bins. Lives on
// the GUI thread; fed from the SpikeChannel by the controller.
//
// Memory: 8 bytes per spike (the engine's record: 4-byte neuron, 4-byte
// step) in one anonymous mapping that grows in place or is moved by the
// kernel's page tables (mremap), never copied: no 2x peak while growing, and
// room reserved but not yet written costs no resident memory. Spikes are
// never dropped: exports need every one.
#pragma once

#include "microcircuit/model.hpp"
#include "microcircuit/spike_sink.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace mc::ui {

/// A growable array of spikes whose growth never copies them (see above).
class SpikeArray {
  public:
    SpikeArray() = default;
    SpikeArray(const SpikeArray&) = delete;
    SpikeArray& operator=(const SpikeArray&) = delete;
    ~SpikeArray();

    Spike* data() { return m_data; }
    const Spike* data() const { return m_data; }
    std::size_t size() const { return m_size; }
    std::size_t capacity() const { return m_capacity; }
    /// Room for n spikes (address space; pages become resident when written).
    void reserve(std::size_t n);
    void append(std::span<const Spike> spikes);
    /// Keeps the first n spikes and gives the pages beyond them back to the system.
    void truncate(std::size_t n);
    /// Empties the array; `release` also returns its address space.
    void clear(bool release);

  private:
    Spike* m_data = nullptr;
    std::size_t m_size = 0;
    std::size_t m_capacity = 0;
};

class SpikeStore {
  public:
    /// Bytes the store keeps per spike (besides its 1 ms bins: 32 bytes per ms).
    static constexpr std::size_t kBytesPerSpike = sizeof(Spike);

    void reset(const DerivedParams& derived, double resolutionMs);
    /// Empties the store for the same network, keeping the room already
    /// allocated (a replay scrubbed backwards fills it again at once).
    void restart();
    /// Forgets every spike of step >= endStep and sets the end there (a replay
    /// scrubbed backwards). Costs only the spikes removed. Always succeeds (the
    /// store never discards spikes); the result is kept for older callers.
    bool truncate(std::int64_t endStep);
    /// Makes room for `spikes` in all (a replay knows its size: no growth beyond it).
    void reserve(std::size_t spikes) { m_spikes.reserve(spikes); }
    /// Appends a drained batch of spikes of steps < endStep (the first step not
    /// yet simulated). It need not be sorted: the store sorts such a batch by
    /// (step, neuron), so all() stays sorted by step and each neuron's spikes
    /// in time order. Spikes of steps >= endStep (a thread ahead of the time
    /// reported) wait until endStep passes them; spikes of steps before the
    /// previous endStep (a broken promise) are merged into place, counted in
    /// lateSpikes() and rewrites(). Nothing is ever dropped.
    void append(std::span<const Spike> spikes, std::int64_t endStep);

    std::int64_t endStep() const { return m_endStep; }
    double resolution() const { return m_h; }
    double timeMs() const { return static_cast<double>(m_endStep) * m_h; }
    std::int32_t neurons() const { return m_derived.total_neurons; }
    const DerivedParams& derived() const { return m_derived; }
    int populationOf(std::int32_t neuron) const;

    /// All stored spikes, sorted by step (valid until the next append).
    std::span<const Spike> all() const { return {m_spikes.data(), m_spikes.size()}; }
    /// Spikes with fromStep <= step < toStep.
    std::span<const Spike> range(std::int64_t fromStep, std::int64_t toStep) const;
    /// Always 0: the store keeps every spike (kept for ring-buffer mirrors).
    std::uint64_t discarded() const { return 0; }
    /// Always 0: the store keeps every spike from the start of the run.
    std::int64_t firstStoredStep() const { return 0; }
    /// Spikes in all() (those still waiting for their step are not counted).
    std::uint64_t totalSpikes() const { return m_total; }
    /// Changes whenever spikes already in all() moved or went away (reset,
    /// restart, truncate, a late spike merged into place): a reader that keeps
    /// an index into all() must start again when it changes.
    std::uint64_t rewrites() const { return m_rewrites; }
    /// Spikes that arrived after a spike of a later step had been stored.
    std::uint64_t lateSpikes() const { return m_late; }
    /// Address space reserved for spikes (bytes); resident is at most size * 8 rounded to pages.
    std::size_t reservedBytes() const { return m_spikes.capacity() * sizeof(Spike); }

    /// Spikes of neuron over the whole run so far.
    std::uint32_t countOf(std::int32_t neuron) const { return m_counts[neuron]; }
    /// Mean rate of a neuron since time 0 (Hz).
    double rateOf(std::int32_t neuron) const;
    /// Population-averaged rate (Hz) per population over [fromMs, toMs).
    std::array<double, kNumPops> populationRates(double fromMs, double toMs) const;
    /// Spike counts per population in 1 ms bins; bin b covers [b, b+1) ms.
    const std::vector<std::array<std::uint32_t, kNumPops>>& bins() const { return m_bins; }

  private:
    void count(const Spike& s, int sign);

    DerivedParams m_derived;
    double m_h = 0.1;
    std::int64_t m_endStep = 0;
    SpikeArray m_spikes;
    std::vector<Spike> m_sorted;  // scratch for a batch that arrived unsorted
    std::vector<Spike> m_pending; // spikes of steps >= m_endStep, sorted
    std::uint64_t m_total = 0;
    std::uint64_t m_rewrites = 0;
    std::uint64_t m_late = 0;
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

/// One neuron's spikes in a window: their number and the sum and sum of
/// squares of its inter-spike intervals, in steps (exact integers).
struct IsiSums {
    std::uint32_t count = 0;
    std::int64_t sum = 0;
    std::uint64_t sumSq = 0;
};

/// The ISI CV of a neuron from its exact sums: sqrt(k Q - S^2) / S with k the
/// number of intervals (the step length cancels); 0 when S is 0.
double isiCv(const IsiSums& n);

/// WindowStats from per-neuron sums over a window of `steps` steps (the one
/// place where rates and CVs are formed, for the recomputation and the
/// incremental accumulators alike, so both give the same numbers bit for bit).
WindowStats windowStatsFrom(std::span<const IsiSums> neurons, const DerivedParams& derived, double fromMs,
                            double toMs);

/// Recomputes the statistics from the stored spikes whose time stamp
/// (step + 1) h lies in [fromMs, toMs). Cost: the spikes in the window plus the neurons.
WindowStats computeWindowStats(const SpikeStore& store, double fromMs, double toMs);
/// The same over the spikes of steps [fromStep, toStep) (time stamps in [(fromStep+1) h, (toStep+1) h)).
WindowStats computeWindowStatsSteps(const SpikeStore& store, std::int64_t fromStep, std::int64_t toStep);

} // namespace mc::ui
