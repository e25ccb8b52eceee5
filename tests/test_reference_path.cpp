// The optimised engine (per-shard delay segments, shared accumulators, worker
// team) against a straightforward reference path written here: one ring
// buffer of pending input per neuron, every spike's synapses walked at once,
// scalar neuron update in MODEL.md's order. Both sum the same integer weight
// codes, so the spikes must agree exactly, not just statistically.
#include "network/flush_subnormals.hpp"
#include "network/network.hpp"
#include "network/random.hpp"

#include "microcircuit/simulation.hpp"

#include <QtTest>

#include <algorithm>
#include <map>
#include <vector>

using namespace mc;

namespace {

struct Synapse {
    std::int32_t target;
    std::int32_t delay;  // steps
    std::int32_t units;  // signed weight in accumulator units
};

class Recorder : public SpikeSink {
public:
    void onSpikes(std::span<const Spike> s, std::int64_t) override { spikes.insert(spikes.end(), s.begin(), s.end()); }
    std::vector<Spike> spikes;
};

/// Outgoing synapses of every source, decoded from the engine's storage.
std::vector<std::vector<Synapse>> decode(const detail::Network& net) {
    std::vector<std::vector<Synapse>> out(net.numSources);
    detail::forEachSynapse(net, [&](const detail::SynapseView& v) {
        out[v.source].push_back({v.target, v.delay, v.code});
    });
    return out;
}

bool activeAt(const std::vector<std::array<std::int64_t, 2>>& w, std::int64_t t) {
    for (const auto& x : w)
        if (t >= x[0] && t < x[1]) return true;
    return false;
}

/// Live weight factors from a step on.
using LiveSchedule = std::map<std::int64_t, LiveParams>;

/// The reference path: simulates `steps` steps from the network's current
/// state; `schedule` changes the live weight factors at the given steps.
std::vector<Spike> referenceRun(const detail::Network& net, std::int64_t steps, const LiveSchedule& schedule = {},
                                std::vector<float>* finalV = nullptr) {
    // The engine flushes subnormal floats to zero (stepping.cpp); so does the reference.
    const detail::FlushSubnormals flush;
    const auto synapses = decode(net);
    const std::int32_t n = net.derived.total_neurons;
    const int H = net.delaySlots + 1;
    std::vector<float> v(net.v.begin(), net.v.end()), current(net.current.begin(), net.current.end());
    std::vector<std::int32_t> ref(net.refractory.begin(), net.refractory.end());
    std::vector<std::vector<std::int32_t>> ringEx(H, std::vector<std::int32_t>(n, 0)), ringIn = ringEx;
    std::vector<Spike> spikes;
    LiveParams live = net.live;
    for (std::int64_t t = 0; t < steps; ++t) {
        if (auto it = schedule.find(t); it != schedule.end()) live = it->second;
        // Equal live weight factors: one signed sum per neuron; otherwise
        // excitation and inhibition are scaled apart.
        const bool split = live.exc_weight_factor != live.inh_weight_factor;
        const float unitEx = static_cast<float>(net.weightUnit * live.exc_weight_factor);
        const float unitIn = static_cast<float>(-net.weightUnit * live.inh_weight_factor);
        const float wExt = static_cast<float>(net.derived.weight_ext * live.exc_weight_factor);
        const std::uint32_t key = detail::stepKey(net.config.sim.rng_seed, detail::Purpose::Poisson, t);
        const bool stimOn = activeAt(net.dcTransients, t - 1);
        std::vector<std::int32_t> fired;
        for (std::int32_t i = 0; i < n; ++i) {
            const int p = net.populationOf(i);
            const std::int32_t ex = ringEx[t % H][i], in = ringIn[t % H][i];
            ringEx[t % H][i] = ringIn[t % H][i] = 0;
            const auto& cdf = net.poisson[p].cdf;
            float input = static_cast<float>(split ? ex : ex - in) * unitEx;
            if (t >= net.poissonDelaySteps && !cdf.empty()) {
                const std::uint32_t u = detail::neuronDraw(key, static_cast<std::uint32_t>(i));
                std::uint32_t count = 0;
                while (count < cdf.size() && u >= cdf[count]) ++count;
                input = input + static_cast<float>(static_cast<std::int32_t>(count)) * wExt;
            }
            if (split) input = input + static_cast<float>(in) * unitIn;
            const float iConst = static_cast<float>(net.derived.dc_amp[p] + (stimOn ? net.derived.dc_transient_amp[p] : 0.0));
            // One current: I_ex and I_in share tau_syn, so only their sum matters.
            if (ref[i] == 0) v[i] = (net.P22 * v[i] + net.P21 * current[i]) + net.P20 * iConst;
            else --ref[i];
            current[i] = current[i] * net.P11 + input;
            if (v[i] >= net.theta) {
                ref[i] = net.refractorySteps;
                v[i] = net.vReset;
                fired.push_back(i);
            }
        }
        // Thalamic sources of this step.
        const std::int32_t nTh = net.numSources - n;
        if (nTh > 0 && activeAt(net.thalamicPulses, t)) {
            const std::uint32_t thKey = detail::stepKey(net.config.sim.rng_seed, detail::Purpose::Thalamus, t);
            for (std::int32_t k = 0; k < nTh; ++k) {
                const std::uint32_t u = detail::neuronDraw(thKey, static_cast<std::uint32_t>(k));
                for (std::uint32_t c = 0; c < net.thalamicPoisson.cdf.size() && u >= net.thalamicPoisson.cdf[c]; ++c)
                    fired.push_back(n + k);
            }
        }
        for (std::int32_t s : fired) {
            if (s < n) spikes.push_back({s, static_cast<std::int32_t>(t)});
            for (const Synapse& syn : synapses[s]) {
                auto& ring = syn.units < 0 ? ringIn : ringEx;
                ring[(t + syn.delay) % H][syn.target] += syn.units < 0 ? -syn.units : syn.units;
            }
        }
    }
    if (finalV) *finalV = v;
    return spikes;
}

/// Where the engine's run differs from the reference's: "" when the spikes
/// and the final membrane potentials are identical. Potentials show any
/// difference in the input long before it changes a spike.
QString firstDifference(const std::vector<Spike>& got, const detail::Network& net, const std::vector<Spike>& want,
                        const std::vector<float>& wantV) {
    if (want.size() <= 100) return "the reference run must be active to compare anything";
    for (std::size_t i = 0; i < std::min(got.size(), want.size()); ++i)
        if (got[i].neuron != want[i].neuron || got[i].step != want[i].step)
            return QString("spike %1 differs: engine (%2, step %3), reference (%4, step %5)")
                .arg(i).arg(got[i].neuron).arg(got[i].step).arg(want[i].neuron).arg(want[i].step);
    if (got.size() != want.size()) return QString("%1 spikes, reference %2").arg(got.size()).arg(want.size());
    for (std::size_t i = 0; i < wantV.size(); ++i)
        if (net.v[i] != wantV[i])
            return QString("V of neuron %1 differs: engine %2, reference %3")
                .arg(i).arg(net.v[i], 0, 'g', 9).arg(wantV[i], 0, 'g', 9);
    return {};
}

} // namespace

class TestReferencePath : public QObject {
    Q_OBJECT
private slots:
    void sameSpikesAsReference_data() {
        QTest::addColumn<QString>("drive");
        QTest::addColumn<int>("threads");
        QTest::addColumn<bool>("stimuli");
        QTest::addColumn<double>("gFactor");
        QTest::newRow("poisson, 1 thread") << "poisson" << 1 << false << 1.0;
        QTest::newRow("poisson, 2 threads") << "poisson" << 2 << false << 1.0;
        QTest::newRow("poisson, 2 threads, inhibition x1.25") << "poisson" << 2 << false << 1.25;
        QTest::newRow("dc + thalamus + transient, 3 threads") << "dc" << 3 << true << 1.0;
    }

    void sameSpikesAsReference() {
        QFETCH(QString, drive);
        QFETCH(int, threads);
        QFETCH(bool, stimuli);
        QFETCH(double, gFactor);
        Config c;
        c.net.N_scaling = c.net.K_scaling = 0.03;
        c.net.bg_input_type = drive.toStdString();
        if (drive == "dc") c.net.K_scaling = 1.0; // keep the DC network active
        c.stim.thalamic_input = stimuli;
        c.stim.th_start = 60.0;
        c.stim.dc_transient = stimuli;
        c.stim.dc_transient_start = 40.0;
        BuildOptions options;
        options.threads = threads;
        Simulation sim(c, options);
        LiveParams live;
        live.inh_weight_factor = gFactor; // != 1 keeps separate inhibitory accumulators
        sim.setLive(live);
        const std::int64_t steps = 1500; // 150 ms
        std::vector<float> expectedV;
        const std::vector<Spike> expected = referenceRun(sim.network(), steps, {}, &expectedV);
        Recorder rec;
        sim.run(steps / 2, &rec);
        sim.run(steps - steps / 2, &rec);
        const QString difference = firstDifference(rec.spikes, sim.network(), expected, expectedV);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    // Live weight changes while spikes are on their way: from one input sum
    // to separate ones (the ring must take its pending sums apart), back,
    // and apart again; in both delivery modes.
    void liveWeightChangesMatchReference_data() {
        QTest::addColumn<QString>("delivery");
        QTest::newRow("ring") << "ring";
        QTest::newRow("queue") << "queue";
    }
    void liveWeightChangesMatchReference() {
        QFETCH(QString, delivery);
        const QByteArray before = qgetenv("MC_DELIVERY");
        qputenv("MC_DELIVERY", delivery.toUtf8());
        Config c;
        c.net.N_scaling = c.net.K_scaling = 0.03;
        BuildOptions options;
        options.threads = 2;
        Simulation sim(c, options);
        if (before.isNull()) qunsetenv("MC_DELIVERY");
        else qputenv("MC_DELIVERY", before);
        QCOMPARE(QString(sim.delivery()), delivery);
        LiveParams apart, together, both;
        apart.inh_weight_factor = 1.25;
        together.exc_weight_factor = together.inh_weight_factor = 1.25;
        both.exc_weight_factor = 0.9;
        both.inh_weight_factor = 1.25;
        const LiveSchedule schedule{{400, apart}, {700, together}, {1000, both}};
        std::vector<float> expectedV;
        const std::vector<Spike> expected = referenceRun(sim.network(), 1300, schedule, &expectedV);
        Recorder rec;
        std::int64_t done = 0;
        for (const auto& [step, live] : schedule) {
            sim.run(step - done, &rec);
            sim.setLive(live);
            done = step;
        }
        sim.run(1300 - done, &rec);
        const QString difference = firstDifference(rec.spikes, sim.network(), expected, expectedV);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }
};

QTEST_APPLESS_MAIN(TestReferencePath)
#include "test_reference_path.moc"
