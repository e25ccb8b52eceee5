// Validation statistics of spike data (MODEL.md, "Validation statistics"),
// defined as the reference's analysis scripts define them:
//  - rate of a neuron: spikes with t_min <= t <= t_max, divided by
//    (t_max - t_min); silent neurons count as 0 Hz.
//  - ISI CV of a neuron with >= 3 spikes in the interval: sd / mean of its
//    inter-spike intervals, sd with ddof = 0 (numpy's default).
//  - spike-count correlation: Pearson correlation of spike counts in bins of
//    2 ms starting at t_min (a spike at exactly t_max falls in the last bin),
//    for every pair of distinct neurons of a seeded random subsample drawn
//    from all neurons of the population; pairs with a neuron whose count has
//    zero variance (e.g. silent) are undefined (NaN in numpy) and left out.
//  - Kolmogorov-Smirnov distance: sup |F_a(x) - F_b(x)| of the two empirical
//    distribution functions (scipy's ks_2samp statistic).
// Means and sds over neurons use ddof = 0, as rates.csv does.
#pragma once

#include "microcircuit/spike_data.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace mc {

struct AnalysisOptions {
    /// Start of the interval (ms); < 0: the run's t_presim (sim_dict.json), as
    /// the reference computes rates from t_presim, or 500 ms without one.
    double tMin = -1.0;
    double tMax = -1.0;         ///< end (ms); < 0: the run's end (sim_dict.json), else the last spike
    int subsample = 200;        ///< neurons per population for correlations
    std::uint64_t seed = 12345; ///< seed of the subsample (the reference's default)
    double ccBinMs = 2.0;       ///< bin of the spike counts for correlations (ms)
    double rateBinMs = 1.0;     ///< bin of the population rate time series (ms)
};

/// Largest correlation subsample per population (2 to kMaxSubsample).
inline constexpr int kMaxSubsample = 5000;
/// Most correlation pairs over all populations: their coefficients are kept
/// (8 bytes each), so more is refused, naming the subsample size.
inline constexpr std::int64_t kMaxCorrelationPairs = 100'000'000;

/// Most bins of the population rate series over all populations together:
/// kMaxRateBins, or one per spike read if there are more. Over a long
/// interval (or with many populations) analyzeSpikes widens the bins
/// (AnalysisResult::options.rateBinMs holds the width used), so their memory
/// follows the data, not the interval.
inline constexpr std::int64_t kMaxRateBins = std::int64_t{1} << 20;

struct PopulationStats {
    std::string name;
    int numNeurons = 0;
    std::vector<double> rates;      ///< per neuron (Hz), zeros included
    std::vector<double> cvs;        ///< per neuron with >= 3 spikes
    std::vector<double> ccs;        ///< per defined pair of the subsample
    std::vector<double> rateSeries; ///< population rate (Hz per neuron) in bins of rateBinMs from tMin
    double meanRate = 0.0, stdRate = 0.0;
    double meanCv = 0.0;    ///< NaN when no neuron has >= 3 spikes
    double meanCc = 0.0;    ///< NaN when no pair is defined
    std::size_t spikes = 0; ///< spikes in the interval
};

struct AnalysisResult {
    double tMin = 0.0, tMax = 0.0;
    AnalysisOptions options; ///< as used (rateBinMs may be wider than asked, see kMaxRateBins)
    std::vector<PopulationStats> populations;
    std::size_t spikes = 0; ///< spikes in the interval, all populations
};

/// KS distances of the three statistics of one population.
struct KsDistances {
    double rates = 0.0, cvs = 0.0, ccs = 0.0; ///< NaN when either side is empty
};

/// The interval an analysis of `data` uses with `options` (defaults resolved).
/// Throws ConfigError if it is empty or holds no spike.
std::pair<double, double> resolveInterval(const SpikeData& data, const AnalysisOptions& options);

/// All statistics of every population. Throws ConfigError for an invalid
/// interval or subsample size, or an interval without spikes.
AnalysisResult analyzeSpikes(const SpikeData& data, const AnalysisOptions& options);

/// Spikes of a sorted train that lie in [tMin, tMax].
std::span<const double> clipTrain(std::span<const double> sorted, double tMin, double tMax);
/// Rate (Hz) of `count` spikes over [tMin, tMax] (ms).
double countRate(std::size_t count, double tMin, double tMax);
/// Rate (Hz) of one sorted train over [tMin, tMax] (ms).
double trainRate(std::span<const double> sorted, double tMin, double tMax);
/// ISI CV of one sorted train over [tMin, tMax]; NaN with fewer than 3 spikes.
double trainCv(std::span<const double> sorted, double tMin, double tMax);
/// Correlation coefficients of all defined pairs (i < j) of the trains, in
/// pair order (0,1), (0,2), ..., (1,2), ...
std::vector<double> pairwiseCorrelations(const std::vector<std::span<const double>>& trains, double tMin, double tMax,
                                         double binMs);
/// Population rate (Hz per neuron) in bins of binMs over [tMin, tMax].
std::vector<double> populationRate(const PopulationSpikes& pop, double tMin, double tMax, double binMs);
/// Indices of a deterministic random subsample of k of n items (sorted).
std::vector<int> randomSubsample(int n, int k, std::uint64_t seed);

/// Two-sample KS distance; NaN values are ignored; NaN if a side is empty.
double ksDistance(std::vector<double> a, std::vector<double> b);
/// KS distances per population (matched by index).
std::vector<KsDistances> compareResults(const AnalysisResult& a, const AnalysisResult& b);

/// Mean and ddof-0 sd of the finite values; NaN if there are none.
double meanOf(std::span<const double> v);
double sdOf(std::span<const double> v);

} // namespace mc
