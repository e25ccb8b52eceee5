// Spikes are bit-identical for any number of threads, and a function of the
// seed only (simulation.hpp: "Spikes and results are bit-identical for any
// thread count").
#include "network/network.hpp"
#include "test_helpers.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/live.hpp"
#include "microcircuit/simulation.hpp"

#include <QtTest/QtTest>

#include <array>
#include <atomic>
#include <chrono>
#include <random>
#include <set>
#include <thread>
#include <vector>

using namespace mc;
using namespace mc::test;

namespace {

constexpr double kSimMs = 300.0;

enum class Drive { Poisson, DcWithStimuli, PoissonWithLiveChanges };

Config makeConfig(Drive drive, std::uint64_t seed) {
    Config c;
    c.sim.rng_seed = seed;
    if (drive == Drive::Poisson || drive == Drive::PoissonWithLiveChanges) {
        c.net.N_scaling = c.net.K_scaling = 0.05;
        c.net.bg_input_type = "poisson";
        if (drive == Drive::PoissonWithLiveChanges) {
            // Changes of every kind (live.hpp), some inside the uneven chunks of spikesOf.
            c.stim.thalamic_input = true;
            c.stim.th_start = 1e9;
            applyConfigJson(c, R"({"events": [
                {"t_ms": 30.3, "set": {"net": {"g": -4.4, "PSP_exc_mean": 0.16}}},
                {"t_ms": 60, "set": {"net": {"weight_factors": [[1,1,1.8,1,1,1,1,1],[1,1,1,1,1,1,1,1],[1,1,1,1,1,1,1,1],
                    [1,1,1,1,1,1,1,1],[1,1,1,1,1,2.2,1,1],[1,1,1,1,1,1,1,1],[1,1,1,1,1,1,1,0.6],[1,1,1,1,1,1,1,1]]}}},
                {"t_ms": 90.7, "kind": "thalamic_pulse"},
                {"t_ms": 120, "set": {"stim": {"weight_factors_th": [1,1,1.4,1,1,1,0.7,1]}, "net": {"neuron_params": {
                    "tau_m": [10,12,10,10,10,10,10,10], "C_m": [250,250,250,280,250,250,250,250], "E_L": [-65,-65,-64,-65,-65,-65,-65,-65],
                    "t_ref": [2,2,2,2,2.5,2,2,2], "tau_syn": [0.5,0.5,0.5,0.5,0.5,0.6,0.5,0.5], "I_e": [0,0,0,0,0,0,0,30]}}}},
                {"t_ms": 160, "kind": "thalamic_pulse", "start_ms": 165},
                {"t_ms": 200, "kind": "dc_transient", "duration_ms": 40},
                {"t_ms": 230, "set": {"net": {"K_ext": [1600,1500,2300,1900,2000,1900,2900,2100], "bg_rate": 8.5,
                    "bg_rate_factors": [1,1.1,1,1,1,1,1,1], "K_ext_factors": [1,1,1,1,0.9,1,1,1]}}},
                {"t_ms": 260, "set": {"net": {"bg_input_type": "dc", "dc_factors": [1,1,1,1,1,1,1.2,1], "weight_factors": [[1,1,1,1,1,1,1,1],[1,1,1,1,1,1,1,1],
                    [1,1,1,1,1,1,1,1],[1,1,1,1,1,1,1,1],[1,1,1,1,1,1,1,1],[1,1,1,1,1,1,1,1],[1,1,1,1,1,1,1,1],[1,1,1,1,1,1,1,1]]}}}
            ]})",
                            "determinism test");
            validateEvents(c);
        }
    } else {
        // DC drive needs K >= 0.2 to stay above rheobase (MODEL.md); N = 0.05
        // keeps it small. Thalamic pulse and DC transient inside the 300 ms.
        c.net.N_scaling = 0.05;
        c.net.K_scaling = 0.25;
        c.net.bg_input_type = "dc";
        c.stim.thalamic_input = true;
        c.stim.th_start = 150.0;
        c.stim.dc_transient = true;
        c.stim.dc_transient_start = 100.0;
        c.stim.dc_transient_dur = 100.0;
    }
    return c;
}

/// All spikes of kSimMs, run in uneven chunks (chunking must not matter
/// either), with the workers limited by *limit if given (setThreadLimit).
std::vector<Spike> spikesOf(const Config& c, int threads, const std::atomic<int>* limit = nullptr,
                            std::atomic<int>* stepping = nullptr) {
    Simulation sim(c, withThreads(threads));
    sim.setThreadLimit(limit, stepping);
    EventPlayer events(c.events, c.sim.sim_resolution);
    SpikeCollector sink;
    const std::int64_t total = stepsOf(kSimMs, c.sim.sim_resolution);
    const std::int64_t chunks[] = {1, 7, 250, 333, 1000};
    std::size_t i = 0;
    while (sim.steps() < total) {
        const std::int64_t n = std::min(chunks[i++ % 5], total - sim.steps());
        events.run(sim, n, &sink);
    }
    return sink.all;
}

QString describeFirstDifference(const std::vector<Spike>& a, const std::vector<Spike>& b) {
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i)
        if (a[i].neuron != b[i].neuron || a[i].step != b[i].step)
            return QString("spike %1: (%2, step %3) vs (%4, step %5); %6 vs %7 spikes")
                .arg(i).arg(a[i].neuron).arg(a[i].step).arg(b[i].neuron).arg(b[i].step).arg(a.size()).arg(b.size());
    return QString("%1 vs %2 spikes").arg(a.size()).arg(b.size());
}

} // namespace

class TestDeterminism : public QObject {
    Q_OBJECT

private slots:
    void identicalForAnyThreadCount_data() {
        QTest::addColumn<int>("drive");
        QTest::newRow("poisson, scale 0.05") << static_cast<int>(Drive::Poisson);
        QTest::newRow("dc + thalamic pulse + dc transient, 0.05/0.25") << static_cast<int>(Drive::DcWithStimuli);
        QTest::newRow("poisson with live changes of every kind") << static_cast<int>(Drive::PoissonWithLiveChanges);
    }
    void identicalForAnyThreadCount() {
        QFETCH(int, drive);
        const Config c = makeConfig(static_cast<Drive>(drive), 55);
        const std::vector<Spike> one = spikesOf(c, 1);
        // A silent network would make the comparison empty.
        QVERIFY2(one.size() > 2000, qPrintable(QString("only %1 spikes").arg(one.size())));
        for (int threads : {2, 4}) {
            const std::vector<Spike> other = spikesOf(c, threads);
            QVERIFY2(sameSpikes(one, other),
                     qPrintable(QString("1 vs %1 threads: ").arg(threads) + describeFirstDifference(one, other)));
        }
    }

    // The desktop program sets workers aside while its GUI thread draws
    // (Simulation::setThreadLimit): the team shrinks and grows in the middle
    // of runs, the shards change hands, and the spikes stay the same, in both
    // delivery modes (queue mode adds input ahead only when the team stays).
    void identicalWhileTheTeamShrinksAndGrows_data() {
        QTest::addColumn<int>("drive");
        QTest::addColumn<QByteArray>("delivery");
        for (const char* mode : {"ring", "queue"}) {
            QTest::addRow("poisson, %s", mode) << static_cast<int>(Drive::Poisson) << QByteArray(mode);
            QTest::addRow("dc + stimuli, %s", mode) << static_cast<int>(Drive::DcWithStimuli) << QByteArray(mode);
            QTest::addRow("live changes, %s", mode) << static_cast<int>(Drive::PoissonWithLiveChanges) << QByteArray(mode);
        }
    }
    void identicalWhileTheTeamShrinksAndGrows() {
        QFETCH(int, drive);
        QFETCH(QByteArray, delivery);
        qputenv("MC_DELIVERY", delivery);
        const Config c = makeConfig(static_cast<Drive>(drive), 55);
        const std::vector<Spike> one = spikesOf(c, 1);
        QVERIFY2(one.size() > 2000, qPrintable(QString("only %1 spikes").arg(one.size())));
        for (int threads : {2, 3, 4}) {
            std::atomic<int> limit{0}, stepping{0};
            std::atomic<bool> done{false};
            std::set<int> seen; // team sizes observed while running
            int changes = 0;
            std::thread front([&] {
                std::mt19937 rng(static_cast<unsigned>(threads));
                while (!done.load()) {
                    limit.store(static_cast<int>(rng() % static_cast<unsigned>(threads + 1))); // 0 = all
                    ++changes;
                    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 200));
                    if (const int n = stepping.load(); n > 0) seen.insert(n);
                }
            });
            const std::vector<Spike> other = spikesOf(c, threads, &limit, &stepping);
            done.store(true);
            front.join();
            QVERIFY2(sameSpikes(one, other), qPrintable(QString("1 vs %1 threads, team changing %2 times: ")
                                                            .arg(threads).arg(changes) +
                                                        describeFirstDifference(one, other)));
            // Teams smaller than all the workers did run.
            QVERIFY2(!seen.empty() && *seen.begin() < threads,
                     qPrintable(QString("%1 threads: smallest team seen %2").arg(threads).arg(seen.empty() ? 0 : *seen.begin())));
            QCOMPARE(stepping.load(), 0); // between runs
        }
        qunsetenv("MC_DELIVERY");
    }

    // The stimuli of the dc row are active: the thalamic pulse (150-160 ms)
    // raises L4E's spike count in the 20 ms after its onset.
    void stimuliAreActiveInTheDcRow() {
        const Config c = makeConfig(Drive::DcWithStimuli, 55);
        const std::vector<Spike> s = spikesOf(c, 2);
        Simulation probe(c, withThreads(1));
        const DerivedParams& d = probe.derived();
        const auto count = [&](double fromMs, double toMs) {
            int n = 0;
            for (const Spike& sp : s) {
                const double t = (sp.step + 1) * c.sim.sim_resolution;
                if (sp.neuron >= d.first_neuron[2] && sp.neuron < d.first_neuron[3] && t >= fromMs && t < toMs) ++n;
            }
            return n;
        };
        const int during = count(150.0, 170.0), before = count(130.0, 150.0);
        QVERIFY2(during > 2 * before + 10, qPrintable(QString("L4E spikes %1 during vs %2 before").arg(during).arg(before)));
    }

    // simulation.hpp: spikes reach the sink "sorted by step then neuron", and
    // spikeCounts() counts the same spikes per population.
    void spikesAreSortedAndCounted() {
        const Config c = makeConfig(Drive::Poisson, 55);
        Simulation sim(c, withThreads(3));
        SpikeCollector sink;
        sim.run(stepsOf(150.0, c.sim.sim_resolution), &sink);
        sim.run(stepsOf(150.0, c.sim.sim_resolution), &sink);
        QCOMPARE(sink.lastEndStep, sim.steps());
        QVERIFY(!sink.all.empty());
        std::array<std::int64_t, kNumPops> counts{};
        const DerivedParams& d = sim.derived();
        for (std::size_t i = 0; i < sink.all.size(); ++i) {
            const Spike& s = sink.all[i];
            if (i > 0) {
                const Spike& p = sink.all[i - 1];
                if (s.step < p.step || (s.step == p.step && s.neuron <= p.neuron))
                    QFAIL(qPrintable(QString("spike %1 out of order").arg(i)));
            }
            QVERIFY(s.neuron >= 0 && s.neuron < d.total_neurons);
            QVERIFY(s.step >= 0 && s.step < sim.steps());
            int p = 0;
            while (s.neuron >= d.first_neuron[p + 1]) ++p;
            ++counts[p];
        }
        for (int p = 0; p < kNumPops; ++p) QCOMPARE(sim.spikeCounts()[p], counts[p]);
    }

    void sameSeedGivesSameSpikes() {
        const Config c = makeConfig(Drive::Poisson, 1234);
        const auto a = spikesOf(c, 2), b = spikesOf(c, 2);
        QVERIFY(!a.empty());
        QVERIFY2(sameSpikes(a, b), qPrintable(describeFirstDifference(a, b)));
    }

    void differentSeedGivesDifferentSpikes() {
        const auto a = spikesOf(makeConfig(Drive::Poisson, 55), 2);
        const auto b = spikesOf(makeConfig(Drive::Poisson, 56), 2);
        QVERIFY(!a.empty() && !b.empty());
        QVERIFY(!sameSpikes(a, b));
        // Not merely shifted: most of the first 1000 spikes differ.
        std::size_t same = 0;
        for (std::size_t i = 0; i < std::min<std::size_t>({a.size(), b.size(), 1000}); ++i)
            if (a[i].neuron == b[i].neuron && a[i].step == b[i].step) ++same;
        QVERIFY2(same < 100, qPrintable(QString("%1 of the first 1000 spikes identical").arg(same)));
    }

    // The seed also changes the network, not only the drive.
    void differentSeedGivesDifferentNetwork() {
        Config a = makeConfig(Drive::Poisson, 55), b = makeConfig(Drive::Poisson, 56);
        Simulation sa(a, withThreads(1)), sb(b, withThreads(1));
        QCOMPARE(sa.numSynapses(), sb.numSynapses()); // fixed total number
        bool differentV = false;
        for (std::int32_t i = 0; i < sa.derived().total_neurons && !differentV; ++i)
            differentV = sa.membranePotential(i) != sb.membranePotential(i);
        QVERIFY(differentV);
        QVERIFY(sa.network().shards[0].synapses != sb.network().shards[0].synapses);
        // and the same seed gives the same synapses
        Simulation sa2(a, withThreads(1));
        QVERIFY(sa.network().shards[0].synapses == sa2.network().shards[0].synapses);
    }
};

QTEST_APPLESS_MAIN(TestDeterminism)
#include "test_determinism.moc"
