// Pairwise spike-count correlations and the random subsample they use.
#include "microcircuit/analysis.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace mc {

namespace {

/// Non-empty bins of one train: (bin index, count), ascending.
struct SparseCounts {
    std::vector<std::pair<std::int64_t, std::int64_t>> bins;
    std::int64_t sum = 0;   ///< total count
    std::int64_t sumSq = 0; ///< sum of squared counts
};

SparseCounts binTrain(std::span<const double> sorted, double tMin, double tMax, double binMs, std::int64_t numBins) {
    SparseCounts out;
    for (double t : clipTrain(sorted, tMin, tMax)) {
        // numpy.histogram: the last bin also holds a spike at exactly its right edge.
        const std::int64_t b = std::min(numBins - 1, static_cast<std::int64_t>(std::floor((t - tMin) / binMs)));
        if (!out.bins.empty() && out.bins.back().first == b)
            ++out.bins.back().second;
        else
            out.bins.emplace_back(b, 1);
    }
    for (const auto& [b, c] : out.bins) {
        out.sum += c;
        out.sumSq += c * c;
    }
    return out;
}

} // namespace

std::vector<double> pairwiseCorrelations(const std::vector<std::span<const double>>& trains, double tMin, double tMax,
                                         double binMs) {
    const std::int64_t numBins =
        std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil((tMax - tMin) / binMs - 1e-9)));
    std::vector<SparseCounts> counts;
    counts.reserve(trains.size());
    for (const auto& t : trains)
        counts.push_back(binTrain(t, tMin, tMax, binMs, numBins));
    // Pearson r = (N*P - Si*Sj) / sqrt((N*Qi - Si^2)(N*Qj - Sj^2)), with the
    // products P over the few shared non-empty bins; the integer sums make a
    // zero variance exact. Counts are small, so int64 cannot overflow here.
    std::vector<long double> varTerm(counts.size());
    for (std::size_t i = 0; i < counts.size(); ++i)
        varTerm[i] = static_cast<long double>(numBins) * counts[i].sumSq -
                     static_cast<long double>(counts[i].sum) * counts[i].sum;
    std::vector<double> ccs;
    ccs.reserve(counts.size() * (counts.size() - (counts.empty() ? 0 : 1)) / 2);
    for (std::size_t i = 0; i < counts.size(); ++i) {
        if (varTerm[i] <= 0) continue;
        for (std::size_t j = i + 1; j < counts.size(); ++j) {
            if (varTerm[j] <= 0) continue;
            std::int64_t product = 0;
            const auto& a = counts[i].bins;
            const auto& b = counts[j].bins;
            std::size_t x = 0, y = 0;
            while (x < a.size() && y < b.size()) {
                if (a[x].first < b[y].first)
                    ++x;
                else if (b[y].first < a[x].first)
                    ++y;
                else
                    product += a[x++].second * b[y++].second;
            }
            const long double num =
                static_cast<long double>(numBins) * product - static_cast<long double>(counts[i].sum) * counts[j].sum;
            ccs.push_back(static_cast<double>(num / std::sqrt(varTerm[i] * varTerm[j])));
        }
    }
    return ccs;
}

std::vector<int> randomSubsample(int n, int k, std::uint64_t seed) {
    std::vector<int> idx(static_cast<std::size_t>(std::max(n, 0)));
    std::iota(idx.begin(), idx.end(), 0);
    if (k >= n) return idx;
    // Partial Fisher-Yates with the standard Mersenne Twister, whose output is
    // fixed by the C++ standard (unlike std::uniform_int_distribution's).
    std::mt19937_64 gen(seed);
    for (int i = 0; i < k; ++i) {
        const auto range = static_cast<std::uint64_t>(n - i);
        const int j = i + static_cast<int>(gen() % range); // bias < 2^-40 for n < 2^24
        std::swap(idx[i], idx[j]);
    }
    idx.resize(static_cast<std::size_t>(k));
    std::sort(idx.begin(), idx.end());
    return idx;
}

} // namespace mc
