#include "microcircuit/psth.hpp"

#include "microcircuit/errors.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mc {

Psth computePsth(const SpikeData& data, const std::vector<double>& onsets, double endMs, const PsthOptions& o) {
    if (!(o.binMs > 0.0) || !(o.beforeMs >= 0.0) || !(o.afterMs > 0.0) || (o.beforeMs + o.afterMs) / o.binMs > 1e7)
        throw ConfigError("PSTH window -" + std::to_string(o.beforeMs) + " … +" + std::to_string(o.afterMs) +
                          " ms in bins of " + std::to_string(o.binMs) + " ms is not allowed");
    Psth out;
    out.options = o;
    for (double t : onsets)
        if (std::isfinite(t) && t - o.beforeMs >= 0.0 && t + o.afterMs <= endMs) out.onsets.push_back(t);
    if (out.onsets.empty())
        throw ConfigError("no stimulus onset has its whole PSTH window (-" + std::to_string(o.beforeMs) + " … +" +
                          std::to_string(o.afterMs) + " ms) inside the recording (0 … " + std::to_string(endMs) +
                          " ms)");
    const int bins = static_cast<int>(std::llround((o.beforeMs + o.afterMs) / o.binMs));
    for (int b = 0; b < bins; ++b)
        out.binStarts.push_back(-o.beforeMs + b * o.binMs);
    const std::size_t trials = out.onsets.size();
    for (const PopulationSpikes& pop : data.populations) {
        // counts[trial][bin]
        std::vector<std::vector<double>> counts(trials, std::vector<double>(bins, 0.0));
        for (int i = 0; i < pop.size(); ++i) {
            const std::span<const double> train = pop.neuron(i);
            for (std::size_t k = 0; k < trials; ++k) {
                const double from = out.onsets[k] - o.beforeMs;
                auto it = std::lower_bound(train.begin(), train.end(), from);
                for (; it != train.end(); ++it) {
                    const int b = static_cast<int>(std::floor((*it - from) / o.binMs));
                    if (b >= bins) break;
                    counts[k][b] += 1.0;
                }
            }
        }
        PopulationPsth p;
        p.name = pop.name;
        p.meanHz.assign(bins, 0.0);
        p.semHz.assign(bins, 0.0);
        const double scale = pop.size() > 0 ? 1000.0 / (o.binMs * pop.size()) : 0.0;
        for (int b = 0; b < bins; ++b) {
            double sum = 0.0;
            for (std::size_t k = 0; k < trials; ++k)
                sum += counts[k][b] * scale;
            const double mean = sum / trials;
            double ss = 0.0;
            for (std::size_t k = 0; k < trials; ++k)
                ss += (counts[k][b] * scale - mean) * (counts[k][b] * scale - mean);
            p.meanHz[b] = mean;
            p.semHz[b] = trials > 1 ? std::sqrt(ss / (trials - 1) / trials) : 0.0;
        }
        out.populations.push_back(std::move(p));
    }
    return out;
}

std::string psthToCsv(const Psth& psth) {
    std::string s = "population,time_ms,mean_Hz,sem_Hz,trials\n";
    char line[128];
    for (const PopulationPsth& p : psth.populations)
        for (std::size_t b = 0; b < p.meanHz.size(); ++b) {
            std::snprintf(line, sizeof line, "%s,%.3f,%.6f,%.6f,%zu\n", p.name.c_str(), psth.binStarts[b], p.meanHz[b],
                          p.semHz[b], psth.onsets.size());
            s += line;
        }
    return s;
}

} // namespace mc
