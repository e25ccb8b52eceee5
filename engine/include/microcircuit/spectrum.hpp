// Power spectra and pulse-locked PSTHs of population activity
// (docs/analysis.md).
//
// Spectrum: the signal is the population rate x(t) in Hz per neuron,
// binned (1 ms by default) from the population's spikes. Welch's method:
// segments of segmentMs with 50 % overlap, each with its mean removed and a
// Hann window, one-sided density in Hz^2/Hz ((spikes/s)^2/Hz), so that the
// sum of power * df over all frequencies is the variance of x. For N
// independent Poisson neurons of rate r the level is flat at 2 r / N.
// FFTs by FFTW3 (Debian's libfftw3-dev).
//
// PSTH: for each onset, the population rate (Hz per neuron) in bins of
// binMs from onset - beforeMs to onset + afterMs; mean over the trials whose
// window lies inside the data, and the standard error of that mean
// (sd with ddof = 1 over the trials / sqrt(trials); NaN with one trial).
#pragma once

#include "microcircuit/spike_data.hpp"

#include <span>
#include <string>
#include <vector>

namespace mc {

struct SpectrumOptions {
    double binMs = 1.0;       ///< bin of the rate (ms); Nyquist 1000 / (2 binMs) Hz
    double segmentMs = 1000.0; ///< Welch segment (ms); shortened to the interval if longer
    double maxHz = 500.0;     ///< highest frequency kept
};

struct Spectrum {
    std::vector<double> freqHz;
    std::vector<double> power; ///< (spikes/s)^2/Hz per frequency
    double resolutionHz = 0.0;
    double peakHz = 0.0;       ///< frequency of the largest power above 0 Hz (NaN if none)
    int segments = 0;
};

/// True when this build has FFTW3.
bool haveSpectra();

/// Welch spectrum of a sampled signal (sample interval binMs). Throws
/// ConfigError without FFTW3 or with fewer than 4 samples.
Spectrum welchSpectrum(std::span<const double> signal, const SpectrumOptions& options = {});

/// Spectrum of a population's rate over [tMin, tMax].
Spectrum populationSpectrum(const PopulationSpikes& pop, double tMin, double tMax,
                            const SpectrumOptions& options = {});

struct PsthOptions {
    double beforeMs = 50.0;
    double afterMs = 150.0;
    double binMs = 1.0;
};

struct Psth {
    std::vector<double> timeMs; ///< left edge of each bin, relative to the onset
    std::vector<double> mean;   ///< Hz per neuron, over the trials
    std::vector<double> sem;    ///< s.e.m. over the trials (NaN with one trial)
    int trials = 0;
    double peakMs = 0.0;        ///< bin edge of the largest mean at or after the onset (NaN without trials)
};

/// The PSTH of a population around each onset; trials whose window
/// [onset - beforeMs, onset + afterMs) leaves [0, dataEndMs] are skipped.
Psth pulsePsth(const PopulationSpikes& pop, std::span<const double> onsetsMs, double dataEndMs,
               const PsthOptions& options = {});

} // namespace mc
