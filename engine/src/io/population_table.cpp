// The population table of a spike folder and the optional reference
// dictionaries read beside it.
#include "spike_parse.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/json_read.hpp"
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
        if (ranges.size() > kMaxSpikeFolderPopulations) break; // refused by validateIdRanges
    }
    if (ranges.empty()) throw ConfigError(path + ": holds no population (expected 'first_id last_id' lines)");
    return ranges;
}

/// The reference package's nodes.json (written when store_metadata is set):
/// {"L23E": [ids...], ..., "spike_recorder_L23E": [id], ...}. NEST creates
/// each population as one contiguous id range, which is checked.
IdRanges readNodesJson(const std::string& path) {
    const nlohmann::ordered_json j = parseJson(readTextFile(path), path);
    if (!j.is_object()) throw ConfigError(path + ": not a JSON object");
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

void validateIdRanges(const IdRanges& ranges, const std::string& origin) {
    if (ranges.empty()) throw ConfigError(origin + ": holds no population");
    if (ranges.size() > kMaxSpikeFolderPopulations)
        throw ConfigError(origin + ": holds " + std::to_string(ranges.size()) + " populations; at most " +
                          std::to_string(kMaxSpikeFolderPopulations) + " are read (the model has 8)");
    std::int64_t total = 0;
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        const auto [first, last] = ranges[i];
        const std::string pop = "population " + std::to_string(i + 1) + " (ids " + std::to_string(first) + ".." +
                                std::to_string(last) + ")";
        if (first < 1 || last < first) throw ConfigError(origin + ": " + pop + ": ids must satisfy 1 <= first <= last");
        if (i > 0 && first <= ranges[i - 1].second)
            throw ConfigError(origin + ": " + pop + (first >= ranges[i - 1].first ? " overlaps" : " comes before") +
                              " population " + std::to_string(i) + " (ids " + std::to_string(ranges[i - 1].first) +
                              ".." + std::to_string(ranges[i - 1].second) +
                              "): populations must follow in ascending, non-overlapping id ranges");
        const std::int64_t size = last - first + 1; // no overflow: 1 <= first <= last
        if (size > kMaxSpikeFolderNeurons || (total += size) > kMaxSpikeFolderNeurons)
            throw ConfigError(origin + ": " + pop + " brings the table to " +
                              std::to_string(total > kMaxSpikeFolderNeurons ? total : size) +
                              " neurons; a spike folder may hold at most " + std::to_string(kMaxSpikeFolderNeurons) +
                              " (26 times the full-scale model; microcircuit simulates at most 10 times): is a line of the table wrong?");
    }
}

IdRanges readPopulationTable(const std::string& folder) {
    const std::string path = (fs::path(folder) / "population_nodeids.dat").string();
    const std::string nodes = (fs::path(folder) / "nodes.json").string();
    std::error_code ec;
    IdRanges ranges;
    std::string origin = path;
    if (fs::exists(path, ec)) {
        ranges = readNodeIdsFile(path);
    } else if (ec && ec != std::errc::no_such_file_or_directory) {
        throw ConfigError(path + ": cannot be read (" + ec.message() + ")");
    } else if (fs::exists(nodes, ec)) {
        ranges = readNodesJson(nodes);
        origin = nodes;
    } else {
        throw ConfigError(path + ": missing (each spike folder needs the population table, "
                                 "one 'first_id last_id' line per population)");
    }
    validateIdRanges(ranges, origin);
    return ranges;
}

double optionalJsonNumber(const std::string& file, const char* key) {
    std::error_code ec;
    if (!fs::exists(file, ec)) return -1.0;
    const nlohmann::ordered_json j = parseJson(readTextFile(file), file);
    if (!j.is_object()) throw ConfigError(file + ": not a JSON object");
    const auto it = j.find(key);
    if (it == j.end()) return -1.0;
    if (!it->is_number() || !(it->get<double>() >= 0.0 && it->get<double>() <= 1e12))
        throw ConfigError(file + ": " + key + " = " + jsonExcerpt(*it) + " is not allowed: must be a number from 0 to 1e12");
    return it->get<double>();
}

} // namespace mc::detail
