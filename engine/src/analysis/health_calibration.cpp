// This engine's seed-to-seed spread of each population's mean rate and mean
// ISI CV, for the configurations with a NEST reference (MODEL.md). The health
// check's band (reference_check.hpp, docs/analysis.md "Health check") is
// built from it.
//
// Measured with
//   nice -n 19 python3 tests/tools/calibrate_health.py build/release/app/microcircuit --configs KEY
// on 2026-12-07 (engine of main at 213fbbb): `run --scale S --drive D
// --seed N --t-presim 500 --t-sim 2000`, then `analyze --health --json`
// over 500-2500 ms; seeds 1..n as listed per row (0.5d with --seeds 4);
// sd with n - 1. Populations in the order L23E L23I L4E L4I L5E L5I L6E L6I.
// A configuration with a reference but no row here falls back to +-30 %.
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
    // 0.2d: scale 0.2, dc, seeds 1-8
    {0.2, false, 8,
     {0.6048, 2.221, 3.787, 4.882, 7.076, 7.597, 0.8287, 6.727},
     {0.01752, 0.04313, 0.05025, 0.02404, 0.271, 0.04125, 0.02449, 0.04537},
     {0.561, 0.6362, 0.6619, 0.687, 0.6782, 0.6503, 0.5951, 0.6464},
     {0.01079, 0.007932, 0.003004, 0.009169, 0.007742, 0.0114, 0.009603, 0.01033}},
    // 0.5d: scale 0.5, dc, seeds 1-4
    {0.5, false, 4,
     {0.7023, 2.59, 4.131, 5.442, 7.318, 8.12, 1.058, 7.318},
     {0.007076, 0.01234, 0.01004, 0.008901, 0.075, 0.007214, 0.009968, 0.009792},
     {0.5786, 0.6516, 0.6702, 0.6933, 0.6812, 0.6595, 0.6128, 0.6535},
     {0.00935, 0.00534, 0.00177, 0.004267, 0.005069, 0.008458, 0.004142, 0.004679}},
    // 1d: scale 1.0, dc, seeds 1-3
    {1.0, false, 3,
     {0.9168, 2.973, 4.189, 5.707, 8.122, 8.467, 1.111, 7.662},
     {0.02432, 0.02399, 0.02126, 0.01675, 0.2225, 0.03042, 0.02406, 0.01927},
     {0.6019, 0.6656, 0.6769, 0.699, 0.6812, 0.6615, 0.6222, 0.6571},
     {0.003079, 0.006525, 0.0009041, 0.00507, 0.004665, 0.004779, 0.002911, 0.005486}},
    // 1p: scale 1.0, poisson, seeds 1-3
    {1.0, true, 3,
     {0.8903, 2.972, 4.407, 5.879, 7.695, 8.638, 1.12, 7.842},
     {0.03406, 0.01335, 0.03033, 0.01585, 0.269, 0.02131, 0.03338, 0.01995},
     {0.6003, 0.6729, 0.7003, 0.7225, 0.7143, 0.6907, 0.6271, 0.6996},
     {0.00348, 0.004687, 0.001396, 0.002159, 0.004735, 0.003868, 0.003394, 0.002613}},
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
