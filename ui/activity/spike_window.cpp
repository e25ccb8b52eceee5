#include "ui/activity/spike_window.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace mc::ui {

SpikeData spikeDataOf(const SpikeStore& store, std::vector<std::pair<double, double>> intervals) {
    const DerivedParams& d = store.derived();
    const double h = store.resolution();
    std::sort(intervals.begin(), intervals.end());
    std::vector<std::pair<double, double>> merged;
    for (const auto& iv : intervals) {
        if (!(iv.second >= iv.first)) continue;
        if (!merged.empty() && iv.first <= merged.back().second)
            merged.back().second = std::max(merged.back().second, iv.second);
        else
            merged.push_back(iv);
    }
    // The stored spikes of the intervals, in step order: grouped by neuron
    // with one counting pass, each neuron's times stay ascending (no sort;
    // the health check runs this on 5 s of full-scale spikes every second).
    // Steps whose stamps (step + 1) h may lie in an interval (the stamps
    // decide), merged where they touch so that no spike is seen twice.
    std::vector<std::pair<std::int64_t, std::int64_t>> steps;
    for (const auto& [from, to] : merged) {
        const auto s0 = std::max<std::int64_t>(0, static_cast<std::int64_t>(std::floor(from / h)) - 2);
        const auto s1 = static_cast<std::int64_t>(std::ceil(to / h)) + 1;
        if (!steps.empty() && s0 <= steps.back().second)
            steps.back().second = std::max(steps.back().second, s1);
        else
            steps.emplace_back(s0, s1);
    }
    std::vector<std::span<const Spike>> parts;
    for (const auto& [s0, s1] : steps) parts.push_back(store.range(s0, s1));
    const auto inside = [&](double t) {
        auto it = std::upper_bound(merged.begin(), merged.end(), t,
                                   [](double v, const std::pair<double, double>& iv) { return v < iv.first; });
        if (it == merged.begin()) return false;
        return t <= std::prev(it)->second;
    };
    const std::int32_t n = d.first_neuron[kNumPops];
    std::vector<std::size_t> count(static_cast<std::size_t>(n) + 1, 0);
    for (const auto& part : parts)
        for (const Spike& s : part)
            if (s.neuron >= 0 && s.neuron < n && inside(stampMs(s, h))) ++count[s.neuron + 1];
    SpikeData data;
    data.folder = "the window's spikes";
    data.tEnd = store.timeMs();
    bool first = true;
    for (int p = 0; p < kNumPops; ++p) {
        PopulationSpikes pop;
        pop.name = kPopNames[p];
        pop.firstId = std::int64_t{d.first_neuron[p]} + 1;
        pop.lastId = std::int64_t{d.first_neuron[p + 1]};
        pop.offsets.assign(1, 0);
        for (std::int32_t i = d.first_neuron[p]; i < d.first_neuron[p + 1]; ++i)
            pop.offsets.push_back(pop.offsets.back() + count[i + 1]);
        pop.times.resize(pop.offsets.back());
        data.populations.push_back(std::move(pop));
    }
    std::vector<std::size_t> next(static_cast<std::size_t>(n), 0);
    for (const auto& part : parts)
        for (const Spike& s : part) {
            if (s.neuron < 0 || s.neuron >= n) continue;
            const double t = stampMs(s, h);
            if (!inside(t)) continue;
            const int p = store.populationOf(s.neuron);
            PopulationSpikes& pop = data.populations[p];
            const std::size_t local = static_cast<std::size_t>(s.neuron - d.first_neuron[p]);
            pop.times[pop.offsets[local] + next[s.neuron]++] = t;
            data.firstSpikeMs = first ? t : std::min(data.firstSpikeMs, t);
            data.lastSpikeMs = std::max(data.lastSpikeMs, t);
            first = false;
            ++data.totalSpikes;
        }
    return data;
}

} // namespace mc::ui
