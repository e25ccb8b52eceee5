// Reading SONATA spike reports (see microcircuit/sonata.hpp) into SpikeData.
//
// Two layouts are understood: one node population per PD14 population (named
// L23E ... L6I, node ids from 0 within each, as this program writes), or a
// single node population whose node ids run over the whole network in NEST's
// order (node id 0 = the first id of population_nodeids.dat). The population
// table comes from the folder, as for the text formats: a report lists only
// neurons that fired, so it cannot tell how many neurons are silent.
//
// Memory: two passes over the file (count per neuron, then place each time at
// its final position), so nothing but the final per-neuron arrays is held.
#include "microcircuit/sonata.hpp"

#include "hdf5_handle.hpp"
#include "sonata_folder.hpp"
#include "spike_parse.hpp"

#include "microcircuit/params.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>

namespace mc {

namespace fs = std::filesystem;
using detail::H5Handle;

namespace {

constexpr hsize_t kBlock = hsize_t{1} << 20; // elements read at a time

H5Handle openFile(const std::string& path) {
    detail::quietHdf5();
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) throw ConfigError(path + ": no such file");
    if (H5Fis_hdf5(path.c_str()) <= 0) throw ConfigError(path + ": not an HDF5 file");
    H5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!file.valid()) throw ConfigError(path + ": cannot be opened as HDF5 (damaged or truncated?)");
    return file;
}

/// Names of the members of a group.
std::vector<std::string> memberNames(hid_t group) {
    std::vector<std::string> names;
    H5G_info_t info{};
    if (H5Gget_info(group, &info) < 0) return names;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
        const ssize_t len = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
        if (len < 0) continue;
        std::string name(static_cast<std::size_t>(len) + 1, '\0');
        H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
        name.resize(static_cast<std::size_t>(len));
        names.push_back(name);
    }
    return names;
}

/// A string attribute (variable or fixed length), or "" if absent.
std::string stringAttribute(hid_t object, const char* name) {
    if (H5Aexists(object, name) <= 0) return {};
    H5Handle attr(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
    H5Handle type(H5Aget_type(attr.get()), H5Tclose);
    if (H5Tget_class(type.get()) != H5T_STRING) return "?";
    if (H5Tis_variable_str(type.get()) > 0) {
        char* value = nullptr;
        H5Handle memType(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(memType.get(), H5T_VARIABLE);
        H5Tset_cset(memType.get(), H5Tget_cset(type.get()));
        if (H5Aread(attr.get(), memType.get(), &value) < 0 || !value) return {};
        std::string s(value);
        H5free_memory(value);
        return s;
    }
    const std::size_t size = H5Tget_size(type.get());
    std::string s(size, '\0');
    if (H5Aread(attr.get(), type.get(), s.data()) < 0) return {};
    s.resize(std::strlen(s.c_str()));
    return s;
}

/// One node population of the report: its datasets and length.
struct ReportPopulation {
    std::string name;
    H5Handle nodeIds, timestamps;
    hsize_t size = 0;
    double toMs = 1.0; ///< factor from the file's time unit to ms
};

hsize_t length1d(hid_t set, const std::string& what) {
    H5Handle space(H5Dget_space(set), H5Sclose);
    if (H5Sget_simple_extent_ndims(space.get()) != 1) throw ConfigError(what + " is not a one-dimensional dataset");
    hsize_t n = 0;
    H5Sget_simple_extent_dims(space.get(), &n, nullptr);
    return n;
}

std::vector<ReportPopulation> openReport(hid_t file, const std::string& path) {
    if (H5Lexists(file, "spikes", H5P_DEFAULT) <= 0)
        throw ConfigError(path + ": not a SONATA spike report (no /spikes group)");
    H5Handle spikes(H5Gopen2(file, "spikes", H5P_DEFAULT), H5Gclose);
    if (!spikes.valid()) throw ConfigError(path + ": /spikes is not a group");
    std::vector<ReportPopulation> pops;
    for (const std::string& name : memberNames(spikes.get())) {
        const std::string where = path + ": /spikes/" + name;
        H5Handle group(H5Gopen2(spikes.get(), name.c_str(), H5P_DEFAULT), H5Gclose);
        if (!group.valid()) throw ConfigError(where + " is not a group (expected one group per node population)");
        ReportPopulation pop;
        pop.name = name;
        for (const char* set : {"node_ids", "timestamps"})
            if (H5Lexists(group.get(), set, H5P_DEFAULT) <= 0)
                throw ConfigError(where + " has no '" + set + "' dataset");
        pop.nodeIds = H5Handle(H5Dopen2(group.get(), "node_ids", H5P_DEFAULT), H5Dclose);
        pop.timestamps = H5Handle(H5Dopen2(group.get(), "timestamps", H5P_DEFAULT), H5Dclose);
        if (!pop.nodeIds.valid() || !pop.timestamps.valid())
            throw ConfigError(where + ": node_ids or timestamps cannot be opened");
        {
            H5Handle t1(H5Dget_type(pop.nodeIds.get()), H5Tclose), t2(H5Dget_type(pop.timestamps.get()), H5Tclose);
            if (H5Tget_class(t1.get()) != H5T_INTEGER) throw ConfigError(where + "/node_ids does not hold integers");
            if (H5Tget_class(t2.get()) != H5T_FLOAT && H5Tget_class(t2.get()) != H5T_INTEGER)
                throw ConfigError(where + "/timestamps does not hold numbers");
        }
        pop.size = length1d(pop.nodeIds.get(), where + "/node_ids");
        if (length1d(pop.timestamps.get(), where + "/timestamps") != pop.size)
            throw ConfigError(where + ": node_ids and timestamps differ in length");
        const std::string units = stringAttribute(pop.timestamps.get(), "units");
        if (units.empty() || units == "ms")
            pop.toMs = 1.0;
        else if (units == "s")
            pop.toMs = 1000.0;
        else
            throw ConfigError(where + "/timestamps: units '" + units + "' is not allowed: must be ms or s");
        pops.push_back(std::move(pop));
    }
    if (pops.empty()) throw ConfigError(path + ": /spikes holds no node population");
    return pops;
}

/// Reads elements [start, start + n) of a dataset converted to `memType`.
void readBlock(hid_t set, hid_t memType, hsize_t start, hsize_t n, void* out, const std::string& what) {
    H5Handle file(H5Dget_space(set), H5Sclose);
    H5Sselect_hyperslab(file.get(), H5S_SELECT_SET, &start, nullptr, &n, nullptr);
    H5Handle memory(H5Screate_simple(1, &n, nullptr), H5Sclose);
    if (H5Dread(set, memType, memory.get(), file.get(), H5P_DEFAULT, out) < 0)
        throw ConfigError(what + ": cannot be read (damaged file?)");
}

/// Why `path` (an .h5 file that isSonataSpikeReport refused) cannot be read, for the message.
std::string whyNotAReport(const std::string& path) {
    if (H5Fis_hdf5(path.c_str()) <= 0) return ": not a SONATA spike report (not an HDF5 file)";
    H5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!file.valid())
        return ": cannot be opened as HDF5 (still being written by a running simulation, or damaged)";
    return ": not a SONATA spike report (an HDF5 file needs a /spikes group with node_ids and timestamps)";
}

} // namespace

bool isSonataSpikeReport(const std::string& path) {
    detail::quietHdf5();
    std::error_code ec;
    if (!fs::is_regular_file(path, ec) || H5Fis_hdf5(path.c_str()) <= 0) return false;
    H5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    return file.valid() && H5Lexists(file.get(), "spikes", H5P_DEFAULT) > 0;
}

std::vector<std::pair<std::string, std::uint64_t>> sonataSpikeCounts(const std::string& path) {
    H5Handle file = openFile(path);
    std::vector<std::pair<std::string, std::uint64_t>> out;
    for (const ReportPopulation& p : openReport(file.get(), path))
        out.emplace_back(p.name, p.size);
    return out;
}

namespace detail {

std::string findSonataReport(const std::string& folder, bool strict) {
    std::vector<fs::path> reports;
    std::error_code ec;
    // Error codes throughout: an unreadable entry is passed over, never a raw filesystem_error.
    fs::directory_iterator it(folder, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const fs::path& path = it->path();
        const std::string ext = path.extension().string();
        std::error_code fileEc;
        if ((ext != ".h5" && ext != ".hdf5" && ext != ".sonata") || !it->is_regular_file(fileEc)) continue;
        if (!isSonataSpikeReport(path.string())) {
            if (!strict) continue;
            throw ConfigError(path.string() + whyNotAReport(path.string()));
        }
        reports.push_back(path);
    }
    std::sort(reports.begin(), reports.end());
    if (reports.size() > 1)
        throw ConfigError(folder + ": holds several SONATA spike reports (" + reports[0].filename().string() + ", " +
                          reports[1].filename().string() + "); keep one per folder");
    return reports.empty() ? std::string() : reports[0].string();
}

SpikeData readSonataFolder(const std::string& folder, const std::string& path, const ReadProgress& progress) {
    const IdRanges ranges = readPopulationTable(folder);
    const IdTable table(ranges);
    H5Handle file = openFile(path);
    std::vector<ReportPopulation> report = openReport(file.get(), path);

    SpikeData data;
    data.populations.resize(ranges.size());
    for (std::size_t p = 0; p < ranges.size(); ++p) {
        PopulationSpikes& pop = data.populations[p];
        pop.name = ranges.size() == kNumPops ? std::string(kPopNames[p]) : std::string("P").append(std::to_string(p));
        pop.firstId = ranges[p].first;
        pop.lastId = ranges[p].second;
        pop.offsets.assign(static_cast<std::size_t>(pop.size()) + 1, 0);
    }
    // Which layout: every node population named after a table population, or one population over all ids.
    std::vector<int> target(report.size(), -1);
    bool perPopulation = true;
    for (std::size_t r = 0; r < report.size(); ++r) {
        for (std::size_t p = 0; p < data.populations.size(); ++p)
            if (data.populations[p].name == report[r].name) target[r] = static_cast<int>(p);
        if (target[r] < 0) perPopulation = false;
    }
    if (!perPopulation && report.size() != 1) {
        std::string names;
        for (const auto& r : report)
            names += (names.empty() ? "" : ", ") + r.name;
        throw ConfigError(path + ": node populations " + names +
                          " are not the model's (expected L23E ... L6I, or a single population over all neurons)");
    }
    std::int64_t lowestId = ranges[0].first;
    for (const auto& r : ranges)
        lowestId = std::min(lowestId, r.first);

    // Maps a node id of report population r to (population, neuron), or throws.
    const auto locate = [&](std::size_t r, std::uint64_t nodeId) -> std::pair<int, std::uint32_t> {
        if (perPopulation) {
            const int p = target[r];
            if (nodeId >= static_cast<std::uint64_t>(data.populations[p].size()))
                throw ConfigError(path + ": /spikes/" + report[r].name + " has node id " + std::to_string(nodeId) +
                                  ", but the population has " + std::to_string(data.populations[p].size()) +
                                  " neurons in the folder's population table");
            return {p, static_cast<std::uint32_t>(nodeId)};
        }
        const std::int64_t id = lowestId + static_cast<std::int64_t>(nodeId);
        const int p = nodeId > (1ULL << 40) ? -1 : table.find(id);
        if (p < 0)
            throw ConfigError(path + ": /spikes/" + report[r].name + " has node id " + std::to_string(nodeId) +
                              " (NEST id " + std::to_string(id) + "), outside the population table (ids " +
                              table.describe() + ")");
        return {p, static_cast<std::uint32_t>(id - ranges[p].first)};
    };

    hsize_t total = 0;
    for (const auto& r : report)
        total += r.size;
    const double work = 2.0 * static_cast<double>(std::max<hsize_t>(total, 1));
    double done = 0.0;
    std::vector<std::uint64_t> ids;
    std::vector<double> times;

    // Pass 1: spikes per neuron.
    for (std::size_t r = 0; r < report.size(); ++r) {
        for (hsize_t start = 0; start < report[r].size; start += kBlock) {
            const hsize_t n = std::min(kBlock, report[r].size - start);
            ids.resize(n);
            readBlock(report[r].nodeIds.get(), H5T_NATIVE_UINT64, start, n, ids.data(),
                      path + ": /spikes/" + report[r].name);
            for (std::uint64_t id : ids) {
                const auto [p, neuron] = locate(r, id);
                ++data.populations[p].offsets[neuron + 1];
            }
            done += static_cast<double>(n);
            if (progress) progress(done / work, fs::path(path).filename().string());
        }
    }
    std::vector<std::vector<std::size_t>> cursor(data.populations.size());
    for (std::size_t p = 0; p < data.populations.size(); ++p) {
        PopulationSpikes& pop = data.populations[p];
        for (std::size_t i = 1; i < pop.offsets.size(); ++i)
            pop.offsets[i] += pop.offsets[i - 1];
        pop.times.resize(pop.offsets.back());
        cursor[p].assign(pop.offsets.begin(), pop.offsets.end() - 1);
    }
    // Pass 2: each time into its neuron's row.
    for (std::size_t r = 0; r < report.size(); ++r) {
        for (hsize_t start = 0; start < report[r].size; start += kBlock) {
            const hsize_t n = std::min(kBlock, report[r].size - start);
            ids.resize(n);
            times.resize(n);
            const std::string what = path + ": /spikes/" + report[r].name;
            readBlock(report[r].nodeIds.get(), H5T_NATIVE_UINT64, start, n, ids.data(), what);
            readBlock(report[r].timestamps.get(), H5T_NATIVE_DOUBLE, start, n, times.data(), what);
            for (hsize_t i = 0; i < n; ++i) {
                const double t = times[i] * report[r].toMs;
                if (!std::isfinite(t))
                    throw ConfigError(what + "/timestamps[" + std::to_string(start + i) + "] is not a finite number");
                const auto [p, neuron] = locate(r, ids[i]);
                data.populations[p].times[cursor[p][neuron]++] = t;
            }
            done += static_cast<double>(n);
            if (progress) progress(done / work, fs::path(path).filename().string());
        }
    }
    if (progress) progress(1.0, "grouping by neuron");
    bool any = false;
    for (PopulationSpikes& pop : data.populations) {
        sortNeuronTimes(data, pop, any);
    }
    data.folder = folder;
    data.files.push_back(fs::path(path).filename().string());
    const fs::path dir(folder);
    const double presim = optionalJsonNumber((dir / "sim_dict.json").string(), "t_presim");
    const double tsim = optionalJsonNumber((dir / "sim_dict.json").string(), "t_sim");
    if (presim >= 0.0) data.tPresim = presim;
    if (presim >= 0.0 && tsim >= 0.0) data.tEnd = presim + tsim;
    data.nScaling = optionalJsonNumber((dir / "net_dict.json").string(), "N_scaling");
    return data;
}

void checkSonataAgrees(const std::string& folder, const SpikeData& data) {
    const std::string path = findSonataReport(folder, false);
    if (path.empty()) return;
    const std::string file = fs::path(path).filename().string();
    std::uint64_t total = 0;
    bool named = true;
    for (const auto& [name, count] : sonataSpikeCounts(path)) {
        total += count;
        const auto it = std::find_if(data.populations.begin(), data.populations.end(),
                                     [&](const PopulationSpikes& p) { return p.name == name; });
        if (it == data.populations.end()) {
            named = false; // a single population over the whole network: compared by total below
            continue;
        }
        if (it->times.size() != count)
            throw ConfigError(folder + ": the spike files and " + fs::path(path).filename().string() +
                              " disagree: population " + name + " has " + std::to_string(it->times.size()) +
                              " spikes in the text files and " + std::to_string(count) +
                              " in the SONATA report (mixed runs in one folder?)");
    }
    if (!named && total != data.totalSpikes)
        throw ConfigError(folder + ": the spike files and " + file + " disagree: " + std::to_string(data.totalSpikes) +
                          " spikes in the text files, " + std::to_string(total) +
                          " in the SONATA report (mixed runs in one folder?)");
}

} // namespace detail
} // namespace mc
