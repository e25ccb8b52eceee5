// One time step: spike delivery into each shard's accumulator, then the
// iaf_psc_exp update in NEST's order of operations (MODEL.md, "Neuron").
#include "core_pin.hpp"
#include "flush_subnormals.hpp"
#include "network.hpp"
#include "neuron_update.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace mc::detail {
namespace {

/// Adds the time since the previous lap to one phase of a worker's
/// PhaseTimes; does nothing when phase timing is off.
class PhaseTimer {
public:
    explicit PhaseTimer(PhaseTimes* times) : m_times(times) {
        if (m_times) m_last = Clock::now();
    }
    void lap(double PhaseTimes::*phase) {
        if (!m_times) return;
        const Clock::time_point now = Clock::now();
        m_times->*phase += std::chrono::duration<double, std::nano>(now - m_last).count();
        m_last = now;
    }
    void step() {
        if (m_times) ++m_times->steps;
    }
    /// Starts the next lap now (after time spent outside the phases).
    void restart() {
        if (m_times) m_last = Clock::now();
    }

private:
    using Clock = std::chrono::steady_clock;
    PhaseTimes* m_times;
    Clock::time_point m_last;
};

bool activeAt(const std::vector<std::array<std::int64_t, 2>>& windows, std::int64_t step) {
    for (const auto& w : windows)
        if (step >= w[0] && step < w[1]) return true;
    return false;
}

/// Adds one synapse segment to the accumulator (subtracts it: Negate).
template <bool Negate>
inline void addSegment(const std::uint32_t* __restrict syn, const std::uint32_t* end, std::int32_t* __restrict in) {
    for (; syn != end; ++syn) in[synapseTarget(*syn)] += Negate ? -synapseCode(*syn) : synapseCode(*syn);
}

/// Calls f(source) for every spike of step t (all shards, then the thalamus),
/// after prefetching the rows of segment bounds they will read.
template <class F>
void forEachSpikeOf(const Network& net, const Shard& shard, std::int64_t t, F f) {
    const std::vector<std::vector<std::int32_t>>& slot = net.history[t % static_cast<std::int64_t>(net.history.size())];
    for (const std::vector<std::int32_t>& spikes : slot)
        for (std::int32_t s : spikes) {
            const std::uint32_t* row = shard.offsets.data() + static_cast<std::size_t>(s) * net.delaySlots;
            for (int d = 0; d <= net.sourceMaxDelay[s]; d += 16) __builtin_prefetch(row + d);
        }
    for (const std::vector<std::int32_t>& spikes : slot)
        for (std::int32_t s : spikes) f(s);
}

/// Queue mode: queues the segments of the spikes of step t - 1 for the steps
/// they are due (segment d of a spike of step t - 1 is due at step t - 1 + d).
/// Each spike's row of segment bounds is read once, front to back, so later
/// steps need no scattered lookups.
void enqueue(const Network& net, Shard& shard, std::int64_t t) {
    if (t == 0) return;
    const int H = static_cast<int>(shard.queue.size());
    const int dueNext = static_cast<int>(t % H); // the queue of delay 1
    forEachSpikeOf(net, shard, t - 1, [&](std::int32_t s) {
        const std::uint32_t* row = shard.offsets.data() + static_cast<std::size_t>(s) * net.delaySlots;
        const int last = net.sourceMaxDelay[s];
        const std::uint32_t inhibitory = net.sourceInh[s];
        for (int d = 1, q = dueNext; d <= last; ++d, q = q + 1 == H ? 0 : q + 1) {
            if (row[d - 1] == row[d]) continue;
            shard.queue[q].push_back(QueuedSegment{row[d - 1], row[d], inhibitory});
        }
    });
}

/// Queue mode: adds the segments due at step t to the shard's accumulator,
/// prefetching every cache line of the segment `ahead` places on: segments
/// are short (tens of synapses), too short for the hardware prefetcher.
void deliver(const Network& net, Shard& shard, std::int64_t t, bool split) {
    std::vector<QueuedSegment>& due = shard.queue[t % static_cast<std::int64_t>(shard.queue.size())];
    const std::uint32_t* synapses = shard.synapses.data();
    std::int32_t* input = shard.accumulator(t, net.inputSlots);
    const std::size_t n = due.size();
    const QueuedSegment* q = due.data();
    constexpr std::size_t ahead = 8;
    const auto prefetchSegment = [&](std::size_t k) {
        // Every line the segment touches: also the last when the segment
        // starts mid-line and ends less than a line later in the next one.
        const std::uintptr_t b = reinterpret_cast<std::uintptr_t>(synapses + q[k].begin);
        const std::uintptr_t e = reinterpret_cast<std::uintptr_t>(synapses + q[k].end);
        for (std::uintptr_t p = b & ~std::uintptr_t{63}; p < e; p += 64)
            __builtin_prefetch(reinterpret_cast<const void*>(p));
    };
    for (std::size_t k = 0; k < std::min(ahead, n); ++k) prefetchSegment(k);
    for (std::size_t k = 0; k < n; ++k) {
        if (k + ahead < n) prefetchSegment(k + ahead);
        // Kept apart, the inhibitory sum holds magnitudes.
        if (split && q[k].inhibitory)
            addSegment<true>(synapses + q[k].begin, synapses + q[k].end, input + shard.half());
        else
            addSegment<false>(synapses + q[k].begin, synapses + q[k].end, input);
    }
    due.clear();
}

/// Ring mode: adds the synapses of the spikes of step u that are due at step
/// firstDue or later to the accumulators of their due steps, in one forward
/// pass over each spike's synapses (contiguous, delays alongside).
void spreadSpikesOf(const Network& net, Shard& shard, std::int64_t u, std::int64_t firstDue, bool split) {
    const std::uint32_t* synapses = shard.synapses.data();
    const std::uint8_t* delays = shard.delays.data();
    const auto& spikeLists = net.history[u % static_cast<std::int64_t>(net.history.size())];
    if (std::all_of(spikeLists.begin(), spikeLists.end(), [](const auto& l) { return l.empty(); })) return;
    // due[d]: the accumulator of step u + d (one division, not one per slot).
    std::int32_t* due[256];
    const int slots = net.inputSlots;
    for (int d = 1, slot = static_cast<int>((u + 1) % slots); d < slots; ++d, slot = slot + 1 == slots ? 0 : slot + 1)
        due[d] = shard.accumulator(slot, slots);
    const int minDelay = static_cast<int>(std::max<std::int64_t>(1, firstDue - u));
    // All of a source's synapses (minDelay 1, every step): [sourceBegin[s],
    // sourceBegin[s + 1]), from a small array; later delays only (a relay
    // after a live change): from the source's row of segment bounds.
    const auto range = [&](std::int32_t s) -> std::array<std::uint32_t, 2> {
        if (minDelay == 1) return {shard.sourceBegin[s], shard.sourceBegin[s + 1]};
        const std::uint32_t* row = shard.offsets.data() + static_cast<std::size_t>(s) * net.delaySlots;
        const int last = net.sourceMaxDelay[s];
        return {row[std::min(minDelay, last + 1) - 1], row[last]};
    };
    // The synapses of a step's few spikes are far apart in memory: start
    // fetching the first lines of all of them before adding any.
    for (const std::vector<std::int32_t>& spikes : spikeLists)
        for (std::int32_t s : spikes) {
            const std::uint32_t begin = range(s)[0];
            __builtin_prefetch(synapses + begin);
            __builtin_prefetch(synapses + begin + 16);
            __builtin_prefetch(delays + begin);
        }
    for (const std::vector<std::int32_t>& spikes : spikeLists)
        for (std::int32_t s : spikes) {
            const auto [begin, end] = range(s);
            if (split && net.sourceInh[s]) {
                // Kept apart, inhibition goes to the second half of a slot, as magnitudes.
                for (std::uint32_t i = begin; i < end; ++i)
                    due[delays[i]][shard.half() + synapseTarget(synapses[i])] -= synapseCode(synapses[i]);
            } else {
                for (std::uint32_t i = begin; i < end; ++i)
                    due[delays[i]][synapseTarget(synapses[i])] += synapseCode(synapses[i]);
            }
        }
}

/// Moves pending input between the one-sum and the excitatory/inhibitory
/// layouts of a shard's accumulators, by sign (exact towards one sum).
void foldPendingInput(Shard& shard, int slots, bool toSplit) {
    for (int slot = 0; slot < slots; ++slot) {
        std::int32_t* ex = shard.accumulator(slot, slots);
        std::int32_t* in = ex + shard.half();
        for (std::int32_t i = 0; i < shard.count; ++i) {
            if (toSplit && ex[i] < 0) {
                in[i] = -ex[i];
                ex[i] = 0;
            } else if (!toSplit) {
                ex[i] -= in[i];
                in[i] = 0;
            }
        }
    }
}

/// Ring mode, at step t: spreads the spikes of step t - 1.
void spread(const Network& net, Shard& shard, std::int64_t t, bool split) {
    if (t > 0) spreadSpikesOf(net, shard, t - 1, t, split);
}

/// Updates the shard's neurons for the current step and collects its spikes.
void update(const Network& net, Shard& shard, std::int64_t t, std::vector<std::int32_t>& spikes, std::uint32_t poissonKey,
            bool poissonOn, bool stimOn) {
    const DerivedParams& d = net.derived;
    UpdateConstants c{};
    c.split = net.scaling.split;
    c.poissonKey = poissonKey;
    spikes.clear();

    std::int32_t* input = shard.accumulator(t, net.inputSlots);
    const std::int32_t shardEnd = shard.first + shard.count;
    for (int p = 0; p < kNumPops; ++p) {
        const std::int32_t lo = std::max(shard.first, d.first_neuron[p]);
        const std::int32_t hi = std::min(shardEnd, d.first_neuron[p + 1]);
        if (lo >= hi) continue;
        const PopulationConstants& k = net.pops[p];
        c.P11 = k.P11;
        c.P21 = k.P21;
        c.P22 = k.P22;
        c.P20 = k.P20;
        c.theta = k.theta;
        c.vReset = k.vReset;
        c.refractorySteps = k.refractorySteps;
        c.unitEx = static_cast<float>(net.weightUnit * net.scaling.unitEx[p]);
        // Inhibitory accumulators hold weight magnitudes; the sign is applied here.
        c.unitIn = static_cast<float>(-net.weightUnit * net.scaling.unitIn[p]);
        c.wExt = k.wExt;
        c.iConst = static_cast<float>(k.iConst + (stimOn ? d.dc_transient_amp[p] : 0.0));
        const std::vector<std::uint32_t>& cdf = net.poisson[p].cdf;
        const bool drive = poissonOn && !cdf.empty();
        c.cdf = drive ? cdf.data() : nullptr;
        c.cdfSize = static_cast<std::uint32_t>(cdf.size());
        const std::int32_t local = lo - shard.first;
        NeuronRange r{lo,
                      hi - lo,
                      const_cast<float*>(net.v.data()) + lo,
                      const_cast<float*>(net.current.data()) + lo,
                      const_cast<std::int32_t*>(net.refractory.data()) + lo,
                      input + local,
                      c.split ? input + shard.half() + local : nullptr};
        const std::size_t before = spikes.size();
        updateNeurons(r, c, spikes);
        shard.spikeCounts[p] += static_cast<std::int64_t>(spikes.size() - before);
    }
}

/// Thalamic neurons: Poisson spikes while a pulse is on; a count above one
/// repeats the source (a spike of multiplicity k).
void thalamicSpikes(const Network& net, std::int64_t t, std::vector<std::int32_t>& out) {
    out.clear();
    const std::int32_t nTh = net.numSources - net.derived.total_neurons;
    std::int64_t drawStep = t;
    if (nTh == 0 || !thalamicFires(net, t, drawStep) || net.thalamicPoisson.cdf.empty()) return;
    const std::uint32_t key = stepKey(net.config.sim.rng_seed, Purpose::Thalamus, drawStep);
    const std::vector<std::uint32_t>& cdf = net.thalamicPoisson.cdf;
    for (std::int32_t k = 0; k < nTh; ++k) {
        const std::uint32_t u = neuronDraw(key, static_cast<std::uint32_t>(k));
        for (std::uint32_t c = 0; c < cdf.size() && u >= cdf[c]; ++c) out.push_back(net.derived.total_neurons + k);
    }
}

/// Writes the state of the shard's probed neurons after step t into sample
/// `sample` of the traces (the slots of other probes are other workers').
void readProbes(Network& net, const Shard& shard, std::size_t sample) {
    ProbeTraces& tr = net.probeTraces;
    const std::size_t n = tr.neurons.size();
    for (const auto& [neuron, index] : shard.probes) {
        const double eL = net.config.net.neuron.E_L[net.populationOf(neuron)];
        tr.vm[sample * n + index] = static_cast<double>(net.v[neuron]) + eL;
        tr.current[sample * n + index] = net.current[neuron];
    }
}

} // namespace

bool thalamicFires(const Network& net, std::int64_t t, std::int64_t& drawStep) {
    const std::int64_t D = net.deviceDelaySteps;
    drawStep = D > 0 ? t - D - 1 : t;
    return activeAt(net.thalamicPulses, drawStep);
}

bool dcTransientOn(const Network& net, std::int64_t t) {
    const std::int64_t D = net.deviceDelaySteps;
    if (D == 0) return activeAt(net.dcTransients, t - 1);
    const std::int64_t u = t - D;
    for (const auto& w : net.dcTransients)
        if (u >= std::max<std::int64_t>(w[0], 1) && u < w[1]) return true;
    return false;
}

void changeWeights(Network& net, bool split, const std::function<void()>& rewrite) {
    const bool wasSplit = net.scaling.split;
    const int slots = net.inputSlots;
    // Queue mode reads each segment's codes when it is due and nothing is
    // delivered ahead between runs, so only injected input is pending; a
    // change from separate sums to one sum folds exactly in either mode.
    if (!net.ring || (!rewrite && !split)) {
        if (rewrite) rewrite();
        if (split != wasSplit)
            for (Shard& shard : net.shards) foldPendingInput(shard, slots, split);
        net.scaling.split = split;
        return;
    }
    if (!rewrite && split == wasSplit) return;
    // Ring mode: the spikes still on their way (those of steps t - slots + 1
    // .. t - 2; step t - 1's are spread at the start of step t) were added
    // with the old codes, and a sum cannot be taken apart: take them out by
    // spreading them again as they were, then spread them with the new codes
    // in the new layout. What remains was injected (Simulation::injectInput).
    const std::int64_t t = net.step;
    const std::int64_t from = std::max<std::int64_t>(0, t - slots + 1);
    std::vector<std::vector<std::int32_t>> injected(net.shards.size());
    for (std::size_t k = 0; k < net.shards.size(); ++k) {
        Shard& shard = net.shards[k];
        const auto old = shard.input;
        std::fill(shard.input.begin(), shard.input.end(), 0);
        for (std::int64_t u = from; u <= t - 2; ++u) spreadSpikesOf(net, shard, u, t, wasSplit);
        injected[k].resize(old.size());
        for (std::size_t i = 0; i < old.size(); ++i) injected[k][i] = old[i] - shard.input[i];
    }
    if (rewrite) rewrite();
    for (std::size_t k = 0; k < net.shards.size(); ++k) {
        Shard& shard = net.shards[k];
        std::fill(shard.input.begin(), shard.input.end(), 0);
        for (std::int64_t u = from; u <= t - 2; ++u) spreadSpikesOf(net, shard, u, t, split);
        const std::size_t half = shard.half();
        for (int slot = 0; slot < slots; ++slot) {
            const std::size_t base = static_cast<std::size_t>(shard.accumulator(slot, slots) - shard.input.data());
            for (std::size_t i = 0; i < half; ++i) {
                // The injected input in the old layout: a signed sum, or
                // excitation and inhibition (magnitude) apart.
                const std::int32_t ex = injected[k][base + i];
                const std::int32_t in = wasSplit ? injected[k][base + half + i] : 0;
                if (!split) {
                    shard.input[base + i] += ex - in;
                } else if (wasSplit) {
                    shard.input[base + i] += ex;
                    shard.input[base + half + i] += in;
                } else if (ex > 0) {
                    shard.input[base + i] += ex;
                } else {
                    shard.input[base + half + i] -= ex;
                }
            }
        }
    }
    net.scaling.split = split;
}

void prepareDelivery(Network& net) {
    // Ring mode while a shard's ring (in the one-sum layout) stays well
    // inside a typical L2 cache; measured in docs/performance.md.
    constexpr std::int64_t kRingBytes = 1 << 20;
    int maxDelay = 1;
    for (std::uint16_t d : net.sourceMaxDelay) maxDelay = std::max<int>(maxDelay, d);
    std::int64_t largest = 0;
    for (const Shard& s : net.shards) largest = std::max<std::int64_t>(largest, s.count);
    bool ring = (maxDelay + 1) * largest * 4 <= kRingBytes;
    if (const char* mode = std::getenv("MC_DELIVERY")) {
        if (std::strcmp(mode, "ring") == 0) ring = true;
        else if (std::strcmp(mode, "queue") == 0) ring = false;
    }
    ring = ring && maxDelay <= 255; // delays are stored in a byte
    net.ring = ring;
    net.inputSlots = ring ? maxDelay + 1 : 2;
    const int D = net.delaySlots;
    net.workers->parallelFor(static_cast<int>(net.shards.size()), [&](int k) {
        Shard& s = net.shards[k];
        s.input.assign(s.inputSize(net.inputSlots), 0);
        s.queue.assign(ring ? 0 : static_cast<std::size_t>(D) + 1, {});
        s.delays.clear();
        s.sourceBegin.clear();
        if (!ring) return;
        s.sourceBegin.resize(static_cast<std::size_t>(net.numSources) + 1);
        for (std::int32_t src = 0; src <= net.numSources; ++src)
            s.sourceBegin[src] = s.offsets[static_cast<std::size_t>(src) * D];
        s.delays.resize(s.synapses.size());
        for (std::size_t i = 0; i + 1 < s.offsets.size(); ++i)
            std::fill(s.delays.begin() + s.offsets[i], s.delays.begin() + s.offsets[i + 1],
                      static_cast<std::uint8_t>(i % D + 1));
    });
}

int Network::populationOf(std::int32_t neuron) const {
    int p = 0;
    while (p < kNumPops - 1 && neuron >= derived.first_neuron[p + 1]) ++p;
    return p;
}

std::int64_t Network::memoryBytes() const {
    std::int64_t bytes = 0;
    for (const Shard& s : shards)
        bytes += static_cast<std::int64_t>(s.synapses.capacity() * 4 + s.offsets.capacity() * 4 +
                                           s.input.capacity() * 4 + s.delays.capacity() + s.sourceBegin.capacity() * 4);
    bytes += static_cast<std::int64_t>(v.capacity() * 12);
    bytes += static_cast<std::int64_t>(sourceInh.capacity() + sourceMaxDelay.capacity() * 2);
    return bytes;
}

std::array<std::int64_t, kNumPops> totalSpikeCounts(const Network& net) {
    std::array<std::int64_t, kNumPops> total{};
    for (const Shard& s : net.shards)
        for (int p = 0; p < kNumPops; ++p) total[p] += s.spikeCounts[p];
    return total;
}

void advanceSteps(Network& net, std::int64_t steps, std::vector<Spike>* out) {
    const std::int64_t first = net.step;
    const std::int64_t H = static_cast<std::int64_t>(net.history.size());
    const int shards = static_cast<int>(net.shards.size());
    const int threads = std::min(net.workers->threads(), shards);
    for (Shard& s : net.shards) s.recorded.clear();
    SpinBarrier barrier(threads);
    // Probes: room for this run's samples (steps t with (t + 1) % every == 0).
    const bool probing = !net.probeTraces.neurons.empty();
    const std::int64_t every = net.probeEvery;
    const std::size_t sample0 = net.probeTraces.steps.size();
    if (probing) {
        ProbeTraces& tr = net.probeTraces;
        for (std::int64_t t = first; t < first + steps; ++t)
            if ((t + 1) % every == 0) tr.steps.push_back(t);
        const std::size_t size = tr.steps.size() * tr.neurons.size();
        tr.vm.resize(size);
        tr.current.resize(size);
    }
    // Step t (with (t + 1) % every == 0) fills sample sample0 + (t + 1) / every - firstSampled.
    const std::int64_t firstSampled = (first + every) / every; // (t + 1) / every of the first sample
    const bool split = net.scaling.split;
    const bool ring = net.ring;
    // The team: team[t % 4] workers step in step t (workers 0 .. team - 1),
    // each owning the shards k with k % team == worker; the others are set
    // aside, asleep, while the front end wants their cores (setThreadLimit).
    // Worker 0 decides the team of step t + 2 during step t, so that all
    // members of step t + 1 know whether the shards change hands after it.
    // One barrier per step makes step t's spikes visible before anyone
    // delivers step t + 1. A worker may be one step ahead of another, but no
    // further: slot t % H is written in step t while others may still read
    // slots t - 1 .. t - D, which H = D + 1 keeps apart. The spikes do not
    // depend on who computes a shard.
    const std::int64_t end = first + steps;
    const auto wanted = [&] {
        const int n = net.threadLimit ? net.threadLimit->load(std::memory_order_relaxed) : 0;
        return n <= 0 || n > threads ? threads : n;
    };
    std::array<std::atomic<int>, 4> team;
    const int initial = wanted();
    for (std::atomic<int>& n : team) n.store(initial, std::memory_order_relaxed);
    // A worker set aside sleeps until worker 0 calls it back for a step:
    // `step` says which, `bell` (a futex word) wakes it.
    struct alignas(64) Call {
        std::atomic<std::int64_t> step{-1};
        std::atomic<std::uint32_t> bell{0};
    };
    std::vector<Call> calls(static_cast<std::size_t>(threads));
    const auto callBack = [&](int w, std::int64_t step) {
        calls[w].step.store(step, std::memory_order_release);
        calls[w].bell.fetch_add(1, std::memory_order_release);
        calls[w].bell.notify_one();
    };
    if (net.threadsStepping) net.threadsStepping->store(initial);
    net.workers->runTeam([&](int worker) {
        if (worker >= threads) return;
        const FlushSubnormals flush;
        const CorePin pin(worker, threads);
        PhaseTimer timer(net.phases.empty() ? nullptr : &net.phases[worker].times);
        // Not team[first % 4]: a worker that starts late may find worker 0
        // several steps on, and that slot written again.
        int members = initial; // of step t
        int lastMembers = members;
        std::vector<std::int64_t> calledFor(worker == 0 ? threads : 0, -1); // worker 0's record of its calls
        for (std::int64_t t = first; t < end;) {
            if (worker >= members) {
                // Aside until worker 0 calls this one back for a later step,
                // which begins once every step before it is complete.
                std::int64_t back;
                for (;;) {
                    const std::uint32_t rung = calls[worker].bell.load(std::memory_order_acquire);
                    if ((back = calls[worker].step.load(std::memory_order_acquire)) > t) break;
                    calls[worker].bell.wait(rung, std::memory_order_acquire);
                }
                if (back >= end) break;
                barrier.waitUntil(static_cast<std::uint32_t>(back - first));
                t = back;
                // Read before this worker arrives in step t: worker 0 writes
                // the slot again in step t + 4, after this step's barrier.
                members = team[t & 3].load(std::memory_order_relaxed);
                timer.restart();
                continue;
            }
            // The team of step t + 1, read before arriving in step t: once
            // this worker has arrived, worker 0 may run ahead to step t + 3
            // (when this one is not in t + 1's team) and write the slot again.
            const int nextMembers = team[(t + 1) & 3].load(std::memory_order_relaxed);
            if (worker == 0) {
                const int next = nextMembers;
                int later = wanted();
                // A worker called back for step t + 1 steps in t + 1 and t + 2:
                // then, whenever it is called again, it has taken the call before.
                for (int w = later; w < threads; ++w)
                    if (calledFor[w] >= t + 1) later = w + 1;
                team[(t + 2) & 3].store(later, std::memory_order_relaxed); // published by this step's barrier
                for (int w = next; w < later; ++w) {
                    calledFor[w] = t + 2;
                    callBack(w, t + 2);
                }
                if (members != lastMembers && net.threadsStepping) net.threadsStepping->store(members);
                lastMembers = members;
            }
            std::vector<std::vector<std::int32_t>>& slot = net.history[t % H];
            const bool poissonOn = t >= net.poissonDelaySteps;
            const bool stimOn = dcTransientOn(net, t);
            const std::uint32_t key = stepKey(net.config.sim.rng_seed, Purpose::Poisson, t);
            for (int k = worker; k < shards; k += members) {
                Shard& shard = net.shards[k];
                if (ring) {
                    spread(net, shard, t, split);
                } else {
                    enqueue(net, shard, t);
                    timer.lap(&PhaseTimes::enqueue_ns);
                    deliver(net, shard, t, split);
                }
                timer.lap(&PhaseTimes::deliver_ns);
                update(net, shard, t, slot[k], key, poissonOn, stimOn);
                if (out)
                    for (std::int32_t i : slot[k]) shard.recorded.push_back(Spike{i, static_cast<std::int32_t>(t)});
                if (probing && !shard.probes.empty() && (t + 1) % every == 0)
                    readProbes(net, shard, sample0 + static_cast<std::size_t>((t + 1) / every - firstSampled));
                timer.lap(&PhaseTimes::update_ns);
            }
            if (worker == 0) thalamicSpikes(net, t, slot[shards]);
            const std::uint32_t ticket = barrier.arrive(static_cast<std::uint32_t>(members));
            timer.lap(&PhaseTimes::update_ns);
            // Queue mode: while the others finish step t, add what is already
            // known of step t + 1's input, the segments of spikes before step
            // t; only the delay-1 segments of step t's spikes are left for
            // after the barrier. Not in a run's last step, so that between
            // runs no input lies delivered ahead (relayPendingInput), nor
            // when the shards change hands after this step.
            if (!ring && t + 1 < end && nextMembers == members)
                for (int k = worker; k < shards; k += members) deliver(net, net.shards[k], t + 1, split);
            timer.lap(&PhaseTimes::deliver_ahead_ns);
            barrier.wait(ticket);
            timer.lap(&PhaseTimes::wait_ns);
            timer.step();
            members = nextMembers;
            ++t;
        }
        if (worker == 0) // those still aside: the run is over
            for (int w = 1; w < threads; ++w) callBack(w, end);
    });
    if (net.threadsStepping) net.threadsStepping->store(0);
    net.step = first + steps;
    if (!out) return;
    // Merge: for each step, the shards' spikes in shard (= neuron) order.
    std::vector<std::size_t> pos(shards, 0);
    for (std::int64_t t = first; t < first + steps; ++t)
        for (int k = 0; k < shards; ++k) {
            const std::vector<Spike>& r = net.shards[k].recorded;
            while (pos[k] < r.size() && r[pos[k]].step == t) out->push_back(r[pos[k]++]);
        }
}

} // namespace mc::detail
