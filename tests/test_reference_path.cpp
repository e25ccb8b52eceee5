// The optimised engine (per-shard delay segments, shared accumulators, worker
// team) against a straightforward reference path written here: one ring
// buffer of pending input per neuron, every spike's synapses walked at once,
// scalar neuron update in MODEL.md's order. Both sum the same integer weight
// codes, so the spikes must agree exactly, not just statistically.
#include "network/flush_subnormals.hpp"
#include "network/network.hpp"

#include "microcircuit/errors.hpp"
#include "microcircuit/live.hpp"
#include "microcircuit/simulation.hpp"

#include <QtTest>

#include "reference_simulator.hpp"

#include <algorithm>
#include <functional>
#include <vector>

using namespace mc;

namespace {

class Recorder : public SpikeSink {
public:
    void onSpikes(std::span<const Spike> s, std::int64_t) override { spikes.insert(spikes.end(), s.begin(), s.end()); }
    std::vector<Spike> spikes;
};

/// A change applied to the engine before the given step.
using Schedule = std::vector<std::pair<std::int64_t, std::function<void(Simulation&)>>>;

/// Runs the engine and the reference side by side through `schedule` to
/// `steps`; returns the first difference ("" if none).
QString compareWithReference(Simulation& sim, std::int64_t steps, const Schedule& schedule = {});

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

QString compareWithReference(Simulation& sim, std::int64_t steps, const Schedule& schedule) {
    test::ReferenceSimulator reference(sim.network());
    std::vector<Spike> expected;
    Recorder rec;
    std::int64_t done = 0;
    for (const auto& [step, change] : schedule) {
        reference.run(step - done, expected);
        sim.run(step - done, &rec);
        change(sim);
        reference.refresh(sim.network());
        done = step;
    }
    reference.run(steps - done, expected);
    sim.run(steps - done, &rec);
    return firstDifference(rec.spikes, sim.network(), expected, reference.v());
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
        QTest::newRow("poisson, 2 threads, inhibition x0.8") << "poisson" << 2 << false << 0.8;
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
        const std::int64_t steps = 1500; // 150 ms, in two runs
        const QString difference = compareWithReference(sim, steps, {{steps / 2, [](Simulation&) {}}});
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
        c.net.bg_rate = 10.0; // busy enough that spikes are on their way at every change
        BuildOptions options;
        options.threads = 2;
        Simulation sim(c, options);
        if (before.isNull()) qunsetenv("MC_DELIVERY");
        else qputenv("MC_DELIVERY", before);
        QCOMPARE(QString(sim.delivery()), delivery);
        LiveParams apart, together, both;
        // g and the excitatory PSP also set the K_scaling compensation, so
        // factors that keep the small network active.
        apart.inh_weight_factor = 0.8;
        together.exc_weight_factor = together.inh_weight_factor = 1.1;
        both.exc_weight_factor = 1.1;
        both.inh_weight_factor = 0.85;
        const auto set = [](LiveParams l) { return [l](Simulation& s) { s.setLive(l); }; };
        const QString difference =
            compareWithReference(sim, 1300, {{400, set(apart)}, {700, set(together)}, {1000, set(both)}});
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    // Live changes of every kind (microcircuit/live.hpp), through the same
    // path as timed events: weights by sign (units only), single projections
    // (codes rewritten, also past 16 bits, which moves the unit), thalamic
    // weights, every neuron parameter of single populations, drive, back to
    // the defaults, and a switch of the drive; in both delivery modes.
    void liveChangesOfEveryKind_data() {
        QTest::addColumn<QString>("delivery");
        QTest::addColumn<int>("threads");
        QTest::newRow("ring, 2 threads") << "ring" << 2;
        QTest::newRow("queue, 3 threads") << "queue" << 3;
    }
    void liveChangesOfEveryKind() {
        QFETCH(QString, delivery);
        QFETCH(int, threads);
        const QByteArray before = qgetenv("MC_DELIVERY");
        qputenv("MC_DELIVERY", delivery.toUtf8());
        Config c;
        c.net.N_scaling = c.net.K_scaling = 0.03;
        c.net.bg_rate = 10.0; // busy enough that spikes are on their way at every change
        c.stim.thalamic_input = true;
        c.stim.th_start = 45.0;
        BuildOptions options;
        options.threads = threads;
        Simulation sim(c, options);
        if (before.isNull()) qunsetenv("MC_DELIVERY");
        else qputenv("MC_DELIVERY", before);
        QCOMPARE(QString(sim.delivery()), delivery);
        const auto set = [](const char* json) {
            return [json](Simulation& s) { s.applyConfig(applySet(s.config(), json, "test")); };
        };
        const Schedule schedule{
            {200, set(R"({"net": {"g": -5.0}})")},
            {300, set(R"({"net": {"weight_factors": [[1,1,2,1,1,1,1,1],[1,1,1,1,1,1,1,1],[1,1,1,1,1,1,1,1],
                  [1,1,1,1,1,1,1,1],[1,1,1,1,1,3,1,1],[1,1,1,1,1,1,1,1],[1,1,1,1,1,1,1,0.5],[1,1,1,1,1,1,1,1]]}})")},
            {400, set(R"({"stim": {"weight_factors_th": [1,1,1.5,1,1,1,0.5,1], "th_rate": 150}})")},
            {500, [](Simulation& s) { s.scheduleThalamicPulse(51.0); }},
            {600, set(R"({"net": {"neuron_params": {"V_th": [-50,-50,-48,-50,-50,-50,-50,-50],
                  "tau_m": [15,10,10,10,10,10,10,10], "C_m": [250,250,250,300,250,250,250,250],
                  "tau_syn": [0.5,0.5,0.5,0.5,0.5,0.8,0.5,0.5], "E_L": [-65,-65,-65,-65,-60,-65,-65,-65],
                  "V_reset": [-65,-65,-65,-65,-62,-65,-65,-65],
                  "t_ref": [2,2,2,2,2,2,3,2], "I_e": [0,0,0,0,0,0,0,50]}}})")},
            {700, set(R"({"net": {"K_ext": [1600,1500,2500,1900,2000,1900,2900,2100], "bg_rate": 9.0,
                  "bg_rate_factors": [1,1,1,1.3,1,1,1,1], "K_ext_factors": [1,1,1,1,1,1,0.8,1]}})")},
            {800, [](Simulation& s) { s.applyConfig(s.builtConfig()); }},
            {900, set(R"({"net": {"bg_input_type": "dc", "PSP_exc_mean": 0.2, "dc_factors": [1,1,1,1,1,1.4,1,1]}})")},
        };
        const QString difference = compareWithReference(sim, 1100, schedule);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    // After a change of one projection, each of its synapses counts its
    // built weight times the factor, within half a code; the other
    // projections onto the same population keep theirs; changing back
    // restores every code exactly.
    void projectionWeightsFollowTheFactor() {
        Config c;
        c.net.N_scaling = c.net.K_scaling = 0.03;
        BuildOptions options;
        options.threads = 2;
        Simulation sim(c, options);
        const detail::Network& net = sim.network();
        struct Weight { int y, x; double pA; };
        const auto weights = [&] {
            std::vector<Weight> w;
            detail::forEachSynapse(net, [&](const detail::SynapseView& v) {
                const int y = net.populationOf(v.target);
                const int x = v.source < net.derived.total_neurons ? net.populationOf(v.source) : kNumPops;
                const double unit = v.code < 0 ? net.scaling.unitIn[y] : net.scaling.unitEx[y];
                w.push_back({y, x, v.code * net.weightUnit * unit});
            });
            return w;
        };
        const std::vector<Weight> built = weights();
        Config changed = c;
        changed.net.weight_factors[0][2] = 2.0; // L4E -> L23E
        changed.net.weight_factors[6][7] = 0.25; // L6I -> L6E
        sim.applyConfig(changed);
        const std::vector<Weight> now = weights();
        QCOMPARE(now.size(), built.size());
        int checked = 0;
        for (std::size_t i = 0; i < now.size(); ++i) {
            const double factor = (now[i].y == 0 && now[i].x == 2) ? 2.0 : (now[i].y == 6 && now[i].x == 7) ? 0.25 : 1.0;
            const int y = now[i].y;
            const double unit = net.weightUnit * std::max(net.scaling.unitEx[y], net.scaling.unitIn[y]);
            QVERIFY2(std::abs(now[i].pA - built[i].pA * factor) <= 0.5 * unit + 1e-9,
                     qPrintable(QString("synapse %1 (%2 -> %3): %4 pA, expected %5 x %6")
                                    .arg(i).arg(now[i].x).arg(y).arg(now[i].pA).arg(built[i].pA).arg(factor)));
            if (factor != 1.0) ++checked;
        }
        QVERIFY(checked > 100);
        sim.applyConfig(c);
        const std::vector<Weight> back = weights();
        for (std::size_t i = 0; i < back.size(); ++i) QCOMPARE(back[i].pA, built[i].pA);
    }

    // A live change of tau_m, C_m or E_L leaves the membrane potential and
    // the synaptic current as they are at the moment of the change.
    void neuronChangesKeepTheState() {
        Config c;
        c.net.N_scaling = c.net.K_scaling = 0.03;
        Simulation sim(c);
        sim.run(300);
        std::vector<double> v, i;
        for (std::int32_t n = 0; n < sim.derived().total_neurons; ++n) {
            v.push_back(sim.membranePotential(n));
            i.push_back(sim.synapticCurrent(n));
        }
        Config changed = c;
        changed.net.neuron.tau_m = uniform(20.0);
        changed.net.neuron.C_m[2] = 400.0;
        changed.net.neuron.E_L[0] = -60.0;
        changed.net.neuron.V_reset[0] = -60.0;
        sim.applyConfig(changed);
        for (std::int32_t n = 0; n < sim.derived().total_neurons; ++n) {
            QVERIFY2(std::abs(sim.membranePotential(n) - v[n]) < 1e-4,
                     qPrintable(QString("neuron %1: V %2 -> %3").arg(n).arg(v[n]).arg(sim.membranePotential(n))));
            QCOMPARE(sim.synapticCurrent(n), i[n]);
        }
    }

    // What needs a rebuild is refused, and the network is left as it was.
    void rebuildFieldsAreRefused() {
        Config c;
        c.net.N_scaling = c.net.K_scaling = 0.03;
        Simulation sim(c);
        Config changed = c;
        changed.net.conn_probs[0][0] = 0.2;
        changed.net.g = -6.0;
        try {
            sim.applyConfig(changed);
            QFAIL("a connection probability changed live");
        } catch (const ConfigError& e) {
            QVERIFY2(QString(e.what()).contains("net.conn_probs"), e.what());
        }
        QCOMPARE(sim.config().net.g, -4.0);
        QCOMPARE(sim.network().scaling.unitIn[0], 1.0);
        changed = c;
        changed.net.neuron.V_th[3] = -70.0; // below V_reset
        QVERIFY_THROWS_EXCEPTION(ConfigError, sim.applyConfig(changed));
        QCOMPARE(sim.config().net.neuron.V_th[3], -50.0);
    }
};

QTEST_APPLESS_MAIN(TestReferencePath)
#include "test_reference_path.moc"
