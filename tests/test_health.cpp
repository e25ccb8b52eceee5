// Activity states (microcircuit/health.hpp): the synchrony measure on
// synthetic trains with known answers, and the states of the default
// network and of the reference's synchronous configuration (MODEL.md).
#include "test_helpers.hpp"

#include "microcircuit/health.hpp"
#include "microcircuit/simulation.hpp"

#include <QtTest/QtTest>

#include <cmath>
#include <random>

using namespace mc;
using namespace mc::test;

namespace {

PopulationSpikes population(int n) {
    PopulationSpikes p;
    p.firstId = 1;
    p.lastId = n;
    return p;
}

/// Independent Poisson trains of `hz` for n neurons over [0, ms].
PopulationSpikes poissonTrains(int n, double hz, double ms, unsigned seed) {
    PopulationSpikes p = population(n);
    std::mt19937_64 rng(seed);
    std::exponential_distribution<double> isi(hz * 1e-3);
    for (int i = 0; i < n; ++i)
        for (double t = isi(rng); t <= ms; t += isi(rng)) p.times.push_back(t);
    return p;
}

/// The spikes of one population of a simulated network over [500, 500 + ms].
PopulationSpikes simulated(Simulation& sim, const SpikeCollector& sink, int pop) {
    const DerivedParams& d = sim.derived();
    PopulationSpikes p = population(d.num_neurons[pop]);
    for (const Spike& s : sink.all)
        if (s.neuron >= d.first_neuron[pop] && s.neuron < d.first_neuron[pop + 1])
            p.times.push_back((s.step + 1) * sim.resolution());
    return p;
}

} // namespace

class TestHealth : public QObject {
    Q_OBJECT

private slots:
    // Independent Poisson neurons: F = 1 and synchrony 0, within the
    // sampling error of 5000 bins (sd of F about sqrt(2 / bins) = 0.02).
    void independentTrainsAreAsynchronous() {
        const PopulationSpikes p = poissonTrains(400, 10.0, 10000.0, 3);
        const PopulationHealth h = assessPopulation(p, 0.0, 10000.0);
        QVERIFY2(std::abs(h.fano - 1.0) < 0.1, qPrintable(QString::number(h.fano)));
        QVERIFY(std::abs(h.synchrony) < 0.001);
        QVERIFY(std::abs(h.meanRate - 10.0) < 0.3);
        QCOMPARE(h.state, ActivityState::AsynchronousIrregular);
        QCOMPARE(QString(stateName(h.state)), QString("asynchronous irregular"));
    }

    // Every neuron fires in the same bins: counts are N or 0, so with k of
    // the B bins active F = N (1 - k / B) and the synchrony index is close to 1.
    void lockstepIsSynchronous() {
        PopulationSpikes p = population(100);
        for (int i = 0; i < 100; ++i)
            for (int k = 0; k < 50; ++k) p.times.push_back(20.0 * k + 0.5 + 0.001 * i); // 50 of 500 bins
        const PopulationHealth h = assessPopulation(p, 0.0, 1000.0);
        QVERIFY2(std::abs(h.fano - 100.0 * (1.0 - 50.0 / 500.0)) < 1e-9, qPrintable(QString::number(h.fano)));
        QVERIFY(std::abs(h.synchrony - (90.0 - 1.0) / 99.0) < 1e-9);
        QCOMPARE(h.state, ActivityState::Synchronous);
    }

    void silentAndSaturated() {
        QCOMPARE(assessPopulation(population(50), 0.0, 1000.0).state, ActivityState::Silent);
        QVERIFY(std::isnan(assessPopulation(population(50), 0.0, 1000.0).fano));
        const PopulationSpikes fast = poissonTrains(50, 150.0, 1000.0, 5);
        QCOMPARE(assessPopulation(fast, 0.0, 1000.0).state, ActivityState::Saturated);
    }

    // A spike at exactly tMax falls in the last bin; an interval of a
    // million seconds with one spike needs no per-bin memory.
    void edgesAndLongIntervals() {
        PopulationSpikes p = population(2);
        p.times = {0.0, 1000.0};
        QVERIFY(std::isfinite(populationFano(p, 0.0, 1000.0, 2.0)));
        PopulationSpikes lone = population(2);
        lone.times = {5e8};
        const double f = populationFano(lone, 0.0, 1e9, 2.0);
        QVERIFY(std::abs(f - 1.0) < 1e-6); // one count of 1 among 5e8 bins
    }

    // The default network is asynchronous irregular in every population;
    // the reference's 0.1 / 1.0 DC network (MODEL.md: "synchronous, too
    // active") is flagged in most populations.
    void networks() {
        const auto states = [](Config c) {
            Simulation sim(c, withThreads(2));
            sim.run(stepsOf(500.0, c.sim.sim_resolution));
            SpikeCollector sink;
            sim.run(stepsOf(2000.0, c.sim.sim_resolution), &sink);
            std::vector<PopulationHealth> out;
            for (int p = 0; p < kNumPops; ++p) out.push_back(assessPopulation(simulated(sim, sink, p), 500.0, 2500.0));
            return out;
        };
        for (const PopulationHealth& h : states(Config{}))
            QVERIFY2(h.state == ActivityState::AsynchronousIrregular,
                     qPrintable(QString("%1, synchrony %2").arg(stateName(h.state)).arg(h.synchrony)));
        Config sync;
        sync.net.K_scaling = 1.0;
        sync.net.bg_input_type = "dc";
        int flagged = 0;
        for (const PopulationHealth& h : states(sync)) flagged += h.state == ActivityState::Synchronous;
        QVERIFY2(flagged >= 6, qPrintable(QString("%1 of 8 synchronous").arg(flagged)));
    }
};

QTEST_APPLESS_MAIN(TestHealth)
#include "test_health.moc"
