#include "cli.hpp"
#include "cli_common.hpp"

#include "microcircuit/simulation.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>

namespace mc::cli {
namespace {

struct BenchOptions {
    ModelFlags model;
    double warmup = 100.0;
};

class CountingSink : public SpikeSink {
public:
    void onSpikes(std::span<const Spike> spikes, std::int64_t) override { count += spikes.size(); }
    std::int64_t count = 0;
};

int bench(const BenchOptions& opt) {
    Config config = opt.model.resolve();
    config.sim.rec_spikes = false;
    config.sim.t_presim = opt.warmup;
    checkMemory(config, config.sim.local_num_threads);
    Simulation sim(config);
    const double h = config.sim.sim_resolution;
    sim.run(std::llround(config.sim.t_presim / h));
    const std::int64_t steps = std::llround(config.sim.t_sim / h);
    std::int64_t before = 0;
    for (auto c : sim.spikeCounts()) before += c;
    const auto start = std::chrono::steady_clock::now();
    sim.run(steps);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::int64_t spikes = -before;
    for (auto c : sim.spikeCounts()) spikes += c;
    const double modelSeconds = steps * h * 1e-3;
    // Synaptic events: every spike reaches all its source's synapses.
    const double events = static_cast<double>(spikes) * sim.numSynapses() / std::max(1, sim.derived().total_neurons);
    std::printf("{\"neurons\": %d, \"synapses\": %lld, \"construction_s\": %.3f, \"simulation_s\": %.3f, "
                "\"rtf\": %.4f, \"spikes\": %lld, \"mean_rate_hz\": %.3f, \"ns_per_event\": %.3f, "
                "\"peak_rss_mb\": %.1f, \"threads\": %d, \"backend\": \"%s\", \"simd\": \"%s\", \"delivery\": \"%s\", \"n_scaling\": %g, "
                "\"k_scaling\": %g, \"drive\": \"%s\", \"t_sim_ms\": %g}\n",
                sim.derived().total_neurons, static_cast<long long>(sim.numSynapses()), sim.buildSeconds(), seconds,
                seconds / modelSeconds, static_cast<long long>(spikes),
                spikes / modelSeconds / std::max(1, sim.derived().total_neurons),
                events > 0 ? seconds * 1e9 / events : 0.0, peakRssMb(), sim.threads(), sim.backend(), sim.simd(), sim.delivery(),
                config.net.N_scaling, config.net.K_scaling, config.net.bg_input_type.c_str(), config.sim.t_sim);
    return 0;
}

} // namespace

void addBenchCommand(CLI::App& app, std::function<int()>& action) {
    auto opt = std::make_shared<BenchOptions>();
    auto* cmd = app.add_subcommand("bench", "measure construction time, real-time factor and peak memory "
                                            "(no recording); prints one JSON object");
    opt->model.add(*cmd, false);
    cmd->add_option("--warmup", opt->warmup, "untimed model time before the measurement (ms, default 100)");
    cmd->callback([opt, &action] { action = [opt] { return bench(*opt); }; });
}

} // namespace mc::cli
