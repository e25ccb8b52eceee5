// libFuzzer target: the spike-folder reader (population table, spike rows,
// sim_dict.json) and the analysis of what it read. The input holds the
// files, separated by NUL bytes: population_nodeids.dat, then
// spike_recorder-1-0.dat, then (optional) sim_dict.json; they are written
// into a private temporary folder and read as `microcircuit analyze` reads
// them. Any input must end in statistics or a ConfigError.
#include "microcircuit/analysis.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/spike_data.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace {

char g_dir[] = "/tmp/mc-fuzz-spikes-XXXXXX";

const std::string& folder() {
    static const std::string dir = [] {
        if (!mkdtemp(g_dir)) std::abort();
        // libFuzzer ends with exit(); g_dir outlives every destructor.
        std::atexit([] { std::filesystem::remove_all(g_dir); });
        return std::string(g_dir);
    }();
    return dir;
}

void put(const std::string& name, std::string_view text, bool present) {
    const std::string path = folder() + "/" + name;
    if (!present) {
        std::filesystem::remove(path);
        return;
    }
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(text.data(), static_cast<std::streamsize>(text.size()));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    std::string_view parts[3];
    int n = 0;
    for (; n < 3 && !rest.empty(); ++n) {
        const auto cut = rest.find('\0');
        parts[n] = rest.substr(0, cut);
        rest = cut == std::string_view::npos ? std::string_view{} : rest.substr(cut + 1);
    }
    put("population_nodeids.dat", parts[0], n > 0);
    put("spike_recorder-1-0.dat", parts[1], n > 1);
    put("sim_dict.json", parts[2], n > 2);
    try {
        const mc::SpikeData spikes = mc::readSpikeFolder(folder());
        mc::AnalysisOptions options;
        options.tMin = 0.0;
        options.subsample = 20;
        (void)mc::analyzeSpikes(spikes, options);
    } catch (const mc::ConfigError&) {
    }
    return 0;
}
