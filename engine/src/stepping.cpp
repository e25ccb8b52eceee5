// One time step: spike delivery into each shard's accumulator, then the
// iaf_psc_exp update in NEST's order of operations (MODEL.md, "Neuron").
#include "network.hpp"
#include "neuron_update.hpp"

#include <algorithm>
#include <cstdlib>
#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace mc::detail {
namespace {

/// Sets flush-to-zero and denormals-are-zero for this thread while in scope.
/// A silent network's currents decay towards zero through the subnormal
/// range (below 1.2e-38), where arithmetic is ~100x slower; such values are
/// ~1e-36 of any potential that matters, and every worker runs in the same
/// mode, so results stay identical for any thread count.
struct FlushSubnormals {
#if defined(__SSE__)
    unsigned saved = _mm_getcsr();
    FlushSubnormals() { _mm_setcsr(saved | 0x8040u); } // FTZ | DAZ
    ~FlushSubnormals() { _mm_setcsr(saved); }
#endif
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

/// Queues the segments of the spikes of step t - 1 (all shards and the
/// thalamus) for the steps they are due: segment d of a spike of step t - 1
/// is due at step t - 1 + d. Each spike's row of segment bounds is read once,
/// front to back, so later steps need no scattered lookups.
void enqueue(const Network& net, Shard& shard, std::int64_t t) {
    if (t == 0) return;
    const int D = net.delaySlots;
    const std::int64_t H = static_cast<std::int64_t>(net.history.size());
    const std::uint32_t* offsets = shard.offsets.data();
    const std::vector<std::vector<std::int32_t>>& slot = net.history[(t - 1) % H];
    for (const std::vector<std::int32_t>& spikes : slot)
        for (std::int32_t s : spikes) __builtin_prefetch(offsets + static_cast<std::size_t>(s) * D);
    for (const std::vector<std::int32_t>& spikes : slot)
        for (std::int32_t s : spikes) {
            const std::uint32_t* row = offsets + static_cast<std::size_t>(s) * D;
            const QueuedSegment base{0, 0, net.sourceInh[s]};
            const int last = net.sourceMaxDelay[s];
            for (int d = 1; d <= last; ++d) {
                if (row[d - 1] == row[d]) continue;
                QueuedSegment q = base;
                q.begin = row[d - 1];
                q.end = row[d];
                shard.queue[(t - 1 + d) % H].push_back(q);
            }
        }
}

/// Adds the segments due at step t to the shard's accumulator, prefetching
/// every cache line of the segment `ahead` places on: segments are short
/// (tens of synapses), too short for the hardware prefetcher.
void deliver(const Network& net, Shard& shard, std::int64_t t, bool split) {
    std::vector<QueuedSegment>& due = shard.queue[t % static_cast<std::int64_t>(net.history.size())];
    const std::uint32_t* synapses = shard.synapses.data();
    std::int32_t* input = shard.input.data();
    const std::size_t n = due.size();
    const QueuedSegment* q = due.data();
    constexpr std::size_t ahead = 8;
    const auto prefetchSegment = [&](std::size_t k) {
        const char* p = reinterpret_cast<const char*>(synapses + q[k].begin);
        const char* end = reinterpret_cast<const char*>(synapses + q[k].end);
        for (; p < end; p += 64) __builtin_prefetch(p);
    };
    for (std::size_t k = 0; k < std::min(ahead, n); ++k) prefetchSegment(k);
    for (std::size_t k = 0; k < n; ++k) {
        if (k + ahead < n) prefetchSegment(k + ahead);
        // Kept apart, the inhibitory sum holds magnitudes.
        if (split && q[k].inhibitory)
            addSegment<true>(synapses + q[k].begin, synapses + q[k].end, input + shard.count);
        else
            addSegment<false>(synapses + q[k].begin, synapses + q[k].end, input);
    }
    due.clear();
}

/// Updates the shard's neurons for the current step and collects its spikes.
void update(const Network& net, Shard& shard, std::vector<std::int32_t>& spikes, std::uint32_t poissonKey,
            bool poissonOn, bool stimOn) {
    const DerivedParams& d = net.derived;
    UpdateConstants c{};
    c.P11 = net.P11;
    c.P21 = net.P21;
    c.P22 = net.P22;
    c.P20 = net.P20;
    c.theta = net.theta;
    c.vReset = net.vReset;
    c.refractorySteps = net.refractorySteps;
    c.unitEx = static_cast<float>(net.weightUnit * net.live.exc_weight_factor);
    // Inhibitory accumulators hold weight magnitudes; the sign is applied here.
    c.unitIn = static_cast<float>(-net.weightUnit * net.live.inh_weight_factor);
    c.split = splitInput(net.live);
    c.wExt = static_cast<float>(d.weight_ext * net.live.exc_weight_factor);
    c.poissonKey = poissonKey;
    spikes.clear();

    const std::int32_t shardEnd = shard.first + shard.count;
    for (int p = 0; p < kNumPops; ++p) {
        const std::int32_t lo = std::max(shard.first, d.first_neuron[p]);
        const std::int32_t hi = std::min(shardEnd, d.first_neuron[p + 1]);
        if (lo >= hi) continue;
        c.iConst = static_cast<float>(d.dc_drive[p] * net.live.dc_factor + d.dc_compensation[p] +
                                      (stimOn ? d.dc_transient_amp[p] : 0.0));
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
                      shard.input.data() + local,
                      c.split ? shard.input.data() + shard.count + local : nullptr};
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
    if (nTh == 0 || !activeAt(net.thalamicPulses, t) || net.thalamicPoisson.cdf.empty()) return;
    const std::uint32_t key = stepKey(net.config.sim.rng_seed, Purpose::Thalamus, t);
    const std::vector<std::uint32_t>& cdf = net.thalamicPoisson.cdf;
    for (std::int32_t k = 0; k < nTh; ++k) {
        const std::uint32_t u = neuronDraw(key, static_cast<std::uint32_t>(k));
        for (std::uint32_t c = 0; c < cdf.size() && u >= cdf[c]; ++c) out.push_back(net.derived.total_neurons + k);
    }
}

} // namespace

int Network::populationOf(std::int32_t neuron) const {
    int p = 0;
    while (p < kNumPops - 1 && neuron >= derived.first_neuron[p + 1]) ++p;
    return p;
}

std::int64_t Network::memoryBytes() const {
    std::int64_t bytes = 0;
    for (const Shard& s : shards)
        bytes += static_cast<std::int64_t>(s.synapses.capacity() * 4 + s.offsets.capacity() * 4 +
                                           s.input.capacity() * 4);
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
    const bool split = splitInput(net.live);
    // Each worker owns the shards k with k % threads == worker; one barrier per
    // step makes step t's spikes visible before anyone delivers step t + 1.
    // Slot t % H is written in step t while others may still read slots
    // t - 1 .. t - D, which H = D + 1 keeps apart.
    net.workers->runTeam([&](int worker) {
        if (worker >= threads) return;
        const FlushSubnormals flush;
        for (std::int64_t t = first; t < first + steps; ++t) {
            std::vector<std::vector<std::int32_t>>& slot = net.history[t % H];
            const bool poissonOn = t >= net.poissonDelaySteps;
            // The device current applied in step t was set at the end of step t - 1.
            const bool stimOn = activeAt(net.dcTransients, t - 1);
            const std::uint32_t key = stepKey(net.config.sim.rng_seed, Purpose::Poisson, t);
            for (int k = worker; k < shards; k += threads) {
                Shard& shard = net.shards[k];
                enqueue(net, shard, t);
                deliver(net, shard, t, split);
                update(net, shard, slot[k], key, poissonOn, stimOn);
                if (out)
                    for (std::int32_t i : slot[k]) shard.recorded.push_back(Spike{i, static_cast<std::int32_t>(t)});
            }
            if (worker == 0) thalamicSpikes(net, t, slot[shards]);
            barrier.arriveAndWait();
        }
    });
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
