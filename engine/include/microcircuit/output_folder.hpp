// The output folder of a run, in the reference's conventions so that its
// analysis scripts (and `microcircuit analyze`) read it unchanged:
//   spike_recorder-<id>-0.dat   one per population, NEST's ASCII format
//   spikes.h5                   the same spikes as a SONATA report (format sonata or both)
//   population_nodeids.dat      "first_id last_id" per population (ids from 1)
//   sim_dict.json net_dict.json stim_dict.json
//   rates.csv                   per-population mean and sd of per-neuron rates
//   voltmeter-<id>-0.dat        V_m of probed neurons (recordVoltages), NEST's
//                               voltmeter format: sender, time_ms, V_m
// Spike lines are written (unbuffered) after every chunk, so an interrupted
// run leaves valid files up to the last chunk. Every write is checked: on the
// first failure (disk full, ...) all spike files are cut back to the end of
// the last chunk that every file received, so each ends on a complete line
// and all hold the same interval, and no further spikes are written.
#pragma once

#include "microcircuit/model.hpp"
#include "microcircuit/probes.hpp"
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
/// NEST-style id of the voltmeter of population `pop`: after the spike
/// recorders when spikes are recorded, as the reference creates them.
std::int64_t voltmeterId(const DerivedParams& derived, int pop, bool spikesRecorded);
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
    /// population_nodeids.dat. Throws ConfigError if it cannot be written
    /// (WriteError if a write failed). An empty `path` writes nothing at all
    /// and only counts spikes for rates().
    OutputFolder(const std::string& path, const Config& config, const DerivedParams& derived,
                 SpikeFormats formats = {});
    ~OutputFolder() override;

    void onSpikes(std::span<const Spike> spikes, std::int64_t endStep) override;

    /// Opens one voltmeter file per population that holds any of `neurons`
    /// (the probes set with Simulation::setProbes, same order). Throws
    /// WriteError if a file cannot be written. Nothing for an empty path.
    void recordVoltages(const std::vector<std::int32_t>& neurons);
    /// Appends the samples of a chunk (Simulation::takeProbeTraces), each line
    /// "sender time_ms V_m" with the sample's time stamp (step + 1) h. A
    /// failed write cuts the voltmeter files back to the last complete chunk
    /// and stops all writing as a failed spike write does.
    void onVoltages(const ProbeTraces& traces);

    /// True after a spike file write failed; nothing more is written then.
    bool failed() const { return !m_error.empty(); }
    /// What failed: the file and the operating system's reason.
    const std::string& error() const { return m_error; }
    /// Model time (ms) up to which the files hold every spike.
    double validUntilMs() const;

    /// Per-population rates over [t_presim, validUntilMs()].
    std::vector<PopulationRate> rates() const;
    /// Closes the spike files and writes rates.csv (atomically). A run that
    /// stopped early (`ranToEnd` false: interrupted, or a failed write) gets
    /// sim_dict.json rewritten with the t_sim the files really cover, so that
    /// readers take the right interval. Throws WriteError if a write failed,
    /// here or earlier (then after writing what still could be written).
    void finish(bool ranToEnd = true);
    const std::string& path() const { return m_path; }

private:
    void fail(const std::string& file, int err);
    /// Appends a chunk to the SONATA report, if any; false (and failed()) if that failed.
    bool appendSonata(std::span<const Spike> spikes);

    std::string m_path;
    Config m_config;
    DerivedParams m_derived;
    std::int64_t m_stepMicros;
    std::int64_t m_presimSteps;
    std::int64_t m_endStep = 0;
    std::vector<int> m_files;              ///< spike file descriptors, one per population
    std::vector<std::string> m_fileNames;
    std::vector<std::int64_t> m_goodSizes; ///< bytes of each file after the last complete chunk
    std::unique_ptr<SonataSpikeWriter> m_sonata;
    std::string m_error;
    std::vector<std::uint32_t> m_counts; ///< spikes per neuron at or after t_presim
    std::string m_buffer;
    struct VoltmeterFile {
        int fd = -1;
        std::string name;
        std::int64_t goodSize = 0;        ///< bytes after the last complete chunk
        std::vector<std::size_t> probes;  ///< indices into the probe list
    };
    std::vector<VoltmeterFile> m_voltmeters;
    std::vector<std::int32_t> m_probed;
    void closeVoltmeters();
};

} // namespace mc
