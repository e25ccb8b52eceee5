// `microcircuit analyze DIR --ensemble DIR2 ...`: KS distances between all
// pairs of realisations, printed and written like the reference's
// reference_data (ensemble.hpp); and `analyze --ensemble SWEEPDIR`: the same
// for the seeds of every grid point of a sweep.
#include "cli_common.hpp"

#include "microcircuit/ensemble.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/file_write.hpp"
#include "microcircuit/sweep.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>

namespace mc::cli {
namespace {

namespace fs = std::filesystem;

double maxOf(const std::vector<double>& d) {
    double mx = NAN;
    for (double v : d)
        if (std::isfinite(v) && !(v <= mx)) mx = v;
    return mx;
}

void printKs(const EnsembleKs& ks) {
    const int pairs = ks.realisations * (ks.realisations - 1) / 2;
    std::printf("KS distances between the %d pairs of %d realisations (mean, sd, max over pairs)\n", pairs,
                ks.realisations);
    std::printf("%-6s %-24s %-24s %-24s\n", "pop", "rates", "ISI CVs", "correlations");
    for (std::size_t p = 0; p < ks.populations.size(); ++p) {
        std::printf("%-6s", ks.populations[p].c_str());
        for (int s = 0; s < 3; ++s) {
            const auto& d = ks.distances[static_cast<std::size_t>(s)][p];
            char cell[64];
            if (std::isfinite(meanOf(d)))
                std::snprintf(cell, sizeof cell, "%.3f %.3f %.3f", meanOf(d), sdOf(d), maxOf(d));
            else
                std::snprintf(cell, sizeof cell, "-");
            std::printf(" %-24s", cell);
        }
        std::printf("\n");
    }
}

void writeKs(const EnsembleKs& ks, const std::string& outDir, const std::string& flag) {
    std::error_code ec;
    fs::create_directories(outDir, ec);
    if (ec) throw WriteError(flag + " " + outDir + ": cannot create the folder (" + ec.message() + ")");
    for (int s = 0; s < 3; ++s)
        writeFileAtomic((fs::path(outDir) / (std::string(EnsembleKs::kStatistics[static_cast<std::size_t>(s)]) +
                                             "_ks_distances.json"))
                            .string(),
                        ensembleJson(ks, s));
}

std::string csvNumber(double v) {
    if (!std::isfinite(v)) return "";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

/// A swept value in a CSV cell, as summary.csv writes it.
std::string csvValue(const std::string& jsonText) {
    const auto v = nlohmann::ordered_json::parse(jsonText);
    std::string s = v.is_string() ? v.get<std::string>() : v.dump();
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

/// The statistics of one realisation. One silent over the whole (known)
/// interval, which analyzeSpikes refuses, is still a realisation: every rate
/// 0 Hz, no CVs, no defined correlations.
AnalysisResult analyzePoint(const std::string& dir, const AnalysisOptions& options) {
    const SpikeData data = readSpikeFolder(dir);
    const double tMin = options.tMin >= 0 ? options.tMin : data.tPresim;
    const double tMax = options.tMax >= 0 ? options.tMax : data.tEnd;
    std::size_t inside = 0;
    for (const PopulationSpikes& pop : data.populations) inside += clipTrain(pop.times, tMin, tMax).size();
    if (inside > 0 || !(tMin >= 0 && tMax > tMin)) return analyzeSpikes(data, options);
    AnalysisResult r;
    r.tMin = tMin;
    r.tMax = tMax;
    r.options = options;
    for (const PopulationSpikes& pop : data.populations) {
        PopulationStats s;
        s.name = pop.name;
        s.numNeurons = pop.size();
        s.rates.assign(static_cast<std::size_t>(std::max(0, s.numNeurons)), 0.0);
        s.meanCv = s.meanCc = NAN;
        r.populations.push_back(std::move(s));
    }
    return r;
}

} // namespace

int analyzeEnsemble(const std::vector<std::string>& dirs, const AnalysisOptions& options, const std::string& outDir,
                    bool quiet, const std::function<void(const EnsembleKs&)>& draw) {
    std::vector<AnalysisResult> results;
    for (const std::string& dir : dirs) {
        if (!quiet) std::fprintf(stderr, "analysing %s\n", dir.c_str());
        results.push_back(analyzePoint(dir, options));
    }
    const EnsembleKs ks = ensembleKs(results);
    printKs(ks);
    writeKs(ks, outDir, "--ensemble-out");
    if (!quiet)
        std::fprintf(stderr, "written: %s/{rate,spike_cvs,spike_ccs}_ks_distances.json\n", outDir.c_str());
    if (draw) draw(ks);
    return 0;
}

bool isSweepFolder(const std::string& dir) {
    std::error_code ec;
    return fs::is_regular_file(fs::path(dir) / "sweep.json", ec);
}

int analyzeSweepEnsemble(const std::string& sweepDir, const AnalysisOptions& options, const std::string& outDir,
                         bool quiet, const std::function<void(const EnsembleKs&, const std::string&)>& draw) {
    const SweepSpec spec = readSweep(sweepDir);
    const std::vector<SweepPoint> points = expandSweep(spec);
    if (!spec.record)
        throw ConfigError("--ensemble " + sweepDir + ": the sweep ran with --no-record, so its points have no spike "
                          "files; the KS distances need the spikes (run the sweep without --no-record)");
    const auto groups = seedGroups(spec, points);
    if (groups.front().size() < 2)
        throw ConfigError("--ensemble " + sweepDir + ": the sweep has one seed per grid point; the KS distances "
                          "between seeds need --seeds 2 or more");
    std::string missing;
    int nMissing = 0;
    for (const SweepPoint& p : points)
        if (!pointFinished(sweepDir, spec, p)) {
            if (++nMissing <= 20) missing += " " + std::to_string(p.index);
        }
    if (nMissing > 0)
        throw ConfigError("--ensemble " + sweepDir + ": " + std::to_string(nMissing) + " of " +
                          std::to_string(points.size()) + " points are not finished yet:" + missing +
                          (nMissing > 20 ? " ..." : "") + " (rerun the sweep to finish them)");
    // ks_summary.csv: one row per grid point and population.
    std::vector<std::string> fields;
    for (const SweepAxis& a : spec.axes)
        if (a.field != "sim.rng_seed") fields.push_back(a.field);
    std::string csv = "grid_point";
    for (const std::string& f : fields) csv += "," + f;
    csv += ",points,population";
    for (const char* s : EnsembleKs::kStatistics)
        for (const char* m : {"mean", "sd", "max"}) csv += std::string(",") + s + "_ks_" + m;
    csv += "\n";
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (std::size_t g = 0; g < groups.size(); ++g) {
        const SweepPoint& first = points[static_cast<std::size_t>(groups[g].front())];
        std::vector<AnalysisResult> results;
        std::string where, list;
        for (std::size_t a = 0; a < spec.axes.size(); ++a)
            if (spec.axes[a].field != "sim.rng_seed") where += " " + spec.axes[a].field + "=" + first.values[a];
        for (int i : groups[g]) {
            list += (list.empty() ? "" : " ") + std::to_string(i);
            results.push_back(analyzePoint((fs::path(sweepDir) / points[static_cast<std::size_t>(i)].folder).string(), options));
        }
        const EnsembleKs ks = ensembleKs(results);
        char name[32];
        std::snprintf(name, sizeof name, "%04zu", g);
        std::printf("%sgrid point %zu:%s (points %s)\n", g ? "\n" : "", g, where.c_str(), list.c_str());
        printKs(ks);
        const std::string groupDir = (fs::path(outDir) / name).string();
        writeKs(ks, groupDir, "--ensemble-out");
        for (std::size_t p = 0; p < ks.populations.size(); ++p) {
            csv += std::to_string(g);
            nlohmann::ordered_json row;
            row["grid_point"] = g;
            for (std::size_t a = 0; a < spec.axes.size(); ++a)
                if (spec.axes[a].field != "sim.rng_seed") {
                    csv += "," + csvValue(first.values[a]);
                    row[spec.axes[a].field] = nlohmann::ordered_json::parse(first.values[a]);
                }
            csv += "," + list + "," + ks.populations[p];
            row["points"] = groups[g];
            row["population"] = ks.populations[p];
            for (int s = 0; s < 3; ++s) {
                const auto& d = ks.distances[static_cast<std::size_t>(s)][p];
                const double stats[3] = {meanOf(d), sdOf(d), maxOf(d)};
                const char* names[3] = {"mean", "sd", "max"};
                for (int m = 0; m < 3; ++m) {
                    csv += "," + csvNumber(stats[m]);
                    const std::string key = std::string(EnsembleKs::kStatistics[static_cast<std::size_t>(s)]) + "_ks_" + names[m];
                    row[key] = std::isfinite(stats[m]) ? nlohmann::ordered_json(stats[m]) : nlohmann::ordered_json(nullptr);
                }
            }
            csv += "\n";
            rows.push_back(row);
        }
        if (draw) draw(ks, groupDir);
    }
    writeFileAtomic((fs::path(outDir) / "ks_summary.csv").string(), csv);
    nlohmann::ordered_json j;
    j["sweep"] = fs::absolute(sweepDir).lexically_normal().string();
    j["rows"] = rows;
    writeFileAtomic((fs::path(outDir) / "ks_summary.json").string(), j.dump(2) + "\n");
    if (!quiet)
        std::fprintf(stderr,
                     "written: %s/NNNN/{rate,spike_cvs,spike_ccs}_ks_distances.json for %zu grid points, and "
                     "%s/ks_summary.csv and .json\n",
                     outDir.c_str(), groups.size(), outDir.c_str());
    return 0;
}

} // namespace mc::cli
