// `microcircuit analyze DIR`: validation statistics of any spike folder in the
// reference's format (ours or NEST's), optionally compared with a second one.
#include "cli.hpp"
#include "cli_common.hpp"
#include "cli_activity.hpp"

#include "microcircuit/analysis.hpp"
#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/file_write.hpp"
#include "microcircuit/spike_data.hpp"

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <cstdio>
#include <memory>
#include <optional>

namespace mc::cli {
namespace {

struct AnalyzeOptions {
    std::string dir, reference, figuresOut;
    std::optional<double> tMin, tMax;
    int subsample = 200;
    std::string seed = "12345";
    bool json = false, figures = false, quiet = false;
    bool spectra = false, psth = false, health = false;
    std::vector<double> onsets;
    std::string out;
    std::vector<std::string> formats;
    std::vector<std::string> ensemble;
    std::string ensembleOut; ///< empty: ./ensemble, or SWEEPDIR/ensemble for a sweep
};

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

SpikeData readWithProgress(const std::string& dir, bool showProgress, bool quiet) {
    ProgressLine line(showProgress);
    const auto start = std::chrono::steady_clock::now();
    SpikeData data = readSpikeFolder(dir, [&](double f, const std::string& file) { line.show("reading", f, file); });
    line.done();
    for (const std::string& w : data.warnings)
        std::fprintf(stderr, "warning: %s\n", w.c_str());
    if (!quiet)
        std::fprintf(stderr, "read %zu spikes from %zu files in %s in %.2f s\n", data.totalSpikes, data.files.size(),
                     dir.c_str(), secondsSince(start));
    return data;
}

/// A number for the table: "-" when undefined.
std::string num(double x, int precision) {
    if (!std::isfinite(x)) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", precision, x);
    return buf;
}

void printTable(const AnalysisResult& r, const AnalysisResult* ref, const std::vector<KsDistances>& ks) {
    std::printf("interval %.1f-%.1f ms, %zu spikes; correlations on %.0f ms bins of %d-neuron subsamples\n", r.tMin,
                r.tMax, r.spikes, r.options.ccBinMs, r.options.subsample);
    std::printf("%-5s %8s %10s %9s %8s %8s %7s %7s\n", "pop", "neurons", "rate (Hz)", "sd (Hz)", "mean CV", "mean CC",
                "n CV", "n CC");
    for (const PopulationStats& p : r.populations)
        std::printf("%-5s %8d %10s %9s %8s %8s %7zu %7zu\n", p.name.c_str(), p.numNeurons, num(p.meanRate, 3).c_str(),
                    num(p.stdRate, 3).c_str(), num(p.meanCv, 3).c_str(), num(p.meanCc, 4).c_str(), p.cvs.size(),
                    p.ccs.size());
    if (!ref) return;
    std::printf("\nreference: interval %.1f-%.1f ms, %zu spikes\n", ref->tMin, ref->tMax, ref->spikes);
    std::printf("%-5s %10s %8s %8s   %s\n", "pop", "rate (Hz)", "mean CV", "mean CC",
                "KS distance: rates   CVs     CCs");
    for (std::size_t p = 0; p < ref->populations.size(); ++p) {
        const PopulationStats& q = ref->populations[p];
        const KsDistances k = p < ks.size() ? ks[p] : KsDistances{NAN, NAN, NAN};
        std::printf("%-5s %10s %8s %8s   %19s %7s %7s\n", q.name.c_str(), num(q.meanRate, 3).c_str(),
                    num(q.meanCv, 3).c_str(), num(q.meanCc, 4).c_str(), num(k.rates, 4).c_str(), num(k.cvs, 4).c_str(),
                    num(k.ccs, 4).c_str());
    }
}

nlohmann::json jsonNumber(double x) {
    return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
}

void printJson(const AnalysisResult& r, const std::vector<KsDistances>* ks, const HealthReport* health) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (std::size_t p = 0; p < r.populations.size(); ++p) {
        const PopulationStats& s = r.populations[p];
        nlohmann::ordered_json j;
        j["mean_rate"] = jsonNumber(s.meanRate);
        j["std_rate"] = jsonNumber(s.stdRate);
        j["mean_cv"] = jsonNumber(s.meanCv);
        j["mean_cc"] = jsonNumber(s.meanCc);
        j["n_neurons"] = s.numNeurons;
        j["n_cvs"] = s.cvs.size();
        j["n_ccs"] = s.ccs.size();
        j["spikes"] = s.spikes;
        j["t_min"] = r.tMin;
        j["t_max"] = r.tMax;
        if (ks && p < ks->size())
            j["ks"] = {{"rates", jsonNumber((*ks)[p].rates)},
                       {"cvs", jsonNumber((*ks)[p].cvs)},
                       {"ccs", jsonNumber((*ks)[p].ccs)}};
        out[s.name] = std::move(j);
    }
    if (health) out["health"] = healthJson(*health); // only with --health: the keys are otherwise the populations
    std::printf("%s\n", out.dump(2).c_str());
}

int analyze(const AnalyzeOptions& opt, const AnalysisFigures& figures, const EnsembleFigures& ensembleFigures) {
    if (opt.figures && !figures) throw ConfigError("--figures needs the Qt build of microcircuit (MC_BUILD_GUI=ON)");
    AnalysisOptions options;
    if (opt.tMin) {
        if (!std::isfinite(*opt.tMin)) throw ConfigError("--t-min " + std::to_string(*opt.tMin) + " must be a finite number of ms");
        if (*opt.tMin < 0.0) throw ConfigError("--t-min " + num(*opt.tMin, 3) + " must be >= 0 ms");
        options.tMin = *opt.tMin;
    }
    if (opt.tMax) {
        if (!std::isfinite(*opt.tMax) || *opt.tMax < 0.0)
            throw ConfigError("--t-max " + std::to_string(*opt.tMax) + " must be a finite number >= 0 ms");
        options.tMax = *opt.tMax;
    }
    options.subsample = opt.subsample;
    options.seed = parseSeed("--seed", opt.seed);
    const bool progress = !opt.quiet && isatty(STDERR_FILENO);
    for (double t : opt.onsets)
        if (!std::isfinite(t) || t < 0.0)
            throw ConfigError("--onsets " + num(t, 3) + ": onsets must be finite times >= 0 ms");
    if (!opt.onsets.empty() && !opt.psth) throw ConfigError("--onsets goes with --psth");
    if (!opt.ensemble.empty()) {
        if (!opt.reference.empty() || opt.json || opt.spectra || opt.psth || opt.health)
            throw ConfigError("--ensemble goes without --reference, --json, --spectra, --psth and --health (it writes "
                              "JSON files into --ensemble-out)");
        std::vector<std::string> dirs;
        if (!opt.dir.empty()) dirs.push_back(opt.dir);
        dirs.insert(dirs.end(), opt.ensemble.begin(), opt.ensemble.end());
        if (dirs.size() == 1 && isSweepFolder(dirs.front())) {
            // The seeds of each grid point of a sweep (docs/sweeps.md, "Seed ensembles").
            const std::string out = opt.ensembleOut.empty() ? (std::filesystem::path(dirs.front()) / "ensemble").string()
                                                            : opt.ensembleOut;
            std::function<void(const EnsembleKs&, const std::string&)> draw;
            if (opt.figures) {
                if (!ensembleFigures) throw ConfigError("--figures needs the Qt build of microcircuit (MC_BUILD_GUI=ON)");
                const std::vector<std::string> formats = opt.formats.empty() ? std::vector<std::string>{"png"} : opt.formats;
                draw = [&, formats](const EnsembleKs& ks, const std::string& groupDir) {
                    const std::string figOut =
                        opt.figuresOut.empty() ? groupDir
                                               : (std::filesystem::path(opt.figuresOut) /
                                                  std::filesystem::path(groupDir).filename())
                                                     .string();
                    ensembleFigures(ks, figOut, formats);
                };
            }
            return analyzeSweepEnsemble(dirs.front(), options, out, opt.quiet, draw);
        }
        for (const std::string& d : dirs)
            if (isSweepFolder(d))
                throw ConfigError("--ensemble: " + d + " is a sweep folder; give it alone (microcircuit analyze "
                                  "--ensemble " + d + ") for the KS distances between the seeds of each of its grid "
                                  "points, or give its point folders (" + d + "/points/NNNN)");
        if (dirs.size() < 2)
            throw ConfigError("--ensemble needs at least two realisations: analyze DIR --ensemble DIR2 [DIR3 ...], or "
                              "one sweep folder: analyze --ensemble SWEEPDIR");
        const std::string ensembleOut = opt.ensembleOut.empty() ? "ensemble" : opt.ensembleOut;
        std::function<void(const EnsembleKs&)> draw;
        if (opt.figures) {
            if (!ensembleFigures) throw ConfigError("--figures needs the Qt build of microcircuit (MC_BUILD_GUI=ON)");
            const std::string out = opt.figuresOut.empty() ? ensembleOut : opt.figuresOut;
            const std::vector<std::string> formats = opt.formats.empty() ? std::vector<std::string>{"png"} : opt.formats;
            draw = [&, out, formats](const EnsembleKs& ks) {
                ensembleFigures(ks, out, formats);
                if (!opt.quiet) std::fprintf(stderr, "ensemble figure written to %s/ensemble_ks\n", out.c_str());
            };
        }
        return analyzeEnsemble(dirs, options, ensembleOut, opt.quiet, draw);
    }
    if (opt.dir.empty())
        throw ConfigError("analyze needs a folder: microcircuit analyze DIR (or analyze --ensemble SWEEPDIR)");
    if (isSweepFolder(opt.dir))
        throw ConfigError(opt.dir + " is a sweep folder: analyze one of its points (" + opt.dir +
                          "/points/NNNN), or the KS distances between its seeds with microcircuit analyze --ensemble " +
                          opt.dir);

    const SpikeData data = readWithProgress(opt.dir, progress, opt.quiet);
    auto start = std::chrono::steady_clock::now();
    const AnalysisResult result = analyzeSpikes(data, options);
    if (!opt.quiet) std::fprintf(stderr, "analysed %s in %.2f s\n", opt.dir.c_str(), secondsSince(start));

    std::optional<AnalysisResult> ref;
    std::vector<KsDistances> ks;
    if (!opt.reference.empty()) {
        const SpikeData refData = readWithProgress(opt.reference, progress, opt.quiet);
        start = std::chrono::steady_clock::now();
        ref = analyzeSpikes(refData, options);
        if (!opt.quiet) std::fprintf(stderr, "analysed %s in %.2f s\n", opt.reference.c_str(), secondsSince(start));
        if (ref->populations.size() != result.populations.size())
            throw ConfigError(opt.reference + ": has " + std::to_string(ref->populations.size()) + " populations, " +
                              opt.dir + " has " + std::to_string(result.populations.size()));
        ks = compareResults(result, *ref);
    }
    const HealthReport health = folderHealth(data, result.tMin, result.tMax, opt.dir);
    if (opt.json) {
        printJson(result, ref ? &ks : nullptr, opt.health ? &health : nullptr);
    } else {
        printTable(result, ref ? &*ref : nullptr, ks);
        std::printf("\n");
        printHealth(health, opt.health);
    }
    const std::string outDir = opt.out.empty() ? opt.dir : opt.out;
    if ((opt.spectra || opt.psth) && !std::filesystem::is_directory(outDir))
        throw ConfigError("--out " + outDir + ": not a folder (spectra and PSTHs are written into a folder)");
    if (opt.spectra) writeSpectra(data, result.tMin, result.tMax, outDir, opt.json, opt.quiet);
    if (opt.psth) writePsth(data, opt.onsets, opt.dir, outDir, opt.json, opt.quiet);

    if (opt.figures) {
        const std::string out = opt.figuresOut.empty() ? opt.dir : opt.figuresOut;
        const std::vector<std::string> formats = opt.formats.empty() ? std::vector<std::string>{"png"} : opt.formats;
        figures(data, result, ref ? &*ref : nullptr, out, formats);
        if (!opt.quiet) std::fprintf(stderr, "figures written to %s\n", out.c_str());
    }
    return 0;
}

} // namespace

void addAnalyzeCommand(CLI::App& app, std::function<int()>& action, AnalysisFigures figures,
                       EnsembleFigures ensembleFigures) {
    auto opt = std::make_shared<AnalyzeOptions>();
    auto* cmd = app.add_subcommand(
        "analyze",
        "validation statistics (rates, ISI CVs, spike-count correlations) of a spike folder, ours or NEST's");
    cmd->add_option("DIR", opt->dir,
                    "folder with population_nodeids.dat and spike_recorder-*.dat or *.gdf files, or a SONATA report *.h5")
        ->check(nonEmptyPath());
    cmd->add_option("--t-min", opt->tMin, "start of the analysed interval (ms, default: t_presim from sim_dict.json, else 500)");
    cmd->add_option("--t-max", opt->tMax,
                    "end of the interval (ms, default: t_presim + t_sim from sim_dict.json, else the last spike)");
    cmd->add_option("--subsample", opt->subsample, "neurons per population for correlations, 2 to 5000 (default 200)")
        ->check(CLI::Range(2, kMaxSubsample));
    cmd->add_option("--seed", opt->seed,
                    "seed of the correlation subsample, a whole number from 0 to 2^64 - 1 (default 12345)")->type_name("UINT64");
    cmd->add_option("--reference", opt->reference, "second folder (e.g. NEST's): adds KS distances per statistic")
        ->check(nonEmptyPath());
    cmd->add_option("--ensemble", opt->ensemble,
                    "more realisations (folders) of the same model: KS distances between all pairs of DIR and these; "
                    "or one sweep folder alone: KS distances between the seeds of each of its grid points")
        ->check(nonEmptyPath());
    cmd->add_option("--ensemble-out", opt->ensembleOut,
                    "folder for rate/spike_cvs/spike_ccs_ks_distances.json (default: ./ensemble; SWEEPDIR/ensemble "
                    "for a sweep)")
        ->check(nonEmptyPath());
    cmd->add_flag("--json", opt->json, "print one JSON object keyed by population name (with --health also a \"health\" key)");
    cmd->add_flag("--figures", opt->figures, "draw raster, box plot and distribution figures");
    cmd->add_option("--figures-out", opt->figuresOut, "folder for the figures (default: DIR)")
        ->check(nonEmptyPath());
    cmd->add_option("--format", opt->formats, "figure formats: png, svg, pdf (repeatable; default png)")
        ->check(CLI::IsMember({"png", "svg", "pdf"}));
    cmd->add_flag("--health", opt->health,
                  "per population: rate against the reference's, mean CV, Fano factor, state (the verdict is always printed)");
    cmd->add_flag("--spectra", opt->spectra,
                  "Welch power spectra of each population's rate (1 ms bins, to 500 Hz): spectra.csv and spectra.json");
    cmd->add_flag("--psth", opt->psth,
                  "PSTHs around the thalamic pulses (-50 to +150 ms, 1 ms bins, mean and s.e.m.): psth.csv and psth.json");
    cmd->add_option("--onsets", opt->onsets, "pulse onsets for --psth (ms, comma-separated; default: the folder's pulses)")
        ->delimiter(',');
    cmd->add_option("--out", opt->out, "folder for spectra and PSTH files (default: DIR)")->check(nonEmptyPath());
    cmd->add_flag("-q,--quiet", opt->quiet, "no progress line");
    cmd->callback([opt, &action, figures, ensembleFigures] {
        action = [opt, figures, ensembleFigures] { return analyze(*opt, figures, ensembleFigures); };
    });
}

} // namespace mc::cli
