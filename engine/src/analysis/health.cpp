#include "microcircuit/health.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace mc {

const char* stateName(ActivityState state) {
    switch (state) {
    case ActivityState::Silent:
        return "silent";
    case ActivityState::Synchronous:
        return "synchronous";
    case ActivityState::Saturated:
        return "saturated";
    default:
        return "asynchronous irregular";
    }
}

double populationFano(const PopulationSpikes& pop, double tMin, double tMax, double binMs) {
    if (!(tMax > tMin)) return std::numeric_limits<double>::quiet_NaN();
    const auto numBins = static_cast<std::int64_t>(std::ceil((tMax - tMin) / binMs - 1e-9));
    const auto binOf = [&](double t) {
        return std::min(static_cast<std::int64_t>((t - tMin) / binMs), numBins - 1); // a spike at tMax falls in the last bin
    };
    std::size_t spikes = 0;
    for (double t : pop.times)
        if (t >= tMin && t <= tMax) ++spikes;
    if (spikes == 0) return std::numeric_limits<double>::quiet_NaN();
    // Sums over the bins that hold spikes, in bin order; the others add
    // nothing. The times are grouped by neuron, not sorted: count them into
    // the bins (the health check does this for 5 s of full-scale spikes every
    // second), or sort the bin numbers when the bins far outnumber the spikes.
    double sum = 0.0, sumSq = 0.0;
    const auto add = [&](double c) {
        sum += c;
        sumSq += c * c;
    };
    if (numBins <= 4 * static_cast<std::int64_t>(spikes) + (1 << 20)) {
        std::vector<std::uint32_t> counts(static_cast<std::size_t>(numBins), 0);
        for (double t : pop.times)
            if (t >= tMin && t <= tMax) ++counts[static_cast<std::size_t>(binOf(t))];
        for (std::uint32_t c : counts)
            if (c > 0) add(static_cast<double>(c));
    } else {
        std::vector<std::int64_t> bins;
        bins.reserve(spikes);
        for (double t : pop.times)
            if (t >= tMin && t <= tMax) bins.push_back(binOf(t));
        std::sort(bins.begin(), bins.end());
        for (std::size_t i = 0; i < bins.size();) {
            std::size_t j = i;
            while (j < bins.size() && bins[j] == bins[i]) ++j;
            add(static_cast<double>(j - i));
            i = j;
        }
    }
    const double n = static_cast<double>(numBins);
    const double mean = sum / n;
    return (sumSq / n - mean * mean) / mean;
}

PopulationHealth assessPopulation(const PopulationSpikes& pop, double tMin, double tMax,
                                  const StateThresholds& thresholds) {
    PopulationHealth h;
    std::size_t spikes = 0;
    for (double t : pop.times)
        if (t >= tMin && t <= tMax) ++spikes;
    h.meanRate = pop.size() > 0 ? static_cast<double>(spikes) / pop.size() / ((tMax - tMin) * 1e-3) : 0.0;
    h.fano = populationFano(pop, tMin, tMax, thresholds.binMs);
    h.synchrony = pop.size() > 1 ? (h.fano - 1.0) / (pop.size() - 1) : std::numeric_limits<double>::quiet_NaN();
    if (h.meanRate < thresholds.silentHz) h.state = ActivityState::Silent;
    else if (h.meanRate > thresholds.saturatedHz) h.state = ActivityState::Saturated;
    else if (h.synchrony > thresholds.synchronousIndex) h.state = ActivityState::Synchronous;
    else h.state = ActivityState::AsynchronousIrregular;
    return h;
}

} // namespace mc
