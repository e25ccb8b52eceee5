#include "cli_common.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/live.hpp"
#include "microcircuit/model.hpp"

#include <sys/resource.h>

#include <cmath>
#include <cstdio>

namespace mc::cli {
namespace {
std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}
} // namespace

void ModelFlags::add(CLI::App& cmd, bool full) {
    cmd.add_option("--config", configs,
                   "JSON configuration (from `microcircuit config`), a reference sim/net/stim_dict.json, "
                   "or a folder holding them; repeatable")
        ->check(CLI::ExistingPath);
    auto* s = cmd.add_option("--scale", scale, "N_scaling = K_scaling = F (default 0.1; 1 = full scale)");
    auto* n = cmd.add_option("--n-scaling", nScaling, "scale population sizes by F");
    auto* k = cmd.add_option("--k-scaling", kScaling, "scale in-degrees by F (weights / sqrt(F))");
    s->excludes(n)->excludes(k);
    cmd.add_option("--t-sim", tSim, "simulated time after the warm-up (ms, default 1000)");
    cmd.add_option("--threads", threads, "worker threads (default: all cores)");
    cmd.add_option("--drive", drive, "background drive: poisson (default) or dc (the reference's)")
        ->check(CLI::IsMember({"poisson", "dc"}));
    cmd.add_option("--seed", seed, "random seed (default 55)");
    if (!full) return;
    cmd.add_option("--t-presim", tPresim, "warm-up before t_sim, excluded from rates (ms, default 500)");
    cmd.add_option("--dt", dt, "time step (ms, default 0.1)");
    cmd.add_option("--v0", v0, "initial membrane potentials: optimized (default) or original")
        ->check(CLI::IsMember({"optimized", "original"}));
    cmd.add_flag("--thalamic", thalamic, "thalamic pulse (902 Poisson neurons, 120 Hz) at th_start = 700 ms");
    cmd.add_flag("--dc-transient", dcTransient, "DC transient of 0.3 pA * K_ext over 650-750 ms");
}

Config ModelFlags::resolve() const {
    Config c;
    for (const std::string& path : configs) applyConfigPath(c, path);
    auto positive = [](const char* flag, double v) {
        if (!(v > 0.0) || !std::isfinite(v))
            throw ConfigError(std::string(flag) + " " + num(v) + " is not allowed: must be > 0");
        return v;
    };
    auto nonNegative = [](const char* flag, double v) {
        if (!(v >= 0.0) || !std::isfinite(v))
            throw ConfigError(std::string(flag) + " " + num(v) + " is not allowed: must be >= 0");
        return v;
    };
    if (scale) c.net.N_scaling = c.net.K_scaling = positive("--scale", *scale);
    if (nScaling) c.net.N_scaling = positive("--n-scaling", *nScaling);
    if (kScaling) c.net.K_scaling = positive("--k-scaling", *kScaling);
    if (tPresim) c.sim.t_presim = nonNegative("--t-presim", *tPresim);
    if (tSim) c.sim.t_sim = nonNegative("--t-sim", *tSim);
    if (dt) c.sim.sim_resolution = positive("--dt", *dt);
    if (seed) c.sim.rng_seed = static_cast<std::uint64_t>(nonNegative("--seed", static_cast<double>(*seed)));
    if (threads) {
        if (*threads < 1 || *threads > 1024)
            throw ConfigError("--threads " + std::to_string(*threads) + " is not allowed: must be 1 to 1024");
        c.sim.local_num_threads = *threads;
    }
    if (!drive.empty()) c.net.bg_input_type = drive;
    if (!v0.empty()) c.net.V0_type = v0;
    if (thalamic) c.stim.thalamic_input = true;
    if (dcTransient) c.stim.dc_transient = true;
    c.validate();
    validateEvents(c);
    return c;
}

ProgressLine::ProgressLine(bool enabled) : m_enabled(enabled) {}

void ProgressLine::show(const std::string& label, double fraction, const std::string& detail) {
    if (!m_enabled) return;
    const int permille = static_cast<int>(fraction * 1000.0);
    if (permille == m_lastPermille && label == m_lastLabel) return;
    m_lastPermille = permille;
    m_lastLabel = label;
    const int width = 30, filled = static_cast<int>(fraction * width);
    std::string bar(filled, '#');
    bar.resize(width, '.');
    std::fprintf(stderr, "\r%-10s [%s] %5.1f%% %-28s", label.c_str(), bar.c_str(), fraction * 100.0, detail.c_str());
    std::fflush(stderr);
}

void ProgressLine::done() {
    if (!m_enabled || m_lastPermille < 0) return;
    std::fputc('\n', stderr);
    m_lastPermille = -1;
}

double peakRssMb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0; // ru_maxrss is in KiB on Linux
}

void checkMemory(const Config& config, int threads) {
    checkMemoryFits(config, deriveParameters(config), threads > 0 ? threads : 1);
}

} // namespace mc::cli
