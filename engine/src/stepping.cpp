// One time step: spike delivery into each shard's accumulator, then the
// iaf_psc_exp update in NEST's order of operations (MODEL.md, "Neuron").
#include "network.hpp"

#include <algorithm>

namespace mc::detail {
namespace {

bool activeAt(const std::vector<std::array<std::int64_t, 2>>& windows, std::int64_t step) {
    for (const auto& w : windows)
        if (step >= w[0] && step < w[1]) return true;
    return false;
}

/// Adds the delay-d segments of all spikes of step t - d, for d = 1..D.
void deliver(const Network& net, Shard& shard) {
    const int D = net.delaySlots;
    const int H = static_cast<int>(net.history.size());
    const std::uint32_t* offsets = shard.offsets.data();
    const std::uint32_t* synapses = shard.synapses.data();
    std::int32_t* input = shard.input.data();
    for (int d = 1; d <= D && d <= net.step; ++d) {
        const std::vector<std::int32_t>& spikes = net.history[(net.step - d) % H];
        const std::size_t n = spikes.size();
        for (std::size_t k = 0; k < n; ++k) {
            const std::int32_t s = spikes[k];
            const std::uint32_t* seg = offsets + static_cast<std::size_t>(s) * D + (d - 1);
            if (k + 1 < n) {
                const std::uint32_t* next = offsets + static_cast<std::size_t>(spikes[k + 1]) * D + (d - 1);
                __builtin_prefetch(synapses + *next);
            }
            const std::uint32_t begin = seg[0], end = seg[1];
            const std::int32_t mult = net.sourceMult[s];
            std::int32_t* in = input + net.sourceInh[s];
            for (std::uint32_t i = begin; i < end; ++i) {
                const std::uint32_t syn = synapses[i];
                in[2 * (syn >> kCodeBits)] += static_cast<std::int32_t>(syn & kCodeMask) * mult;
            }
        }
    }
}

/// Updates the shard's neurons for the current step and collects its spikes.
void update(Network& net, Shard& shard, std::uint32_t poissonKey, bool poissonOn, bool stimOn) {
    const DerivedParams& d = net.derived;
    const float unitEx = static_cast<float>(net.weightUnit * net.live.exc_weight_factor);
    // Inhibitory accumulators hold weight magnitudes; the sign is applied here.
    const float unitIn = static_cast<float>(-net.weightUnit * net.live.inh_weight_factor);
    const float wExt = static_cast<float>(d.weight_ext * net.live.exc_weight_factor);
    const float P11 = net.P11, P21 = net.P21, P22 = net.P22, P20 = net.P20;
    const float theta = net.theta, vReset = net.vReset;
    const std::int32_t refractorySteps = net.refractorySteps;
    float* v = net.v.data();
    float* iEx = net.iEx.data();
    float* iIn = net.iIn.data();
    std::int32_t* refractory = net.refractory.data();
    std::int32_t* input = shard.input.data();
    shard.spikes.clear();

    const std::int32_t shardEnd = shard.first + shard.count;
    for (int p = 0; p < kNumPops; ++p) {
        const std::int32_t lo = std::max(shard.first, d.first_neuron[p]);
        const std::int32_t hi = std::min(shardEnd, d.first_neuron[p + 1]);
        if (lo >= hi) continue;
        const float iConst = static_cast<float>(d.dc_amp[p] * net.live.dc_factor +
                                                (stimOn ? d.dc_transient_amp[p] : 0.0));
        const std::vector<std::uint32_t>& cdf = net.poisson[p].cdf;
        const bool drive = poissonOn && !cdf.empty();
        for (std::int32_t i = lo; i < hi; ++i) {
            std::int32_t* in = input + 2 * (i - shard.first);
            float inEx = static_cast<float>(in[0]) * unitEx;
            const float inIn = static_cast<float>(in[1]) * unitIn;
            in[0] = 0;
            in[1] = 0;
            if (drive) {
                const std::uint32_t u = neuronDraw(poissonKey, static_cast<std::uint32_t>(i));
                std::uint32_t count = 0;
                while (count < cdf.size() && u >= cdf[count]) ++count;
                inEx += static_cast<float>(count) * wExt;
            }
            if (refractory[i] == 0)
                v[i] = P22 * v[i] + P21 * (iEx[i] + iIn[i]) + P20 * iConst;
            else
                --refractory[i];
            iEx[i] = iEx[i] * P11 + inEx;
            iIn[i] = iIn[i] * P11 + inIn;
            if (v[i] >= theta) {
                refractory[i] = refractorySteps;
                v[i] = vReset;
                shard.spikes.push_back(i);
            }
        }
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
    bytes += static_cast<std::int64_t>(v.capacity() * 16);
    bytes += static_cast<std::int64_t>(sourceMult.capacity() * 5);
    return bytes;
}

void advanceStep(Network& net, std::vector<Spike>* out) {
    const std::int64_t t = net.step;
    const bool poissonOn = t >= net.poissonDelaySteps;
    // The device current applied in step t was set at the end of step t - 1.
    const bool stimOn = activeAt(net.dcTransients, t - 1);
    const std::uint32_t key = stepKey(net.config.sim.rng_seed, Purpose::Poisson, t);
    net.workers->parallelFor(static_cast<int>(net.shards.size()), [&](int k) {
        Shard& shard = net.shards[k];
        deliver(net, shard);
        update(net, shard, key, poissonOn, stimOn);
    });

    std::vector<std::int32_t>& now = net.history[t % static_cast<std::int64_t>(net.history.size())];
    now.clear();
    for (const Shard& shard : net.shards) now.insert(now.end(), shard.spikes.begin(), shard.spikes.end());
    for (std::int32_t i : now) {
        ++net.spikeCounts[net.populationOf(i)];
        if (out) out->push_back(Spike{i, static_cast<std::int32_t>(t)});
    }
    // Thalamic neurons: Poisson spikes while a pulse is on; a count above one
    // repeats the source (a spike of multiplicity k).
    const std::int32_t nTh = net.numSources - net.derived.total_neurons;
    if (nTh > 0 && activeAt(net.thalamicPulses, t) && !net.thalamicPoisson.cdf.empty()) {
        const std::uint32_t thKey = stepKey(net.config.sim.rng_seed, Purpose::Thalamus, t);
        const std::vector<std::uint32_t>& cdf = net.thalamicPoisson.cdf;
        for (std::int32_t k = 0; k < nTh; ++k) {
            const std::uint32_t u = neuronDraw(thKey, static_cast<std::uint32_t>(k));
            for (std::uint32_t c = 0; c < cdf.size() && u >= cdf[c]; ++c)
                now.push_back(net.derived.total_neurons + k);
        }
    }
    ++net.step;
}

} // namespace mc::detail
