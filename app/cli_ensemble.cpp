// `microcircuit analyze DIR --ensemble DIR2 ...`: KS distances between all
// pairs of realisations, printed and written like the reference's
// reference_data (ensemble.hpp).
#include "cli_common.hpp"

#include "microcircuit/ensemble.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/file_write.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>

namespace mc::cli {

int analyzeEnsemble(const std::vector<std::string>& dirs, const AnalysisOptions& options, const std::string& outDir,
                    bool quiet, const std::function<void(const EnsembleKs&)>& draw) {
    std::vector<AnalysisResult> results;
    for (const std::string& dir : dirs) {
        if (!quiet) std::fprintf(stderr, "analysing %s\n", dir.c_str());
        results.push_back(analyzeSpikes(readSpikeFolder(dir), options));
    }
    const EnsembleKs ks = ensembleKs(results);
    const int pairs = ks.realisations * (ks.realisations - 1) / 2;
    std::printf("KS distances between the %d pairs of %d realisations (mean, sd, max over pairs)\n", pairs,
                ks.realisations);
    std::printf("%-6s %-24s %-24s %-24s\n", "pop", "rates", "ISI CVs", "correlations");
    for (std::size_t p = 0; p < ks.populations.size(); ++p) {
        std::printf("%-6s", ks.populations[p].c_str());
        for (int s = 0; s < 3; ++s) {
            const auto& d = ks.distances[static_cast<std::size_t>(s)][p];
            double mx = NAN;
            for (double v : d)
                if (std::isfinite(v) && !(v <= mx)) mx = v;
            char cell[64];
            if (std::isfinite(meanOf(d)))
                std::snprintf(cell, sizeof cell, "%.3f %.3f %.3f", meanOf(d), sdOf(d), mx);
            else
                std::snprintf(cell, sizeof cell, "-");
            std::printf(" %-24s", cell);
        }
        std::printf("\n");
    }
    std::error_code ec;
    std::filesystem::create_directories(outDir, ec);
    if (ec) throw WriteError("--ensemble-out " + outDir + ": cannot create the folder (" + ec.message() + ")");
    for (int s = 0; s < 3; ++s) {
        const std::string path =
            (std::filesystem::path(outDir) / (std::string(EnsembleKs::kStatistics[static_cast<std::size_t>(s)]) +
                                              "_ks_distances.json"))
                .string();
        writeFileAtomic(path, ensembleJson(ks, s));
    }
    if (!quiet)
        std::fprintf(stderr, "written: %s/{rate,spike_cvs,spike_ccs}_ks_distances.json\n", outDir.c_str());
    if (draw) draw(ks);
    return 0;
}

} // namespace mc::cli
