// Seed ensembles, as the reference's reference_data pipeline compares
// network realisations: for each population and statistic (rates, ISI CVs,
// spike-count correlations), the Kolmogorov-Smirnov distance between every
// pair of realisations i < j, written like its rate_ks_distances.json,
// spike_cvs_ks_distances.json and spike_ccs_ks_distances.json.
#pragma once

#include "microcircuit/analysis.hpp"

#include <array>
#include <string>
#include <vector>

namespace mc {

struct EnsembleKs {
    static constexpr std::array<const char*, 3> kStatistics{"rate", "spike_cvs", "spike_ccs"};
    std::vector<std::string> populations;
    int realisations = 0;
    /// [statistic][population][pair], pairs in the order (0,1), (0,2), ...,
    /// (1,2), ...; NaN where a side has no values.
    std::array<std::vector<std::vector<double>>, 3> distances;
};

/// KS distances between all pairs of the results (matched by population
/// index). Throws ConfigError for fewer than 2 results or differing
/// population lists.
EnsembleKs ensembleKs(const std::vector<AnalysisResult>& results);

/// One statistic as the reference writes it:
/// {"L23E": {"seeds": {"0": {"1": d01, "2": d02}, "1": {"2": d12}, "2": {}}, "list": [d01, d02, d12]}, ...}
/// (undefined distances are null).
std::string ensembleJson(const EnsembleKs& ks, int statistic);

} // namespace mc
