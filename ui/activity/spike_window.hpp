// The GUI's stored spikes as the engine's analysis sees a run folder: spike
// time stamps (step + 1) * h as in the spike files, NEST ids from 1, one
// PopulationSpikes per population. So the PSTH, spectrum and health check
// of the window give the numbers `microcircuit analyze` gives on the same
// spikes read from files.
#pragma once

#include "ui/spike_store.hpp"

#include "microcircuit/spike_data.hpp"

#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace mc::ui {

/// Time stamp (ms) of a stored spike, as the spike files hold it: whole
/// microseconds (step + 1) * h, so that it equals the value read back.
inline double stampMs(const Spike& s, double resolutionMs) {
    const auto micros = (std::int64_t{s.step} + 1) * std::llround(resolutionMs * 1000.0);
    return static_cast<double>(micros) / 1000.0;
}

/// The stored spikes whose time stamps lie in any of the intervals
/// [from, to] (ms; overlapping intervals are merged, no spike twice).
SpikeData spikeDataOf(const SpikeStore& store, std::vector<std::pair<double, double>> intervalsMs);

/// The stored spikes with time stamps in [fromMs, toMs].
inline SpikeData spikeDataOf(const SpikeStore& store, double fromMs, double toMs) {
    return spikeDataOf(store, {{fromMs, toMs}});
}

} // namespace mc::ui
