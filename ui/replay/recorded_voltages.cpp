#include "ui/replay/recorded_voltages.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <unordered_set>

namespace mc::ui {
namespace fs = std::filesystem;

namespace {

struct Voltmeter {
    std::int64_t id = 0;
    std::vector<fs::path> files; ///< one per virtual process
};

/// "voltmeter-<id>-<vp>.dat" -> id, or -1.
std::int64_t voltmeterIdOf(const std::string& name) {
    static const std::string prefix = "voltmeter-", suffix = ".dat";
    if (name.rfind(prefix, 0) != 0 || name.size() <= prefix.size() + suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
        return -1;
    const std::string middle = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    const auto dash = middle.find('-');
    if (dash == std::string::npos) return -1;
    std::int64_t id = -1, vp = -1;
    const auto a = std::from_chars(middle.data(), middle.data() + dash, id);
    const auto b = std::from_chars(middle.data() + dash + 1, middle.data() + middle.size(), vp);
    if (a.ec != std::errc() || a.ptr != middle.data() + dash || b.ec != std::errc() ||
        b.ptr != middle.data() + middle.size() || id < 0 || vp < 0)
        return -1;
    return id;
}

std::vector<std::string_view> fields(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
    return out;
}

template <class T>
bool number(std::string_view s, T& v) {
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

} // namespace

RecordedVoltages readRecordedVoltages(const std::string& folder, const std::vector<std::int64_t>& firstIds,
                                      const std::vector<std::int64_t>& counts, const std::vector<std::int32_t>& firstIndex,
                                      double h, const std::atomic<bool>* cancel) {
    RecordedVoltages out;
    std::map<std::int64_t, Voltmeter> meters; // by id: population order (ids follow the populations)
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(folder, ec)) {
        const std::int64_t id = voltmeterIdOf(e.path().filename().string());
        if (id < 0 || !e.is_regular_file(ec)) continue;
        meters[id].id = id;
        meters[id].files.push_back(e.path());
    }
    if (meters.empty()) return out;
    const auto globalIndex = [&](std::int64_t sender) -> std::int32_t {
        for (std::size_t p = 0; p < firstIds.size(); ++p)
            if (sender >= firstIds[p] && sender < firstIds[p] + counts[p])
                return static_cast<std::int32_t>(firstIndex[p] + (sender - firstIds[p]));
        return -1;
    };
    // Share the probe rows out between the voltmeters: earlier ones get the remainder.
    const std::size_t n = meters.size(), rows = static_cast<std::size_t>(ProbeStore::kMaxProbes);
    std::size_t k = 0;
    std::map<std::int32_t, ProbeTrace> chosen;
    std::unordered_set<std::int64_t> seenAll;
    for (auto& [id, meter] : meters) {
        std::sort(meter.files.begin(), meter.files.end());
        const std::size_t quota = rows / n + (k++ < rows % n ? 1 : 0);
        std::vector<std::int32_t> mine;
        for (const fs::path& path : meter.files) {
            const std::string name = path.filename().string();
            out.files.push_back(name);
            std::ifstream in(path);
            std::string line;
            std::size_t vmColumn = 2, lineNo = 0;
            std::map<std::int32_t, ProbeTrace> read; // this file's rows, kept only if the file is sound
            std::string bad;
            while (std::getline(in, line)) {
                ++lineNo;
                if ((lineNo & 0xffff) == 0 && cancel && cancel->load()) return out;
                if (line.empty() || line[0] == '#') continue;
                const auto f = fields(line);
                if (f.empty()) continue;
                std::int64_t sender = 0;
                if (!number(f[0], sender)) {
                    if (f[0] == "sender") { // the column line: where V_m is
                        const auto at = std::find(f.begin(), f.end(), std::string_view("V_m"));
                        if (at == f.end() || f.size() < 3) {
                            bad = name + ", line " + std::to_string(lineNo) +
                                  ": the columns are not \"sender time_ms V_m\" (no V_m column)";
                            break;
                        }
                        vmColumn = static_cast<std::size_t>(at - f.begin());
                        continue;
                    }
                    bad = name + ", line " + std::to_string(lineNo) + ": \"" + line.substr(0, 40) +
                          "\" is not a row \"sender time_ms V_m\" (a whole number and two numbers)";
                    break;
                }
                double t = 0.0, v = 0.0;
                if (f.size() <= vmColumn || !number(f[1], t) || !number(f[vmColumn], v) || !std::isfinite(t) ||
                    !std::isfinite(v)) {
                    bad = name + ", line " + std::to_string(lineNo) + ": \"" + line.substr(0, 40) +
                          "\" is not a row \"sender time_ms V_m\" (a whole number and two numbers)";
                    break;
                }
                const std::int32_t neuron = globalIndex(sender);
                if (neuron < 0) {
                    bad = name + ", line " + std::to_string(lineNo) + ": sender " + std::to_string(sender) +
                          " is not in the folder's population table";
                    break;
                }
                seenAll.insert(sender);
                auto it = read.find(neuron);
                if (it == read.end()) {
                    if (mine.size() >= quota && std::find(mine.begin(), mine.end(), neuron) == mine.end()) continue;
                    if (std::find(mine.begin(), mine.end(), neuron) == mine.end()) mine.push_back(neuron);
                    it = read.emplace(neuron, ProbeTrace{}).first;
                    it->second.neuron = neuron;
                }
                it->second.steps.push_back(std::max<std::int64_t>(0, std::llround(t / h) - 1));
                it->second.vm.push_back(v);
            }
            if (!bad.empty()) {
                out.problem += (out.problem.empty() ? "" : "; ") + bad + " (its traces are not shown)";
                for (const auto& [neuron, trace] : read) mine.erase(std::remove(mine.begin(), mine.end(), neuron), mine.end());
                continue;
            }
            for (auto& [neuron, trace] : read) {
                ProbeTrace& t = chosen[neuron];
                t.neuron = neuron;
                t.steps.insert(t.steps.end(), trace.steps.begin(), trace.steps.end());
                t.vm.insert(t.vm.end(), trace.vm.begin(), trace.vm.end());
            }
        }
    }
    out.neuronsRecorded = seenAll.size();
    for (auto& [neuron, t] : chosen) {
        // Rows of one neuron in time order (files of several processes, or unsorted rows).
        std::vector<std::size_t> order(t.steps.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return t.steps[a] < t.steps[b]; });
        ProbeTrace sorted;
        sorted.neuron = neuron;
        for (std::size_t i : order) {
            sorted.steps.push_back(t.steps[i]);
            sorted.vm.push_back(t.vm[i]);
        }
        out.traces.push_back(std::move(sorted));
    }
    return out;
}

} // namespace mc::ui
