#include "ui/replay/recording.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/model.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace mc::ui {
namespace fs = std::filesystem;

Recording makeRecording(SpikeData data, Config config, bool configKnown) {
    Recording r;
    r.folder = data.folder;
    const double h = config.sim.sim_resolution > 0.0 ? config.sim.sim_resolution : 0.1;
    DerivedParams derived;
    try {
        derived = deriveParameters(config);
    } catch (const std::exception&) {
        configKnown = false;
    }
    // The recorded sizes rule: neurons are numbered by the data's population table.
    std::int32_t first = 0;
    for (int p = 0; p < kNumPops; ++p) {
        const int n = p < static_cast<int>(data.populations.size()) ? data.populations[p].size() : 0;
        if (derived.num_neurons[p] != n) configKnown = false;
        derived.num_neurons[p] = n;
        derived.first_neuron[p] = first;
        first += n;
    }
    derived.first_neuron[kNumPops] = first;
    derived.total_neurons = first;
    if (!configKnown && r.note.empty())
        r.note = "the folder does not describe a network of the recorded sizes (no or other sim/net dicts)";

    // Spike times -> steps (a spike of step s is stamped (s + 1) h), then a
    // counting sort by step; neurons are visited in order, so ties stay by neuron.
    const auto stepOf = [h](double t) { return std::max<std::int64_t>(0, std::llround(t / h) - 1); };
    std::int64_t lastStep = -1;
    for (const auto& pop : data.populations)
        for (double t : pop.times)
            lastStep = std::max(lastStep, stepOf(t));
    if (lastStep > std::int64_t{2000000000})
        throw ConfigError(data.folder + ": spike times beyond " + std::to_string(lastStep * h / 1000.0) +
                          " s are more than the replay can hold");
    std::vector<std::uint32_t> perStep(static_cast<std::size_t>(lastStep + 2), 0);
    for (const auto& pop : data.populations)
        for (double t : pop.times)
            ++perStep[static_cast<std::size_t>(stepOf(t)) + 1];
    for (std::size_t i = 1; i < perStep.size(); ++i)
        perStep[i] += perStep[i - 1];
    r.spikes.resize(data.totalSpikes);
    for (int p = 0; p < static_cast<int>(data.populations.size()) && p < kNumPops; ++p) {
        const auto& pop = data.populations[p];
        for (int i = 0; i < pop.size(); ++i) {
            const auto neuron = static_cast<std::int32_t>(derived.first_neuron[p] + i);
            for (double t : pop.neuron(i)) {
                const std::int64_t s = stepOf(t);
                r.spikes[perStep[static_cast<std::size_t>(s)]++] = Spike{neuron, static_cast<std::int32_t>(s)};
            }
        }
    }
    const double endMs = std::max(data.tEnd, data.lastSpikeMs);
    r.endStep = std::max<std::int64_t>(lastStep + 1, std::llround(endMs / h));

    r.info.config = config;
    r.info.config.sim.sim_resolution = h;
    r.info.derived = derived;
    // The configuration's own timed changes (written by export-nest into events.json).
    r.events = config.events;
    r.configKnown = configKnown;
    return r;
}

Recording loadRecording(const std::string& folder, const ReadProgress& progress, const std::atomic<bool>* cancel) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) throw ConfigError(folder + ": not a folder (open a folder of spike files)");
    SpikeData data = readRecording(folder, progress, cancel);
    // The configuration: the folder's reference dicts (and events.json), or a GUI session.
    Config config;
    bool known = false;
    std::string note;
    const fs::path sessionFile = fs::path(folder) / "session.json";
    try {
        if (fs::exists(sessionFile, ec)) {
            config = readSessionFile(sessionFile.string()).withEvents(); // its live changes as timed events
            known = true;
        } else {
            applyConfigPath(config, folder);
            known = true;
        }
    } catch (const std::exception& e) {
        config = Config{};
        if (data.nScaling > 0.0) config.net.N_scaling = config.net.K_scaling = data.nScaling;
        note = e.what();
    }
    const std::vector<std::string> warnings = data.warnings;
    std::vector<std::int64_t> firstIds, counts;
    for (const auto& pop : data.populations) {
        firstIds.push_back(pop.firstId);
        counts.push_back(pop.size());
    }
    Recording r = makeRecording(std::move(data), config, known);
    if (!note.empty()) r.note = note;
    for (const std::string& w : warnings) // lines the reader left out
        r.note += (r.note.empty() ? "" : "\n") + w;
    std::vector<std::int32_t> firstIndex(r.info.derived.first_neuron.begin(),
                                         r.info.derived.first_neuron.begin() + static_cast<std::ptrdiff_t>(firstIds.size()));
    r.voltages = readRecordedVoltages(folder, firstIds, counts, firstIndex, r.info.config.sim.sim_resolution, cancel);
    // Each trace's spikes, as the live probe panel marks them.
    for (ProbeTrace& t : r.voltages.traces)
        for (const Spike& s : r.spikes)
            if (s.neuron == t.neuron && !t.steps.empty() && s.step >= t.steps.front()) t.spikes.push_back(s.step);
    return r;
}

} // namespace mc::ui
