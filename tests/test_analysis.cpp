// Known answers of the validation statistics (engine/include/microcircuit/analysis.hpp):
// Poisson and regular trains, identical and independent trains, a hand-computed
// correlation, KS distances, interval bounds and the per-population summary.
#include "microcircuit/analysis.hpp"
#include "microcircuit/errors.hpp"

#include "test_helpers.hpp"

#include <QtTest/QtTest>

#include <cmath>
#include <random>
#include <vector>

using namespace mc;

namespace {

/// Poisson train of `rateHz` over [0, durationMs], sorted (ms).
std::vector<double> poissonTrain(double rateHz, double durationMs, std::uint64_t seed) {
    std::mt19937_64 gen(seed);
    std::exponential_distribution<double> isi(rateHz * 1e-3);
    std::vector<double> t;
    for (double x = isi(gen); x <= durationMs; x += isi(gen))
        t.push_back(x);
    return t;
}

/// Eight populations of `perPop` neurons with ids from 1.
std::vector<std::pair<std::int64_t, std::int64_t>> ranges(int perPop) {
    std::vector<std::pair<std::int64_t, std::int64_t>> r;
    for (int p = 0; p < 8; ++p)
        r.emplace_back(1 + p * perPop, (p + 1) * perPop);
    return r;
}

} // namespace

class TestAnalysis : public QObject {
    Q_OBJECT
  private slots:
    void poissonRateAndCv() {
        // 10 Hz for 1000 s: 10,000 spikes; sd of the rate estimate 0.1 Hz, of the CV ~0.01.
        const auto t = poissonTrain(10.0, 1e6, 1);
        QVERIFY(std::abs(trainRate(t, 0.0, 1e6) - 10.0) < 0.35);
        QVERIFY(std::abs(trainCv(t, 0.0, 1e6) - 1.0) < 0.04);
    }
    void regularTrainHasZeroCv() {
        std::vector<double> t;
        for (int i = 0; i < 100; ++i)
            t.push_back(10.0 + 25.0 * i); // 40 Hz
        QVERIFY(trainCv(t, 0.0, 3000.0) < 1e-12);
        QCOMPARE(trainRate(t, 0.0, 2500.0), 40.0);
    }
    void cvNeedsThreeSpikes() {
        const std::vector<double> two{1.0, 5.0}, three{1.0, 5.0, 13.0};
        QVERIFY(std::isnan(trainCv(two, 0.0, 100.0)));
        // ISIs 4 and 8: mean 6, sd (ddof 0) 2 -> CV 1/3.
        QCOMPARE(trainCv(three, 0.0, 100.0), 1.0 / 3.0);
    }
    void intervalBoundsAreInclusive() {
        const std::vector<double> t{499.9, 500.0, 750.0, 1000.0, 1000.1};
        QCOMPARE(clipTrain(t, 500.0, 1000.0).size(), std::size_t{3});
        QCOMPARE(trainRate(t, 500.0, 1000.0), 6.0); // 3 spikes in 0.5 s
    }
    void identicalTrainsCorrelateFully() {
        const auto t = poissonTrain(20.0, 10000.0, 2);
        const auto cc = pairwiseCorrelations({t, t, t}, 0.0, 10000.0, 2.0);
        QCOMPARE(cc.size(), std::size_t{3});
        for (double c : cc)
            QVERIFY(std::abs(c - 1.0) < 1e-12);
    }
    void independentTrainsAreUncorrelated() {
        std::vector<std::vector<double>> trains;
        for (int i = 0; i < 20; ++i)
            trains.push_back(poissonTrain(20.0, 100000.0, 100 + i));
        std::vector<std::span<const double>> spans(trains.begin(), trains.end());
        const auto cc = pairwiseCorrelations(spans, 0.0, 100000.0, 2.0);
        QCOMPARE(cc.size(), std::size_t{190});
        // 50,000 bins: each coefficient has sd ~ 1/sqrt(50,000) = 0.0045.
        double mean = 0.0;
        for (double c : cc) {
            QVERIFY(std::abs(c) < 0.025);
            mean += c / cc.size();
        }
        QVERIFY(std::abs(mean) < 0.002);
    }
    void correlationByHand() {
        // Bins [0,2) [2,4) [4,6) [6,8]: x counts 1 0 1 0, y counts 1 0 0 0.
        // cov = 1/8, var x = 1/4, var y = 3/16 -> r = 1/sqrt(3).
        const std::vector<double> x{0.5, 4.5}, y{1.0};
        const auto cc = pairwiseCorrelations({x, y}, 0.0, 8.0, 2.0);
        QCOMPARE(cc.size(), std::size_t{1});
        QVERIFY(std::abs(cc[0] - 1.0 / std::sqrt(3.0)) < 1e-12);
        // A spike at exactly t_max counts in the last bin: x' = 1 0 1 1 vs y.
        const std::vector<double> x2{0.5, 4.5, 8.0};
        const auto cc2 = pairwiseCorrelations({x2, y}, 0.0, 8.0, 2.0);
        // E[xy] = 1/4, means 3/4 and 1/4: cov = 1/16; both variances 3/16 -> r = 1/3.
        QVERIFY(std::abs(cc2[0] - 1.0 / 3.0) < 1e-12);
    }
    void silentNeuronsLeaveNoPairs() {
        const std::vector<double> a{1.0, 3.0, 7.0}, b{2.0, 3.5}, silent{};
        const auto cc = pairwiseCorrelations({a, silent, b}, 0.0, 10.0, 2.0);
        QCOMPARE(cc.size(), std::size_t{1}); // only (a, b)
    }
    void ksDistances() {
        const std::vector<double> a{1, 2, 3, 4, 5};
        QCOMPARE(ksDistance(a, a), 0.0);
        // Shifted by 2: F_a(2) = 2/5 while F_b(2) = 0; the largest gap is 0.4.
        QCOMPARE(ksDistance(a, {3, 4, 5, 6, 7}), 0.4);
        // Different sizes: a vs {2.5}: F_a(2) = 0.4, F_b = 0; F_a(2.5)=0.4, F_b=1 -> 0.6.
        QCOMPARE(ksDistance(a, {2.5}), 0.6);
        QVERIFY(std::isnan(ksDistance(a, {})));
        // NaNs are ignored.
        QCOMPARE(ksDistance({1, 2, NAN}, {1, 2}), 0.0);
        // Large samples of the same distribution are close, of a shifted one far.
        const auto p = poissonTrain(5.0, 1e7, 7), q = poissonTrain(5.0, 1e7, 8); // ~50,000 ISIs each
        std::vector<double> ip, iq, iqShift;
        for (std::size_t i = 1; i < p.size(); ++i)
            ip.push_back(p[i] - p[i - 1]);
        for (std::size_t i = 1; i < q.size(); ++i)
            iq.push_back(q[i] - q[i - 1]);
        for (double v : iq)
            iqShift.push_back(v + 200.0); // exponential, mean 200 ms, shifted by its mean
        QVERIFY(ksDistance(ip, iq) < 0.02);
        // KS of Exp(mean m) against itself shifted by m: sup = 1 - e^-1 = 0.632.
        QVERIFY(std::abs(ksDistance(ip, iqShift) - (1.0 - std::exp(-1.0))) < 0.02);
    }
    void subsampleIsSeededAndDistinct() {
        const auto a = randomSubsample(1000, 200, 5), b = randomSubsample(1000, 200, 5),
                   c = randomSubsample(1000, 200, 6);
        QCOMPARE(a, b);
        QVERIFY(a != c);
        QCOMPARE(a.size(), std::size_t{200});
        for (std::size_t i = 1; i < a.size(); ++i)
            QVERIFY(a[i] > a[i - 1]);
        QCOMPARE(randomSubsample(10, 200, 5).size(), std::size_t{10});
    }
    void populationSummary() {
        // Population 0: 4 neurons with 0, 1, 2, 5 spikes in [0, 1000] ms.
        std::vector<SpikeRecord> rec{
            {2, 100.0}, {3, 10.0}, {3, 20.0},   {4, 1.0},   {4, 2.0},
            {4, 4.0},   {4, 8.0},  {4, 1000.0}, {4, 1000.5}}; // the last one is outside the interval
        for (int p = 1; p < 8; ++p)
            rec.push_back({1 + p * 4, 500.0});
        const SpikeData data = buildSpikeData(ranges(4), rec);
        AnalysisOptions o;
        o.tMin = 0.0;
        o.tMax = 1000.0;
        o.subsample = 4;
        const AnalysisResult r = analyzeSpikes(data, o);
        QCOMPARE(r.populations.size(), std::size_t{8});
        const PopulationStats& s = r.populations[0];
        QCOMPARE(s.name, std::string("L23E"));
        QCOMPARE(s.numNeurons, 4);
        QCOMPARE(s.rates, (std::vector<double>{0.0, 1.0, 2.0, 5.0}));
        QCOMPARE(s.meanRate, 2.0);
        QVERIFY(std::abs(s.stdRate - std::sqrt(3.5)) < 1e-12); // ddof 0
        QCOMPARE(s.cvs.size(), std::size_t{1});                // only the 5-spike neuron
        QCOMPARE(s.spikes, std::size_t{8});
        QCOMPARE(r.spikes, std::size_t{15});
        // Population rate in 1 ms bins: bin 1 holds one spike of 4 neurons -> 250 Hz.
        QCOMPARE(s.rateSeries.size(), std::size_t{1000});
        QCOMPARE(s.rateSeries[1], 250.0);
    }
    void defaultIntervalFollowsTheRun() {
        std::vector<SpikeRecord> rec{{1, 600.0}, {2, 1400.0}};
        SpikeData data = buildSpikeData(ranges(2), rec);
        AnalysisOptions o;
        QCOMPARE(resolveInterval(data, o).first, 500.0);
        QCOMPARE(resolveInterval(data, o).second, 1400.0); // the last spike
        data.tEnd = 1500.0;
        QCOMPARE(resolveInterval(data, o).second, 1500.0); // the run's end (sim_dict.json)
        data.tPresim = 550.0; // rates from t_presim, as the reference's rates.csv
        QCOMPARE(resolveInterval(data, o).first, 550.0);
        o.tMin = 0.0;
        QCOMPARE(resolveInterval(data, o).first, 0.0);
    }
    void badIntervalsAreReported() {
        std::vector<SpikeRecord> rec{{1, 600.0}};
        const SpikeData data = buildSpikeData(ranges(2), rec);
        AnalysisOptions o;
        o.tMin = 700.0;
        o.tMax = 650.0;
        QVERIFY_THROWS_EXCEPTION(ConfigError, analyzeSpikes(data, o));
        o.tMin = 1000.0;
        o.tMax = 2000.0; // after the last spike
        QVERIFY_THROWS_EXCEPTION(ConfigError, analyzeSpikes(data, o));
        o.tMin = 0.0;
        o.subsample = 1;
        QVERIFY_THROWS_EXCEPTION(ConfigError, analyzeSpikes(data, o));
        const SpikeData empty = buildSpikeData(ranges(2), {});
        QVERIFY_THROWS_EXCEPTION(ConfigError, analyzeSpikes(empty, AnalysisOptions{}));
    }
    /// Two different data sets: same rates, Poisson (CV 1) against nearly
    /// regular trains (CV ~0.3). compareResults must give, per population
    /// and per statistic, the KS distance of that statistic's values, so
    /// distances reported in each other's places fail.
    void compareGivesTheKsDistanceOfEachStatistic() {
        std::vector<SpikeRecord> poisson, regular;
        std::mt19937_64 gen(5);
        std::gamma_distribution<double> gamma(10.0, 1.0); // shape 10: CV 0.32
        for (int id = 1; id <= 8 * 40; ++id) {
            const double rate = 4.0 + (id % 7); // 4-10 Hz
            for (double t : poissonTrain(rate, 3000.0, 1000 + id))
                poisson.push_back({id, t});
            for (double t = gamma(gen) * 100.0 / rate; t <= 3000.0; t += gamma(gen) * 100.0 / rate)
                regular.push_back({id, t});
        }
        AnalysisOptions o;
        o.tMin = 0.0;
        o.tMax = 3000.0;
        o.subsample = 30;
        const AnalysisResult a = analyzeSpikes(buildSpikeData(ranges(40), poisson), o);
        const AnalysisResult b = analyzeSpikes(buildSpikeData(ranges(40), regular), o);
        const auto ks = compareResults(a, b);
        QCOMPARE(ks.size(), std::size_t{8});
        for (int p = 0; p < 8; ++p) {
            const auto& pa = a.populations[p];
            const auto& pb = b.populations[p];
            const double rates = mc::test::definitionKs(pa.rates, pb.rates);
            const double cvs = mc::test::definitionKs(pa.cvs, pb.cvs);
            const double ccs = mc::test::definitionKs(pa.ccs, pb.ccs);
            QCOMPARE(ks[p].rates, rates);
            QCOMPARE(ks[p].cvs, cvs);
            QCOMPARE(ks[p].ccs, ccs);
            // The statistics differ as built: CVs far apart, rates alike.
            QVERIFY2(cvs > 0.9 && rates < 0.3 && std::abs(cvs - ccs) > 0.3,
                     qPrintable(QString("pop %1: KS rates %2, CVs %3, CCs %4").arg(p).arg(rates).arg(cvs).arg(ccs)));
        }
        // The distance is symmetric.
        const auto back = compareResults(b, a);
        for (int p = 0; p < 8; ++p)
            QCOMPARE(back[p].cvs, ks[p].cvs);
    }
    // Issue 11: a stray spike at 1e9 ms made the rate series 1e9 bins per
    // population (GBs for a tiny file). The bins widen instead, the counts
    // stay right, and the rates do not change.
    void rateSeriesMemoryFollowsTheData() {
        std::vector<SpikeRecord> rec{{1, 600.0}, {2, 700.0}, {3, 1e9}};
        const SpikeData data = buildSpikeData(ranges(4), rec);
        AnalysisOptions o;
        o.tMin = 0.0;
        const AnalysisResult r = analyzeSpikes(data, o);
        QCOMPARE(r.tMax, 1e9);
        const double bin = r.options.rateBinMs;
        QVERIFY2(bin > 1.0, qPrintable(QString::number(bin)));
        std::size_t bins = 0;
        double spikes = 0.0;
        for (const PopulationStats& s : r.populations) {
            bins += s.rateSeries.size();
            for (double x : s.rateSeries)
                spikes += x * s.numNeurons * bin * 1e-3;
        }
        QVERIFY2(bins <= static_cast<std::size_t>(kMaxRateBins) + r.populations.size(), qPrintable(QString::number(bins)));
        QVERIFY(std::abs(spikes - 3.0) < 1e-6);
        QCOMPARE(r.populations[0].rates[0], 1.0 / (1e9 * 1e-3));
        // An interval longer than any run is refused, not allocated.
        o.tMax = 1e12;
        QVERIFY_THROWS_EXCEPTION(ConfigError, analyzeSpikes(data, o));
        // So are more correlation pairs than memory holds.
        const SpikeData wide = buildSpikeData({{1, 5000}, {5001, 10000}, {10001, 15000}, {15001, 20000},
                                               {20001, 25000}, {25001, 30000}, {30001, 35000}, {35001, 40000},
                                               {40001, 45000}},
                                              std::vector<SpikeRecord>{{1, 600.0}});
        o.tMax = -1.0;
        o.tMin = 0.0;
        o.subsample = kMaxSubsample;
        QVERIFY_THROWS_EXCEPTION(ConfigError, analyzeSpikes(wide, o));
    }
    void compareGivesZeroForIdenticalRuns() {
        std::vector<SpikeRecord> rec;
        for (int id = 1; id <= 80; ++id)
            for (double t : poissonTrain(10.0, 2000.0, id))
                rec.push_back({id, t});
        const SpikeData data = buildSpikeData(ranges(10), rec);
        const AnalysisResult r = analyzeSpikes(data, AnalysisOptions{});
        for (const KsDistances& k : compareResults(r, r)) {
            QCOMPARE(k.rates, 0.0);
            QCOMPARE(k.cvs, 0.0);
            QCOMPARE(k.ccs, 0.0);
        }
    }
};

QTEST_APPLESS_MAIN(TestAnalysis)
#include "test_analysis.moc"
