// The built network against MODEL.md ("Connectivity rule", "Weights",
// "Delays", "Thalamic input"): every synapse of every shard is decoded and
// counted per population pair; counts must be exact, degree and weight
// statistics must match their expectations within their sampling error.
#include "network/network.hpp"
#include "test_helpers.hpp"

#include "microcircuit/simulation.hpp"

#include <QtTest/QtTest>

#include <cmath>
#include <map>
#include <memory>
#include <vector>

using namespace mc;
using namespace mc::test;

namespace {

constexpr int kTh = kNumPops;      // "population" index of the thalamus as a source
constexpr int kClasses = kNumPops + 1;

struct PairStats {
    std::int64_t n = 0;
    double sum = 0.0, sum2 = 0.0; // signed weights (pA)
    std::int64_t codeSum = 0;     // sum of signed codes: exact, order-independent
    std::int64_t zeroCodes = 0;
    std::int64_t wrongSign = 0;
};

/// Everything the tests need, decoded once from a built network.
struct Decoded {
    std::unique_ptr<Simulation> sim;
    std::array<std::array<PairStats, kClasses>, kNumPops> pairs{};      // [target pop][source class]
    std::array<std::vector<std::int32_t>, kClasses> inDegree;           // [source class][target neuron]
    std::array<std::vector<std::int32_t>, kNumPops> outDegree;          // [target pop][source]
    std::array<std::map<int, std::int64_t>, 3> delaySteps;              // exc, inh, thalamic: steps -> count
    std::int64_t total = 0;
    std::int64_t badTargets = 0;
    std::int64_t nonMonotonicOffsets = 0;
    std::vector<int> popOf;                                             // per neuron
};

int delayClass(int x) { return x == kTh ? 2 : (isExcitatory(x) ? 0 : 1); }

std::unique_ptr<Decoded> decode(const Config& config, int threads) {
    auto out = std::make_unique<Decoded>();
    out->sim = std::make_unique<Simulation>(config, withThreads(threads));
    const detail::Network& net = out->sim->network();
    const DerivedParams& d = out->sim->derived();
    const std::int32_t n = d.total_neurons;
    out->popOf.resize(n);
    for (int p = 0; p < kNumPops; ++p)
        for (std::int32_t i = d.first_neuron[p]; i < d.first_neuron[p + 1]; ++i) out->popOf[i] = p;
    for (auto& v : out->inDegree) v.assign(n, 0);
    for (auto& v : out->outDegree) v.assign(net.numSources, 0);

    for (const detail::Shard& shard : net.shards)
        for (std::size_t i = 1; i < shard.offsets.size(); ++i)
            if (shard.offsets[i] < shard.offsets[i - 1]) ++out->nonMonotonicOffsets;
    for (std::int32_t s = 0; s < net.numSources; ++s) {
        const int x = s >= n ? kTh : out->popOf[s];
        const bool inh = x != kTh && !isExcitatory(x);
        if ((net.sourceInh[s] != 0) != inh) ++out->pairs[0][x].wrongSign;
    }
    detail::forEachSynapse(net, [&](const detail::SynapseView& v) {
        const std::int32_t s = v.source;
        const int x = s >= n ? kTh : out->popOf[s];
        ++out->delaySteps[delayClass(x)][v.delay];
        if (v.localTarget >= net.shards[v.shard].count) {
            ++out->badTargets;
            return;
        }
        const std::int32_t t = v.target;
        const int y = out->popOf[t];
        const double w = v.code * net.weightUnit;
        PairStats& ps = out->pairs[y][x];
        ++ps.n;
        ps.sum += w;
        ps.sum2 += w * w;
        ps.codeSum += v.code;
        if (v.code == 0) ++ps.zeroCodes;
        ++out->inDegree[x][t];
        ++out->outDegree[y][s];
        ++out->total;
    });
    return out;
}

/// Expected distribution of delays in steps: Normal(mean, sd) redrawn until
/// >= h/2, then rounded to the grid (MODEL.md "Delays"), computed here from
/// the normal CDF.
std::vector<double> expectedDelaySteps(double mean, double sd, double h) {
    const auto phi = [&](double x) { return 0.5 * std::erfc(-(x - mean) / (sd * std::sqrt(2.0))); };
    const double kept = 1.0 - phi(0.5 * h);
    std::vector<double> p(1, 0.0); // p[0] = 0: no delay below one step
    for (int k = 1; (k - 0.5) * h < mean + 12.0 * sd; ++k) p.push_back((phi((k + 0.5) * h) - phi((k - 0.5) * h)) / kept);
    return p;
}

Config scaledConfig(double n, double k, bool thalamic, const char* thScaling) {
    Config c;
    c.net.N_scaling = n;
    c.net.K_scaling = k;
    c.stim.thalamic_input = thalamic;
    c.stim.th_scaling = thScaling;
    return c;
}

} // namespace

class TestConnectivity : public QObject {
    Q_OBJECT

    std::map<QString, std::unique_ptr<Decoded>> m_nets;

    const Decoded& net() {
        QFETCH(QString, network);
        return *m_nets.at(network);
    }

    void networkRows() {
        QTest::addColumn<QString>("network");
        QTest::newRow("0.1/0.1, 2 threads, thalamus") << "a";
        QTest::newRow("0.05/0.2, 1 thread, thalamus in-degree scaling") << "b";
        QTest::newRow("0.1/0.1, 3 threads, no thalamus") << "c";
    }

private slots:
    void initTestCase() {
        m_nets["a"] = decode(scaledConfig(0.1, 0.1, true, "reference"), 2);
        m_nets["b"] = decode(scaledConfig(0.05, 0.2, true, "indegree"), 1);
        m_nets["c"] = decode(scaledConfig(0.1, 0.1, false, "reference"), 3);
    }

    void layoutIsConsistent_data() { networkRows(); }
    void layoutIsConsistent() {
        const Decoded& dn = net();
        QCOMPARE(dn.badTargets, std::int64_t{0});
        QCOMPARE(dn.nonMonotonicOffsets, std::int64_t{0});
        QCOMPARE(dn.total, dn.sim->numSynapses());
        QCOMPARE(dn.total, dn.sim->derived().total_synapses);
        // The shards cover the neurons exactly once, in order.
        std::int32_t next = 0;
        for (const detail::Shard& s : dn.sim->network().shards) {
            QCOMPARE(s.first, next);
            next += s.count;
        }
        QCOMPARE(next, dn.sim->derived().total_neurons);
    }

    // Fixed total number: exactly round(Q N_scaling K_scaling) per pair.
    void synapseCountPerPairIsExact_data() { networkRows(); }
    void synapseCountPerPairIsExact() {
        const Decoded& dn = net();
        const Config& c = dn.sim->config();
        for (int y = 0; y < kNumPops; ++y) {
            for (int x = 0; x < kNumPops; ++x) {
                const double q = synapseCountReference(c.net.conn_probs[y][x], c.net.full_num_neurons[x],
                                                       c.net.full_num_neurons[y]);
                const auto expected = std::llround(q * c.net.N_scaling * c.net.K_scaling);
                if (dn.pairs[y][x].n != expected)
                    QFAIL(qPrintable(QString("%1 -> %2: %3 synapses, expected %4")
                                         .arg(kPopNames[x]).arg(kPopNames[y]).arg(dn.pairs[y][x].n).arg(expected)));
            }
        }
    }

    // Thalamus -> y: round(Q_yT K_scaling) (reference), times N_scaling too
    // for the in-degree option; none without the stimulus.
    void thalamicSynapseCounts_data() { networkRows(); }
    void thalamicSynapseCounts() {
        const Decoded& dn = net();
        const Config& c = dn.sim->config();
        for (int y = 0; y < kNumPops; ++y) {
            const double q = synapseCountReference(c.stim.conn_probs_th[y], 902.0, c.net.full_num_neurons[y]);
            double factor = c.net.K_scaling;
            if (c.stim.th_scaling == "indegree") factor *= c.net.N_scaling;
            const auto expected = c.stim.thalamic_input ? std::llround(q * factor) : 0;
            QCOMPARE(dn.pairs[y][kTh].n, static_cast<std::int64_t>(expected));
        }
        if (c.stim.thalamic_input) {
            QVERIFY(dn.pairs[2][kTh].n > 1000); // L4E gets thalamic input
            QCOMPARE(dn.sim->network().numSources - dn.sim->derived().total_neurons, 902);
        }
    }

    // In-degree of each target neuron from population x is multinomial:
    // mean Q/N_y (exact, the total is fixed), variance Q (1/N_y)(1 - 1/N_y).
    // The sample variance about the known mean has standard error
    // sqrt((mu4 - sigma^4) / N_y), mu4 of the binomial; we allow 5 of them.
    void inDegreeStatistics_data() { networkRows(); }
    void inDegreeStatistics() {
        const Decoded& dn = net();
        const DerivedParams& d = dn.sim->derived();
        for (int y = 0; y < kNumPops; ++y) {
            const double ny = d.num_neurons[y];
            for (int x = 0; x < kClasses; ++x) {
                const double q = static_cast<double>(dn.pairs[y][x].n);
                if (q == 0) continue;
                const double p = 1.0 / ny;
                const double mean = q * p, var = q * p * (1.0 - p);
                double sum = 0.0, ss = 0.0;
                for (std::int32_t t = d.first_neuron[y]; t < d.first_neuron[y + 1]; ++t) {
                    sum += dn.inDegree[x][t];
                    ss += (dn.inDegree[x][t] - mean) * (dn.inDegree[x][t] - mean);
                }
                QVERIFY(std::abs(sum / ny - mean) < 1e-9 * mean);
                const double mu4 = var * (1.0 + 3.0 * (q - 2.0) * p * (1.0 - p));
                const double se = std::sqrt(std::max(mu4 - var * var, 0.0) / ny);
                const double sampleVar = ss / ny;
                if (std::abs(sampleVar - var) > 5.0 * se)
                    QFAIL(qPrintable(QString("in-degree %1 -> %2: variance %3, expected %4 +- %5")
                                         .arg(x == kTh ? "TH" : kPopNames[x]).arg(kPopNames[y])
                                         .arg(sampleVar).arg(var).arg(5 * se)));
            }
        }
    }

    // Out-degree of each source onto y: mean Q/N_x, variance Q (1/N_x)(1 - 1/N_x).
    void outDegreeStatistics_data() { networkRows(); }
    void outDegreeStatistics() {
        const Decoded& dn = net();
        const DerivedParams& d = dn.sim->derived();
        const std::int32_t n = d.total_neurons;
        for (int x = 0; x < kClasses; ++x) {
            const std::int32_t lo = x == kTh ? n : d.first_neuron[x];
            const std::int32_t hi = x == kTh ? dn.sim->network().numSources : d.first_neuron[x + 1];
            const double nx = hi - lo;
            if (nx == 0) continue;
            for (int y = 0; y < kNumPops; ++y) {
                const double q = static_cast<double>(dn.pairs[y][x].n);
                if (q == 0) continue;
                const double p = 1.0 / nx;
                const double mean = q * p, var = q * p * (1.0 - p);
                double sum = 0.0, ss = 0.0;
                for (std::int32_t s = lo; s < hi; ++s) {
                    sum += dn.outDegree[y][s];
                    ss += (dn.outDegree[y][s] - mean) * (dn.outDegree[y][s] - mean);
                }
                QVERIFY(std::abs(sum / nx - mean) < 1e-9 * mean);
                const double mu4 = var * (1.0 + 3.0 * (q - 2.0) * p * (1.0 - p));
                const double se = std::sqrt(std::max(mu4 - var * var, 0.0) / nx);
                if (std::abs(ss / nx - var) > 5.0 * se)
                    QFAIL(qPrintable(QString("out-degree %1 -> %2: variance %3, expected %4 +- %5")
                                         .arg(x == kTh ? "TH" : kPopNames[x]).arg(kPopNames[y])
                                         .arg(ss / nx).arg(var).arg(5 * se)));
            }
        }
    }

    // Weights: sign of the source, mean derived.weight_mean (thalamus:
    // weight_th), sd 0.1 |mean|. Tolerance: 5 standard errors (below 2% for
    // all but the few pairs with fewer than 625 synapses).
    void weightStatistics_data() { networkRows(); }
    void weightStatistics() {
        const Decoded& dn = net();
        const DerivedParams& d = dn.sim->derived();
        const double w = 87.81 / std::sqrt(dn.sim->config().net.K_scaling);
        for (int y = 0; y < kNumPops; ++y) {
            for (int x = 0; x < kClasses; ++x) {
                const PairStats& ps = dn.pairs[y][x];
                QCOMPARE(ps.wrongSign, std::int64_t{0});
                QCOMPARE(ps.zeroCodes, std::int64_t{0});
                if (ps.n == 0) continue;
                const double m = x == kTh ? d.weight_th[y] : d.weight_mean[y][x];
                // The model values: 87.81 pA / sqrt(K), x2 for L4E -> L23E, x(-4) inhibitory.
                double model = x == kTh || isExcitatory(x) ? w : -4.0 * w;
                if (y == 0 && x == 2) model *= 2.0;
                QVERIFY(std::abs(m - model) < 0.01 * w / 87.81 + 1e-9);
                const double n = static_cast<double>(ps.n);
                const double mean = ps.sum / n;
                const double sd = std::sqrt(std::max(0.0, ps.sum2 / n - mean * mean));
                const double sdModel = 0.1 * std::abs(m);
                // 5 standard errors: below 2% for every pair with more than 625 synapses.
                const double tolMean = 5.0 * sdModel / std::sqrt(n) + 0.01;
                if (n > 1000) QVERIFY(tolMean < 0.02 * std::abs(m)); // the brief's +-2% holds a fortiori
                const double tolSd = std::max(5.0 * sdModel / std::sqrt(2.0 * n), 0.005 * sdModel);
                const QString pair = QString("%1 -> %2 (%3 synapses)").arg(x == kTh ? "TH" : kPopNames[x])
                                         .arg(kPopNames[y]).arg(ps.n);
                if ((mean > 0) != (m > 0) || std::abs(mean - m) > tolMean)
                    QFAIL(qPrintable(pair + QString(": mean weight %1 pA, expected %2 +- %3").arg(mean).arg(m).arg(tolMean)));
                if (std::abs(sd - sdModel) > tolSd)
                    QFAIL(qPrintable(pair + QString(": weight sd %1 pA, expected %2 +- %3").arg(sd).arg(sdModel).arg(tolSd)));
            }
        }
    }

    // L4E -> L23E has twice the mean of the other excitatory projections.
    void l4eToL23eIsDoubled_data() { networkRows(); }
    void l4eToL23eIsDoubled() {
        const Decoded& dn = net();
        const auto meanOf = [&](int y, int x) { return dn.pairs[y][x].sum / dn.pairs[y][x].n; };
        const double doubled = meanOf(0, 2);
        for (int y = 0; y < kNumPops; ++y) {
            for (int x = 0; x < kNumPops; x += 2) {
                if ((y == 0 && x == 2) || dn.pairs[y][x].n < 1000) continue;
                const double ratio = doubled / meanOf(y, x);
                QVERIFY2(std::abs(ratio - 2.0) < 0.02 * 2.0,
                         qPrintable(QString("L4E->L23E / %1->%2 = %3").arg(kPopNames[x]).arg(kPopNames[y]).arg(ratio)));
            }
        }
    }

    // Delays: no delay below one step; the distribution of steps is the
    // discretised truncated normal (mean 1.5 / 0.75 / 1.5 ms, sd half the mean).
    void delayDistribution_data() { networkRows(); }
    void delayDistribution() {
        const Decoded& dn = net();
        const Config& c = dn.sim->config();
        const double h = c.sim.sim_resolution;
        const std::array<double, 3> means = {c.net.delay_exc_mean, c.net.delay_inh_mean, c.stim.delay_th_mean};
        const std::array<double, 3> rel = {c.net.delay_rel_std, c.net.delay_rel_std, c.stim.delay_th_rel_std};
        const char* names[3] = {"excitatory", "inhibitory", "thalamic"};
        for (int k = 0; k < 3; ++k) {
            const auto& hist = dn.delaySteps[k];
            std::int64_t n = 0;
            double sum = 0.0;
            for (const auto& [steps, count] : hist) {
                QVERIFY2(steps >= 1, "a delay below one step");
                n += count;
                sum += steps * h * count;
            }
            if (k == 2 && !c.stim.thalamic_input) {
                QCOMPARE(n, std::int64_t{0});
                continue;
            }
            QVERIFY(n > 0);
            const std::vector<double> p = expectedDelaySteps(means[k], means[k] * rel[k], h);
            double expectedMean = 0.0;
            for (std::size_t s = 1; s < p.size(); ++s) expectedMean += s * h * p[s];
            const double mean = sum / n;
            QVERIFY2(std::abs(mean - expectedMean) <= 0.02 * expectedMean,
                     qPrintable(QString("%1 mean delay %2 ms, expected %3 ms").arg(names[k]).arg(mean).arg(expectedMean)));
            // Every well-populated step holds its share within 5 sd.
            for (std::size_t s = 1; s < p.size(); ++s) {
                const double expected = n * p[s];
                if (expected < 100) continue;
                const auto it = hist.find(static_cast<int>(s));
                const double got = it == hist.end() ? 0.0 : static_cast<double>(it->second);
                const double sd = std::sqrt(n * p[s] * (1.0 - p[s]));
                if (std::abs(got - expected) > 5.0 * sd + 1.0)
                    QFAIL(qPrintable(QString("%1 delays of %2 steps: %3, expected %4 +- %5")
                                         .arg(names[k]).arg(s).arg(got).arg(expected).arg(5 * sd)));
            }
        }
        // The largest delay slot the network keeps covers every synapse.
        for (const auto& hist : dn.delaySteps)
            if (!hist.empty()) QVERIFY(hist.rbegin()->first <= dn.sim->network().delaySlots);
    }

    // Same seed, different thread counts: the same synapses (network "a"
    // against a rebuild with 1 thread) -- the network must not depend on threads.
    void networkDoesNotDependOnThreads() {
        const Decoded& a = *m_nets.at("a");
        const auto one = decode(a.sim->config(), 1);
        for (int y = 0; y < kNumPops; ++y)
            for (int x = 0; x < kClasses; ++x) {
                QCOMPARE(one->pairs[y][x].n, a.pairs[y][x].n);
                QCOMPARE(one->pairs[y][x].codeSum, a.pairs[y][x].codeSum);
            }
        for (int x = 0; x < kClasses; ++x) QVERIFY(one->inDegree[x] == a.inDegree[x]);
        for (int y = 0; y < kNumPops; ++y) QVERIFY(one->outDegree[y] == a.outDegree[y]);
    }

    // Initial membrane potentials (MODEL.md population table): 'optimized'
    // draws N(V0_mean[p], V0_sd[p]) per population, 'original' N(-58, 10).
    void initialMembranePotentials_data() {
        QTest::addColumn<QString>("type");
        QTest::newRow("optimized") << "optimized";
        QTest::newRow("original") << "original";
    }
    void initialMembranePotentials() {
        QFETCH(QString, type);
        Config c = scaledConfig(0.1, 0.1, false, "reference");
        c.net.V0_type = type.toStdString();
        c.net.full_num_neurons[5] = 5000; // L5I: enough neurons for the statistics
        Simulation sim(c, withThreads(2));
        const DerivedParams& d = sim.derived();
        const std::array<double, kNumPops> mean = {-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43};
        const std::array<double, kNumPops> sd = {5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48};
        for (int p = 0; p < kNumPops; ++p) {
            const double m = type == "optimized" ? mean[p] : -58.0;
            const double s = type == "optimized" ? sd[p] : 10.0;
            const double n = d.num_neurons[p];
            double sum = 0.0, sum2 = 0.0;
            for (std::int32_t i = d.first_neuron[p]; i < d.first_neuron[p + 1]; ++i) {
                const double v = sim.membranePotential(i);
                sum += v;
                sum2 += v * v;
            }
            const double obsMean = sum / n, obsSd = std::sqrt(sum2 / n - obsMean * obsMean);
            QVERIFY2(std::abs(obsMean - m) < 5.0 * s / std::sqrt(n),
                     qPrintable(QString("%1: mean V0 %2, expected %3").arg(kPopNames[p]).arg(obsMean).arg(m)));
            QVERIFY2(std::abs(obsSd - s) < 5.0 * s / std::sqrt(2.0 * n),
                     qPrintable(QString("%1: sd of V0 %2, expected %3").arg(kPopNames[p]).arg(obsSd).arg(s)));
        }
        // Neurons start integrating, not refractory, without synaptic current.
        for (std::int32_t i = 0; i < d.total_neurons; i += 97) {
            QCOMPARE(sim.refractoryStepsLeft(i), 0);
            QCOMPARE(sim.synapticCurrent(i), 0.0);
        }
    }

    // MODEL.md step 3: "A spike emitted in step t with delay d steps is added
    // at step 3 of step t + d", with the synapse's weight and the source's
    // sign. Two-neuron populations with one dense projection; one source is
    // made to fire and the target's current is compared, step by step, with
    // the sum over the decoded synapses of w P11^(t - t_spike - d).
    void spikeArrivesAfterItsDelayWithItsWeight_data() {
        QTest::addColumn<int>("sourcePop");
        QTest::addColumn<int>("targetPop");
        QTest::newRow("L23E -> L23I (excitatory)") << 0 << 1;
        QTest::newRow("L23I -> L23E (inhibitory)") << 1 << 0;
        QTest::newRow("L5I -> L4E (inhibitory)") << 5 << 2;
    }
    void spikeArrivesAfterItsDelayWithItsWeight() {
        QFETCH(int, sourcePop);
        QFETCH(int, targetPop);
        Config c = isolatedNeuronsConfig();
        c.net.full_num_neurons.fill(2.0);
        c.net.conn_probs[targetPop][sourcePop] = 0.9; // Q = ln(0.1) / ln(3/4) = 8 synapses
        Simulation sim(c, withThreads(2));
        const detail::Network& net = sim.network();
        const DerivedParams& d = sim.derived();
        QCOMPARE(sim.numSynapses(), std::int64_t{8});
        const std::int32_t source = d.first_neuron[sourcePop];

        // Decode the synapses of `source`: (target, delay, weight).
        struct Syn { std::int32_t target; int delay; double w; };
        std::vector<Syn> syns;
        detail::forEachSynapse(net, [&](const detail::SynapseView& v) {
            if (v.source != source) return;
            const double w = v.code * net.weightUnit;
            syns.push_back({v.target, v.delay, w});
        });
        QVERIFY2(!syns.empty(), "the chosen source has no synapses; pick another seed");
        for (const Syn& s : syns) {
            QCOMPARE(net.populationOf(s.target), targetPop);
            QVERIFY(isExcitatory(sourcePop) ? s.w > 0.0 : s.w < 0.0);
        }

        // Make the source fire: a 50 nA input arriving in step 0 puts it over
        // threshold in step 1 (see test_neuron), so the spike's step is 1.
        test::SpikeCollector spikes;
        sim.injectInput(source, 50000.0);
        const float P11 = net.pops[0].P11;
        const int tSpike = 1, steps = tSpike + net.delaySlots + 30;
        for (int t = 0; t < steps; ++t) {
            sim.run(1, &spikes);
            for (std::int32_t target = d.first_neuron[targetPop]; target < d.first_neuron[targetPop + 1]; ++target) {
                double expected = 0.0;
                for (const Syn& s : syns)
                    if (s.target == target && t >= tSpike + s.delay)
                        expected += s.w * std::pow(static_cast<double>(P11), t - tSpike - s.delay);
                const double got = sim.synapticCurrent(target);
                if (std::abs(got - expected) > 1e-4 * std::abs(expected) + 1e-4)
                    QFAIL(qPrintable(QString("step %1, neuron %2: I = %3 pA, expected %4 pA")
                                         .arg(t).arg(target).arg(got, 0, 'g', 9).arg(expected, 0, 'g', 9)));
            }
        }
        QCOMPARE(spikes.all.size(), std::size_t{1});
        QCOMPARE(spikes.all[0].neuron, source);
        QCOMPARE(spikes.all[0].step, tSpike);
    }

    void cleanupTestCase() { m_nets.clear(); }
};

QTEST_APPLESS_MAIN(TestConnectivity)
#include "test_connectivity.moc"
