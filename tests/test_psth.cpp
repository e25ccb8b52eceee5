// Pulse-locked PSTH (psth.hpp) on synthetic spike trains locked to known
// onsets: the peak is at the right latency with the right height, identical
// trials have zero s.e.m., differing ones the textbook s.e.m., and trials
// whose window leaves the recording are not used.
#include "microcircuit/errors.hpp"
#include "microcircuit/psth.hpp"
#include "microcircuit/spike_data.hpp"

#include <QtTest/QtTest>

#include <cmath>

using namespace mc;

namespace {

/// Eight populations of 10 neurons (ids 1..80); population 2 (L4E) fires
/// once per neuron `latency` ms after each onset in `firing` (a bitmask of trials).
SpikeData lockedTrains(const std::vector<double>& onsets, double latency, unsigned firing) {
    std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
    for (int p = 0; p < 8; ++p)
        ranges.push_back({p * 10 + 1, p * 10 + 10});
    std::vector<SpikeRecord> records;
    for (std::size_t k = 0; k < onsets.size(); ++k)
        if (firing >> k & 1u)
            for (int i = 0; i < 10; ++i)
                records.push_back({21 + i, onsets[k] + latency});
    records.push_back({1, 3.0}); // one stray L23E spike, outside every window
    return buildSpikeData(ranges, records);
}

} // namespace

class TestPsth : public QObject {
    Q_OBJECT
  private slots:
    void peakAtTheLatencyWithTheRightHeight() {
        const std::vector<double> onsets = {100.0, 400.0, 700.0};
        const Psth p = computePsth(lockedTrains(onsets, 12.3, 0b111), onsets, 1000.0, PsthOptions{});
        QCOMPARE(p.onsets.size(), std::size_t(3));
        QCOMPARE(p.binStarts.size(), std::size_t(200));
        QCOMPARE(p.binStarts.front(), -50.0);
        const PopulationPsth& l4e = p.populations[2];
        QCOMPARE(l4e.name, std::string("L4E"));
        for (std::size_t b = 0; b < 200; ++b) {
            // 10 spikes of 10 neurons in a 1 ms bin: 1000 Hz, in the bin [12, 13) ms; identical trials.
            const double expected = p.binStarts[b] == 12.0 ? 1000.0 : 0.0;
            QVERIFY2(std::abs(l4e.meanHz[b] - expected) < 1e-9, qPrintable(QString::number(p.binStarts[b])));
            QCOMPARE(l4e.semHz[b], 0.0);
            QCOMPARE(p.populations[0].meanHz[b], 0.0);
        }
    }

    void semOverDifferingTrials() {
        const std::vector<double> onsets = {100.0, 400.0};
        const Psth p = computePsth(lockedTrains(onsets, 5.5, 0b01), onsets, 1000.0, PsthOptions{});
        const std::size_t b = 55; // [5, 6) ms
        QCOMPARE(p.binStarts[b], 5.0);
        QVERIFY(std::abs(p.populations[2].meanHz[b] - 500.0) < 1e-9);
        // Trials 1000 and 0 Hz: sd (n - 1) = 707.1, s.e.m. = sd / sqrt(2) = 500.
        QVERIFY(std::abs(p.populations[2].semHz[b] - 500.0) < 1e-9);
    }

    void trialsOutsideTheRecordingAreLeftOut() {
        const std::vector<double> onsets = {20.0, 400.0, 900.0};
        const Psth p = computePsth(lockedTrains(onsets, 1.0, 0b111), onsets, 1000.0, PsthOptions{});
        QCOMPARE(p.onsets, std::vector<double>{400.0});
        QVERIFY_THROWS_EXCEPTION(ConfigError, computePsth(lockedTrains({}, 1.0, 0), {10.0}, 1000.0, PsthOptions{}));
        PsthOptions bad;
        bad.binMs = 0.0;
        QVERIFY_THROWS_EXCEPTION(ConfigError, computePsth(lockedTrains({}, 1.0, 0), {400.0}, 1000.0, bad));
        const std::string csv = psthToCsv(p);
        QVERIFY(csv.rfind("population,time_ms,mean_Hz,sem_Hz,trials\nL23E,-50.000,0.000000,0.000000,1\n", 0) == 0);
    }
};

QTEST_APPLESS_MAIN(TestPsth)
#include "test_psth.moc"
