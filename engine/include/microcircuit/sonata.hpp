// SONATA spike reports (HDF5), the exchange format of BMTK, NEURON's
// CoreNEURON, Brian2's and NEST's SONATA tooling.
//
// In the SONATA specification's terms the microcircuit has eight *node
// populations*, named L23E ... L6I; a spike report holds, per node
// population, the group /spikes/<population> with two datasets of equal
// length: `node_ids` (uint64, the node's index within its population, from 0)
// and `timestamps` (float64, attribute units = "ms"), and the group's
// attribute sorting = "by_time". The file root carries the SONATA attributes
// magic = 0x0A7A and version = [0, 1]. A NEST id (from 1, population_nodeids.dat)
// is first_id(population) + node_id.
#pragma once

#include "microcircuit/spike_sink.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mc {

/// False in a build without HDF5 (then every SONATA call throws ConfigError).
bool sonataAvailable();

/// Name of the SONATA spike report in a run folder.
inline constexpr const char* kSonataFileName = "spikes.h5";

/// Writes a SONATA spike report as a run goes: spikes are appended per chunk
/// (they arrive in time order, so each population stays sorted by time) and
/// the file is flushed after each chunk, so an interrupted run leaves a
/// readable report up to the last chunk.
class SonataSpikeWriter {
  public:
    /// `firstNeuron` holds each population's first global neuron index and,
    /// last, the total (populations.size() + 1 entries). `stepMicros` is the
    /// time step in microseconds (spike of step k is stamped (k + 1) h).
    /// Throws ConfigError if the file cannot be created.
    SonataSpikeWriter(const std::string& path, const std::vector<std::string>& populations,
                      const std::vector<std::int32_t>& firstNeuron, std::int64_t stepMicros);
    ~SonataSpikeWriter();
    SonataSpikeWriter(const SonataSpikeWriter&) = delete;
    SonataSpikeWriter& operator=(const SonataSpikeWriter&) = delete;

    /// Appends spikes sorted by step (one chunk of a run) and flushes.
    void append(std::span<const Spike> spikes);
    /// Closes the file (also done by the destructor).
    void close();

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Per-population spike counts of a SONATA report by population name, read
/// from the dataset sizes only (cheap). Throws ConfigError if `path` is not a
/// SONATA spike report.
std::vector<std::pair<std::string, std::uint64_t>> sonataSpikeCounts(const std::string& path);

/// True if `path` is an HDF5 file with a /spikes group.
bool isSonataSpikeReport(const std::string& path);

} // namespace mc
