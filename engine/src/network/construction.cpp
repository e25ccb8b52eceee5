// Network construction: fixed-total-number connectivity, weights and delays.
//
// The rule draws each synapse's source and target independently and uniformly.
// Equivalently (same joint distribution), we draw the multinomial out-degree of
// every source first, then each source's targets. Every source has its own
// random streams, so the network does not depend on the thread count, and a
// source's synapses are generated and laid out by one worker without locks.
#include "microcircuit/errors.hpp"
#include "network.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace mc::detail {
namespace {

constexpr std::int32_t kBlock = 512;  // sources per parallel work item

struct SourceClass {
    const DelayDistribution* delays;
    std::array<double, kNumPops> weightMean; // per target population (pA)
    double codesPerPa;                       // 1 / Network::weightUnit
};

class Builder {
public:
    Builder(Network& net, const BuildOptions& options) : m_net(net), m_opt(options) {}

    void build() {
        setup();
        drawOutDegrees();
        countPerShard();
        layOutShards();
        fillSynapses();
        initialiseNeurons();
    }

private:
    void progress(double fraction, const char* phase) {
        if (cancelled()) throw BuildCancelled();
        if (m_opt.progress) m_opt.progress(fraction, phase);
    }
    /// Polled inside every long loop (also on worker threads), so that a
    /// cancel stops a build of any size within a fraction of a second; the
    /// loop returns early and the next progress() throws.
    bool cancelled() const { return m_opt.cancel && m_opt.cancel->load(std::memory_order_relaxed); }

    int classOf(std::int32_t source) const {
        return source >= m_net.derived.total_neurons ? kThalamus : m_net.populationOf(source);
    }
    std::int32_t localIndex(std::int32_t source, int cls) const {
        return cls == kThalamus ? source - m_net.derived.total_neurons
                                : source - m_net.derived.first_neuron[cls];
    }
    int shardOf(std::int32_t neuron) const {
        int s = 0;
        while (neuron >= m_shardEnd[s]) ++s;
        return s;
    }

    /// Runs body over all source blocks in waves so progress and cancel are
    /// handled on the calling thread.
    template <class Body>
    void forSourceBlocks(double from, double to, const char* phase, Body body) {
        const std::int32_t blocks = (m_net.numSources + kBlock - 1) / kBlock;
        const std::int32_t wave = std::max(16, m_net.workers->threads() * 8);
        for (std::int32_t b0 = 0; b0 < blocks; b0 += wave) {
            const std::int32_t n = std::min(wave, blocks - b0);
            m_net.workers->parallelFor(n, [&](int i) {
                const std::int32_t first = (b0 + i) * kBlock;
                const std::int32_t last = std::min(first + kBlock, m_net.numSources);
                body(first, last);
            });
            progress(from + (to - from) * (b0 + n) / blocks, phase);
        }
    }

    void setup() {
        const Config& c = m_net.config;
        const DerivedParams& d = m_net.derived;
        const double h = c.sim.sim_resolution;
        const std::int32_t n = d.total_neurons;
        const std::int32_t nTh = c.stim.thalamic_input ? c.stim.num_th_neurons : 0;
        m_net.numSources = n + nTh;

        m_delays[0] = makeDelayDistribution(c.net.delay_exc_mean, c.net.delay_exc_mean * c.net.delay_rel_std, h);
        m_delays[1] = makeDelayDistribution(c.net.delay_inh_mean, c.net.delay_inh_mean * c.net.delay_rel_std, h);
        m_delays[2] = makeDelayDistribution(c.stim.delay_th_mean, c.stim.delay_th_mean * c.stim.delay_th_rel_std, h);
        m_net.delaySlots = std::max({m_delays[0].maxSteps, m_delays[1].maxSteps, nTh ? m_delays[2].maxSteps : 1});

        // Shards: at least one per thread, small enough for 16-bit target indices.
        const int threads = m_net.workers->threads();
        constexpr std::int32_t perShard = kMaxShardNeurons - 16; // room for the rounding below
        const int shards = std::max<int>(threads, (n + perShard - 1) / perShard);
        m_net.shards.resize(shards);
        m_shardEnd.resize(shards);
        for (int s = 0; s < shards; ++s) {
            Shard& sh = m_net.shards[s];
            // Boundaries on multiples of 16 neurons (64 bytes of each state
            // array): no cache line is written by two workers, and a shard's
            // accumulators line up with its neurons' state for the vector loops.
            const auto boundary = [&](int k) {
                return k == shards ? n : static_cast<std::int32_t>(std::int64_t{n} * k / shards / 16 * 16);
            };
            sh.first = boundary(s);
            const std::int32_t end = boundary(s + 1);
            sh.count = end - sh.first;
            m_shardEnd[s] = end;
            sh.input.assign(sh.inputSize(1), 0);
        }

        setupWeights();
    }

    void setupWeights() {
        const Config& c = m_net.config;
        const DerivedParams& d = m_net.derived;
        const double rel = c.net.weight_rel_std;
        // Largest weight magnitude represented per class: mean + 8 sd (the mass
        // beyond, < 1e-15, is clipped to it).
        std::array<double, kNumPops + 1> maxW{};
        for (int x = 0; x <= kNumPops; ++x) {
            for (int y = 0; y < kNumPops; ++y) {
                const double m = x == kThalamus ? d.weight_th[y] : d.weight_mean[y][x];
                maxW[x] = std::max(maxW[x], std::abs(m) * (1.0 + 8.0 * rel));
            }
        }
        // Accumulator unit: fine enough for 16-bit weight codes, coarse enough
        // that a neuron's worst-case input in one step (every synapse at its
        // largest weight) stays below 2^30 units.
        double worst = 0.0;
        for (int y = 0; y < kNumPops; ++y) {
            if (d.num_neurons[y] == 0) continue;
            double sum = 0.0;
            for (int x = 0; x <= kNumPops; ++x) {
                const double syn = x == kThalamus ? d.num_th_synapses[y] : d.num_synapses[y][x];
                const double mean = syn / d.num_neurons[y];
                sum += (1.5 * mean + 10.0 * std::sqrt(mean) + 50.0) * maxW[x];
            }
            worst = std::max(worst, sum);
        }
        // One unit for all weights: the largest one (8 sd above its mean) gets
        // the largest 16-bit code.
        double largest = 0.0;
        for (double w : maxW) largest = std::max(largest, w);
        double unit = std::max(largest / kMaxCode, worst / 1073741824.0);
        if (!(unit > 0.0)) unit = 1.0; // no weights at all
        m_net.weightUnit = unit;

        for (int x = 0; x <= kNumPops; ++x) {
            SourceClass& sc = m_class[x];
            sc.delays = x == kThalamus ? &m_delays[2] : &m_delays[isExcitatory(x) ? 0 : 1];
            sc.codesPerPa = 1.0 / unit;
            for (int y = 0; y < kNumPops; ++y) sc.weightMean[y] = x == kThalamus ? d.weight_th[y] : d.weight_mean[y][x];
        }
        m_net.sourceMaxDelay.assign(m_net.numSources, 0);
        m_net.sourceInh.resize(m_net.numSources);
        for (std::int32_t s = 0; s < m_net.numSources; ++s) {
            const int x = classOf(s);
            m_net.sourceInh[s] = (x != kThalamus && !isExcitatory(x)) ? 1 : 0;
        }
    }

    std::int64_t projectionSize(int y, int x) const {
        const DerivedParams& d = m_net.derived;
        return x == kThalamus ? d.num_th_synapses[y] : d.num_synapses[y][x];
    }
    std::int32_t classSize(int x) const {
        return x == kThalamus ? m_net.numSources - m_net.derived.total_neurons : m_net.derived.num_neurons[x];
    }

    void drawOutDegrees() {
        progress(0.0, "drawing out-degrees");
        const std::uint64_t seed = m_net.config.sim.rng_seed;
        for (int y = 0; y < kNumPops; ++y)
            for (int x = 0; x <= kNumPops; ++x) m_outDegree[y][x].assign(std::max(0, classSize(x)), 0);
        m_net.workers->parallelFor(kNumPops * (kNumPops + 1), [&](int task) {
            const int y = task / (kNumPops + 1), x = task % (kNumPops + 1);
            const std::int64_t q = projectionSize(y, x);
            if (q == 0) return;
            std::vector<std::uint32_t>& deg = m_outDegree[y][x];
            Stream rng(seed, Purpose::OutDegree, static_cast<std::uint32_t>(task));
            const std::uint32_t n = static_cast<std::uint32_t>(deg.size());
            for (std::int64_t k = 0; k < q; ++k) {
                if ((k & 0xFFFFF) == 0 && cancelled()) return;
                ++deg[rng.below(n)];
            }
        });
        progress(0.1, "drawing out-degrees");
    }

    /// Draws the targets of one source, calling f(target) for each (in order).
    template <class F>
    void forTargets(std::int32_t source, F f) const {
        const int x = classOf(source);
        const std::int32_t j = localIndex(source, x);
        Stream rng(m_net.config.sim.rng_seed, Purpose::Targets, static_cast<std::uint32_t>(source));
        for (int y = 0; y < kNumPops; ++y) {
            const std::uint32_t k = m_outDegree[y][x][j];
            const std::int32_t first = m_net.derived.first_neuron[y];
            const std::uint32_t size = static_cast<std::uint32_t>(m_net.derived.num_neurons[y]);
            for (std::uint32_t i = 0; i < k; ++i) f(y, first + static_cast<std::int32_t>(rng.below(size)));
        }
    }

    void countPerShard() {
        const int shards = static_cast<int>(m_net.shards.size());
        m_count.assign(shards, std::vector<std::uint32_t>(m_net.numSources, 0));
        if (shards == 1) {
            // One shard: the count is the out-degree, no need to draw targets.
            for (std::int32_t s = 0; s < m_net.numSources; ++s) {
                if ((s & 0xFFFF) == 0) progress(0.1, "counting synapses");
                const int x = classOf(s);
                std::uint32_t total = 0;
                for (int y = 0; y < kNumPops; ++y) total += m_outDegree[y][x][localIndex(s, x)];
                m_count[0][s] = total;
            }
            progress(0.3, "counting synapses");
            return;
        }
        forSourceBlocks(0.1, 0.3, "counting synapses", [&](std::int32_t first, std::int32_t last) {
            for (std::int32_t s = first; s < last && !cancelled(); ++s)
                forTargets(s, [&](int, std::int32_t t) { ++m_count[shardOf(t)][s]; });
        });
    }

    void layOutShards() {
        const int D = m_net.delaySlots;
        m_base.resize(m_net.shards.size());
        m_net.numSynapses = 0;
        for (std::size_t k = 0; k < m_net.shards.size(); ++k) {
            progress(0.3 + 0.05 * static_cast<double>(k) / static_cast<double>(m_net.shards.size()),
                     "allocating synapses");
            Shard& sh = m_net.shards[k];
            std::vector<std::uint64_t>& base = m_base[k];
            base.resize(m_net.numSources + 1);
            std::uint64_t total = 0;
            for (std::int32_t s = 0; s < m_net.numSources; ++s) {
                base[s] = total;
                total += m_count[k][s];
            }
            base[m_net.numSources] = total;
            if (total >= 0xFFFFFFFFull)
                throw ConfigError("network too large: " + std::to_string(total) +
                                  " synapses onto one shard (at most 4294967294); use more threads");
            // Gigabytes at large scales: zeroed in steps, so that a cancel
            // does not wait for the whole allocation.
            sh.synapses.reserve(total);
            constexpr std::uint64_t kStep = std::uint64_t{1} << 23; // 32 MB
            for (std::uint64_t done = 0; done < total; done = std::min(total, done + kStep)) {
                if (cancelled()) throw BuildCancelled();
                sh.synapses.resize(std::min(total, done + kStep));
            }
            sh.offsets.resize(static_cast<std::size_t>(m_net.numSources) * D + 1);
            sh.offsets.back() = static_cast<std::uint32_t>(total);
            m_net.numSynapses += static_cast<std::int64_t>(total);
            std::vector<std::uint32_t>().swap(m_count[k]);
        }
        progress(0.35, "placing synapses");
    }

    void fillSynapses() {
        const int D = m_net.delaySlots;
        const int shards = static_cast<int>(m_net.shards.size());
        const double rel = m_net.config.net.weight_rel_std;
        const std::uint64_t seed = m_net.config.sim.rng_seed;
        forSourceBlocks(0.35, 0.95, "placing synapses", [&](std::int32_t first, std::int32_t last) {
            std::vector<std::uint32_t> key, packed, cursor(static_cast<std::size_t>(shards) * D);
            for (std::int32_t s = first; s < last && !cancelled(); ++s) {
                const SourceClass& sc = m_class[classOf(s)];
                Stream draws(seed, Purpose::SynapseDraws, static_cast<std::uint32_t>(s));
                key.clear();
                packed.clear();
                forTargets(s, [&](int y, std::int32_t t) {
                    const int delay = static_cast<int>(sc.delays->table.sample(draws)) + 1;
                    const double mean = sc.weightMean[y];
                    const double sd = std::abs(mean) * rel;
                    double w;
                    do {
                        w = mean + sd * draws.normal();
                    } while (mean >= 0.0 ? w < 0.0 : w > 0.0);
                    const double magnitude = std::min(std::abs(w) * sc.codesPerPa + 0.5, double{kMaxCode});
                    const std::int32_t code = static_cast<std::int32_t>(magnitude) * (w < 0.0 ? -1 : 1);
                    const int k = shardOf(t);
                    key.push_back(static_cast<std::uint32_t>(k * D + delay - 1));
                    packed.push_back(packSynapse(t - m_net.shards[k].first, code));
                });
                // Counting sort of this source's synapses by (shard, delay).
                std::fill(cursor.begin(), cursor.end(), 0u);
                std::uint32_t maxDelay = 0;
                for (std::uint32_t kk : key) {
                    ++cursor[kk];
                    maxDelay = std::max(maxDelay, kk % D + 1);
                }
                m_net.sourceMaxDelay[s] = static_cast<std::uint16_t>(maxDelay);
                for (int k = 0; k < shards; ++k) {
                    std::uint32_t pos = static_cast<std::uint32_t>(m_base[k][s]);
                    std::uint32_t* off = m_net.shards[k].offsets.data() + static_cast<std::size_t>(s) * D;
                    for (int dd = 0; dd < D; ++dd) {
                        const std::uint32_t c = cursor[k * D + dd];
                        off[dd] = pos;
                        cursor[k * D + dd] = pos;
                        pos += c;
                    }
                }
                for (std::size_t i = 0; i < key.size(); ++i) {
                    const int k = static_cast<int>(key[i] / D);
                    m_net.shards[k].synapses[cursor[key[i]]++] = packed[i];
                }
            }
        });
    }

    void initialiseNeurons() {
        const Config& c = m_net.config;
        const DerivedParams& d = m_net.derived;
        const std::int32_t n = d.total_neurons;
        m_net.v.assign(n, 0.0f);
        m_net.current.assign(n, 0.0f);
        m_net.refractory.assign(n, 0);
        const bool original = c.net.V0_type == "original";
        m_net.workers->parallelFor(kNumPops, [&](int p) {
            const double mean = original ? c.net.neuron.V0_mean_original : c.net.neuron.V0_mean_optimized[p];
            const double sd = original ? c.net.neuron.V0_std_original : c.net.neuron.V0_std_optimized[p];
            for (std::int32_t i = d.first_neuron[p]; i < d.first_neuron[p + 1]; ++i) {
                Stream rng(c.sim.rng_seed, Purpose::InitialV, static_cast<std::uint32_t>(i));
                m_net.v[i] = static_cast<float>(mean + sd * rng.normal() - c.net.neuron.E_L[p]);
            }
        });
        progress(1.0, "initialising neurons");
    }

    Network& m_net;
    const BuildOptions& m_opt;
    std::array<DelayDistribution, 3> m_delays;
    std::vector<std::int32_t> m_shardEnd;
    std::array<SourceClass, kNumPops + 1> m_class{};
    std::array<std::array<std::vector<std::uint32_t>, kNumPops + 1>, kNumPops> m_outDegree;
    std::vector<std::vector<std::uint32_t>> m_count;
    std::vector<std::vector<std::uint64_t>> m_base;
};

} // namespace

void buildNetwork(Network& net, const BuildOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    Builder(net, options).build();
    net.buildSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace mc::detail
