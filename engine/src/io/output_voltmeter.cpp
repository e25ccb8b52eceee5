// The voltmeter files of a run folder (OutputFolder::recordVoltages): NEST's
// ASCII format of a voltmeter, "sender time_ms V_m", one file per population.
#include "microcircuit/errors.hpp"
#include "microcircuit/file_write.hpp"
#include "microcircuit/output_folder.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <filesystem>

namespace mc {

namespace fs = std::filesystem;

std::int64_t voltmeterId(const DerivedParams& derived, int pop, bool spikesRecorded) {
    return std::int64_t{derived.total_neurons} + 1 + (spikesRecorded ? kNumPops : 0) + pop;
}

void OutputFolder::recordVoltages(const std::vector<std::int32_t>& neurons) {
    closeVoltmeters();
    m_probed = neurons;
    if (m_path.empty()) return;
    static constexpr std::string_view kHeader =
        "# NEST version: 3.9\n# RecordingBackendASCII version: 2\nsender\ttime_ms\tV_m\n";
    for (int p = 0; p < kNumPops; ++p) {
        VoltmeterFile f;
        for (std::size_t i = 0; i < neurons.size(); ++i)
            if (neurons[i] >= m_derived.first_neuron[p] && neurons[i] < m_derived.first_neuron[p + 1])
                f.probes.push_back(i);
        if (f.probes.empty()) continue;
        const std::int64_t id = voltmeterId(m_derived, p, m_config.sim.rec_spikes);
        f.name = (fs::path(m_path) / ("voltmeter-" + std::to_string(id) + "-0.dat")).string();
        f.fd = ::open(f.name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        const int err = f.fd < 0 ? errno : appendAll(f.fd, kHeader);
        if (err != 0) {
            if (f.fd >= 0) ::close(f.fd);
            closeVoltmeters();
            throw WriteError(f.name + ": cannot be written (" + errnoText(err) + ")");
        }
        f.goodSize = static_cast<std::int64_t>(kHeader.size());
        m_voltmeters.push_back(std::move(f));
    }
}

void OutputFolder::onVoltages(const ProbeTraces& traces) {
    if (failed() || m_voltmeters.empty()) return;
    if (traces.neurons != m_probed)
        throw std::logic_error(
            "OutputFolder::onVoltages: the traces are of other neurons than recordVoltages was given");
    std::vector<std::int64_t> sizes;
    for (VoltmeterFile& f : m_voltmeters) {
        m_buffer.clear();
        for (std::size_t k = 0; k < traces.samples(); ++k) {
            std::string stamp;
            appendTimeMs(stamp, (traces.steps[k] + 1) * m_stepMicros);
            for (std::size_t i : f.probes) {
                char buf[40];
                auto r = std::to_chars(buf, buf + sizeof buf, m_probed[i] + 1);
                m_buffer.append(buf, r.ptr);
                m_buffer.push_back('\t');
                m_buffer += stamp;
                m_buffer.push_back('\t');
                r = std::to_chars(buf, buf + sizeof buf, traces.vmAt(k, i), std::chars_format::fixed, 3);
                m_buffer.append(buf, r.ptr);
                m_buffer.push_back('\n');
            }
        }
        if (const int err = appendAll(f.fd, m_buffer); err != 0) {
            for (VoltmeterFile& g : m_voltmeters)
                if (::ftruncate(g.fd, g.goodSize) == 0) ::lseek(g.fd, g.goodSize, SEEK_SET);
            fail(f.name, err);
            return;
        }
        sizes.push_back(f.goodSize + static_cast<std::int64_t>(m_buffer.size()));
    }
    for (std::size_t i = 0; i < m_voltmeters.size(); ++i)
        m_voltmeters[i].goodSize = sizes[i];
}

void OutputFolder::closeVoltmeters() {
    for (VoltmeterFile& f : m_voltmeters)
        if (f.fd >= 0) ::close(f.fd);
    m_voltmeters.clear();
}

} // namespace mc
