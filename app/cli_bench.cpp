#include "cli.hpp"
#include "cli_common.hpp"

#include "microcircuit/errors.hpp"
#include "microcircuit/simulation.hpp"
#include "microcircuit/version.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace mc::cli {
namespace {

struct BenchOptions {
    ModelFlags model;
    double warmup = 100.0;
    bool phases = false;
    bool liveChange = false;
};

/// ", \"live_change_ms\": {...}": wall time of applying live changes to the
/// built network after the measurement (a projection's weight, whose codes
/// are rewritten, then g, which only changes a unit, then both back).
std::string liveChangeJson(Simulation& sim) {
    const auto timed = [&](const Config& c) {
        const auto start = std::chrono::steady_clock::now();
        sim.applyConfig(c);
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    };
    const Config original = sim.config();
    Config projection = original;
    projection.net.weight_factors[0][2] *= 2.0; // L4E -> L2/3E doubled
    Config g = projection;
    g.net.g *= 1.25;
    char buf[256];
    const double a = timed(projection), b = timed(g), c = timed(original);
    std::snprintf(buf, sizeof buf, ", \"live_change_ms\": {\"projection\": %.1f, \"g\": %.1f, \"back\": %.1f}", a, b, c);
    return buf;
}

/// ", \"phases\": [...]": per worker, the mean time per step of each phase (ns).
std::string phasesJson(const std::vector<PhaseTimes>& workers) {
    std::string out = ", \"phases\": [";
    char buf[256];
    for (std::size_t w = 0; w < workers.size(); ++w) {
        const PhaseTimes& p = workers[w];
        const double n = static_cast<double>(std::max<std::int64_t>(1, p.steps));
        std::snprintf(buf, sizeof buf,
                      "%s{\"enqueue_ns\": %.1f, \"deliver_ns\": %.1f, \"update_ns\": %.1f, "
                      "\"deliver_ahead_ns\": %.1f, \"wait_ns\": %.1f, \"steps\": %lld}",
                      w ? ", " : "", p.enqueue_ns / n, p.deliver_ns / n, p.update_ns / n, p.deliver_ahead_ns / n,
                      p.wait_ns / n, static_cast<long long>(p.steps));
        out += buf;
    }
    return out + "]";
}

class CountingSink : public SpikeSink {
public:
    void onSpikes(std::span<const Spike> spikes, std::int64_t) override { count += spikes.size(); }
    std::int64_t count = 0;
};

/// A number for the JSON line: null where it is undefined (JSON has no inf or nan).
std::string jsonNum(double v, int precision) {
    if (!std::isfinite(v)) return "null";
    char buf[64];
    if (precision < 0)
        std::snprintf(buf, sizeof buf, "%.10g", v); // scale factors: as given
    else
        std::snprintf(buf, sizeof buf, "%.*f", precision, v);
    return buf;
}

int bench(const BenchOptions& opt) {
    // Checked here, by the flags' names: resolve() would name sim.t_presim.
    if (!std::isfinite(opt.warmup) || opt.warmup < 0.0 || opt.warmup > 1e9) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "--warmup %g is not allowed: must be a finite number of ms from 0 to 1e9",
                      opt.warmup);
        throw ConfigError(buf);
    }
    Config config = opt.model.resolve();
    if (!(config.sim.t_sim > 0.0)) {
        char buf[160];
        std::snprintf(buf, sizeof buf,
                      "--t-sim %g is not allowed for bench: the measured time must be > 0 ms (rates per second of "
                      "model time are undefined otherwise)",
                      config.sim.t_sim);
        throw ConfigError(buf);
    }
    config.sim.rec_spikes = false;
    config.sim.t_presim = opt.warmup;
    checkMemory(config, config.sim.local_num_threads);
    Simulation sim(config);
    const double h = config.sim.sim_resolution;
    sim.run(std::llround(config.sim.t_presim / h));
    const std::int64_t steps = std::llround(config.sim.t_sim / h);
    std::int64_t before = 0;
    for (auto c : sim.spikeCounts()) before += c;
    sim.setPhaseTiming(opt.phases);
    const auto start = std::chrono::steady_clock::now();
    sim.run(steps);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::int64_t spikes = -before;
    for (auto c : sim.spikeCounts()) spikes += c;
    const double modelSeconds = steps * h * 1e-3;
    // Synaptic events: every spike reaches all its source's synapses.
    const double events = static_cast<double>(spikes) * sim.numSynapses() / std::max(1, sim.derived().total_neurons);
    const double neurons = std::max(1, sim.derived().total_neurons);
    std::printf("{\"version\": \"%s\", \"neurons\": %d, \"synapses\": %lld, \"construction_s\": %s, "
                "\"simulation_s\": %s, \"rtf\": %s, \"spikes\": %lld, \"mean_rate_hz\": %s, \"ns_per_event\": %s, "
                "\"peak_rss_mb\": %s, \"threads\": %d, \"backend\": \"%s\", \"simd\": \"%s\", \"delivery\": \"%s\", "
                "\"n_scaling\": %s, \"k_scaling\": %s, \"drive\": \"%s\", \"t_sim_ms\": %s%s%s}\n",
                versionString(), sim.derived().total_neurons, static_cast<long long>(sim.numSynapses()),
                jsonNum(sim.buildSeconds(), 3).c_str(), jsonNum(seconds, 6).c_str(),
                jsonNum(seconds / modelSeconds, 4).c_str(), static_cast<long long>(spikes),
                jsonNum(spikes / modelSeconds / neurons, 3).c_str(),
                jsonNum(events > 0 ? seconds * 1e9 / events : 0.0, 3).c_str(), jsonNum(peakRssMb(), 1).c_str(),
                sim.threads(), sim.backend(), sim.simd(), sim.delivery(), jsonNum(config.net.N_scaling, -1).c_str(),
                jsonNum(config.net.K_scaling, -1).c_str(), config.net.bg_input_type.c_str(),
                jsonNum(config.sim.t_sim, -1).c_str(), opt.phases ? phasesJson(sim.phaseTimes()).c_str() : "",
                opt.liveChange ? liveChangeJson(sim).c_str() : "");
    return 0;
}

} // namespace

void addBenchCommand(CLI::App& app, std::function<int()>& action) {
    auto opt = std::make_shared<BenchOptions>();
    auto* cmd = app.add_subcommand("bench", "measure construction time, real-time factor and peak memory "
                                            "(no recording); prints one JSON object");
    opt->model.add(*cmd, false);
    cmd->add_option("--warmup", opt->warmup, "untimed model time before the measurement (ms, default 100)");
    cmd->add_flag("--phases", opt->phases,
                  "also report, per worker, the mean time per step of each phase of a step (costs a clock read "
                  "per phase)");
    cmd->add_flag("--live-change", opt->liveChange,
                  "also time live changes after the measurement: one projection's weight (rewrites its codes), "
                  "g (a unit only), and back");
    cmd->callback([opt, &action] { action = [opt] { return bench(*opt); }; });
}

} // namespace mc::cli
