// Membrane-potential probes (Simulation::setProbes): the recorded V_m and
// current are the engine's state after each step (equal to
// membranePotential and to the reference-path simulator), probing changes no
// spike for any thread count or delivery mode, and a neuron under DC input
// follows the free-membrane solution, is reset at the step it spikes and
// stays at V_reset for t_ref.
#include "network/network.hpp"
#include "reference_simulator.hpp"
#include "test_helpers.hpp"

#include "microcircuit/errors.hpp"
#include "microcircuit/simulation.hpp"

#include <QtTest/QtTest>

#include <cmath>
#include <cstdlib>
#include <vector>

using namespace mc;
using namespace mc::test;

namespace {

Config smallNetwork() {
    Config c;
    c.sim.rng_seed = 7;
    c.net.N_scaling = c.net.K_scaling = 0.03;
    c.net.bg_input_type = "poisson";
    c.stim.thalamic_input = true;
    c.stim.th_start = 20.0; // inside the run, so the probed neurons see a volley
    return c;
}

/// One neuron of each population, plus one repeated.
std::vector<std::int32_t> someNeurons(const DerivedParams& d) {
    std::vector<std::int32_t> n;
    for (int p = 0; p < kNumPops; ++p)
        n.push_back(d.first_neuron[p] + (d.first_neuron[p + 1] - d.first_neuron[p]) / 3);
    n.push_back(n[2]);
    return n;
}

std::vector<Spike> spikesOf(const Config& c, int threads, bool probe, std::int32_t every, const char* delivery) {
    setenv("MC_DELIVERY", delivery, 1);
    Simulation sim(c, withThreads(threads));
    unsetenv("MC_DELIVERY");
    if (std::string(sim.delivery()) != delivery) qFatal("delivery mode %s not taken", delivery);
    if (probe) {
        std::vector<std::int32_t> all(sim.derived().total_neurons);
        for (std::int32_t i = 0; i < sim.derived().total_neurons; ++i)
            all[i] = i;
        sim.setProbes(every == 1 ? someNeurons(sim.derived()) : all, every);
    }
    SpikeCollector out;
    for (std::int64_t n : {137, 1, 600, 262})
        sim.run(n, &out);
    if (probe && sim.takeProbeTraces().samples() == 0) qFatal("no probe samples");
    return out.all;
}

} // namespace

class TestProbes : public QObject {
    Q_OBJECT

  private slots:
    void traceIsTheStateAfterEveryStep() {
        const Config c = smallNetwork();
        Simulation probed(c, withThreads(2)), stepped(c, withThreads(2));
        const std::vector<std::int32_t> neurons = someNeurons(probed.derived());
        probed.setProbes(neurons);
        ReferenceSimulator reference(stepped.network());
        std::vector<double> vm, cur, ref;
        std::vector<Spike> refSpikes;
        const int steps = 400;
        for (int s = 0; s < steps; ++s) {
            stepped.run(1);
            reference.run(1, refSpikes);
            for (std::int32_t n : neurons) {
                vm.push_back(stepped.membranePotential(n));
                cur.push_back(stepped.synapticCurrent(n));
                ref.push_back(reference.v()[n] + c.net.neuron.E_L[stepped.network().populationOf(n)]);
            }
        }
        ProbeTraces tr;
        for (int n : {150, 1, 249}) {
            probed.run(n);
            ProbeTraces part = probed.takeProbeTraces();
            tr.steps.insert(tr.steps.end(), part.steps.begin(), part.steps.end());
            tr.vm.insert(tr.vm.end(), part.vm.begin(), part.vm.end());
            tr.current.insert(tr.current.end(), part.current.begin(), part.current.end());
        }
        QCOMPARE(tr.samples(), std::size_t(steps));
        for (int s = 0; s < steps; ++s)
            QCOMPARE(tr.steps[s], std::int64_t{s});
        QCOMPARE(tr.vm, vm);
        QCOMPARE(tr.current, cur);
        QCOMPARE(tr.vm, ref);
        // The trace is not flat: the neurons did integrate input.
        double lo = 0, hi = -1e9;
        for (double v : tr.vm)
            lo = std::min(lo, v), hi = std::max(hi, v);
        QVERIFY(hi - lo > 1.0);
    }

    void everyKthStepKeepsThoseSteps() {
        const Config c = smallNetwork();
        Simulation a(c, withThreads(1)), b(c, withThreads(1));
        const std::vector<std::int32_t> n = someNeurons(a.derived());
        a.setProbes(n, 1);
        b.setProbes(n, 10);
        a.run(7);
        b.run(7);
        a.run(120);
        b.run(120);
        const ProbeTraces all = a.takeProbeTraces(), some = b.takeProbeTraces();
        QCOMPARE(some.samples(), std::size_t(12)); // steps 9, 19, ..., 119
        for (std::size_t k = 0; k < some.samples(); ++k) {
            QCOMPARE(some.steps[k], std::int64_t(10 * k + 9));
            for (std::size_t i = 0; i < n.size(); ++i) {
                QCOMPARE(some.vmAt(k, i), all.vmAt(10 * k + 9, i));
                QCOMPARE(some.currentAt(k, i), all.currentAt(10 * k + 9, i));
            }
        }
        // Taken samples are gone; a new setProbes starts afresh.
        QCOMPARE(b.takeProbeTraces().samples(), std::size_t(0));
        b.setProbes({});
        b.run(20);
        QCOMPARE(b.takeProbeTraces().samples(), std::size_t(0));
    }

    void probesChangeNoSpike_data() {
        QTest::addColumn<int>("threads");
        QTest::addColumn<QString>("delivery");
        for (int t : {1, 2})
            for (const char* d : {"ring", "queue"})
                QTest::newRow(qPrintable(QString("%1 threads, %2").arg(t).arg(d))) << t << QString(d);
    }
    void probesChangeNoSpike() {
        QFETCH(int, threads);
        QFETCH(QString, delivery);
        const Config c = smallNetwork();
        const std::string d = delivery.toStdString();
        const std::vector<Spike> plain = spikesOf(c, threads, false, 1, d.c_str());
        QVERIFY(plain.size() > 500);
        QVERIFY(sameSpikes(plain, spikesOf(c, threads, true, 1, d.c_str())));
        QVERIFY(sameSpikes(plain, spikesOf(c, threads, true, 10, d.c_str())));
    }

    // A neuron with constant current I from rest: V(t) = E_L + I R (1 - e^(-t/tau_m)),
    // R = tau_m / C_m; threshold at t* = -tau_m ln(1 - theta / (I R)).
    void dcNeuronReachesThresholdAtTheAnalyticTime() {
        const double I = 500.0, tauM = 10.0, cM = 250.0, h = 0.1, eL = -65.0, theta = 15.0, vReset = -65.0;
        Config c = isolatedNeuronsConfig();
        setDcCurrent(c, 0, I);
        Simulation sim(c, withThreads(1));
        sim.setProbes({0});
        SpikeCollector spikes;
        sim.run(300, &spikes);
        const ProbeTraces tr = sim.takeProbeTraces();
        const double R = tauM / cM;
        const double tStar = -tauM * std::log(1.0 - theta / (I * R));
        // The spike is stamped (step + 1) h: the first sample time at or after t*.
        const std::int64_t spikeStep = static_cast<std::int64_t>(std::ceil(tStar / h - 1e-9)) - 1;
        QVERIFY(!spikes.all.empty());
        QCOMPARE(std::int64_t{spikes.all[0].step}, spikeStep);
        for (std::int64_t s = 0; s < spikeStep; ++s) {
            const double t = (s + 1) * h;
            const double expected = eL + I * R * (1.0 - std::exp(-t / tauM));
            QVERIFY2(std::abs(tr.vmAt(s, 0) - expected) < 2e-4, qPrintable(QString("step %1").arg(s)));
            QCOMPARE(tr.currentAt(s, 0), 0.0); // DC drive is no synaptic current
        }
        QVERIFY(tr.vmAt(spikeStep - 1, 0) < eL + theta);
        // Reset in the spike's step, held for t_ref = 2 ms (20 steps), then integrating again.
        for (std::int64_t s = spikeStep; s <= spikeStep + 20; ++s)
            QCOMPARE(tr.vmAt(s, 0), vReset);
        QVERIFY(tr.vmAt(spikeStep + 21, 0) > vReset + 0.1);
    }

    void badProbeIsRefused() {
        Simulation sim(isolatedNeuronsConfig(), withThreads(1));
        QVERIFY_THROWS_EXCEPTION(ConfigError, sim.setProbes({8}));
        QVERIFY_THROWS_EXCEPTION(ConfigError, sim.setProbes({-1}));
        QVERIFY_THROWS_EXCEPTION(ConfigError, sim.setProbes({0}, 0));
    }
};

QTEST_APPLESS_MAIN(TestProbes)
#include "test_probes.moc"
