// `microcircuit sweep`: parameter grids and seed ensembles (docs/sweeps.md).
#include "cli.hpp"
#include "cli_common.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/file_write.hpp"
#include "microcircuit/live.hpp"
#include "microcircuit/sweep.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>

extern char** environ;

namespace mc::cli {
namespace {

namespace fs = std::filesystem;

std::atomic<bool> g_stop{false};
extern "C" void onSweepInterrupt(int) { g_stop = true; }

struct SweepOptions {
    ModelFlags model;
    std::vector<std::string> sets;
    std::string file;
    std::optional<int> seeds;
    std::string out;
    bool noRecord = false, noReuse = false, reuse = false, quiet = false;
    std::optional<int> jobs;
    std::optional<int> point;
    std::string pointDir;
    bool slurm = false, submit = false;
    std::string partition, time, account;
    int cpusPerTask = 1, pointsPerTask = 1;
    std::string collectDir;
    bool partial = false;
    bool figures = false;
    std::vector<std::string> formats;
};

/// --figures before anything runs: the Qt build, known formats, a sweep it can draw.
void checkFigures(const SweepOptions& opt, const SweepFigures& figures, std::size_t axes) {
    if (!opt.figures) {
        if (!opt.formats.empty()) throw ConfigError("--format goes with --figures");
        return;
    }
    if (!figures.draw) throw ConfigError("--figures needs the Qt build of microcircuit (MC_BUILD_GUI=ON)");
    figures.check(axes);
}

int drawFigures(const std::string& dir, const SweepOptions& opt, const SweepFigures& figures) {
    if (!opt.figures) return 0;
    figures.draw(dir, opt.formats.empty() ? std::vector<std::string>{"png"} : opt.formats);
    if (!opt.quiet) std::printf("figures: %s/figures/phase_{rate,cv,synchrony,state}\n", dir.c_str());
    return 0;
}

std::string pointLabel(const SweepSpec& spec, const SweepPoint& p) {
    std::string s = "point " + std::to_string(p.index);
    for (std::size_t a = 0; a < spec.axes.size(); ++a) s += " " + spec.axes[a].field + "=" + p.values[a];
    return s + " seed " + std::to_string(p.seed);
}

std::string duration(double s) {
    char buf[32];
    if (s >= 3600) std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(s / 3600), static_cast<int>(s / 60) % 60);
    else if (s >= 60) std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s / 60), static_cast<int>(s) % 60);
    else std::snprintf(buf, sizeof buf, "%.0fs", s);
    return buf;
}

/// Runs points with a progress line; prints what happened; returns the exit status.
int runPoints(const std::string& dir, const SweepSpec& spec, const std::vector<SweepPoint>& points,
              const std::vector<int>& which, const SweepOptions& opt) {
    std::signal(SIGINT, onSweepInterrupt);
    std::signal(SIGTERM, onSweepInterrupt);
    std::signal(SIGHUP, onSweepInterrupt);
    const bool tty = !opt.quiet && isatty(STDERR_FILENO);
    const auto start = std::chrono::steady_clock::now();
    int finished = 0, finishedAtStart = -1;
    const int total = static_cast<int>(which.size());
    SweepRunOptions run;
    run.jobs = opt.jobs.value_or(0);
    run.cores = opt.model.threads.value_or(0);
    run.reuse = !opt.noReuse;
    run.cancel = &g_stop;
    run.progress = [&](const SweepPoint& p, bool done) {
        if (done) ++finished;
        if (!tty) return;
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::string eta = "ETA -";
        // Points skipped as finished are reported before the first one starts
        // and cost nothing: the ETA follows the points run now.
        if (!done && finishedAtStart < 0) finishedAtStart = finished;
        const int ranNow = finishedAtStart < 0 ? 0 : finished - finishedAtStart;
        if (ranNow > 0 && finished < total) eta = "ETA " + duration(elapsed / ranNow * (total - finished));
        const int width = 20, filled = total > 0 ? finished * width / total : width;
        std::string bar(static_cast<std::size_t>(filled), '#');
        bar.resize(width, '.');
        std::fprintf(stderr, "\r\033[Ksweep [%s] %d/%d points, %s; %s %s", bar.c_str(), finished, total, eta.c_str(),
                     done ? "finished" : "running", pointLabel(spec, p).c_str());
        std::fflush(stderr);
    };
    const SweepRunResult r = runSweepPoints(dir, spec, points, which, run);
    if (tty) std::fputc('\n', stderr);
    for (const std::string& e : r.errors) std::fprintf(stderr, "error: %s\n", e.c_str());
    const int doneAll = r.done + r.skipped;
    if (!opt.quiet)
        std::printf("%d of %d points finished (%d now, %d already done), %d network%s built\n", doneAll, total, r.done,
                    r.skipped, r.builds, r.builds == 1 ? "" : "s");
    if (r.cancelled) {
        std::fprintf(stderr,
                     "interrupted: %d of %d points are finished and valid in %s/points; run the same command again "
                     "to do the other %d\n",
                     doneAll, total, dir.c_str(), total - doneAll);
        return 130;
    }
    return r.failed > 0 ? 1 : 0;
}

std::string selfExecutable() {
    std::error_code ec;
    const fs::path p = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("microcircuit") : p.string();
}

std::string findOnPath(const std::string& name) {
    const char* path = std::getenv("PATH");
    if (!path) return {};
    std::string all = path;
    for (std::size_t start = 0;;) {
        const auto colon = all.find(':', start);
        const std::string dir = all.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
        const fs::path candidate = fs::path(dir.empty() ? "." : dir) / name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
        if (colon == std::string::npos) return {};
        start = colon + 1;
    }
}

int submit(const std::string& script) {
    const std::string sbatch = findOnPath("sbatch");
    if (sbatch.empty())
        throw ConfigError("--submit: there is no sbatch on this machine (not on PATH); the job array is written to " +
                          script + ": submit it on the cluster's login node with sbatch");
    std::vector<std::string> args{sbatch, script};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawn(&pid, sbatch.c_str(), nullptr, nullptr, argv.data(), environ) != 0)
        throw ConfigError("--submit: could not start " + sbatch);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::fprintf(stderr, "error: sbatch refused the job array (see its message above); the script is %s\n",
                     script.c_str());
        return 1;
    }
    return 0;
}

/// --reuse insists that every point runs on its seed's first network:
/// refused, naming the field, when a swept field needs a rebuild or changes
/// the built weights (docs/sweeps.md, "Reuse").
void checkReuse(const SweepSpec& spec, const std::vector<SweepPoint>& points) {
    for (const SweepPoint& p : points) {
        const SweepPoint* first = nullptr;
        for (const SweepPoint& q : points)
            if (q.seed == p.seed) {
                first = &q;
                break;
            }
        if (canReuseNetwork(first->config, p.config)) continue;
        for (std::size_t a = 0; a < spec.axes.size(); ++a)
            if (p.values[a] != first->values[a]) {
                const std::string& f = spec.axes[a].field;
                throw ConfigError("--reuse: the swept field " + f +
                                  (isLiveField(f) ? " changes the built synapses' weights or the neuron parameters "
                                                    "their weights derive from, so a reused network would not give "
                                                    "the spikes of a fresh build"
                                                  : " needs a rebuild of the network (it is not a live field)") +
                                  "; drop --reuse (points that can share a network still do)");
            }
    }
}

int sweepMain(SweepOptions opt, const SweepFigures& figures) {
    if (opt.point) {
        if (opt.pointDir.empty()) throw ConfigError("--point K needs the sweep folder: microcircuit sweep --point K DIR");
        const SweepSpec spec = readSweep(opt.pointDir);
        const auto points = expandSweep(spec);
        if (*opt.point < 0 || *opt.point >= static_cast<int>(points.size()))
            throw ConfigError("--point " + std::to_string(*opt.point) + ": the sweep in " + opt.pointDir + " has points 0 to " +
                              std::to_string(points.size() - 1));
        SweepOptions one = opt;
        one.jobs = 1;
        return runPoints(opt.pointDir, spec, points, {*opt.point}, one);
    }
    if (!opt.pointDir.empty())
        throw ConfigError("a sweep folder as argument goes with --point K (to start a sweep, use --out DIR)");
    if (opt.out.empty()) throw ConfigError("--out DIR: the sweep needs a folder to write into");
    SweepSpec spec;
    spec.base = opt.model.resolve();
    // Threads say how, not what: the same sweep resumed (or run on Slurm)
    // with other --threads is the same sweep. A configuration's
    // sim.local_num_threads still sets the sweep's threads when --threads is not given.
    if (!opt.model.threads && spec.base.sim.local_num_threads > 0) opt.model.threads = spec.base.sim.local_num_threads;
    spec.base.sim.local_num_threads = 0;
    spec.record = !opt.noRecord;
    if (!opt.file.empty()) applySweepFile(spec, opt.file);
    for (const std::string& s : opt.sets) spec.axes.push_back(parseSweepAxis(s, spec.base));
    if (opt.seeds) {
        if (*opt.seeds < 1 || *opt.seeds > 100000)
            throw ConfigError("--seeds " + std::to_string(*opt.seeds) + ": give from 1 to 100000 realisations");
        spec.seeds.clear();
        for (int k = 0; k < *opt.seeds; ++k) spec.seeds.push_back(spec.base.sim.rng_seed + static_cast<std::uint64_t>(k));
    }
    const auto points = expandSweep(spec);
    if (opt.reuse) checkReuse(spec, points);
    if (!opt.slurm) checkFigures(opt, figures, spec.axes.size());
    else if (opt.figures) throw ConfigError("--figures goes without --slurm: draw them with microcircuit sweep collect --figures DIR");
    prepareSweepFolder(opt.out, sweepToJson(spec, points), "--out");
    if (!opt.quiet) std::printf("sweep of %zu points in %s\n", points.size(), opt.out.c_str());
    if (opt.slurm) {
        SlurmOptions so;
        so.partition = opt.partition;
        so.time = opt.time;
        so.account = opt.account;
        so.cpusPerTask = opt.cpusPerTask;
        so.pointsPerTask = opt.pointsPerTask;
        so.executable = selfExecutable();
        const std::string script = writeSlurmScript(opt.out, points, so);
        std::printf("job array written: %s (points in %s/slurm/points.txt)\n", script.c_str(), opt.out.c_str());
        if (opt.submit) {
            const int rc = submit(script);
            if (rc != 0) return rc;
        } else {
            std::printf("submit it with: sbatch %s\n", script.c_str());
        }
        std::printf("gather the summary with: microcircuit sweep collect %s\n", opt.out.c_str());
        return 0;
    }
    std::vector<int> all;
    for (const SweepPoint& p : points) all.push_back(p.index);
    const int rc = runPoints(opt.out, spec, points, all, opt);
    if (rc != 0) return rc;
    const auto missing = writeSummary(opt.out, spec, points);
    if (!missing.empty()) {
        std::fprintf(stderr, "error: %zu points are not finished; no summary written\n", missing.size());
        return 1;
    }
    if (!opt.quiet) std::printf("summary: %s/summary.csv and summary.json\n", opt.out.c_str());
    return drawFigures(opt.out, opt, figures);
}

int collectMain(const SweepOptions& opt, const SweepFigures& figures) {
    const SweepSpec spec = readSweep(opt.collectDir);
    const auto points = expandSweep(spec);
    checkFigures(opt, figures, spec.axes.size());
    const auto missing = writeSummary(opt.collectDir, spec, points, opt.partial);
    if (!missing.empty()) {
        std::string list;
        for (std::size_t i = 0; i < missing.size() && i < 20; ++i) list += (i ? " " : "") + std::to_string(missing[i]);
        if (missing.size() > 20) list += " ...";
        std::fprintf(stderr, "%s: %zu of %zu points are not finished yet: %s\n", opt.partial ? "note" : "error",
                     missing.size(), points.size(), list.c_str());
        if (!opt.partial) {
            std::fprintf(stderr, "no summary written; --partial writes the rows of the finished points\n");
            return 1;
        }
    }
    std::printf("summary of %zu points: %s/summary.csv and summary.json\n", points.size() - missing.size(),
                opt.collectDir.c_str());
    return drawFigures(opt.collectDir, opt, figures);
}

} // namespace

void addSweepCommand(CLI::App& app, std::function<int()>& action, SweepFigures figures) {
    auto opt = std::make_shared<SweepOptions>();
    auto* cmd = app.add_subcommand("sweep", "run a grid of configurations and seeds, one run folder per point, "
                                            "and summarise their statistics (docs/sweeps.md)");
    opt->model.add(*cmd, true);
    cmd->add_option("--set", opt->sets,
                    "sweep a configuration field: FIELD=a:b:step (range), FIELD=v1,v2,... (list); repeatable, one "
                    "axis each");
    cmd->add_option("--file", opt->file, "sweep file (JSON: config, axes, seeds; see docs/sweeps.md)")->check(nonEmptyPath());
    cmd->add_option("--seeds", opt->seeds, "realisations per grid point: seeds --seed, --seed + 1, ... (default 1)");
    cmd->add_option("--out", opt->out, "the sweep's folder (rerun into it to resume)")->check(nonEmptyPath());
    cmd->add_flag("--no-record", opt->noRecord, "do not write spike files (statistics and summary still are)");
    auto* noReuse = cmd->add_flag("--no-reuse", opt->noReuse, "build every point's network afresh");
    cmd->add_flag("--reuse", opt->reuse,
                  "insist on one network per seed: refuse swept fields that need a rebuild or change weights")
        ->excludes(noReuse);
    cmd->add_option("--jobs", opt->jobs, "points run at once (default: as many as --threads allows)")
        ->check(CLI::Range(1, 4096));
    cmd->add_option("--point", opt->point, "run only point K of the sweep in DIR (what a Slurm array task does)");
    cmd->add_option("dir", opt->pointDir, "the sweep folder, with --point");
    cmd->add_flag("--slurm", opt->slurm, "write a Slurm job array (DIR/slurm/sweep.sbatch) instead of running");
    cmd->add_option("--partition", opt->partition, "Slurm partition of the job array");
    cmd->add_option("--time", opt->time, "Slurm time limit of each array task (e.g. 00:30:00)");
    cmd->add_option("--account", opt->account, "Slurm account to charge");
    cmd->add_option("--cpus-per-task", opt->cpusPerTask, "cores of each array task (default 1)")->check(CLI::Range(1, 4096));
    cmd->add_option("--points-per-task", opt->pointsPerTask, "points each array task runs (default 1)")
        ->check(CLI::Range(1, 1000000));
    cmd->add_flag("--submit", opt->submit, "with --slurm: submit the job array with sbatch");
    cmd->add_flag("-q,--quiet", opt->quiet, "no progress line and no report");
    const auto addFigureFlags = [opt](CLI::App* c) {
        c->add_flag("--figures", opt->figures,
                    "draw phase diagrams of the summary (rate, CV, synchrony, state) into DIR/figures");
        c->add_option("--format", opt->formats, "figure formats: png, svg, pdf (repeatable; default png)")
            ->check(CLI::IsMember({"png", "svg", "pdf"}));
    };
    addFigureFlags(cmd);
    auto* collect = cmd->add_subcommand("collect", "gather the summary of a sweep folder (also while it runs on Slurm)");
    collect->add_option("dir", opt->collectDir, "the sweep folder")->required()->check(nonEmptyPath());
    collect->add_flag("--partial", opt->partial, "write the rows of the finished points even if some are missing");
    addFigureFlags(collect);
    collect->callback([opt, &action, figures] { action = [opt, figures] { return collectMain(*opt, figures); }; });
    cmd->callback([opt, &action, collect, figures] {
        if (collect->parsed()) return;
        action = [opt, figures] { return sweepMain(*opt, figures); };
    });
}

} // namespace mc::cli
