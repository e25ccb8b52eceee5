// "Nice" axis tick positions (1, 2, 5 x 10^k), shared by the raster and figures.
#pragma once

#include <cmath>
#include <vector>

namespace mc::ui {

inline double niceStep(double span, int maxTicks) {
    const double raw = span / std::max(1, maxTicks);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * mag >= raw) return m * mag;
    return 10.0 * mag;
}

inline std::vector<double> niceTicks(double lo, double hi, int maxTicks) {
    std::vector<double> ticks;
    if (!(hi > lo)) return ticks;
    const double step = niceStep(hi - lo, maxTicks);
    for (double t = std::ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step)
        ticks.push_back(t);
    return ticks;
}

/// Decimals needed to print ticks of the range without repetition.
inline int tickDecimals(double lo, double hi) {
    const double step = niceStep(hi - lo, 8);
    return step >= 1.0 ? 0 : static_cast<int>(std::ceil(-std::log10(step)));
}

} // namespace mc::ui
