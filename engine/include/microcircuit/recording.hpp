// Opening a recorded spike folder for replay or analysis, with progress and
// cancel: the entry point for front ends (the GUI's File -> Open recording,
// `microcircuit analyze`).
//
// Folders in every format readSpikeFolder understands are read: ours, NEST's
// several `spike_recorder-<id>-<vp>.dat` per population (with NEST 3's header
// lines or without), NEST 2's `.gdf`, and SONATA spike reports (*.h5, see
// sonata.hpp). A folder with both text files and a SONATA report is read from
// the text files, and the report must agree with them.
#pragma once

#include "microcircuit/spike_data.hpp"

#include <atomic>
#include <stdexcept>
#include <string>

namespace mc {

/// Thrown by readRecording when its cancel flag was set; nothing is returned.
class ReadCancelled : public std::runtime_error {
  public:
    ReadCancelled() : std::runtime_error("reading cancelled") {}
};

/// Reads a recording. `progress` (optional) is called from the calling thread
/// with the fraction done (by bytes or spikes) and the file being read; when
/// `cancel` (optional) becomes true, reading stops at the next block (a few
/// MB) with ReadCancelled. Bad data throws ConfigError naming file and line.
SpikeData readRecording(const std::string& folder, const ReadProgress& progress = {},
                        const std::atomic<bool>* cancel = nullptr);

} // namespace mc
