// A recorded spike folder turned into what the views show: the spikes in step
// order (as the engine emits them), a network description for the store and
// the events of the folder's log. Qt-free: plain data.
#pragma once

#include "ui/engine_worker.hpp"
#include "ui/replay/recorded_voltages.hpp"
#include "ui/session.hpp"

#include "microcircuit/recording.hpp"

#include <atomic>
#include <string>
#include <vector>

namespace mc::ui {

struct Recording {
    std::string folder;
    std::vector<Spike> spikes; ///< sorted by step, then neuron
    BuildInfo info;            ///< configuration (from the folder's dicts, else defaults at the data's sizes) and sizes
    std::vector<TimedEvent> events; ///< from session.json or the configuration's timed events
    std::int64_t endStep = 0;       ///< end of the recording (the run's end if known, else after the last spike)
    bool configKnown = false;       ///< the folder's dicts describe a network of exactly the recorded sizes
    std::string note;               ///< why the configuration is not known, if it is not
    /// The folder's voltmeter traces (voltmeter-<id>-<vp>.dat), their spikes filled in.
    RecordedVoltages voltages;
};

/// Reads `folder` with mc::readRecording (any format it reads) and converts it.
/// Throws ConfigError (bad folder, with the reason) or ReadCancelled.
Recording loadRecording(const std::string& folder, const ReadProgress& progress = {},
                        const std::atomic<bool>* cancel = nullptr);

/// Converts read spike data; `config` gives the resolution and the network to simulate.
Recording makeRecording(SpikeData data, Config config, bool configKnown);

} // namespace mc::ui
