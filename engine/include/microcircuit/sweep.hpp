// Parameter sweeps (docs/sweeps.md): a cartesian grid over configuration
// fields and seeds. Each point runs into its own run folder with the run
// folder safety of run_target.hpp; sweep.json lists the points, and
// summary.csv / summary.json hold one row per point and population.
//
// Folder layout of a sweep DIR:
//   DIR/sweep.json            the specification and the list of points
//   DIR/points/NNNN/          one run folder per point (configuration,
//                             spikes unless not recording, stats.json)
//   DIR/summary.csv, .json    written when every point is done (and by collect)
//   DIR/slurm/                job-array script and points file (--slurm)
// Nothing depends on which process or machine ran a point, so local and
// Slurm runs of the same sweep give byte-identical summaries.
#pragma once

#include "microcircuit/health.hpp"
#include "microcircuit/params.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mc {

/// One swept field: its dotted configuration path ("net.g") and its values,
/// each as JSON text ("-3.5", "true", "\"poisson\"").
struct SweepAxis {
    std::string field;
    std::vector<std::string> values;
};

struct SweepSpec {
    Config base;                      ///< everything not swept (t_sim, scale, ...)
    std::vector<SweepAxis> axes;      ///< outermost first
    std::vector<std::uint64_t> seeds; ///< sim.rng_seed of each realisation (innermost)
    bool record = true;               ///< write spike files
};

struct SweepPoint {
    int index = 0;
    std::vector<std::string> values; ///< one per axis, JSON text
    std::uint64_t seed = 0;
    Config config;
    std::string folder; ///< relative to the sweep folder: "points/0007"
};

/// Parses the value of `--set FIELD=VALUES`: a range "a:b:step" (from a
/// towards b in steps of |step|, b included when it falls on the grid), a
/// list "v1,v2,..." or one value. Every value is checked against `base`.
/// Throws ConfigError naming the flag, field and value.
SweepAxis parseSweepAxis(const std::string& text, const Config& base);
/// Reads a sweep file (JSON, see docs/sweeps.md) on top of `spec`.
void applySweepFile(SweepSpec& spec, const std::string& path);
/// The configuration of every point (validated). Throws ConfigError.
std::vector<SweepPoint> expandSweep(const SweepSpec& spec);

/// sweep.json: the specification and the points; and back.
std::string sweepToJson(const SweepSpec& spec, const std::vector<SweepPoint>& points);
SweepSpec sweepFromJson(const std::string& text, const std::string& origin);
/// Reads DIR/sweep.json. Throws ConfigError if it is missing or invalid.
SweepSpec readSweep(const std::string& dir);
/// Makes `dir` the folder of the sweep whose sweep.json is `sweepJson`:
/// creates it and writes sweep.json, or, if it already holds exactly this
/// sweep, leaves it as it is (to resume). `flag` names the folder in messages
/// ("--out" on the command line). Throws ConfigError for a folder holding a
/// different sweep, a non-empty folder without sweep.json, or one that cannot
/// be created.
void prepareSweepFolder(const std::string& dir, const std::string& sweepJson, const std::string& flag);
/// Points that differ only in their seed (the realisations of one grid
/// point), each group in point order, groups in the order of their first point.
std::vector<std::vector<int>> seedGroups(const SweepSpec& spec, const std::vector<SweepPoint>& points);

/// Statistics of one population at one point (stats.json of the point).
struct PointPopulationStats {
    std::string population;
    double meanRate = 0, stdRate = 0, meanCv = 0, meanCc = 0; ///< NaN when undefined
    double synchrony = 0;                                     ///< health.hpp's index; NaN when undefined
    ActivityState state = ActivityState::Silent;
};

/// The statistics of a finished point, from its stats.json. Throws
/// ConfigError naming the file when it is missing or not a point's statistics.
std::vector<PointPopulationStats> readPointStatistics(const std::string& dir, const SweepPoint& point);

/// Whether point `b` can run on a network built for point `a` with spikes
/// identical to a fresh build: same seed and rebuild fields, and only live
/// fields that leave the built synapses' weights and the drive derivation
/// unchanged (docs/sweeps.md, "Reuse").
bool canReuseNetwork(const Config& a, const Config& b);

struct SweepRunOptions {
    int jobs = 0;    ///< points run at once; 0 = as many as the cores allow
    int cores = 0;   ///< worker threads in all; 0 = all cores
    bool reuse = true;
    const std::atomic<bool>* cancel = nullptr;
    /// Called (from any worker, serialised) when a point starts or ends.
    std::function<void(const SweepPoint& point, bool finished)> progress;
};

struct SweepRunResult {
    int done = 0;      ///< points finished now
    int skipped = 0;   ///< points already finished before
    int failed = 0;    ///< points that stopped with an error
    bool cancelled = false;
    std::vector<std::string> errors;
    int builds = 0; ///< networks built
};

/// True when the point's folder holds a finished point of this sweep (its
/// stats.json names this point and configuration, and its spike files exist
/// when recording).
bool pointFinished(const std::string& dir, const SweepSpec& spec, const SweepPoint& point);

/// Runs the given points (indices into `points`) of the sweep in `dir`,
/// skipping finished ones. Never throws for one point's failure (it is
/// counted and named in errors).
SweepRunResult runSweepPoints(const std::string& dir, const SweepSpec& spec, const std::vector<SweepPoint>& points,
                              const std::vector<int>& which, const SweepRunOptions& options);

/// Reads every point's stats.json and writes summary.csv and summary.json
/// atomically. Returns the indices of points not finished (nothing is written
/// then, unless `partial`, which writes the rows of the finished points).
/// `s` as one CSV cell: quoted (inner quotes doubled) when it holds a comma,
/// a quote or a line end; as it is otherwise.
std::string csvField(const std::string& s);

std::vector<int> writeSummary(const std::string& dir, const SweepSpec& spec, const std::vector<SweepPoint>& points,
                              bool partial = false);

struct SlurmOptions {
    std::string partition, time, account;
    int cpusPerTask = 1;
    int pointsPerTask = 1;
    std::string executable; ///< absolute path of microcircuit
};
/// Writes DIR/slurm/sweep.sbatch (a job array, one task per block of points,
/// each running `microcircuit sweep --point K DIR` for its points) and
/// DIR/slurm/points.txt; returns the script's path.
std::string writeSlurmScript(const std::string& dir, const std::vector<SweepPoint>& points,
                             const SlurmOptions& options);

} // namespace mc
