// Spike data of a whole run, read from a folder in the reference's format.
//
// A folder holds population_nodeids.dat ("first_id last_id" per population,
// NEST ids from 1) and any number of spike files: ours and NEST 3's
// `spike_recorder-<id>-<vp>.dat` (header lines starting with '#', then a
// column line `sender time_ms` or `# sender time_ms`; rows may be unsorted and
// a population may be split over several virtual-process files) and NEST 2's
// legacy `.gdf` files (no header, `id time` per row). Every spike is assigned
// to a population by its sender id, so which recorder id a file carries does
// not matter. Optional sim_dict.json / net_dict.json supply the run's interval
// and scale. Without population_nodeids.dat, the reference package's
// nodes.json (population name -> list of ids) serves as the table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mc {

/// The spikes of one population, per neuron, in compressed rows:
/// neuron i's spike times (ms, ascending) are times[offsets[i] .. offsets[i+1]).
struct PopulationSpikes {
    std::string name;                    ///< "L23E" ... "L6I"
    std::int64_t firstId = 1;            ///< NEST id of the first neuron (ids from 1)
    std::int64_t lastId = 0;             ///< NEST id of the last neuron (inclusive)
    std::vector<std::size_t> offsets{0}; ///< size() + 1 entries
    std::vector<double> times;           ///< all spike times (ms), grouped by neuron

    int size() const { return static_cast<int>(lastId - firstId + 1); }
    std::span<const double> neuron(int i) const { return {times.data() + offsets[i], offsets[i + 1] - offsets[i]}; }
};

/// Spikes of all populations plus what the folder says about the run.
struct SpikeData {
    std::string folder;
    std::vector<PopulationSpikes> populations; ///< in the fixed index order
    std::size_t totalSpikes = 0;
    double firstSpikeMs = 0.0;      ///< earliest spike (0 if there are none)
    double lastSpikeMs = 0.0;       ///< latest spike (0 if there are none)
    double tPresim = -1.0;          ///< from sim_dict.json (ms); < 0 if unknown
    double tEnd = -1.0;             ///< t_presim + t_sim from sim_dict.json (ms); < 0 if unknown
    double nScaling = -1.0;         ///< from net_dict.json; < 0 if unknown
    std::vector<std::string> files; ///< spike files read, in reading order
    /// What was read but not used, one sentence each (e.g. a last line cut
    /// off without its line end when the writing program was killed).
    std::vector<std::string> warnings;
};

/// One (sender, time) pair, as in a spike file.
struct SpikeRecord {
    std::int64_t sender; ///< NEST id (from 1)
    double timeMs;
};

/// Progress of reading: fraction of all bytes done and the current file name.
using ReadProgress = std::function<void(double fraction, const std::string& file)>;

/// Reads a folder (see the file comment). Throws ConfigError, naming the file
/// and line, when population_nodeids.dat is missing or malformed, when there
/// are no spike files, when a row is malformed, or when a sender id lies
/// outside the population table.
SpikeData readSpikeFolder(const std::string& folder, const ReadProgress& progress = {});

/// Parses the text of one spike file and appends its rows to `out`. `origin`
/// names the file in messages. Throws ConfigError on a malformed row.
void parseSpikeText(std::string_view text, const std::string& origin, std::vector<SpikeRecord>& out);

/// Builds the per-population storage from (sender, time) rows in any order.
/// `idRanges` holds each population's first and last id; names default to
/// L23E ... L6I when there are eight populations. Throws ConfigError if a
/// sender lies outside every range (`origin` names the source).
SpikeData buildSpikeData(const std::vector<std::pair<std::int64_t, std::int64_t>>& idRanges,
                         std::span<const SpikeRecord> records, const std::string& origin = "spike data");

} // namespace mc
