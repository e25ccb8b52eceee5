// The health check against the reference (docs/analysis.md, "Health
// check"): each population's mean rate against NEST 3.9's rate for the same
// scale and drive (MODEL.md), its mean ISI CV against the irregular range,
// and its activity state (health.hpp). One verdict line for all.
#pragma once

#include "microcircuit/health.hpp"
#include "microcircuit/params.hpp"
#include "microcircuit/spike_data.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace mc {

/// Fallback band around a reference rate, for configurations without a
/// calibrated seed-to-seed spread: |rate / ref - 1| <= kRateTolerance.
inline constexpr double kRateTolerance = 0.3;
/// The calibrated band (docs/analysis.md, "Health check"): NEST's rate
/// +- max(kBandSigmas * sd, kBandFloor * ref), where sd is this engine's
/// seed-to-seed spread of the population's mean rate over the calibration
/// window, relative to this engine's mean and applied to NEST's rate, and
/// widened by the Poisson counting noise of a shorter window.
inline constexpr double kBandSigmas = 4.0;
inline constexpr double kBandFloor = 0.10;
/// The calibration window: t_presim 500 ms, then 2 s.
inline constexpr double kCalibrationWindowMs = 2000.0;
/// Mean ISI CV range of irregular firing. The reference network: 0.71-0.86
/// over 2 s; short intervals bias it low (1 s at scale 0.1: 0.48-0.62).
inline constexpr double kCvLow = 0.3, kCvHigh = 1.5;

/// NEST 3.9's mean rates (Hz, MODEL.md) for this scale and drive, if known:
/// 0.1/0.1 Poisson, 0.2/0.2 DC, 0.5/0.5 DC, 1/1 (either drive).
std::optional<std::array<double, 8>> referenceRates(double nScaling, double kScaling, bool poissonInput);

/// This engine's seed-to-seed spread for one configuration (measured by
/// tests/tools/calibrate_health.py; health_calibration.cpp holds the table).
struct SeedSpread {
    double scale;  ///< N_scaling = K_scaling
    bool poisson;  ///< background drive
    int seeds;     ///< realisations measured
    std::array<double, 8> rateMean, rateSd, cvMean, cvSd; ///< across seeds, of the population means (Hz; CV)
};

/// The calibrated spread for this scale and drive, or nullptr.
const SeedSpread* seedSpread(double nScaling, double kScaling, bool poissonInput);

/// Half-width (Hz) of the band around `referenceRate` for population `pop`
/// of `neurons` neurons judged over `windowMs`: kBandSigmas * sd_T scaled by
/// referenceRate / rateMean, at least kBandFloor * referenceRate, with
/// sd_T^2 = sd^2 + rateMean / neurons * (1 / T - 1 / T_cal) (T in s) for a
/// window T shorter than the calibration window T_cal. Without a spread:
/// kRateTolerance * referenceRate.
double rateBandHalfWidth(const SeedSpread* spread, int pop, double referenceRate, int neurons, double windowMs);

struct PopulationCheck {
    std::string name;
    PopulationHealth health;
    double meanCv = 0.0;          ///< NaN when no neuron has >= 3 spikes
    double referenceRate = 0.0;   ///< NaN without a reference
    double rateRatio = 0.0;       ///< meanRate / referenceRate (NaN without a reference)
    double bandLow = 0.0, bandHigh = 0.0; ///< the rate band (Hz; NaN without a reference)
    double cvExpected = 0.0, cvSpread = 0.0; ///< calibrated mean CV and its seed sd over 2 s (NaN without)
    bool rateOk = true, cvOk = true, stateOk = true;
    std::string problem;          ///< "" when healthy, else e.g. "L4E 3.0x above the reference (4.07 Hz)"
};

struct HealthReport {
    bool haveReference = false;
    bool calibrated = false; ///< the band comes from the measured seed spread (else +-30 %)
    std::string bandNote;    ///< what the band is, e.g. "NEST rate +- 4 sd of this engine's seed spread"
    bool healthy = true;
    std::vector<PopulationCheck> populations;
    std::string verdict; ///< one line
};

/// Checks every population over [tMin, tMax] against the reference of the
/// configuration's scale and drive.
HealthReport checkAgainstReference(const SpikeData& data, double tMin, double tMax, const Config& config);
/// The same with a given spread (nullptr: the +-30 % fallback of an
/// uncalibrated configuration).
HealthReport checkAgainstReference(const SpikeData& data, double tMin, double tMax, const Config& config,
                                   const SeedSpread* spread);

} // namespace mc
