#include "microcircuit/spike_data.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/params.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace mc {

namespace fs = std::filesystem;

namespace {

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string lineExcerpt(std::string_view line) {
    std::string s(line.substr(0, 40));
    if (line.size() > 40) s += "...";
    return s;
}

/// Population of each id, by binary search over the sorted first ids.
class IdTable {
public:
    explicit IdTable(const std::vector<std::pair<std::int64_t, std::int64_t>>& ranges) : m_ranges(ranges) {
        for (std::size_t p = 0; p < ranges.size(); ++p) m_order.push_back(static_cast<int>(p));
        std::sort(m_order.begin(), m_order.end(),
                  [&](int a, int b) { return ranges[a].first < ranges[b].first; });
    }
    /// Population index of `id`, or -1.
    int find(std::int64_t id) const {
        int lo = 0, hi = static_cast<int>(m_order.size());
        while (lo < hi) { // first position whose range starts after id
            const int mid = (lo + hi) / 2;
            if (m_ranges[m_order[mid]].first <= id) lo = mid + 1; else hi = mid;
        }
        if (lo == 0) return -1;
        const int p = m_order[lo - 1];
        return id <= m_ranges[p].second ? p : -1;
    }
    std::string describe() const {
        std::int64_t lo = m_ranges[0].first, hi = m_ranges[0].second;
        for (const auto& r : m_ranges) { lo = std::min(lo, r.first); hi = std::max(hi, r.second); }
        return std::to_string(lo) + ".." + std::to_string(hi);
    }

private:
    const std::vector<std::pair<std::int64_t, std::int64_t>>& m_ranges;
    std::vector<int> m_order;
};

std::vector<std::pair<std::int64_t, std::int64_t>> readNodeIds(const std::string& path) {
    if (!fs::exists(path))
        throw ConfigError(path + ": missing (each spike folder needs the population table, "
                                 "one 'first_id last_id' line per population)");
    const std::string text = readTextFile(path);
    std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
    std::size_t pos = 0;
    int lineNo = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string_view line(text.data() + pos, end - pos);
        pos = end + 1;
        ++lineNo;
        while (!line.empty() && isBlank(line.back())) line.remove_suffix(1);
        while (!line.empty() && isBlank(line.front())) line.remove_prefix(1);
        if (line.empty() || line.front() == '#') continue;
        std::int64_t a = 0, b = 0;
        const char* p = line.data();
        const char* e = line.data() + line.size();
        auto r1 = std::from_chars(p, e, a);
        p = r1.ptr;
        while (p < e && isBlank(*p)) ++p;
        auto r2 = std::from_chars(p, e, b);
        if (r1.ec != std::errc{} || r2.ec != std::errc{} || r2.ptr != e || a < 1 || b < a)
            throw ConfigError(path + ":" + std::to_string(lineNo) + ": expected 'first_id last_id' with 1 <= first <= last, got '" +
                              lineExcerpt(line) + "'");
        ranges.emplace_back(a, b);
    }
    if (ranges.empty()) throw ConfigError(path + ": holds no population (expected 'first_id last_id' lines)");
    for (std::size_t i = 0; i < ranges.size(); ++i)
        for (std::size_t j = i + 1; j < ranges.size(); ++j)
            if (ranges[i].first <= ranges[j].second && ranges[j].first <= ranges[i].second)
                throw ConfigError(path + ": populations " + std::to_string(i + 1) + " and " + std::to_string(j + 1) +
                                  " have overlapping id ranges");
    return ranges;
}

/// Reads an optional number from an optional reference dictionary.
double jsonNumber(const fs::path& file, const char* key) {
    if (!fs::exists(file)) return -1.0;
    const std::string text = readTextFile(file.string());
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        throw ConfigError(file.string() + ": not a valid JSON object");
    auto it = j.find(key);
    if (it == j.end()) return -1.0;
    if (!it->is_number()) throw ConfigError(file.string() + ": '" + key + "' is not a number");
    return it->get<double>();
}

bool isSpikeFile(const fs::path& p) {
    const std::string name = p.filename().string();
    const std::string ext = p.extension().string();
    return (name.rfind("spike_recorder-", 0) == 0 && ext == ".dat") || ext == ".gdf";
}

} // namespace

void parseSpikeText(std::string_view text, const std::string& origin, std::vector<SpikeRecord>& out) {
    const char* p = text.data();
    const char* const end = text.data() + text.size();
    std::int64_t lineNo = 0;
    while (p < end) {
        const char* eol = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        if (!eol) eol = end;
        ++lineNo;
        const char* q = p;
        while (q < eol && isBlank(*q)) ++q;
        if (q == eol || *q == '#') { p = eol + 1; continue; }
        SpikeRecord rec{};
        auto r1 = std::from_chars(q, eol, rec.sender);
        if (r1.ec != std::errc{}) {
            // The column line of NEST 3 ("sender\ttime_ms") is the only text row allowed.
            if (std::string_view(q, static_cast<std::size_t>(eol - q)).rfind("sender", 0) == 0) { p = eol + 1; continue; }
            throw ConfigError(origin + ":" + std::to_string(lineNo) + ": expected 'sender time_ms', got '" +
                              lineExcerpt(std::string_view(q, static_cast<std::size_t>(eol - q))) + "'");
        }
        q = r1.ptr;
        const char* gap = q;
        while (q < eol && isBlank(*q)) ++q;
        auto r2 = std::from_chars(q, eol, rec.timeMs);
        const char* rest = r2.ptr;
        while (rest < eol && isBlank(*rest)) ++rest;
        if (q == gap || r2.ec != std::errc{} || rest != eol || !std::isfinite(rec.timeMs))
            throw ConfigError(origin + ":" + std::to_string(lineNo) + ": expected 'sender time_ms', got '" +
                              lineExcerpt(std::string_view(p, static_cast<std::size_t>(eol - p))) + "'");
        out.push_back(rec);
        p = eol + 1;
    }
}

SpikeData buildSpikeData(const std::vector<std::pair<std::int64_t, std::int64_t>>& idRanges,
                         std::span<const SpikeRecord> records, const std::string& origin) {
    SpikeData data;
    const IdTable table(idRanges);
    const std::size_t numPops = idRanges.size();
    data.populations.resize(numPops);
    for (std::size_t p = 0; p < numPops; ++p) {
        PopulationSpikes& pop = data.populations[p];
        pop.name = numPops == kNumPops ? std::string(kPopNames[p]) : std::string("P").append(std::to_string(p));
        pop.firstId = idRanges[p].first;
        pop.lastId = idRanges[p].second;
        pop.offsets.assign(static_cast<std::size_t>(pop.size()) + 1, 0);
    }
    // Counting sort: count per neuron, prefix sums, scatter, then sort each
    // neuron's few times (already ascending for our own files).
    std::vector<int> popOf(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
        const int p = table.find(records[i].sender);
        if (p < 0)
            throw ConfigError(origin + ": sender id " + std::to_string(records[i].sender) +
                              " lies outside the population table (ids " + table.describe() + ")");
        popOf[i] = p;
        ++data.populations[p].offsets[records[i].sender - idRanges[p].first + 1];
    }
    for (PopulationSpikes& pop : data.populations) {
        for (std::size_t i = 1; i < pop.offsets.size(); ++i) pop.offsets[i] += pop.offsets[i - 1];
        pop.times.resize(pop.offsets.back());
    }
    std::vector<std::vector<std::size_t>> cursor(numPops);
    for (std::size_t p = 0; p < numPops; ++p)
        cursor[p].assign(data.populations[p].offsets.begin(), data.populations[p].offsets.end() - 1);
    for (std::size_t i = 0; i < records.size(); ++i) {
        const int p = popOf[i];
        PopulationSpikes& pop = data.populations[p];
        pop.times[cursor[p][records[i].sender - pop.firstId]++] = records[i].timeMs;
    }
    bool any = false;
    for (PopulationSpikes& pop : data.populations) {
        for (int n = 0; n < pop.size(); ++n) {
            auto b = pop.times.begin() + static_cast<std::ptrdiff_t>(pop.offsets[n]);
            auto e = pop.times.begin() + static_cast<std::ptrdiff_t>(pop.offsets[n + 1]);
            if (!std::is_sorted(b, e)) std::sort(b, e);
            if (b == e) continue;
            data.firstSpikeMs = any ? std::min(data.firstSpikeMs, *b) : *b;
            data.lastSpikeMs = any ? std::max(data.lastSpikeMs, *(e - 1)) : *(e - 1);
            any = true;
        }
    }
    data.totalSpikes = records.size();
    return data;
}

SpikeData readSpikeFolder(const std::string& folder, const ReadProgress& progress) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) throw ConfigError(folder + ": not a folder");
    const auto ranges = readNodeIds((fs::path(folder) / "population_nodeids.dat").string());

    std::vector<fs::path> files;
    std::uintmax_t totalBytes = 0;
    for (const auto& entry : fs::directory_iterator(folder, ec))
        if (entry.is_regular_file() && isSpikeFile(entry.path())) {
            files.push_back(entry.path());
            totalBytes += entry.file_size();
        }
    if (ec) throw ConfigError(folder + ": cannot be listed (" + ec.message() + ")");
    if (files.empty())
        throw ConfigError(folder + ": no spike files (spike_recorder-*.dat or *.gdf)");
    std::sort(files.begin(), files.end());

    // Each file is checked against the table as it is read, so a bad id is
    // reported with the file it came from.
    const IdTable table(ranges);
    std::vector<SpikeRecord> records;
    std::vector<SpikeRecord> fileRecords;
    std::string text;
    std::uintmax_t doneBytes = 0;
    for (const fs::path& file : files) {
        if (progress) progress(totalBytes ? static_cast<double>(doneBytes) / totalBytes : 0.0, file.filename().string());
        std::ifstream in(file, std::ios::binary);
        if (!in) throw ConfigError(file.string() + ": cannot be read");
        const auto size = fs::file_size(file);
        text.resize(size);
        in.read(text.data(), static_cast<std::streamsize>(size));
        if (!in && size > 0) throw ConfigError(file.string() + ": cannot be read");
        fileRecords.clear();
        fileRecords.reserve(size / 12 + 1);
        parseSpikeText(text, file.string(), fileRecords);
        for (const SpikeRecord& r : fileRecords)
            if (table.find(r.sender) < 0)
                throw ConfigError(file.string() + ": sender id " + std::to_string(r.sender) +
                                  " lies outside the population table (ids " + table.describe() +
                                  " in population_nodeids.dat)");
        records.insert(records.end(), fileRecords.begin(), fileRecords.end());
        doneBytes += size;
    }
    if (progress) progress(1.0, "sorting");
    SpikeData data = buildSpikeData(ranges, records, folder);
    data.folder = folder;
    for (const fs::path& f : files) data.files.push_back(f.filename().string());
    const fs::path dir(folder);
    const double presim = jsonNumber(dir / "sim_dict.json", "t_presim");
    const double tsim = jsonNumber(dir / "sim_dict.json", "t_sim");
    if (presim >= 0.0) data.tPresim = presim;
    if (presim >= 0.0 && tsim >= 0.0) data.tEnd = presim + tsim;
    data.nScaling = jsonNumber(dir / "net_dict.json", "N_scaling");
    return data;
}

} // namespace mc
