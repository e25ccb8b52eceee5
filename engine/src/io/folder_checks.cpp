#include "folder_checks.hpp"

#include "microcircuit/errors.hpp"

#include <charconv>
#include <set>

namespace mc::detail {

namespace {

/// The recorder id of "spike_recorder-<id>-<vp>.dat", or -1.
long long recorderIdOf(const std::string& name) {
    const std::string prefix = "spike_recorder-";
    if (name.rfind(prefix, 0) != 0) return -1;
    long long id = -1;
    const char* begin = name.data() + prefix.size();
    const auto r = std::from_chars(begin, name.data() + name.size(), id);
    return r.ec == std::errc{} && r.ptr != begin && *r.ptr == '-' ? id : -1;
}

} // namespace

void checkSpikeFileSet(const std::string& folder, const std::vector<std::filesystem::path>& files, int populations) {
    std::string gdf, dat;
    std::set<long long> recorders;
    for (const auto& f : files) {
        const std::string name = f.filename().string();
        if (f.extension() == ".gdf") gdf = name;
        else dat = name;
        if (const long long id = recorderIdOf(name); id >= 0) recorders.insert(id);
    }
    if (!gdf.empty() && !dat.empty())
        throw ConfigError(folder + ": mixes NEST 2 spike files (" + gdf + ") with NEST 3 ones (" + dat +
                          "); a folder holds the files of one run");
    if (static_cast<int>(recorders.size()) > populations)
        throw ConfigError(folder + ": spike files of " + std::to_string(recorders.size()) + " spike recorders (ids " +
                          std::to_string(*recorders.begin()) + " ... " + std::to_string(*recorders.rbegin()) +
                          ") for " + std::to_string(populations) +
                          " populations: the files of more than one run? (a folder holds the files of one run)");
}

} // namespace mc::detail
