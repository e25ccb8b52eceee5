#include "microcircuit/spike_data.hpp"

#include "folder_checks.hpp"
#include "sonata_folder.hpp"
#include "spike_parse.hpp"

#include "microcircuit/params.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

namespace mc {

namespace fs = std::filesystem;
using detail::IdRanges;
using detail::IdTable;

namespace {

/// Spikes of one population as read, before they are grouped by neuron:
/// 12 bytes per spike, so a 15-minute full-scale run (~2e8 spikes) fits.
struct Columns {
    std::vector<std::uint32_t> neuron; ///< index within the population
    std::vector<double> time;          ///< ms
};

SpikeData emptyData(const IdRanges& ranges) {
    SpikeData data;
    const std::size_t numPops = ranges.size();
    data.populations.resize(numPops);
    for (std::size_t p = 0; p < numPops; ++p) {
        PopulationSpikes& pop = data.populations[p];
        pop.name = numPops == kNumPops ? std::string(kPopNames[p]) : std::string("P").append(std::to_string(p));
        pop.firstId = ranges[p].first;
        pop.lastId = ranges[p].second;
    }
    return data;
}

/// Groups each population's spikes by neuron (counting sort, then each
/// neuron's few times sorted: NEST's files are unsorted across threads) and
/// frees the columns as it goes.
void finish(SpikeData& data, std::vector<Columns>& columns) {
    bool any = false;
    for (std::size_t p = 0; p < columns.size(); ++p) {
        PopulationSpikes& pop = data.populations[p];
        Columns& c = columns[p];
        pop.offsets.assign(static_cast<std::size_t>(pop.size()) + 1, 0);
        for (std::uint32_t n : c.neuron)
            ++pop.offsets[n + 1];
        for (std::size_t i = 1; i < pop.offsets.size(); ++i)
            pop.offsets[i] += pop.offsets[i - 1];
        std::vector<std::size_t> cursor(pop.offsets.begin(), pop.offsets.end() - 1);
        pop.times.resize(c.time.size());
        for (std::size_t i = 0; i < c.time.size(); ++i)
            pop.times[cursor[c.neuron[i]]++] = c.time[i];
        c = Columns{};
        detail::sortNeuronTimes(data, pop, any);
    }
}

/// Digits after the decimal point in the time column of the last line of
/// `text` (the second field), or -1 if that line holds no number there.
int timeDecimals(std::string_view text) {
    const std::size_t nl = text.rfind('\n');
    std::string_view row = nl == std::string_view::npos ? text : text.substr(nl + 1);
    const auto field = [&row]() {
        const std::size_t b = row.find_first_not_of(" \t\r");
        if (b == std::string_view::npos) return std::string_view{};
        const std::size_t e = std::min(row.find_first_of(" \t\r", b), row.size());
        std::string_view f = row.substr(b, e - b);
        row.remove_prefix(e);
        return f;
    };
    field();
    const std::string_view time = field();
    if (time.empty() || time.find_first_not_of("0123456789.") != std::string_view::npos) return -1;
    const std::size_t dot = time.find('.');
    return dot == std::string_view::npos ? 0 : static_cast<int>(time.size() - dot - 1);
}

/// The text after a file's last '\n'. Every writer ends each row with one
/// (ours, NEST 2 and 3), so such a line is usually a row cut off when the
/// writing program was killed: "12\t1234.5" may have been "12\t1234.567".
/// It is kept only if it is a whole row with at least as many decimals as the
/// row before it (a cut-off time has fewer; a hand-made file without a final
/// line end keeps its last row); otherwise it is left out and `warnings` says so.
template <class Add>
void finishLastLine(const std::string& text, const std::string& origin, std::int64_t line, int lastDecimals,
                    const Add& add, std::vector<std::string>& warnings) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) return;
    const int decimals = timeDecimals(text);
    if (lastDecimals < 0 || decimals >= lastDecimals) {
        try {
            std::vector<std::pair<std::int64_t, double>> row;
            detail::parseSpikeLines(text, origin, line,
                                    [&row](std::int64_t sender, double t, std::int64_t) { row.emplace_back(sender, t); });
            for (const auto& [sender, t] : row)
                add(sender, t, line);
            return;
        } catch (const ConfigError&) {
        }
    }
    std::string shown = text.substr(0, 40);
    for (char& c : shown) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\t') c = ' ';
        else if (u < 0x20 || u >= 0x7f) c = '?';
    }
    warnings.push_back(origin + ":" + std::to_string(line) + ": last line \"" + shown +
                       "\" has no line end and fewer decimals than the rows before it (cut off while the run "
                       "was writing?); left out");
}

bool isSpikeFile(const fs::path& p) {
    const std::string name = p.filename().string();
    const std::string ext = p.extension().string();
    return (name.rfind("spike_recorder-", 0) == 0 && ext == ".dat") || ext == ".gdf";
}

} // namespace

void parseSpikeText(std::string_view text, const std::string& origin, std::vector<SpikeRecord>& out) {
    detail::parseSpikeLines(text, origin, 1, [&](std::int64_t sender, double t, std::int64_t) {
        out.push_back({sender, t});
    });
}

SpikeData buildSpikeData(const IdRanges& idRanges, std::span<const SpikeRecord> records, const std::string& origin) {
    detail::validateIdRanges(idRanges, origin);
    SpikeData data = emptyData(idRanges);
    const IdTable table(idRanges);
    std::vector<Columns> columns(idRanges.size());
    for (const SpikeRecord& r : records) {
        const int p = table.find(r.sender);
        if (p < 0)
            throw ConfigError(origin + ": sender id " + std::to_string(r.sender) +
                              " lies outside the population table (ids " + table.describe() + ")");
        columns[p].neuron.push_back(static_cast<std::uint32_t>(r.sender - idRanges[p].first));
        columns[p].time.push_back(r.timeMs);
    }
    finish(data, columns);
    return data;
}

SpikeData readSpikeFolder(const std::string& folder, const ReadProgress& progress) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
        if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory)
            throw ConfigError(folder + ": cannot be opened (" + ec.message() + ")");
        throw ConfigError(folder + ": not a folder");
    }
    const IdRanges ranges = detail::readPopulationTable(folder);

    std::vector<fs::path> files;
    std::uintmax_t totalBytes = 0;
    // Every step with an error code: a symlink loop or an unreadable entry
    // becomes a message naming it, not a raw filesystem_error.
    fs::directory_iterator it(folder, ec), end;
    if (ec) throw ConfigError(folder + ": cannot be listed (" + ec.message() + ")");
    for (; it != end; it.increment(ec)) {
        if (ec) break;
        const fs::directory_entry& entry = *it;
        if (!isSpikeFile(entry.path())) continue;
        std::error_code fileEc;
        const bool regular = entry.is_regular_file(fileEc);
        if (fileEc)
            throw ConfigError(entry.path().string() + ": cannot be read (" + fileEc.message() + ")");
        if (!regular) continue; // a FIFO or device named like a spike file is not read
        const std::uintmax_t size = entry.file_size(fileEc);
        if (fileEc) throw ConfigError(entry.path().string() + ": cannot be read (" + fileEc.message() + ")");
        files.push_back(entry.path());
        totalBytes += size;
    }
    if (ec) throw ConfigError(folder + ": cannot be listed (" + ec.message() + ")");
    if (files.empty()) {
        // No text files: a SONATA report instead (sonata_reader.cpp)?
        if (const std::string report = detail::findSonataReport(folder, true); !report.empty())
            return detail::readSonataFolder(folder, report, progress);
        throw ConfigError(folder + ": no spike files (spike_recorder-*.dat, *.gdf or a SONATA report *.h5)");
    }
    std::sort(files.begin(), files.end());
    detail::checkSpikeFileSet(folder, files, static_cast<int>(ranges.size())); // one run, one NEST version

    SpikeData data = emptyData(ranges);
    const IdTable table(ranges);
    std::vector<Columns> columns(ranges.size());
    // Files are read in blocks of whole lines, so memory holds the spikes,
    // not the text; each row is checked against the table as it is parsed.
    constexpr std::size_t kBlock = std::size_t{16} << 20; // bytes
    std::string text;
    std::uintmax_t doneBytes = 0;
    for (const fs::path& file : files) {
        const std::string origin = file.string();
        std::ifstream in(file, std::ios::binary);
        if (!in) throw ConfigError(origin + ": cannot be read (permission denied?)");
        const auto add = [&](std::int64_t sender, double t, std::int64_t line) {
            const int p = table.find(sender);
            if (p < 0)
                throw ConfigError(origin + ":" + std::to_string(line) + ": sender id " + std::to_string(sender) +
                                  " lies outside the population table (ids " + table.describe() +
                                  " in population_nodeids.dat)");
            columns[p].neuron.push_back(static_cast<std::uint32_t>(sender - ranges[p].first));
            columns[p].time.push_back(t);
        };
        std::int64_t line = 1;
        int lastDecimals = -1;
        text.clear();
        while (in) {
            const std::size_t kept = text.size();
            text.resize(kept + kBlock);
            in.read(text.data() + kept, static_cast<std::streamsize>(kBlock));
            const auto got = static_cast<std::size_t>(in.gcount());
            text.resize(kept + got);
            doneBytes += got;
            const std::size_t lastNewline = text.rfind('\n');
            if (lastNewline != std::string::npos) {
                line += detail::parseSpikeLines(std::string_view(text.data(), lastNewline + 1), origin, line, add);
                lastDecimals = timeDecimals(std::string_view(text.data(), lastNewline));
                text.erase(0, lastNewline + 1);
            }
            if (progress)
                progress(totalBytes ? static_cast<double>(doneBytes) / totalBytes : 0.0, file.filename().string());
        }
        if (in.bad()) throw ConfigError(origin + ": cannot be read");
        finishLastLine(text, origin, line, lastDecimals, add, data.warnings);
        data.files.push_back(file.filename().string());
    }
    if (progress) progress(1.0, "grouping by neuron");
    finish(data, columns);
    data.folder = folder;
    const fs::path dir(folder);
    const double presim = detail::optionalJsonNumber((dir / "sim_dict.json").string(), "t_presim");
    const double tsim = detail::optionalJsonNumber((dir / "sim_dict.json").string(), "t_sim");
    // Spike times are written in whole microseconds: round the interval to
    // them, so that a spike stamped at exactly t_presim + t_sim is inside.
    const auto micros = [](double ms) { return std::round(ms * 1e3) / 1e3; };
    if (presim >= 0.0) data.tPresim = micros(presim);
    if (presim >= 0.0 && tsim >= 0.0) data.tEnd = micros(presim + tsim);
    data.nScaling = detail::optionalJsonNumber((dir / "net_dict.json").string(), "N_scaling");
    detail::checkSonataAgrees(folder, data); // a SONATA report beside the text files holds the same spikes
    return data;
}

} // namespace mc
