#include "ui/charts/box_summary.hpp"

#include <algorithm>
#include <cmath>

namespace mc::ui {
namespace {

/// The q-quantile of v as numpy's default: v_sorted[lo] + f (v_sorted[lo + 1] - v_sorted[lo]).
/// Leaves v partitioned around lo.
double quantile(std::vector<float>& v, double q) {
    const double pos = q * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto at = v.begin() + static_cast<std::ptrdiff_t>(lo);
    std::nth_element(v.begin(), at, v.end());
    const double a = *at;
    // The next order statistic is the smallest of those after lo.
    const double b = lo + 1 < v.size() ? *std::min_element(at + 1, v.end()) : a;
    return a + (pos - static_cast<double>(lo)) * (b - a);
}

} // namespace

BoxSummary boxSummary(std::vector<float>& v) {
    BoxSummary b;
    if (v.empty()) return b;
    b.q1 = quantile(v, 0.25);
    b.median = quantile(v, 0.5);
    b.q3 = quantile(v, 0.75);
    const double iqr = b.q3 - b.q1;
    b.lowerWhisker = b.q1;
    b.upperWhisker = b.q3;
    for (float x : v) {
        if (x >= b.q1 - 1.5 * iqr) b.lowerWhisker = std::min(b.lowerWhisker, double(x));
        if (x <= b.q3 + 1.5 * iqr) b.upperWhisker = std::max(b.upperWhisker, double(x));
    }
    return b;
}

} // namespace mc::ui
