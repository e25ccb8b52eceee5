// The output folder of a run, in the reference's conventions so that its
// analysis scripts (and `microcircuit analyze`) read it unchanged:
//   spike_recorder-<id>-0.dat   one per population, NEST's ASCII format
//   spikes.h5                   the same spikes as a SONATA report (format sonata or both)
//   population_nodeids.dat      "first_id last_id" per population (ids from 1)
//   sim_dict.json net_dict.json stim_dict.json
//   rates.csv                   per-population mean and sd of per-neuron rates
// Spike files are flushed after every chunk, so an interrupted run leaves
// valid files up to the last chunk.
#pragma once

#include "microcircuit/model.hpp"
#include "microcircuit/sonata.hpp"
#include "microcircuit/spike_sink.hpp"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace mc {

/// NEST-style id (from 1) of the spike recorder of population `pop`.
std::int64_t recorderId(const DerivedParams& derived, int pop);
/// Formats a time given in microseconds as NEST's "%.3f" milliseconds.
void appendTimeMs(std::string& out, std::int64_t micros);

/// Which spike files a run writes: NEST's text files, a SONATA report, or both.
struct SpikeFormats {
    bool nest = true;
    bool sonata = false;
};
/// "nest", "sonata" or "both"; throws ConfigError naming `flag` otherwise.
SpikeFormats parseSpikeFormats(const std::string& value, const std::string& flag = "--format");

struct PopulationRate {
    double mean = 0.0; ///< mean over neurons of the time-averaged rate (Hz), silent neurons included
    double sd = 0.0;   ///< standard deviation over neurons (Hz)
};

class OutputFolder : public SpikeSink {
public:
    /// Creates the folder (and parents) and writes the parameter files and
    /// population_nodeids.dat. Throws ConfigError if it cannot be written.
    OutputFolder(const std::string& path, const Config& config, const DerivedParams& derived,
                 SpikeFormats formats = {});
    ~OutputFolder() override;

    void onSpikes(std::span<const Spike> spikes, std::int64_t endStep) override;

    /// Per-population rates over [t_presim, end of the last chunk].
    std::vector<PopulationRate> rates() const;
    /// Writes rates.csv (atomically) and closes the spike files.
    void finish();
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
    DerivedParams m_derived;
    std::int64_t m_stepMicros;
    std::int64_t m_presimSteps;
    std::int64_t m_endStep = 0;
    std::vector<std::FILE*> m_files;
    std::unique_ptr<SonataSpikeWriter> m_sonata;
    std::vector<std::uint32_t> m_counts; ///< spikes per neuron at or after t_presim
    std::string m_buffer;
};

} // namespace mc
