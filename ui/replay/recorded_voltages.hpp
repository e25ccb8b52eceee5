// The membrane potentials a replayed folder holds: NEST-format voltmeter
// files `voltmeter-<id>-<vp>.dat` (written by `microcircuit run --probe`, by
// the reference's "voltmeter" recording device, or by NEST), turned into
// probe traces for the probe panel. Qt-free.
#pragma once

#include "ui/probes/probe_store.hpp"

#include <atomic>
#include <string>
#include <vector>

namespace mc::ui {

struct RecordedVoltages {
    /// At most ProbeStore::kMaxProbes neurons, shared out between the
    /// voltmeters (a population's voltmeter may record every neuron): in
    /// population order, each voltmeter's first neurons. `current` is empty
    /// (a voltmeter records V_m only); spikes are not filled in here.
    std::vector<ProbeTrace> traces;
    std::vector<std::string> files; ///< voltmeter files read
    std::size_t neuronsRecorded = 0; ///< distinct neurons in the files (shown or not)
    std::string problem;             ///< why some or all traces are not shown (a bad file), else empty
};

/// Reads the voltmeter files of `folder`. `firstIds[p]` and `firstIndex[p]`
/// map NEST ids to global neuron indices (population p holds ids
/// firstIds[p] .. firstIds[p] + count[p] - 1, index firstIndex[p] + id -
/// firstIds[p]). A malformed file is skipped and named in `problem`
/// (file, line, what was expected); it never stops the replay.
RecordedVoltages readRecordedVoltages(const std::string& folder, const std::vector<std::int64_t>& firstIds,
                                      const std::vector<std::int64_t>& counts, const std::vector<std::int32_t>& firstIndex,
                                      double resolutionMs, const std::atomic<bool>* cancel = nullptr);

} // namespace mc::ui
