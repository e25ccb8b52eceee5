// Where spikes go: an interface the engine calls on the engine thread.
#pragma once

#include <cstdint>
#include <span>

namespace mc {

/// One spike: neuron index (0-based, populations contiguous in index order) and
/// the step in which it was emitted. Its time stamp is (step + 1) * resolution.
struct Spike {
    std::int32_t neuron;
    std::int32_t step;
};

class SpikeSink {
public:
    virtual ~SpikeSink() = default;
    /// Called on the engine thread after each run() chunk with the chunk's
    /// spikes, sorted by step and then neuron. `endStep` is the first step not
    /// yet simulated (so a sink knows time advanced even without spikes).
    virtual void onSpikes(std::span<const Spike> spikes, std::int64_t endStep) = 0;
};

} // namespace mc
