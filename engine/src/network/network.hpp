// The built network: compact synapse storage and neuron state.
//
// Layout (see docs/performance.md): neurons are split into shards, contiguous
// index ranges each owned by one worker during a step. A shard stores, for
// every source neuron and every delay d (in steps), one contiguous segment of
// the source's synapses onto the shard's neurons with that delay. At step t a
// shard walks the spikes of step t - d and adds only their delay-d segments,
// so all writes of a step land in one small per-shard accumulator that stays
// in cache. Weights are integer codes and the accumulators are integers, so
// sums are exact and do not depend on the order of delivery: any sharding and
// any thread count give bit-identical spikes.
#pragma once

#include "microcircuit/model.hpp"
#include "microcircuit/params.hpp"
#include "microcircuit/simulation.hpp"
#include "huge_pages.hpp"
#include "parallel.hpp"
#include "random.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <memory>
#include <vector>

namespace mc::detail {

/// A synapse in 32 bits: target index within the shard (high 16 bits) and
/// signed weight code (low 16 bits) in accumulator units (Network::weightUnit),
/// so delivery is one shift, one sign extension and one add per synapse.
inline constexpr int kCodeBits = 16;
inline constexpr std::int32_t kMaxCode = 32767;
inline constexpr std::int32_t kMaxShardNeurons = 1 << (32 - kCodeBits);
inline std::uint32_t packSynapse(std::int32_t localTarget, std::int32_t code) {
    return (static_cast<std::uint32_t>(localTarget) << kCodeBits) | static_cast<std::uint16_t>(code);
}
inline std::int32_t synapseTarget(std::uint32_t syn) { return static_cast<std::int32_t>(syn >> kCodeBits); }
inline std::int32_t synapseCode(std::uint32_t syn) { return static_cast<std::int16_t>(static_cast<std::uint16_t>(syn)); }

/// A segment waiting in a shard's queue: synapses [begin, end) and whether
/// their source is inhibitory.
struct QueuedSegment {
    std::uint32_t begin, end;
    std::uint32_t inhibitory;
};

/// Sources of synapses by class: the 8 populations, then the thalamus.
inline constexpr int kThalamus = kNumPops;
inline constexpr int kColumns = kNumPops + 1;

/// Constants of one population's neuron update, from the current
/// configuration (prepareNeurons, live_apply.cpp).
struct PopulationConstants {
    float P11 = 0, P21 = 0, P22 = 0, P20 = 0; ///< exact-integration propagators
    float theta = 0, vReset = 0;              ///< threshold and reset relative to E_L (mV)
    std::int32_t refractorySteps = 0;
    double iConst = 0.0;                      ///< DC drive, K_scaling compensation and I_e (pA)
    float wExt = 0.0f;                        ///< Poisson background weight (pA)
};

/// How the stored weight codes map to currents after live weight changes.
/// A synapse from class x onto population y adds code * weightUnit * unitEx[y]
/// (excitatory and thalamic sources) or * unitIn[y] (inhibitory sources), and
/// its code is round(base code * rho[y][x]). Changes that scale all sources
/// of a sign alike (g, PSP_exc_mean) only change the units; a change of one
/// projection rewrites that projection's codes (see live_apply.cpp).
struct WeightScaling {
    PopArray unitEx = uniform(1.0), unitIn = uniform(1.0);
    std::array<std::array<double, kColumns>, kNumPops> rho = [] {
        std::array<std::array<double, kColumns>, kNumPops> r{};
        for (auto& row : r) row.fill(1.0);
        return r;
    }();
    /// Excitatory and inhibitory input need separate accumulators only while
    /// some population scales them differently; otherwise one signed sum per
    /// neuron halves the memory that delivery writes to.
    bool split = false;
    /// The codes as built of one shard's synapses from one source class,
    /// saved population by population just before the codes of the
    /// synapses onto that population are first rewritten; until then the
    /// codes in the shard are the built ones.
    struct BaseCodes {
        std::unique_ptr<std::int16_t[]> codes; ///< per synapse from `begin` (null until first needed)
        std::uint32_t begin = 0;               ///< index of the first synapse of the class in the shard
        std::uint32_t saved = 0;               ///< bit y: the codes of synapses onto population y are saved
    };
    /// Per shard and source class.
    std::vector<std::array<BaseCodes, kColumns>> base;
};

/// Written by one worker while the others read their own shards: aligned to
/// cache lines so that no line holds parts of two shards.
struct alignas(64) Shard {
    std::int32_t first = 0; ///< first neuron (global index)
    std::int32_t count = 0; ///< number of neurons
    std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>> synapses;
    /// Segment (source s, delay d) is [offsets[s*D + d-1], offsets[s*D + d]).
    std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>> offsets;
    /// Input in weight units, Network::inputSlots blocks of 2 * half(): the
    /// block of step t is accumulator(t). In it, for the shard's neuron
    /// first + i: [i] the signed sum, or, while WeightScaling::split, [i] excitatory
    /// and [half() + i] inhibitory (magnitude).
    ///
    /// The update loop reads and writes a neuron's input, V, current and
    /// refractory counter together. It runs up to 80% slower when these
    /// arrays' addresses differ in their low 12 bits (the processor then
    /// holds loads back behind recent stores to other arrays that match
    /// them in those bits: "4K aliasing"), so every accumulator has the 4 KB page offset of the
    /// neuron state (page-aligned arrays indexed by neuron): blocks and
    /// halves are whole pages apart and start lead() values in.
    std::vector<std::int32_t, HugePageAllocator<std::int32_t>> input;
    std::int32_t* accumulator(std::int64_t t, int slots) {
        return input.data() + lead() + static_cast<std::size_t>(t % slots) * 2 * half();
    }
    static constexpr std::int32_t kPageValues = 1024; ///< 4-byte values per 4 KB page
    std::int32_t lead() const { return first % kPageValues; }
    /// count rounded up to whole pages of 4-byte values.
    std::size_t half() const { return static_cast<std::size_t>((count + kPageValues - 1) / kPageValues * kPageValues); }
    /// Size of `input` for `slots` accumulators.
    std::size_t inputSize(int slots) const { return kPageValues + static_cast<std::size_t>(slots) * 2 * half(); }
    /// Ring mode only: the delay (steps) of every synapse, parallel to `synapses`.
    std::vector<std::uint8_t> delays;
    /// Ring mode only: source s's synapses (all delays) are
    /// [sourceBegin[s], sourceBegin[s + 1]).
    std::vector<std::uint32_t> sourceBegin;
    std::vector<Spike> recorded; ///< this run() call's spikes, when recording
    /// Probed neurons of this shard: {global neuron, probe index}.
    std::vector<std::array<std::int32_t, 2>> probes;
    /// Queue mode only: segments due at step t are in queue[t % H] (H = D + 1 slots).
    std::vector<std::vector<QueuedSegment>> queue;
    alignas(64) std::array<std::int64_t, kNumPops> spikeCounts{}; ///< written every step
};

/// Poisson counts by inversion: count = number of thresholds <= u.
struct PoissonTable {
    std::vector<std::uint32_t> cdf; ///< cumulative probabilities scaled to 2^32
};
PoissonTable makePoissonTable(double mean);

/// Samples the integer delay (in steps) of one synapse class.
struct DelayDistribution {
    AliasTable table; ///< index k -> delay k + 1 steps
    int maxSteps = 1;
};
DelayDistribution makeDelayDistribution(double mean, double sd, double h);

struct Network {
    Config config;          ///< the current configuration (live changes applied)
    DerivedParams derived;  ///< derived from it as the network runs it (deriveLive)
    Config built;           ///< the configuration the network was built from
    DerivedParams builtDerived;
    std::unique_ptr<Workers> workers;
    /// Simulation::setThreadLimit: how many workers may step, and how many do.
    const std::atomic<int>* threadLimit = nullptr;
    std::atomic<int>* threadsStepping = nullptr;
    int delaySlots = 1;        ///< D: largest delay in steps
    /// Delivery mode (prepareDelivery). Queue mode: the delay-d segments of
    /// a spike wait in the queue of their due step, then are added to the
    /// accumulator of that step, one of two per shard (large networks: long
    /// segments, accumulators in cache; step t + 1's is filled while the
    /// workers wait for each other at the end of step t). Ring mode: a ring
    /// of accumulators, one per step up to the largest delay, small enough
    /// for the L2 cache; each spike's synapses are added in one pass, each
    /// into the slot of its due step (small networks, whose segments are too
    /// short to queue).
    bool ring = false;
    int inputSlots = 2; ///< accumulators per shard
    std::int32_t numSources = 0; ///< neurons plus thalamic neurons
    std::vector<Shard> shards;

    /// Per source: 1 for inhibitory sources.
    std::vector<std::uint8_t> sourceInh;
    /// Largest delay (steps) among a source's synapses: delivery skips older spikes.
    std::vector<std::uint16_t> sourceMaxDelay;
    double weightUnit = 1.0; ///< pA per accumulator unit and weight code step
    std::int64_t numSynapses = 0;

    // Neuron state (v relative to E_L), structure of arrays over all neurons.
    std::vector<float, HugePageAllocator<float>> v, current; ///< current = I_ex + I_in (one tau_syn)
    std::vector<std::int32_t, HugePageAllocator<std::int32_t>> refractory;
    std::array<PopulationConstants, kNumPops> pops;
    WeightScaling scaling;
    std::array<PoissonTable, kNumPops> poisson;
    std::int32_t poissonDelaySteps = 0;
    PoissonTable thalamicPoisson;

    // Spikes of the last D + 1 steps (ring of H = D + 1 slots). A slot holds
    // one list per shard (written by that shard's worker) and, last, the
    // thalamic neurons' list; each list is sorted by source index.
    std::vector<std::vector<std::vector<std::int32_t>>> history;

    std::int64_t step = 0;
    LiveParams live; ///< the factors last given to Simulation::setLive
    /// Per worker when timing phases (Simulation::setPhaseTiming), else empty.
    struct alignas(64) WorkerPhases {
        PhaseTimes times;
    };
    std::vector<WorkerPhases> phases;
    /// The pulses and transients as given ([start, end) steps of th_start,
    /// dc_transient_start, ...); when they reach the neurons depends on
    /// deviceDelaySteps (thalamicFires, dcTransientOn).
    std::vector<std::array<std::int64_t, 2>> thalamicPulses;
    std::vector<std::array<std::int64_t, 2>> dcTransients;
    /// stim.timing "nest": the steps of NEST's default 1 ms delay between a
    /// device and its targets; "exact": 0.
    std::int64_t deviceDelaySteps = 0;
    double buildSeconds = 0.0;
    /// Probes (Simulation::setProbes): the samples so far; each shard's
    /// worker writes the entries of its own probes.
    ProbeTraces probeTraces;
    std::int32_t probeEvery = 1;

    int populationOf(std::int32_t neuron) const;
    std::int64_t memoryBytes() const;
};

/// One synapse as stored, decoded (for tests and inspection; delivery reads
/// the packed words directly).
struct SynapseView {
    int shard;
    std::int32_t source;
    std::int32_t localTarget; ///< index within the shard
    std::int32_t target;      ///< global neuron index
    int delay;                ///< steps
    std::int32_t code;        ///< signed weight in units of weightUnit
};

/// Calls f(SynapseView) for every stored synapse, shard by shard, source by
/// source, in storage order.
template <class F>
void forEachSynapse(const Network& net, F f) {
    const int D = net.delaySlots;
    for (int k = 0; k < static_cast<int>(net.shards.size()); ++k) {
        const Shard& sh = net.shards[k];
        for (std::int32_t s = 0; s < net.numSources; ++s)
            for (int d = 1; d <= D; ++d)
                for (std::uint32_t i = sh.offsets[static_cast<std::size_t>(s) * D + d - 1];
                     i < sh.offsets[static_cast<std::size_t>(s) * D + d]; ++i) {
                    const std::uint32_t syn = sh.synapses[i];
                    const std::int32_t local = synapseTarget(syn);
                    f(SynapseView{k, s, local, sh.first + local, d, synapseCode(syn)});
                }
    }
}

/// Builds the network (construction.cpp).
void buildNetwork(Network& net, const BuildOptions& options);
/// Picks the delivery mode, sizes the accumulators and queues, and in ring
/// mode records every synapse's delay (stepping.cpp). MC_DELIVERY=ring|queue
/// in the environment forces a mode (the tests check both).
void prepareDelivery(Network& net);
/// Changes the weights of the running network: `rewrite` changes stored
/// weight codes (may be empty) and the input layout becomes `split`. Input
/// on its way to the neurons is re-laid so that every spike arriving from
/// the next step on counts with the new weights, in either delivery mode,
/// and input injected by Simulation::injectInput is kept (stepping.cpp).
void changeWeights(Network& net, bool split, const std::function<void()>& rewrite);
/// Per-population neuron constants, Poisson tables and weight scaling from
/// net.config and net.derived (live_apply.cpp).
void prepareNeurons(Network& net);
void preparePoisson(Network& net);
/// Applies a new configuration that differs from net.config only in fields
/// that apply live; throws ConfigError (and changes nothing) otherwise.
void applyLiveConfig(Network& net, const Config& config);
/// Advances `steps` steps (stepping.cpp); when `out` is given, the spikes are
/// appended to it sorted by step and neuron.
void advanceSteps(Network& net, std::int64_t steps, std::vector<Spike>* out);

/// Whether the thalamic neurons fire in step t. With NEST's timing
/// (deviceDelaySteps = D > 0) a thalamic neuron is a parrot_neuron: the
/// poisson_generator is active in the steps s with start < s <= end
/// (StimulationDevice::is_active), its spike of step s reaches the parrot
/// through the 1 ms connection in step s + D, and the parrot fires then;
/// so the parrots fire in the steps start + 1 + D .. end + D. "exact": the
/// steps start .. end - 1. `drawStep` is the step whose random key draws
/// the counts: the same trains in both timings, shifted.
bool thalamicFires(const Network& net, std::int64_t t, std::int64_t& drawStep);

/// Whether the DC transient's current enters V in step t. A neuron's device
/// current for step t is the one that arrived at the end of step t - 1.
/// NEST: a dc_generator (a current generator: is_active with step + 2) sends
/// in the steps s with start - 2 < s <= end - 2 (and s >= 0); the current
/// arrives D steps later, at the end of step s + D, so it enters V in the
/// steps max(start, 1) + D .. end + D - 1. "exact": start + 1 .. end.
bool dcTransientOn(const Network& net, std::int64_t t);
/// Spikes per population so far.
std::array<std::int64_t, kNumPops> totalSpikeCounts(const Network& net);

} // namespace mc::detail
