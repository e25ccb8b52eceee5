#include "microcircuit/health.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

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
    std::vector<std::int64_t> bins;
    for (double t : pop.times)
        if (t >= tMin && t <= tMax) bins.push_back(static_cast<std::int64_t>((t - tMin) / binMs));
    if (bins.empty() || !(tMax > tMin)) return std::numeric_limits<double>::quiet_NaN();
    const auto numBins = static_cast<std::int64_t>(std::ceil((tMax - tMin) / binMs - 1e-9));
    for (std::int64_t& b : bins) b = std::min(b, numBins - 1); // a spike at tMax falls in the last bin
    std::sort(bins.begin(), bins.end());
    // Sums over the bins that hold spikes; the others add nothing.
    double sum = 0.0, sumSq = 0.0;
    for (std::size_t i = 0; i < bins.size();) {
        std::size_t j = i;
        while (j < bins.size() && bins[j] == bins[i]) ++j;
        const double c = static_cast<double>(j - i);
        sum += c;
        sumSq += c * c;
        i = j;
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
