// Activity states (microcircuit/health.hpp): the synchrony measure on
// synthetic trains with known answers, and the states of the default
// network and of the reference's synchronous configuration (MODEL.md);
// the health check's calibrated band (reference_check.hpp).
#include "test_helpers.hpp"

#include "microcircuit/health.hpp"
#include "microcircuit/reference_check.hpp"
#include "microcircuit/simulation.hpp"

#include <QRegularExpression>
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

/// All spikes of a simulated network in the reference's layout (NEST ids from 1).
SpikeData spikeDataOf(Simulation& sim, const SpikeCollector& sink) {
    const DerivedParams& d = sim.derived();
    std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
    for (int p = 0; p < kNumPops; ++p) ranges.emplace_back(d.first_neuron[p] + 1, d.first_neuron[p + 1]);
    std::vector<SpikeRecord> records;
    for (const Spike& s : sink.all) records.push_back({s.neuron + 1, (s.step + 1) * sim.resolution()});
    return buildSpikeData(ranges, records);
}

/// The health check of a network over [500, 500 + ms].
HealthReport checked(const Config& c, double ms) {
    Simulation sim(c, withThreads(2));
    sim.run(stepsOf(500.0, c.sim.sim_resolution));
    SpikeCollector sink;
    sim.run(stepsOf(ms, c.sim.sim_resolution), &sink);
    return checkAgainstReference(spikeDataOf(sim, sink), 500.0, 500.0 + ms, c);
}

QString describe(const HealthReport& r) {
    QString s = QString::fromStdString(r.verdict);
    for (const PopulationCheck& c : r.populations)
        s += QString("\n%1 %2 Hz, band %3-%4").arg(QString::fromStdString(c.name)).arg(c.health.meanRate).arg(c.bandLow).arg(c.bandHigh);
    return s;
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

    /// The default network (scale 0.1, Poisson drive) with seeds that were
    /// not used in the calibration (1-8) lies inside the band in every
    /// population over the calibration window.
    void defaultNetworkInsideTheBand() {
        for (std::uint64_t seed : {101, 102, 103}) {
            Config c;
            c.sim.rng_seed = seed;
            const HealthReport r = checked(c, kCalibrationWindowMs);
            QVERIFY(r.haveReference && r.calibrated);
            QVERIFY2(r.healthy, qPrintable(describe(r)));
            QCOMPARE(r.verdict, std::string("asynchronous irregular, like the reference"));
            for (const PopulationCheck& p : r.populations) {
                QVERIFY2(p.rateOk, qPrintable(describe(r)));
                QVERIFY(p.bandLow < p.referenceRate && p.referenceRate < p.bandHigh);
                QVERIFY(std::isfinite(p.cvExpected) && p.cvSpread > 0.0);
            }
        }
    }

    /// g = -2 (inhibition turned excitatory): flagged, with a population named.
    void excitatoryInhibitionIsFlagged() {
        Config c;
        c.net.g = -2.0;
        const HealthReport r = checked(c, 1000.0);
        QVERIFY(!r.healthy);
        int outside = 0;
        for (const PopulationCheck& p : r.populations) outside += !p.rateOk;
        QVERIFY2(outside >= 4, qPrintable(describe(r)));
        QVERIFY2(QString::fromStdString(r.verdict).contains(QRegularExpression("L(23|4|5|6)[EI] ")), r.verdict.c_str());
    }

    /// The band: k sd of the calibrated spread (relative, on NEST's rate),
    /// at least the floor, wider for a shorter window by the counting noise,
    /// and +-30 % where nothing is calibrated.
    void bandWidths() {
        const SeedSpread* s = seedSpread(0.1, 0.1, true);
        QVERIFY(s != nullptr && s->seeds >= 8);
        const auto ref = *referenceRates(0.1, 0.1, true);
        for (int p = 0; p < kNumPops; ++p) {
            const int n = static_cast<int>(std::lround(Config{}.net.full_num_neurons[p] * 0.1)); // the scale-0.1 size
            const auto half = [&](double ms) { return rateBandHalfWidth(s, p, ref[p], n, ms); };
            const double expected = std::max(kBandSigmas * s->rateSd[p] * ref[p] / s->rateMean[p], kBandFloor * ref[p]);
            QVERIFY(std::abs(half(2000.0) - expected) < 1e-12);
            QCOMPARE(half(5000.0), half(2000.0)); // longer windows keep the calibrated band
            QVERIFY(half(1000.0) >= half(2000.0) && half(500.0) >= half(1000.0));
            QVERIFY2(half(100.0) > half(2000.0), kPopNames[p]); // counting noise dominates 100 ms
            // 500 ms: sd^2 + rate / (n T) - rate / (n T_cal), T = 0.5 s, T_cal = 2 s.
            const double var = s->rateSd[p] * s->rateSd[p] + s->rateMean[p] / n * (2.0 - 0.5);
            QVERIFY(std::abs(half(500.0) - std::max(kBandSigmas * std::sqrt(var) * ref[p] / s->rateMean[p], kBandFloor * ref[p])) < 1e-12);
            QCOMPARE(rateBandHalfWidth(nullptr, p, ref[p], n, 2000.0), kRateTolerance * ref[p]);
        }
        // The silent 0.1 DC network has neither a reference nor a spread.
        QVERIFY(seedSpread(0.1, 0.1, false) == nullptr);
        QVERIFY(seedSpread(0.1, 1.0, true) == nullptr);
    }

    /// A configuration with a reference but no calibrated spread falls back
    /// to +-30 % and says so (checked on the 0.1 Poisson reference with the
    /// spread withheld, and on any configuration the table lacks).
    void uncalibratedFallsBack() {
        const auto ref = *referenceRates(0.1, 0.1, true);
        SpikeData data;
        for (int p = 0; p < kNumPops; ++p) { // Poisson trains at 1.2 x the reference rate
            PopulationSpikes pop = population(50);
            pop.name = kPopNames[p];
            std::mt19937_64 rng(p);
            std::exponential_distribution<double> isi(1.2 * ref[p] * 1e-3);
            for (int i = 0; i < 50; ++i) {
                for (double t = isi(rng); t <= 2000.0; t += isi(rng)) pop.times.push_back(t);
                pop.offsets.push_back(pop.times.size());
            }
            data.populations.push_back(pop);
        }
        const Config c; // 0.1 / 0.1 Poisson
        const HealthReport r = checkAgainstReference(data, 0.0, 2000.0, c, nullptr);
        QVERIFY(r.haveReference && !r.calibrated);
        QVERIFY2(r.bandNote.find("no calibrated spread for this scale") != std::string::npos, r.bandNote.c_str());
        for (int p = 0; p < kNumPops; ++p) {
            QCOMPARE(r.populations[p].bandHigh, ref[p] * (1.0 + kRateTolerance));
            QCOMPARE(r.populations[p].bandLow, ref[p] * (1.0 - kRateTolerance));
        }
        QVERIFY2(r.healthy, r.verdict.c_str()); // 20 % above: inside +-30 %
        QVERIFY2(r.verdict.find("no calibrated spread for this scale") != std::string::npos, r.verdict.c_str());
        // With the calibrated band the same 20 % excess is flagged.
        const HealthReport calibrated = checkAgainstReference(data, 0.0, 2000.0, c);
        QVERIFY(calibrated.calibrated && !calibrated.healthy);
        QVERIFY2(calibrated.verdict.find("above the reference") != std::string::npos, calibrated.verdict.c_str());
        // Configurations the table lacks get the same fallback.
        for (const auto& [scale, poisson] : std::array<std::pair<double, bool>, 4>{{{0.2, false}, {0.5, false}, {1.0, false}, {1.0, true}}}) {
            if (seedSpread(scale, scale, poisson)) continue;
            Config u;
            u.net.N_scaling = u.net.K_scaling = scale;
            u.net.bg_input_type = poisson ? "poisson" : "dc";
            const HealthReport f = checkAgainstReference(data, 0.0, 2000.0, u);
            QVERIFY(f.haveReference && !f.calibrated);
            QVERIFY(f.bandNote.find("no calibrated spread for this scale") != std::string::npos);
        }
    }
};

QTEST_APPLESS_MAIN(TestHealth)
#include "test_health.moc"
