// The SONATA side of reading a spike folder (sonata_reader.cpp), used by
// readSpikeFolder (spike_data.cpp).
#pragma once

#include "microcircuit/spike_data.hpp"

#include <string>

namespace mc::detail {

/// The folder's SONATA spike report (*.h5, *.hdf5, *.sonata), or "" if none.
/// Throws ConfigError if there are several, and (when `strict`) if such a
/// file is not a spike report; otherwise non-reports are passed over.
std::string findSonataReport(const std::string& folder, bool strict);

/// Reads the report `path` with the folder's population table.
SpikeData readSonataFolder(const std::string& folder, const std::string& path, const ReadProgress& progress);

/// When a folder holds text spike files and a SONATA report, both must hold
/// the same number of spikes per population; throws ConfigError otherwise.
void checkSonataAgrees(const std::string& folder, const SpikeData& data);

} // namespace mc::detail
