// Internals of reading spike folders: the row parser, the id -> population
// lookup and the population table readers (spike_data.cpp, population_table.cpp).
#pragma once

#include "microcircuit/errors.hpp"
#include "microcircuit/spike_data.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mc::detail {

using IdRanges = std::vector<std::pair<std::int64_t, std::int64_t>>;

inline bool isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

/// The start of a line for an error message.
inline std::string lineExcerpt(std::string_view line) {
    std::string s(line.substr(0, 40));
    if (line.size() > 40) s += "...";
    return s;
}

/// Parses the rows of `text` (whole lines) and calls add(sender, time_ms,
/// line number) for each; `firstLine` is the number of its first line.
/// Comment lines ('#') and NEST 3's column line ("sender time_ms") are
/// skipped; anything else that is not "<integer> <number>" throws ConfigError
/// naming origin and line. Returns the number of lines in `text`.
template <class Add>
std::int64_t parseSpikeLines(std::string_view text, const std::string& origin, std::int64_t firstLine, Add&& add) {
    const char* p = text.data();
    const char* const end = text.data() + text.size();
    std::int64_t lines = 0;
    const auto fail = [&](const char* from, const char* to) {
        throw ConfigError(origin + ":" + std::to_string(firstLine + lines - 1) + ": expected 'sender time_ms', got '" +
                          lineExcerpt(std::string_view(from, static_cast<std::size_t>(to - from))) + "'");
    };
    while (p < end) {
        const char* eol = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        if (!eol) eol = end;
        ++lines;
        const char* q = p;
        while (q < eol && isBlank(*q))
            ++q;
        if (q == eol || *q == '#') {
            p = eol + 1;
            continue;
        }
        std::int64_t sender = 0;
        double time = 0.0;
        const auto r1 = std::from_chars(q, eol, sender);
        if (r1.ec != std::errc{}) {
            if (std::string_view(q, static_cast<std::size_t>(eol - q)).rfind("sender", 0) != 0) fail(q, eol);
            p = eol + 1;
            continue;
        }
        const char* t = r1.ptr;
        while (t < eol && isBlank(*t))
            ++t;
        const auto r2 = std::from_chars(t, eol, time);
        const char* rest = r2.ptr;
        while (rest < eol && isBlank(*rest))
            ++rest;
        if (t == r1.ptr || r2.ec != std::errc{} || rest != eol || !std::isfinite(time)) fail(p, eol);
        add(sender, time, firstLine + lines - 1);
        p = eol + 1;
    }
    return lines;
}

/// Population of each id, by binary search over the ranges sorted by first id.
class IdTable {
  public:
    explicit IdTable(const IdRanges& ranges) : m_ranges(ranges) {
        for (std::size_t p = 0; p < ranges.size(); ++p)
            m_order.push_back(static_cast<int>(p));
        std::sort(m_order.begin(), m_order.end(), [&](int a, int b) { return ranges[a].first < ranges[b].first; });
    }
    /// Population index of `id`, or -1.
    int find(std::int64_t id) const {
        int lo = 0, hi = static_cast<int>(m_order.size());
        while (lo < hi) { // first position whose range starts after id
            const int mid = (lo + hi) / 2;
            if (m_ranges[m_order[mid]].first <= id)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == 0) return -1;
        const int p = m_order[lo - 1];
        return id <= m_ranges[p].second ? p : -1;
    }
    /// "lo..hi" over all populations, for messages.
    std::string describe() const {
        std::int64_t lo = m_ranges[0].first, hi = m_ranges[0].second;
        for (const auto& r : m_ranges) {
            lo = std::min(lo, r.first);
            hi = std::max(hi, r.second);
        }
        return std::to_string(lo) + ".." + std::to_string(hi);
    }

  private:
    const IdRanges& m_ranges;
    std::vector<int> m_order;
};

/// Sorts each neuron's spike times of `pop` (readers append them in file
/// order) and adds them to the folder-wide first/last spike and total;
/// `any` says whether an earlier population held a spike.
inline void sortNeuronTimes(SpikeData& data, PopulationSpikes& pop, bool& any) {
    for (int n = 0; n < pop.size(); ++n) {
        const auto b = pop.times.begin() + static_cast<std::ptrdiff_t>(pop.offsets[n]);
        const auto e = pop.times.begin() + static_cast<std::ptrdiff_t>(pop.offsets[n + 1]);
        if (b == e) continue;
        if (!std::is_sorted(b, e)) std::sort(b, e);
        data.firstSpikeMs = any ? std::min(data.firstSpikeMs, *b) : *b;
        data.lastSpikeMs = any ? std::max(data.lastSpikeMs, *(e - 1)) : *(e - 1);
        any = true;
    }
    data.totalSpikes += pop.times.size();
}

/// Most neurons a spike folder's population table may describe in all: each
/// neuron costs memory before a single spike is read.
inline constexpr std::int64_t kMaxSpikeFolderNeurons = 2'000'000;
/// Most populations in a table (the model has 8): each costs memory too.
inline constexpr std::size_t kMaxSpikeFolderPopulations = 10'000;

/// Checks a population table before anything is allocated for it: ids from
/// 1, first <= last, populations in ascending, non-overlapping order, at
/// most kMaxSpikeFolderPopulations populations and kMaxSpikeFolderNeurons
/// neurons. Throws ConfigError naming `origin`.
void validateIdRanges(const IdRanges& ranges, const std::string& origin);

/// The population table of a folder: population_nodeids.dat, or else the
/// reference package's nodes.json. Throws ConfigError naming the file.
IdRanges readPopulationTable(const std::string& folder);

/// An optional number of an optional JSON file (e.g. sim_dict.json's
/// t_presim); -1 when the file or key is absent. Throws on malformed JSON.
double optionalJsonNumber(const std::string& file, const char* key);

} // namespace mc::detail
