#include "microcircuit/output_folder.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"

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
    : m_path(path), m_derived(derived),
      m_stepMicros(std::llround(config.sim.sim_resolution * 1000.0)),
      m_presimSteps(std::llround(config.sim.t_presim / config.sim.sim_resolution)),
      m_counts(derived.total_neurons, 0) {
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec || !fs::is_directory(path))
        throw ConfigError("output folder " + path + " cannot be created (" +
                          (ec ? ec.message() : std::string("a file of that name exists")) + ")");
    writeReferenceDicts(config, derived, path);
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
        for (int p = 0; p < kNumPops; ++p) {
            const std::string name =
                (fs::path(path) / ("spike_recorder-" + std::to_string(recorderId(derived, p)) + "-0.dat")).string();
            std::FILE* f = std::fopen(name.c_str(), "w");
            if (!f) {
                for (std::FILE* g : m_files) std::fclose(g);
                throw ConfigError(name + ": cannot be written");
            }
            std::fputs("# NEST version: 3.9\n# RecordingBackendASCII version: 2\nsender\ttime_ms\n", f);
            std::fflush(f);
            m_files.push_back(f);
        }
    }
}

OutputFolder::~OutputFolder() {
    for (std::FILE* f : m_files) std::fclose(f);
}

void OutputFolder::onSpikes(std::span<const Spike> spikes, std::int64_t endStep) {
    m_endStep = endStep;
    // A spike of step k is stamped (k + 1) h; like the reference, count the
    // spikes with time stamps in [t_presim, end], both ends included.
    for (const Spike& s : spikes)
        if (std::int64_t{s.step} + 1 >= m_presimSteps) ++m_counts[s.neuron];
    if (m_sonata) m_sonata->append(spikes);
    if (m_files.empty()) return;
    // Spikes arrive sorted by step; each population's file gets its lines in order.
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
        if (!m_buffer.empty()) std::fwrite(m_buffer.data(), 1, m_buffer.size(), m_files[p]);
        std::fflush(m_files[p]);
    }
}

std::vector<PopulationRate> OutputFolder::rates() const {
    std::vector<PopulationRate> out(kNumPops);
    const double seconds = static_cast<double>(m_endStep - m_presimSteps) * m_stepMicros * 1e-6;
    if (seconds <= 0.0) return out;
    for (int p = 0; p < kNumPops; ++p) {
        const std::int32_t lo = m_derived.first_neuron[p], hi = m_derived.first_neuron[p + 1];
        if (hi == lo) continue;
        double sum = 0.0, sum2 = 0.0;
        for (std::int32_t i = lo; i < hi; ++i) {
            const double r = m_counts[i] / seconds;
            sum += r;
            sum2 += r * r;
        }
        const double n = hi - lo;
        out[p].mean = sum / n;
        out[p].sd = std::sqrt(std::max(0.0, sum2 / n - out[p].mean * out[p].mean));
    }
    return out;
}

void OutputFolder::finish() {
    for (std::FILE* f : m_files) std::fclose(f);
    m_files.clear();
    if (m_sonata) m_sonata->close();
    std::string csv = "population,mean,std\n";
    const auto r = rates();
    for (int p = 0; p < kNumPops; ++p) {
        char line[96];
        std::snprintf(line, sizeof line, "%s,%.6f,%.6f\n", kPopNames[p], r[p].mean, r[p].sd);
        csv += line;
    }
    writeTextFileAtomic((fs::path(m_path) / "rates.csv").string(), csv);
}

} // namespace mc
