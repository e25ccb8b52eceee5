// Discrete distributions used by construction and stepping.
#include "network.hpp"
#include "random.hpp"

#include "microcircuit/errors.hpp"

#include <algorithm>
#include <cmath>

namespace mc::detail {

AliasTable::AliasTable(const std::vector<double>& weights) {
    const std::size_t n = weights.size();
    if (n == 0) throw InternalError("alias table over an empty distribution");
    double total = 0.0;
    for (double w : weights) total += w;
    std::vector<double> scaled(n);
    for (std::size_t i = 0; i < n; ++i) scaled[i] = weights[i] / total * static_cast<double>(n);
    std::vector<std::size_t> small, large;
    for (std::size_t i = 0; i < n; ++i) (scaled[i] < 1.0 ? small : large).push_back(i);
    m_prob.assign(n, 0xFFFFFFFFu);
    m_alias.resize(n);
    for (std::size_t i = 0; i < n; ++i) m_alias[i] = static_cast<std::uint32_t>(i);
    while (!small.empty() && !large.empty()) {
        const std::size_t s = small.back(), l = large.back();
        small.pop_back();
        m_prob[s] = static_cast<std::uint32_t>(std::min(scaled[s] * 4294967296.0, 4294967295.0));
        m_alias[s] = static_cast<std::uint32_t>(l);
        scaled[l] -= 1.0 - scaled[s];
        if (scaled[l] < 1.0) {
            large.pop_back();
            small.push_back(l);
        }
    }
    // Entries left over (rounding) keep probability one and alias themselves.
}

PoissonTable makePoissonTable(double mean) {
    PoissonTable t;
    if (!(mean > 0.0)) return t; // count is always 0
    double p = std::exp(-mean), cumulative = 0.0;
    for (int k = 0; k < 1000; ++k) {
        cumulative += p;
        const double scaled = cumulative * 4294967296.0;
        if (scaled >= 4294967295.0) break;
        t.cdf.push_back(static_cast<std::uint32_t>(scaled));
        p *= mean / (k + 1);
    }
    return t;
}

DelayDistribution makeDelayDistribution(double mean, double sd, double h) {
    // Normal(mean, sd) redrawn until >= h/2, then rounded to the grid: the
    // delay in steps k >= 1 has probability mass of [(k - 1/2) h, (k + 1/2) h).
    DelayDistribution dist;
    if (sd <= 0.0) {
        const int k = std::max(1, static_cast<int>(std::lround(mean / h)));
        std::vector<double> w(k, 0.0);
        w[k - 1] = 1.0;
        dist.table = AliasTable(w);
        dist.maxSteps = k;
        return dist;
    }
    const auto cdf = [&](double x) { return 0.5 * std::erfc(-(x - mean) / (sd * std::sqrt(2.0))); };
    // Beyond 10 sd the mass (< 1e-23) is dropped.
    const int kMax = std::max(1, static_cast<int>(std::ceil((mean + 10.0 * sd) / h)));
    std::vector<double> w(kMax);
    for (int k = 1; k <= kMax; ++k) w[k - 1] = cdf((k + 0.5) * h) - cdf((k - 0.5) * h);
    dist.table = AliasTable(w);
    dist.maxSteps = kMax;
    return dist;
}

} // namespace mc::detail

namespace mc::detail {
namespace {

/// Layer edges X[0] > X[1] = R > ... > X[128] = 0 of a 128-layer ziggurat of
/// equal-area layers under exp(-x^2 / 2), and ratios X[i+1] / X[i].
struct Ziggurat {
    static constexpr int kLayers = 128;
    static constexpr double kR = 3.442619855899;        // start of the tail
    static constexpr double kArea = 9.91256303526217e-3; // area of each layer
    double x[kLayers + 1];
    double ratio[kLayers];
    Ziggurat() {
        double f = std::exp(-0.5 * kR * kR);
        x[0] = kArea / f;
        x[1] = kR;
        x[kLayers] = 0.0;
        for (int i = 2; i < kLayers; ++i) {
            x[i] = std::sqrt(-2.0 * std::log(kArea / x[i - 1] + f));
            f = std::exp(-0.5 * x[i] * x[i]);
        }
        for (int i = 0; i < kLayers; ++i) ratio[i] = x[i + 1] / x[i];
    }
};

const Ziggurat& ziggurat() {
    static const Ziggurat z;
    return z;
}

} // namespace

double Stream::normal() {
    const Ziggurat& z = ziggurat();
    while (true) {
        const std::uint64_t bits = (std::uint64_t{next()} << 32) | next();
        const int layer = static_cast<int>(bits & 127u);
        const double u = 2.0 * static_cast<double>(bits >> 11) * 0x1.0p-53 - 1.0; // in [-1, 1)
        if (std::abs(u) < z.ratio[layer]) return u * z.x[layer]; // inside the layer's core rectangle
        if (layer == 0) {
            // Tail beyond R (Marsaglia 1964).
            double t, y;
            do {
                t = std::log(uniform() + 0x1.0p-60) / Ziggurat::kR;
                y = std::log(uniform() + 0x1.0p-60);
            } while (-2.0 * y < t * t);
            return u < 0.0 ? t - Ziggurat::kR : Ziggurat::kR - t;
        }
        // The wedge between the rectangle and the curve.
        const double xv = u * z.x[layer];
        const double f0 = std::exp(-0.5 * (z.x[layer] * z.x[layer] - xv * xv));
        const double f1 = std::exp(-0.5 * (z.x[layer + 1] * z.x[layer + 1] - xv * xv));
        if (f1 + uniform() * (f0 - f1) < 1.0) return xv;
    }
}

} // namespace mc::detail
