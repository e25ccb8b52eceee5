// The activity regime of each population, from its spikes: silent,
// asynchronous irregular, synchronous or saturated. Shared by `analyze`,
// sweeps (summary.csv's `state`), the desktop program's health check and
// the Python module.
//
// Synchrony starts from the Fano factor F of the population's spike count
// in bins of 2 ms (variance / mean over the bins of the interval): 1 for
// independent Poisson neurons, 1 + (N - 1) c for N neurons whose counts
// correlate by c on average. F grows with the population's size, so the
// state uses the size-free synchrony index (F - 1) / (N - 1), an estimate of
// c. Thresholds (calibrated in docs/validation.md, "Activity states"):
// silent below 0.1 Hz mean rate, saturated above 100 Hz, synchronous when
// the synchrony index exceeds 0.015; otherwise asynchronous irregular.
#pragma once

#include "microcircuit/spike_data.hpp"

#include <string>
#include <vector>

namespace mc {

enum class ActivityState { Silent, AsynchronousIrregular, Synchronous, Saturated };

/// "silent", "asynchronous irregular", "synchronous", "saturated".
const char* stateName(ActivityState state);

struct StateThresholds {
    double silentHz = 0.1;      ///< mean rate below which a population is silent
    double saturatedHz = 100.0; ///< mean rate above which it is saturated
    double synchronousIndex = 0.015; ///< synchrony index above which it is synchronous
    double binMs = 2.0;         ///< bin of the spike counts
};

/// Fano factor of a population's spike count in bins of binMs over
/// [tMin, tMax] (the last bin may be shorter); NaN without spikes. Memory
/// grows with the spikes, not with the interval.
double populationFano(const PopulationSpikes& pop, double tMin, double tMax, double binMs);

struct PopulationHealth {
    double meanRate = 0.0;  ///< Hz per neuron
    double fano = 0.0;      ///< population spike-count Fano factor (NaN without spikes)
    double synchrony = 0.0; ///< (fano - 1) / (N - 1); NaN without spikes or with one neuron
    ActivityState state = ActivityState::Silent;
};

PopulationHealth assessPopulation(const PopulationSpikes& pop, double tMin, double tMax,
                                  const StateThresholds& thresholds = {});

} // namespace mc
