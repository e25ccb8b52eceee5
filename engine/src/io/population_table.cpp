// The population table of a spike folder and the optional reference
// dictionaries read beside it.
#include "spike_parse.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/params.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace mc::detail {

namespace fs = std::filesystem;

namespace {

/// population_nodeids.dat: one "first_id last_id" line per population.
IdRanges readNodeIdsFile(const std::string& path) {
    const std::string text = readTextFile(path);
    IdRanges ranges;
    std::size_t pos = 0;
    int lineNo = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string_view line(text.data() + pos, end - pos);
        pos = end + 1;
        ++lineNo;
        while (!line.empty() && isBlank(line.back()))
            line.remove_suffix(1);
        while (!line.empty() && isBlank(line.front()))
            line.remove_prefix(1);
        if (line.empty() || line.front() == '#') continue;
        std::int64_t a = 0, b = 0;
        const char* e = line.data() + line.size();
        const auto r1 = std::from_chars(line.data(), e, a);
        const char* p = r1.ptr;
        while (p < e && isBlank(*p))
            ++p;
        const auto r2 = std::from_chars(p, e, b);
        if (r1.ec != std::errc{} || r2.ec != std::errc{} || r2.ptr != e || a < 1 || b < a)
            throw ConfigError(path + ":" + std::to_string(lineNo) +
                              ": expected 'first_id last_id' with 1 <= first <= last, got '" + lineExcerpt(line) + "'");
        ranges.emplace_back(a, b);
    }
    if (ranges.empty()) throw ConfigError(path + ": holds no population (expected 'first_id last_id' lines)");
    return ranges;
}

/// The reference package's nodes.json (written when store_metadata is set):
/// {"L23E": [ids...], ..., "spike_recorder_L23E": [id], ...}. NEST creates
/// each population as one contiguous id range, which is checked.
IdRanges readNodesJson(const std::string& path) {
    const nlohmann::json j = nlohmann::json::parse(readTextFile(path), nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw ConfigError(path + ": not a valid JSON object");
    IdRanges ranges;
    for (const char* name : kPopNames) {
        const auto it = j.find(name);
        if (it == j.end() || !it->is_array() || it->empty())
            throw ConfigError(path + ": '" + name + "' is missing or not a list of node ids");
        std::int64_t lo = 0, hi = 0;
        for (std::size_t i = 0; i < it->size(); ++i) {
            const auto& v = (*it)[i];
            if (!v.is_number_integer()) throw ConfigError(path + ": '" + name + "' holds a value that is not an id");
            const auto id = v.get<std::int64_t>();
            lo = i ? std::min(lo, id) : id;
            hi = i ? std::max(hi, id) : id;
        }
        if (lo < 1 || hi - lo + 1 != static_cast<std::int64_t>(it->size()))
            throw ConfigError(path + ": the ids of '" + name + "' are not one contiguous range from 1 up");
        ranges.emplace_back(lo, hi);
    }
    return ranges;
}

} // namespace

IdRanges readPopulationTable(const std::string& folder) {
    const std::string path = (fs::path(folder) / "population_nodeids.dat").string();
    const std::string nodes = (fs::path(folder) / "nodes.json").string();
    IdRanges ranges;
    if (fs::exists(path))
        ranges = readNodeIdsFile(path);
    else if (fs::exists(nodes))
        ranges = readNodesJson(nodes);
    else
        throw ConfigError(path + ": missing (each spike folder needs the population table, "
                                 "one 'first_id last_id' line per population)");
    for (std::size_t i = 0; i < ranges.size(); ++i)
        for (std::size_t j = i + 1; j < ranges.size(); ++j)
            if (ranges[i].first <= ranges[j].second && ranges[j].first <= ranges[i].second)
                throw ConfigError(path + ": populations " + std::to_string(i + 1) + " and " + std::to_string(j + 1) +
                                  " have overlapping id ranges");
    return ranges;
}

double optionalJsonNumber(const std::string& file, const char* key) {
    if (!fs::exists(file)) return -1.0;
    const nlohmann::json j = nlohmann::json::parse(readTextFile(file), nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw ConfigError(file + ": not a valid JSON object");
    const auto it = j.find(key);
    if (it == j.end()) return -1.0;
    if (!it->is_number()) throw ConfigError(file + ": '" + key + "' is not a number");
    return it->get<double>();
}

} // namespace mc::detail
