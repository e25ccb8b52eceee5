// Two-sample Kolmogorov-Smirnov distance between distributions of statistics.
#include "microcircuit/analysis.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mc {

double ksDistance(std::vector<double> a, std::vector<double> b) {
    std::erase_if(a, [](double x) { return std::isnan(x); });
    std::erase_if(b, [](double x) { return std::isnan(x); });
    if (a.empty() || b.empty()) return std::numeric_limits<double>::quiet_NaN();
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    // Walk both sorted samples; at each distinct value x compare F_a(x) and
    // F_b(x) after taking every sample <= x (ties move both functions at once).
    const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
    std::size_t i = 0, j = 0;
    double d = 0.0;
    while (i < a.size() && j < b.size()) {
        const double x = std::min(a[i], b[j]);
        while (i < a.size() && a[i] <= x)
            ++i;
        while (j < b.size() && b[j] <= x)
            ++j;
        d = std::max(d, std::abs(i / na - j / nb));
    }
    return d;
}

std::vector<KsDistances> compareResults(const AnalysisResult& a, const AnalysisResult& b) {
    std::vector<KsDistances> out;
    const std::size_t n = std::min(a.populations.size(), b.populations.size());
    for (std::size_t p = 0; p < n; ++p) {
        const PopulationStats& x = a.populations[p];
        const PopulationStats& y = b.populations[p];
        out.push_back({ksDistance(x.rates, y.rates), ksDistance(x.cvs, y.cvs), ksDistance(x.ccs, y.ccs)});
    }
    return out;
}

} // namespace mc
