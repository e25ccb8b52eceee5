// Pulse-locked peri-stimulus time histograms: per population, the
// population rate around each stimulus onset, averaged over the onsets
// (trials), with its standard error over trials.
#pragma once

#include "microcircuit/spike_data.hpp"

#include <string>
#include <vector>

namespace mc {

struct PsthOptions {
    double beforeMs = 50.0; ///< window starts this long before each onset
    double afterMs = 150.0; ///< and ends this long after it
    double binMs = 1.0;
};

struct PopulationPsth {
    std::string name;
    std::vector<double> meanHz; ///< per bin: population rate (spikes per neuron per second), mean over trials
    std::vector<double> semHz;  ///< standard error of that mean over trials (0 with one trial)
};

struct Psth {
    PsthOptions options;
    std::vector<double> onsets;    ///< the trials used (those whose window lies inside the data)
    std::vector<double> binStarts; ///< relative to the onset (ms): bin b is [binStarts[b], binStarts[b] + binMs)
    std::vector<PopulationPsth> populations;
};

/// The PSTH of every population. Trials whose window reaches before 0 or
/// past `endMs` (the end of the recording) are left out. Throws ConfigError
/// when no onset is left or the options are invalid.
Psth computePsth(const SpikeData& data, const std::vector<double>& onsets, double endMs, const PsthOptions& options);

/// CSV: population,time_ms,mean_Hz,sem_Hz,trials (time = bin start relative to the onset).
std::string psthToCsv(const Psth& psth);

} // namespace mc
