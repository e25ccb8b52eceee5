#include "microcircuit/output_folder.hpp"

#include "microcircuit/analysis.hpp"
#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/file_write.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <filesystem>

namespace mc {

namespace fs = std::filesystem;

std::int64_t recorderId(const DerivedParams& derived, int pop) {
    return std::int64_t{derived.total_neurons} + 1 + pop;
}

void appendTimeMs(std::string& out, std::int64_t micros) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, micros / 1000);
    out.append(buf, r.ptr);
    const int frac = static_cast<int>(micros % 1000);
    out.push_back('.');
    out.push_back(static_cast<char>('0' + frac / 100));
    out.push_back(static_cast<char>('0' + frac / 10 % 10));
    out.push_back(static_cast<char>('0' + frac % 10));
}

SpikeFormats parseSpikeFormats(const std::string& value, const std::string& flag) {
    if (value == "nest") return {true, false};
    if (value == "sonata") return {false, true};
    if (value == "both") return {true, true};
    throw ConfigError(flag + " '" + value + "' is not allowed: must be nest, sonata or both");
}

OutputFolder::OutputFolder(const std::string& path, const Config& config, const DerivedParams& derived,
                           SpikeFormats formats)
    : m_path(path), m_config(config), m_derived(derived),
      m_stepMicros(std::llround(config.sim.sim_resolution * 1000.0)),
      m_presimSteps(std::llround(config.sim.t_presim / config.sim.sim_resolution)),
      m_counts(derived.total_neurons, 0) {
    if (path.empty()) return; // counting only
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec || !fs::is_directory(path))
        throw ConfigError("output folder " + path + " cannot be created (" +
                          (ec ? ec.message() : std::string("a file of that name exists")) + ")");
    writeReferenceDicts(config, derived, path);
    // The timed changes (thalamic pulses, ...), as export-nest writes them:
    // `analyze --psth` reads the pulse onsets back, `run --config DIR` replays them.
    const fs::path events = fs::path(path) / "events.json";
    if (!config.events.empty()) {
        nlohmann::ordered_json e;
        e["events"] = nlohmann::ordered_json::parse(configToJson(config))["events"];
        writeTextFileAtomic(events.string(), e.dump(2) + "\n");
    } else {
        fs::remove(events, ec); // a rerun without events leaves none behind
    }
    std::string ids;
    for (int p = 0; p < kNumPops; ++p)
        ids += std::to_string(derived.first_neuron[p] + 1) + " " + std::to_string(derived.first_neuron[p + 1]) + "\n";
    writeTextFileAtomic((fs::path(path) / "population_nodeids.dat").string(), ids);
    // A rerun into the same folder replaces the files of the other format, so
    // that the folder never holds two disagreeing copies of the spikes.
    if (!formats.sonata) fs::remove(fs::path(path) / kSonataFileName, ec);
    if (!formats.nest)
        for (int p = 0; p < kNumPops; ++p)
            fs::remove(fs::path(path) / ("spike_recorder-" + std::to_string(recorderId(derived, p)) + "-0.dat"), ec);
    if (config.sim.rec_spikes && formats.sonata) {
        std::vector<std::string> names(kPopNames.begin(), kPopNames.end());
        std::vector<std::int32_t> first(derived.first_neuron.begin(), derived.first_neuron.end());
        m_sonata = std::make_unique<SonataSpikeWriter>((fs::path(path) / kSonataFileName).string(), names, first,
                                                       m_stepMicros);
    }
    if (config.sim.rec_spikes && formats.nest) {
        static constexpr std::string_view kHeader =
            "# NEST version: 3.9\n# RecordingBackendASCII version: 2\nsender\ttime_ms\n";
        for (int p = 0; p < kNumPops; ++p) {
            const std::string name =
                (fs::path(path) / ("spike_recorder-" + std::to_string(recorderId(derived, p)) + "-0.dat")).string();
            const int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            const int err = fd < 0 ? errno : appendAll(fd, kHeader);
            if (err != 0) {
                if (fd >= 0) ::close(fd);
                for (int g : m_files) ::close(g);
                m_files.clear();
                throw WriteError(name + ": cannot be written (" + errnoText(err) + ")");
            }
            m_files.push_back(fd);
            m_fileNames.push_back(name);
            m_goodSizes.push_back(static_cast<std::int64_t>(kHeader.size()));
        }
    }
}

OutputFolder::~OutputFolder() {
    for (int f : m_files) ::close(f);
    closeVoltmeters();
}

void OutputFolder::fail(const std::string& file, int err) {
    // Cut every file back to the end of the last chunk that all of them got:
    // each then ends on a complete line, and all cover the same interval.
    for (std::size_t i = 0; i < m_files.size(); ++i)
        if (::ftruncate(m_files[i], m_goodSizes[i]) == 0) ::lseek(m_files[i], m_goodSizes[i], SEEK_SET);
    m_error = file + ": write failed (" + errnoText(err) + ")";
}

void OutputFolder::onSpikes(std::span<const Spike> spikes, std::int64_t endStep) {
    if (failed()) return;
    // A spike of step k is stamped (k + 1) h; like the reference, count the
    // spikes with time stamps in [t_presim, end], both ends included.
    for (const Spike& s : spikes)
        if (std::int64_t{s.step} + 1 >= m_presimSteps) ++m_counts[s.neuron];
    if (m_files.empty()) {
        if (!appendSonata(spikes)) return;
        m_endStep = endStep;
        return;
    }
    // Spikes arrive sorted by step; each population's file gets its lines in order.
    std::vector<std::int64_t> sizes = m_goodSizes;
    for (int p = 0; p < kNumPops; ++p) {
        m_buffer.clear();
        const std::int32_t lo = m_derived.first_neuron[p], hi = m_derived.first_neuron[p + 1];
        for (const Spike& s : spikes) {
            if (s.neuron < lo || s.neuron >= hi) continue;
            char buf[16];
            auto r = std::to_chars(buf, buf + sizeof buf, s.neuron + 1);
            m_buffer.append(buf, r.ptr);
            m_buffer.push_back('\t');
            appendTimeMs(m_buffer, (std::int64_t{s.step} + 1) * m_stepMicros);
            m_buffer.push_back('\n');
        }
        if (const int err = appendAll(m_files[p], m_buffer); err != 0) {
            // This chunk's spikes are not in the files: take them out of the rates too.
            for (const Spike& s : spikes)
                if (std::int64_t{s.step} + 1 >= m_presimSteps) --m_counts[s.neuron];
            fail(m_fileNames[p], err);
            return;
        }
        sizes[p] += static_cast<std::int64_t>(m_buffer.size());
    }
    if (!appendSonata(spikes)) return;
    m_goodSizes = std::move(sizes);
    m_endStep = endStep;
}

bool OutputFolder::appendSonata(std::span<const Spike> spikes) {
    if (!m_sonata) return true;
    try {
        m_sonata->append(spikes);
        return true;
    } catch (const ConfigError& e) {
        // As for a failed text write: this chunk is in no file and in no rate.
        for (const Spike& s : spikes)
            if (std::int64_t{s.step} + 1 >= m_presimSteps) --m_counts[s.neuron];
        fail(kSonataFileName, EIO);
        m_error = e.what();
        return false;
    }
}

double OutputFolder::validUntilMs() const {
    return static_cast<double>(m_endStep * m_stepMicros) * 1e-3;
}

std::vector<PopulationRate> OutputFolder::rates() const {
    // The same definitions as `microcircuit analyze` (analysis.hpp): spikes
    // in [t_presim, end] over the interval's length, mean and ddof-0 sd over
    // all neurons of the population.
    std::vector<PopulationRate> out(kNumPops);
    const double tMin = static_cast<double>(m_presimSteps * m_stepMicros) * 1e-3;
    const double tMax = static_cast<double>(m_endStep * m_stepMicros) * 1e-3;
    if (tMax <= tMin) return out;
    std::vector<double> rates;
    for (int p = 0; p < kNumPops; ++p) {
        const std::int32_t lo = m_derived.first_neuron[p], hi = m_derived.first_neuron[p + 1];
        if (hi == lo) continue;
        rates.clear();
        for (std::int32_t i = lo; i < hi; ++i)
            rates.push_back(countRate(m_counts[i], tMin, tMax));
        out[p].mean = meanOf(rates);
        out[p].sd = sdOf(rates);
    }
    return out;
}

void OutputFolder::finish(bool ranToEnd) {
    for (int f : m_files) ::close(f);
    m_files.clear();
    closeVoltmeters();
    std::string sonataError;
    if (m_sonata) {
        try {
            m_sonata->close();
        } catch (const ConfigError& e) {
            sonataError = e.what();
        }
    }
    if (m_path.empty()) return;
    std::string csv = "population,mean,std\n";
    const auto r = rates();
    for (int p = 0; p < kNumPops; ++p) {
        char line[96];
        std::snprintf(line, sizeof line, "%s,%.6f,%.6f\n", kPopNames[p], r[p].mean, r[p].sd);
        csv += line;
    }
    std::string problems = m_error;
    const auto note = [&](const std::string& what) { problems += (problems.empty() ? "" : "; ") + what; };
    if (!sonataError.empty()) note(sonataError);
    try {
        writeTextFileAtomic((fs::path(m_path) / "rates.csv").string(), csv);
    } catch (const ConfigError& e) {
        note(e.what());
    }
    // A run that stopped early: sim_dict.json says how long it really ran.
    const double h = m_config.sim.sim_resolution;
    if ((!ranToEnd || failed()) && m_endStep > m_presimSteps) {
        Config ran = m_config;
        ran.sim.t_sim = static_cast<double>(m_endStep - m_presimSteps) * h;
        try {
            writeReferenceDicts(ran, m_derived, m_path);
        } catch (const ConfigError& e) {
            note(std::string(e.what()) + " (sim_dict.json still gives the planned t_sim)");
        }
    }
    if (!problems.empty()) throw WriteError(problems);
}

} // namespace mc
