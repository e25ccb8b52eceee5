// Per-population statistics over an interval: rates, ISI CVs, correlations,
// population rate time series (definitions in analysis.hpp).
#include "microcircuit/analysis.hpp"

#include "microcircuit/errors.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <tuple>

namespace mc {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMaxIntervalMs = 1e10;

std::string ms(double t) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", t);
    return buf;
}

} // namespace

double meanOf(std::span<const double> v) {
    double sum = 0.0;
    std::size_t n = 0;
    for (double x : v)
        if (std::isfinite(x)) {
            sum += x;
            ++n;
        }
    return n ? sum / static_cast<double>(n) : kNaN;
}

double sdOf(std::span<const double> v) {
    const double m = meanOf(v);
    if (std::isnan(m)) return kNaN;
    double sum = 0.0;
    std::size_t n = 0;
    for (double x : v)
        if (std::isfinite(x)) {
            sum += (x - m) * (x - m);
            ++n;
        }
    return std::sqrt(sum / static_cast<double>(n)); // ddof = 0, as numpy.std
}

std::span<const double> clipTrain(std::span<const double> sorted, double tMin, double tMax) {
    const auto b = std::lower_bound(sorted.begin(), sorted.end(), tMin);
    const auto e = std::upper_bound(b, sorted.end(), tMax);
    return {b, e};
}

double countRate(std::size_t count, double tMin, double tMax) {
    return static_cast<double>(count) / ((tMax - tMin) * 1e-3);
}

double trainRate(std::span<const double> sorted, double tMin, double tMax) {
    return countRate(clipTrain(sorted, tMin, tMax).size(), tMin, tMax);
}

double trainCv(std::span<const double> sorted, double tMin, double tMax) {
    const auto t = clipTrain(sorted, tMin, tMax);
    if (t.size() < 3) return kNaN;
    const double n = static_cast<double>(t.size() - 1);
    const double mean = (t.back() - t.front()) / n;
    double sum = 0.0;
    for (std::size_t i = 1; i < t.size(); ++i) {
        const double d = t[i] - t[i - 1] - mean;
        sum += d * d;
    }
    return std::sqrt(sum / n) / mean;
}

std::vector<double> populationRate(const PopulationSpikes& pop, double tMin, double tMax, double binMs) {
    const auto numBins = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil((tMax - tMin) / binMs - 1e-9)));
    std::vector<double> series(static_cast<std::size_t>(numBins), 0.0);
    if (pop.size() == 0) return series;
    for (int n = 0; n < pop.size(); ++n)
        for (double t : clipTrain(pop.neuron(n), tMin, tMax))
            series[static_cast<std::size_t>(std::min(numBins - 1, static_cast<std::int64_t>((t - tMin) / binMs)))] +=
                1.0;
    const double scale = 1.0 / (pop.size() * binMs * 1e-3);
    for (double& x : series)
        x *= scale;
    return series;
}

std::pair<double, double> resolveInterval(const SpikeData& data, const AnalysisOptions& options) {
    const double tMin = options.tMin >= 0.0 ? options.tMin : data.tPresim >= 0.0 ? data.tPresim : 500.0;
    double tMax = options.tMax;
    if (tMax < 0.0) tMax = data.tEnd > 0.0 ? data.tEnd : data.lastSpikeMs;
    if (!std::isfinite(tMin) || !std::isfinite(tMax)) throw ConfigError("interval bounds must be finite numbers (ms)");
    // Longer than any run (t_presim + t_sim <= 2e9 ms): a typing error or a
    // stray time in a file, not an interval worth analysing.
    if (std::abs(tMin) > kMaxIntervalMs || std::abs(tMax) > kMaxIntervalMs)
        throw ConfigError("interval [" + ms(tMin) + ", " + ms(tMax) + "] ms is not allowed: " +
                          (std::abs(tMin) > kMaxIntervalMs ? "--t-min" : options.tMax < 0.0 ? "its end (the last spike, " + ms(data.lastSpikeMs) + " ms)" : "--t-max") +
                          " lies beyond 1e10 ms, longer than any run (choose --t-min / --t-max within the data, " +
                          ms(data.firstSpikeMs) + ".." + ms(data.lastSpikeMs) + " ms)");
    if (data.totalSpikes == 0) throw ConfigError(data.folder + ": the spike files hold no spikes");
    if (tMax <= tMin)
        throw ConfigError("interval [" + ms(tMin) + ", " + ms(tMax) + "] ms is empty: t_max must exceed t_min (" +
                          (options.tMax < 0.0 ? "t_max defaults to the run's end; " : "") + "the data span " +
                          ms(data.firstSpikeMs) + ".." + ms(data.lastSpikeMs) + " ms; choose --t-min / --t-max)");
    if (tMax < data.firstSpikeMs || tMin > data.lastSpikeMs)
        throw ConfigError("no spikes in the interval [" + ms(tMin) + ", " + ms(tMax) + "] ms; the data span " +
                          ms(data.firstSpikeMs) + ".." + ms(data.lastSpikeMs) + " ms");
    return {tMin, tMax};
}

AnalysisResult analyzeSpikes(const SpikeData& data, const AnalysisOptions& options) {
    if (options.subsample < 2 || options.subsample > kMaxSubsample)
        throw ConfigError("subsample size " + std::to_string(options.subsample) + " is not allowed: must be 2 to " +
                          std::to_string(kMaxSubsample) + " neurons (the pairs' coefficients are kept in memory)");
    if (!(options.ccBinMs > 0.0) || !(options.rateBinMs > 0.0)) throw ConfigError("bin sizes must be positive (ms)");
    AnalysisResult result;
    std::tie(result.tMin, result.tMax) = resolveInterval(data, options);
    result.options = options;
    const double tMin = result.tMin, tMax = result.tMax;
    // Memory follows the data, not the interval: over a long interval the
    // rate series' bins widen so that there are at most kMaxRateBins in all,
    // or one per spike (8 bytes, less than the spike's own 12).
    const auto numPops = static_cast<std::int64_t>(std::max<std::size_t>(1, data.populations.size()));
    const std::int64_t maxBins = std::max(kMaxRateBins, static_cast<std::int64_t>(data.totalSpikes));
    const double binsPerPop = static_cast<double>(std::max<std::int64_t>(1, maxBins / numPops));
    result.options.rateBinMs = std::max(options.rateBinMs, (tMax - tMin) / binsPerPop);
    // ... and the correlations' pairs are counted before any is computed.
    std::int64_t pairs = 0;
    for (const PopulationSpikes& pop : data.populations) {
        const std::int64_t k = std::min<std::int64_t>(pop.size(), options.subsample);
        pairs += k * (k - 1) / 2;
    }
    if (pairs > kMaxCorrelationPairs)
        throw ConfigError("subsample size " + std::to_string(options.subsample) + " is not allowed here: " +
                          std::to_string(data.populations.size()) + " populations give " + std::to_string(pairs) +
                          " pairs of neurons for the correlations, more than " +
                          std::to_string(kMaxCorrelationPairs) + " (choose a smaller --subsample)");
    for (std::size_t p = 0; p < data.populations.size(); ++p) {
        const PopulationSpikes& pop = data.populations[p];
        PopulationStats s;
        s.name = pop.name;
        s.numNeurons = pop.size();
        s.rates.reserve(static_cast<std::size_t>(pop.size()));
        for (int n = 0; n < pop.size(); ++n) {
            const auto train = pop.neuron(n);
            s.spikes += clipTrain(train, tMin, tMax).size();
            s.rates.push_back(trainRate(train, tMin, tMax));
            const double cv = trainCv(train, tMin, tMax);
            if (!std::isnan(cv)) s.cvs.push_back(cv);
        }
        // One subsample per population, each from its own seeded stream.
        const auto chosen = randomSubsample(pop.size(), options.subsample, options.seed + p);
        std::vector<std::span<const double>> trains;
        for (int n : chosen)
            trains.push_back(pop.neuron(n));
        s.ccs = pairwiseCorrelations(trains, tMin, tMax, options.ccBinMs);
        s.rateSeries = populationRate(pop, tMin, tMax, result.options.rateBinMs);
        s.meanRate = s.rates.empty() ? kNaN : meanOf(s.rates);
        s.stdRate = s.rates.empty() ? kNaN : sdOf(s.rates);
        s.meanCv = meanOf(s.cvs);
        s.meanCc = meanOf(s.ccs);
        result.spikes += s.spikes;
        result.populations.push_back(std::move(s));
    }
    if (result.spikes == 0)
        throw ConfigError("no spikes in the interval [" + ms(tMin) + ", " + ms(tMax) + "] ms; the data span " +
                          ms(data.firstSpikeMs) + ".." + ms(data.lastSpikeMs) + " ms");
    return result;
}

} // namespace mc
