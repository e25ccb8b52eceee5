// Pieces shared by the headless subcommands.
#pragma once

#include "microcircuit/analysis.hpp"
#include "microcircuit/ensemble.hpp"
#include "microcircuit/params.hpp"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mc::cli {

/// Flags that describe the model, shared by `run` and `bench`.
struct ModelFlags {
    // Unset options stay empty, so any value given (0, -1 ...) is validated.
    std::vector<std::string> configs;
    std::optional<double> scale, nScaling, kScaling;
    std::optional<double> tPresim, tSim, dt;
    std::optional<std::string> seed; ///< parsed by parseSeed (a double would round above 2^53)
    std::optional<int> threads;
    std::string drive, v0;
    bool thalamic = false, dcTransient = false;

    void add(CLI::App& cmd, bool full);
    /// Defaults, then config files, then flags; validated. Throws ConfigError.
    Config resolve() const;
};

/// A seed given as text: a whole number from 0 to 2^64 - 1, parsed exactly.
/// Throws ConfigError naming `flag`.
std::uint64_t parseSeed(const char* flag, const std::string& text);

/// A CLI11 check refusing an empty path (CLI11 names the flag).
CLI::Validator nonEmptyPath();

/// Progress line on stderr ("building 42% placing synapses").
class ProgressLine {
public:
    explicit ProgressLine(bool enabled);
    void show(const std::string& label, double fraction, const std::string& detail = {});
    void done();

private:
    bool m_enabled;
    int m_lastPermille = -1;
    std::string m_lastLabel;
};

/// Peak resident memory of this process (MB).
double peakRssMb();
/// Refuses (ConfigError) a network whose estimated memory exceeds what the
/// machine has; names --threads when the threads' buffers are the cause.
void checkMemory(const Config& config, int threads);

/// `analyze --ensemble`: statistics of every folder, KS distances between all
/// pairs, printed and written into outDir as the reference's
/// {rate,spike_cvs,spike_ccs}_ks_distances.json (cli_ensemble.cpp).
/// `draw`, when set, draws the ensemble figure from the distances.
int analyzeEnsemble(const std::vector<std::string>& dirs, const AnalysisOptions& options, const std::string& outDir,
                    bool quiet, const std::function<void(const EnsembleKs&)>& draw = {});
/// Whether `dir` is a sweep folder (holds sweep.json).
bool isSweepFolder(const std::string& dir);
/// `analyze --ensemble SWEEPDIR`: the KS distances between the seeds of every
/// grid point (points differing only in seed), each written into
/// outDir/NNNN/ (NNNN: the grid point), with outDir/ks_summary.csv and .json
/// (mean, sd, max over the pairs per grid point and population). `draw`,
/// when set, draws each grid point's ensemble figure into its folder.
int analyzeSweepEnsemble(const std::string& sweepDir, const AnalysisOptions& options, const std::string& outDir,
                         bool quiet, const std::function<void(const EnsembleKs&, const std::string&)>& draw = {});

} // namespace mc::cli
