#include "cli.hpp"
#include "cli_common.hpp"

#include "microcircuit/errors.hpp"
#include "microcircuit/live.hpp"
#include "microcircuit/output_folder.hpp"
#include "microcircuit/run_target.hpp"
#include "microcircuit/session.hpp"
#include "microcircuit/simulation.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <memory>

namespace mc::cli {
namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void onInterrupt(int) { g_interrupted = true; }

struct RunOptions {
    ModelFlags model;
    std::string out;
    std::string format = "nest";
    bool outGiven = false;
    bool overwrite = false;
    bool noRecord = false;
    bool quiet = false;
    bool noFigures = false;
    std::string session;
    std::string probe; ///< --probe L4E:0,L23I:5
};

/// The configuration and length of a run: the flags' model, or a saved
/// session's configuration with its events, run for as many steps as the
/// session had simulated (only --threads may change it: threads do not
/// change spikes).
Config resolveRun(const RunOptions& opt, std::int64_t& totalSteps) {
    if (opt.session.empty()) {
        Config config = opt.model.resolve();
        totalSteps = std::llround((config.sim.t_presim + config.sim.t_sim) / config.sim.sim_resolution);
        return config;
    }
    const ModelFlags& m = opt.model;
    if (!m.configs.empty() || m.scale || m.nScaling || m.kScaling || m.tPresim || m.tSim || m.dt || m.seed ||
        !m.drive.empty() || !m.v0.empty() || m.thalamic || m.dcTransient)
        throw ConfigError("--session " + opt.session +
                          ": a session replays its own configuration; of the model flags only --threads can go with it");
    const Session session = readSessionFile(opt.session);
    Config config = session.withEvents();
    if (m.threads) {
        if (*m.threads < 1 || *m.threads > 1024)
            throw ConfigError("--threads " + std::to_string(*m.threads) + " is not allowed: must be 1 to 1024");
        config.sim.local_num_threads = *m.threads;
    }
    totalSteps = session.endStep;
    if (totalSteps <= 0)
        throw ConfigError("--session " + opt.session + ": end_step = " + std::to_string(totalSteps) +
                          " is not allowed: the session simulated nothing to replay");
    // The folder's sim_dict.json says how long the session ran (not its
    // configuration's planned t_sim), so that `analyze` reads the whole run.
    const double endMs = static_cast<double>(totalSteps) * config.sim.sim_resolution;
    if (endMs > config.sim.t_presim) config.sim.t_sim = endMs - config.sim.t_presim;
    return config;
}

/// "--probe L4E:0,L23I:5": population name and index within it, comma-separated.
std::vector<std::int32_t> parseProbes(const std::string& text, const DerivedParams& d) {
    std::vector<std::int32_t> out;
    std::size_t at = 0;
    while (at <= text.size()) {
        const std::size_t end = std::min(text.find(',', at), text.size());
        const std::string item = text.substr(at, end - at);
        const std::size_t colon = item.find(':');
        const std::string pop = item.substr(0, colon);
        int p = 0;
        while (p < kNumPops && pop != kPopNames[p]) ++p;
        long long index = -1;
        if (colon != std::string::npos) {
            const char* b = item.data() + colon + 1;
            const auto r = std::from_chars(b, item.data() + item.size(), index);
            if (r.ec != std::errc{} || r.ptr != item.data() + item.size() || r.ptr == b) index = -1;
        }
        if (p == kNumPops || colon == std::string::npos || index < 0)
            throw ConfigError("--probe '" + item +
                              "' is not allowed: give POPULATION:INDEX (population L23E, L23I, L4E, L4I, L5E, L5I, "
                              "L6E or L6I; index from 0), several separated by commas, e.g. L4E:0,L23I:5");
        const std::int64_t size = d.first_neuron[p + 1] - d.first_neuron[p];
        if (index >= size)
            throw ConfigError("--probe '" + item + "': " + kPopNames[p] + " has " + std::to_string(size) +
                              " neurons at this scale, so the index must be from 0 to " + std::to_string(size - 1));
        out.push_back(d.first_neuron[p] + static_cast<std::int32_t>(index));
        at = end + 1;
    }
    return out;
}

void printSummary(const Simulation& sim, const Config& config, const OutputFolder& folder, double simSeconds,
                  const std::string& where) {
    const DerivedParams& d = sim.derived();
    std::printf("neurons          %d\n", d.total_neurons);
    std::printf("synapses         %lld\n", static_cast<long long>(sim.numSynapses()));
    std::printf("threads          %d (%s)\n", sim.threads(), sim.backend());
    std::printf("construction     %.2f s\n", sim.buildSeconds());
    std::printf("simulation       %.2f s for %.0f ms of model time\n", simSeconds, sim.timeMs());
    std::printf("real-time factor %.3f (wall time / model time)\n", simSeconds / (sim.timeMs() * 1e-3));
    std::printf("output           %s\n", where.c_str());
    const double end = folder.validUntilMs();
    if (end > config.sim.t_presim) {
        std::printf("mean rates over %.0f-%.0f ms (Hz):\n", config.sim.t_presim, end);
        const auto rates = folder.rates();
        for (int p = 0; p < kNumPops; ++p)
            std::printf("  %-5s %7.3f  (sd %.3f, reference full scale %.3f)\n", kPopNames[p], rates[p].mean,
                        rates[p].sd, config.net.full_mean_rates[p]);
    }
}

int runModel(const RunOptions& opt, const AfterRun& afterRun) {
    if (opt.outGiven && opt.out.empty()) throw ConfigError("--out: the output folder must not be empty");
    std::int64_t total = 0;
    Config config = resolveRun(opt, total);
    const SpikeFormats formats = parseSpikeFormats(opt.format);
    if (opt.outGiven) config.sim.data_path = opt.out;
    if (opt.noRecord) config.sim.rec_spikes = false;
    const DerivedParams derived = deriveParameters(config);
    for (const std::string& w : derived.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    checkMemory(config, config.sim.local_num_threads);
    // Probes: --probe's neurons at every step, or the reference's voltmeter
    // (every neuron every rec_V_int ms); both go to voltmeter-<id>-0.dat.
    const double h = config.sim.sim_resolution;
    std::vector<std::int32_t> probed;
    std::int32_t probeEvery = 1;
    if (!opt.probe.empty()) {
        if (config.sim.rec_voltmeter)
            throw ConfigError("--probe cannot be combined with \"voltmeter\" in sim.rec_dev: both write the "
                              "voltmeter files (--probe: the chosen neurons at every step; the voltmeter: every "
                              "neuron every sim.rec_V_int ms)");
        probed = parseProbes(opt.probe, derived);
    } else if (config.sim.rec_voltmeter) {
        probed.resize(derived.total_neurons);
        for (std::int32_t i = 0; i < derived.total_neurons; ++i) probed[i] = i;
        probeEvery = static_cast<std::int32_t>(std::llround(config.sim.rec_V_int / h));
        const double samples = std::floor((config.sim.t_presim + config.sim.t_sim) / config.sim.rec_V_int);
        const double gb = samples * derived.total_neurons * 22.0 * 1e-9; // ~22 bytes a line
        if (gb > 1.0)
            std::fprintf(stderr,
                         "warning: the voltmeter records %d neurons every %g ms: its files will take about %.0f GB "
                         "(raise sim.rec_V_int, lower the scale, or probe a few neurons with --probe)\n",
                         derived.total_neurons, config.sim.rec_V_int, gb);
    }
    if (!probed.empty() && opt.noRecord && !opt.outGiven)
        throw ConfigError("--probe and the voltmeter write files: with --no-record give --out");

    // With --no-record and no --out nothing is written at all. Otherwise the
    // folder is locked and checked before the build (an unwritable or
    // occupied folder fails at once), and the run writes into a work folder
    // beside it that takes the folder's place only when the run is complete.
    const bool writes = !opt.noRecord || opt.outGiven;
    std::unique_ptr<RunTarget> target;
    if (writes) {
        target = std::make_unique<RunTarget>(config.sim.data_path, opt.overwrite);
        for (const std::string& f : target->leftovers())
            std::fprintf(stderr,
                         "note: %s holds an earlier run into this folder that was killed before it ended "
                         "(its spike files are valid up to where it stopped; it is left as it is)\n",
                         f.c_str());
    }
    std::unique_ptr<OutputFolder> folderPtr;
    try {
        folderPtr = std::make_unique<OutputFolder>(target ? target->workPath() : std::string(), config, derived,
                                                   formats);
    } catch (...) {
        if (target) target->discard();
        throw;
    }
    OutputFolder& folder = *folderPtr;
    if (!probed.empty()) {
        try {
            folder.recordVoltages(probed);
        } catch (...) {
            if (target) target->discard();
            throw;
        }
    }

    const bool tty = !opt.quiet && isatty(STDERR_FILENO);
    ProgressLine line(tty);
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    std::signal(SIGHUP, onInterrupt);
    BuildOptions build;
    build.cancel = &g_interrupted;
    build.progress = [&](double f, const char* phase) { line.show("building", f, phase); };
    std::unique_ptr<Simulation> sim;
    try {
        sim = std::make_unique<Simulation>(config, build);
    } catch (const BuildCancelled&) {
        line.done();
        if (target) target->discard();
        std::fprintf(stderr, "interrupted during construction; nothing simulated, nothing written\n");
        return 130;
    }
    line.done();
    if (!probed.empty()) sim->setProbes(probed, probeEvery);

    // 100 ms of model time; 10 ms while the voltmeter keeps every neuron's V_m in memory.
    const double chunkMs = config.sim.rec_voltmeter && opt.probe.empty() ? 10.0 : 100.0;
    const std::int64_t chunk = std::max<std::int64_t>(1, std::llround(chunkMs / h));
    // The configuration's timed changes, each applied before its step.
    EventPlayer events(config.events, h);
    const auto start = std::chrono::steady_clock::now();
    while (sim->steps() < total && !g_interrupted && !folder.failed()) {
        events.run(*sim, std::min(chunk, total - sim->steps()), &folder);
        if (!probed.empty()) folder.onVoltages(sim->takeProbeTraces());
        char detail[64];
        std::snprintf(detail, sizeof detail, "%.0f / %.0f ms", sim->timeMs(), total * h);
        line.show("simulating", static_cast<double>(sim->steps()) / total, detail);
    }
    const double simSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    line.done();

    std::string writeProblem;
    try {
        folder.finish(sim->steps() >= total);
    } catch (const WriteError& e) {
        writeProblem = e.what();
    }
    const bool complete = sim->steps() >= total && writeProblem.empty();
    if (!target) {
        printSummary(*sim, config, folder, simSeconds, "none (--no-record without --out)");
        if (g_interrupted) {
            std::fprintf(stderr, "interrupted at %.1f ms\n", sim->timeMs());
            return 130;
        }
        return 0;
    }
    if (!complete) {
        // Never under the folder's own name: an unfinished run is kept apart.
        const std::string kept = target->abandon();
        printSummary(*sim, config, folder, simSeconds, kept);
        const std::string old = "; " + target->finalPath() + " was not changed";
        if (!writeProblem.empty()) {
            // Name the files where they are now.
            const std::string& work = target->workPath();
            for (std::size_t at = writeProblem.find(work); at != std::string::npos;
                 at = writeProblem.find(work, at + kept.size()))
                writeProblem.replace(at, work.size(), kept);
            std::fprintf(stderr,
                         "error: %s\nthe run stopped at %.1f ms of model time; %s holds every spike up to %.1f ms "
                         "(each file ends on a complete line)%s\n",
                         writeProblem.c_str(), sim->timeMs(), kept.c_str(), folder.validUntilMs(), old.c_str());
            return 1;
        }
        std::fprintf(stderr, "interrupted at %.1f ms; %s holds every spike up to then%s\n", sim->timeMs(),
                     kept.c_str(), old.c_str());
        return 130;
    }
    std::string where;
    try {
        where = target->commit();
    } catch (const WriteError& e) {
        const std::string kept = target->abandon();
        std::fprintf(stderr, "error: %s\nthe run is complete in %s; %s was not changed\n", e.what(), kept.c_str(),
                     target->finalPath().c_str());
        return 1;
    }
    if (!target->note().empty()) std::fprintf(stderr, "warning: %s\n", target->note().c_str());
    printSummary(*sim, config, folder, simSeconds, where);
    if (afterRun && config.sim.rec_spikes && !opt.noFigures && !afterRun(where)) {
        std::fprintf(stderr, "error: a figure could not be written (see above); the run's data in %s are complete\n",
                     where.c_str());
        return 1;
    }
    return 0;
}

} // namespace

void addRunCommand(CLI::App& app, std::function<int()>& action, AfterRun afterRun) {
    auto opt = std::make_shared<RunOptions>();
    auto* cmd = app.add_subcommand("run", "build and simulate the microcircuit, write spikes and rates");
    opt->model.add(*cmd, true);
    cmd->add_option("--out", opt->out, "output folder (default: sim.data_path = ./data); must not hold another run")
        ->check(nonEmptyPath())
        ->each([opt](const std::string&) { opt->outGiven = true; });
    cmd->add_flag("--overwrite", opt->overwrite,
                  "replace the run in an existing --out folder (only files microcircuit writes are removed)");
    cmd->add_option("--format", opt->format,
                    "spike files: nest (NEST's text files, default), sonata (a SONATA report spikes.h5) or both");
    cmd->add_flag("--no-record", opt->noRecord, "do not write spike files (and, without --out, nothing at all)");
    cmd->add_option("--probe", opt->probe,
                    "record V_m of these neurons at every step into voltmeter-<id>-0.dat: POPULATION:INDEX "
                    "(index within the population, from 0), comma-separated, e.g. L4E:0,L23I:5");
    cmd->add_flag("--no-figures", opt->noFigures, "do not draw the raster and box plot figures");
    cmd->add_option("--session", opt->session,
                    "replay a session saved by the desktop program (its configuration and live changes, "
                    "for as long as it ran): the same spikes")
        ->check(CLI::ExistingFile);
    cmd->add_flag("-q,--quiet", opt->quiet, "no progress line");
    cmd->callback([opt, &action, afterRun] { action = [opt, afterRun] { return runModel(*opt, afterRun); }; });
}

} // namespace mc::cli
