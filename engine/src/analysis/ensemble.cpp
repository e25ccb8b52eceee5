// KS distances across the realisations of a seed ensemble (ensemble.hpp).
#include "microcircuit/ensemble.hpp"
#include "microcircuit/errors.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

namespace mc {

EnsembleKs ensembleKs(const std::vector<AnalysisResult>& results) {
    if (results.size() < 2)
        throw ConfigError("an ensemble needs at least 2 realisations, got " + std::to_string(results.size()));
    EnsembleKs ks;
    ks.realisations = static_cast<int>(results.size());
    for (const PopulationStats& p : results[0].populations) ks.populations.push_back(p.name);
    for (std::size_t r = 1; r < results.size(); ++r) {
        bool same = results[r].populations.size() == ks.populations.size();
        for (std::size_t p = 0; same && p < ks.populations.size(); ++p)
            same = results[r].populations[p].name == ks.populations[p];
        if (!same)
            throw ConfigError("realisation " + std::to_string(r) + " has other populations than realisation 0");
    }
    for (auto& stat : ks.distances) stat.assign(ks.populations.size(), {});
    for (std::size_t p = 0; p < ks.populations.size(); ++p)
        for (std::size_t i = 0; i < results.size(); ++i)
            for (std::size_t j = i + 1; j < results.size(); ++j) {
                const PopulationStats& a = results[i].populations[p];
                const PopulationStats& b = results[j].populations[p];
                ks.distances[0][p].push_back(ksDistance(a.rates, b.rates));
                ks.distances[1][p].push_back(ksDistance(a.cvs, b.cvs));
                ks.distances[2][p].push_back(ksDistance(a.ccs, b.ccs));
            }
    return ks;
}

std::string ensembleJson(const EnsembleKs& ks, int statistic) {
    using nlohmann::ordered_json;
    auto value = [](double d) { return std::isfinite(d) ? ordered_json(d) : ordered_json(nullptr); };
    ordered_json out = ordered_json::object();
    for (std::size_t p = 0; p < ks.populations.size(); ++p) {
        const std::vector<double>& d = ks.distances[static_cast<std::size_t>(statistic)][p];
        ordered_json seeds = ordered_json::object(), list = ordered_json::array();
        std::size_t k = 0;
        for (int i = 0; i < ks.realisations; ++i) {
            ordered_json row = ordered_json::object();
            for (int j = i + 1; j < ks.realisations; ++j, ++k) {
                row[std::to_string(j)] = value(d[k]);
                list.push_back(value(d[k]));
            }
            seeds[std::to_string(i)] = row;
        }
        out[ks.populations[p]] = {{"seeds", seeds}, {"list", list}};
    }
    return out.dump(4) + "\n";
}

} // namespace mc
