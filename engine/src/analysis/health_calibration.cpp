// This engine's seed-to-seed spread of each population's mean rate and mean
// ISI CV, for the configurations with a NEST reference (MODEL.md). The health
// check's band (reference_check.hpp, docs/analysis.md "Health check") is
// built from it.
//
// Measured with
//   nice -n 19 python3 tests/tools/calibrate_health.py build/release/app/microcircuit --configs KEY
// on 2026-12-07 (engine of main at 213fbbb): `run --scale S --drive D
// --seed N --t-presim 500 --t-sim 2000`, then `analyze --health --json`
// over 500-2500 ms; seeds 1..n as listed per row; sd with n - 1. Populations
// in the order L23E L23I L4E L4I L5E L5I L6E L6I.
#include "microcircuit/reference_check.hpp"

#include <cmath>

namespace mc {
namespace {

// clang-format off
constexpr SeedSpread kTable[] = {
    // 0.1p: scale 0.1, poisson, seeds 1-8
    {0.1, true, 8,
     {0.4709, 2.108, 3.984, 5.013, 6.55, 7.798, 0.8394, 7.011},
     {0.01447, 0.04219, 0.0406, 0.02927, 0.1581, 0.035, 0.0277, 0.05617},
     {0.5423, 0.6327, 0.6942, 0.7103, 0.7105, 0.7087, 0.5866, 0.7096},
     {0.02567, 0.00946, 0.006932, 0.007966, 0.0123, 0.01325, 0.02025, 0.01491}},
};
// clang-format on

} // namespace

const SeedSpread* seedSpread(double n, double k, bool poisson) {
    if (std::abs(n - k) > 1e-9) return nullptr;
    for (const SeedSpread& s : kTable)
        if (std::abs(s.scale - n) < 1e-9 && s.poisson == poisson) return &s;
    return nullptr;
}

} // namespace mc
