#include "ui/activity/spike_window.hpp"

#include <algorithm>
#include <cmath>

namespace mc::ui {

SpikeData spikeDataOf(const SpikeStore& store, std::vector<std::pair<double, double>> intervals) {
    const DerivedParams& d = store.derived();
    const double h = store.resolution();
    std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
    for (int p = 0; p < kNumPops; ++p)
        ranges.emplace_back(std::int64_t{d.first_neuron[p]} + 1, std::int64_t{d.first_neuron[p + 1]});
    std::sort(intervals.begin(), intervals.end());
    std::vector<std::pair<double, double>> merged;
    for (const auto& iv : intervals) {
        if (!(iv.second >= iv.first)) continue;
        if (!merged.empty() && iv.first <= merged.back().second)
            merged.back().second = std::max(merged.back().second, iv.second);
        else
            merged.push_back(iv);
    }
    std::vector<SpikeRecord> records;
    for (const auto& [from, to] : merged) {
        // Steps whose stamps (step + 1) h may lie in [from, to]; the stamps decide.
        const auto s0 = static_cast<std::int64_t>(std::floor(from / h)) - 2;
        const auto s1 = static_cast<std::int64_t>(std::ceil(to / h)) + 1;
        for (const Spike& s : store.range(std::max<std::int64_t>(0, s0), s1)) {
            const double t = stampMs(s, h);
            if (t >= from && t <= to) records.push_back({std::int64_t{s.neuron} + 1, t});
        }
    }
    SpikeData data = buildSpikeData(ranges, records, "the window's spikes");
    data.tEnd = store.timeMs();
    return data;
}

} // namespace mc::ui
