#include "cli_common.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/live.hpp"
#include "microcircuit/model.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <thread>

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
        ->check(nonEmptyPath()); // existence, type and size: checked on reading
    auto* s = cmd.add_option("--scale", scale, "N_scaling = K_scaling = F (default 0.1; 1 = full scale)");
    auto* n = cmd.add_option("--n-scaling", nScaling, "scale population sizes by F");
    auto* k = cmd.add_option("--k-scaling", kScaling, "scale in-degrees by F (weights / sqrt(F))");
    s->excludes(n)->excludes(k);
    cmd.add_option("--t-sim", tSim, "simulated time after the warm-up (ms, default 1000)");
    cmd.add_option("--threads", threads, "worker threads (default: all cores)");
    cmd.add_option("--drive", drive, "background drive: poisson (default) or dc (the reference's)")
        ->check(CLI::IsMember({"poisson", "dc"}));
    cmd.add_option("--seed", seed, "random seed, a whole number from 0 to 2^64 - 1 (default 55)")->type_name("UINT64");
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
            throw ConfigError(std::string(flag) + " " + num(v) + " is not allowed: must be a finite number > 0");
        return v;
    };
    auto nonNegative = [](const char* flag, double v) {
        if (!(v >= 0.0) || !std::isfinite(v))
            throw ConfigError(std::string(flag) + " " + num(v) + " is not allowed: must be a finite number >= 0");
        return v;
    };
    if (scale) c.net.N_scaling = c.net.K_scaling = positive("--scale", *scale);
    if (nScaling) c.net.N_scaling = positive("--n-scaling", *nScaling);
    if (kScaling) c.net.K_scaling = positive("--k-scaling", *kScaling);
    if (tPresim) c.sim.t_presim = nonNegative("--t-presim", *tPresim);
    if (tSim) c.sim.t_sim = nonNegative("--t-sim", *tSim);
    if (dt) c.sim.sim_resolution = positive("--dt", *dt);
    if (seed) c.sim.rng_seed = parseSeed("--seed", *seed);
    if (threads) {
        if (*threads < 1 || *threads > 1024)
            throw ConfigError("--threads " + std::to_string(*threads) + " is not allowed: must be 1 to 1024");
        c.sim.local_num_threads = *threads;
    }
    const int cores = static_cast<int>(std::thread::hardware_concurrency());
    if (c.sim.local_num_threads > cores && cores > 0)
        std::fprintf(stderr,
                     "warning: %s %d is more than this machine's %d cores: the extra threads share cores and "
                     "each needs its own delay buffers, so the run is slower and needs more memory\n",
                     threads ? "--threads" : "sim.local_num_threads", c.sim.local_num_threads, cores);
    if (!drive.empty()) c.net.bg_input_type = drive;
    if (!v0.empty()) c.net.V0_type = v0;
    if (thalamic) c.stim.thalamic_input = true;
    if (dcTransient) c.stim.dc_transient = true;
    if (scale || nScaling) {
        // Named by the flag: Config::validate would name net.N_scaling.
        const DerivedParams d = deriveParameters(c);
        if (d.total_neurons == 0 && std::isfinite(c.net.N_scaling) && c.net.N_scaling <= 10.0) {
            const auto& full = c.net.full_num_neurons;
            const int largest = static_cast<int>(std::max_element(full.begin(), full.end()) - full.begin());
            throw ConfigError(std::string(scale ? "--scale " : "--n-scaling ") + num(c.net.N_scaling) +
                              " is not allowed: it leaves no neuron in any population (sizes are rounded; the "
                              "largest, " + kPopNames[largest] + ", has " + num(full[largest]) +
                              " neurons at full scale, so the scale must exceed " + num(0.5 / full[largest]) + ")");
        }
    }
    c.validate();
    validateEvents(c);
    return c;
}

std::uint64_t parseSeed(const char* flag, const std::string& text) {
    std::uint64_t v = 0;
    const char* end = text.data() + text.size();
    const auto r = std::from_chars(text.data(), end, v);
    if (text.empty() || r.ec != std::errc{} || r.ptr != end) {
        const std::string shown = text.size() > 40 ? text.substr(0, 37) + "..." : text;
        throw ConfigError(std::string(flag) + " " + shown +
                          " is not allowed: must be a whole number from 0 to 18446744073709551615 (2^64 - 1)");
    }
    return v;
}

CLI::Validator nonEmptyPath() {
    // CLI11 puts the flag's name before the message ("--out: ...").
    return CLI::Validator(
        [](std::string& value) -> std::string {
            return value.empty() ? std::string("\"\" is not allowed: an empty path names no file or folder")
                                 : std::string{};
        },
        "PATH");
}

void checkMemory(const Config& config, int threads) {
    const DerivedParams derived = deriveParameters(config);
    const int n = threads > 0 ? threads : 1;
    try {
        checkMemoryFits(config, derived, n);
    } catch (const ConfigError&) {
        if (n == 1) throw;
        // Each thread keeps delay buffers for all sources: say so when the
        // network itself would fit with fewer threads.
        checkMemoryFits(config, derived, 1); // throws if even one thread does not fit
        int fits = 1;
        while (fits * 2 < n) {
            try {
                checkMemoryFits(config, derived, fits * 2);
                fits *= 2;
            } catch (const ConfigError&) {
                break;
            }
        }
        char buf[320];
        std::snprintf(buf, sizeof buf,
                      "--threads %d is not allowed: every thread keeps its own delay buffers, and with %d threads "
                      "this network (N_scaling %g) needs about %.1f GB, more than 80%% of this machine's memory; "
                      "with %d threads it needs %.1f GB (use fewer threads)",
                      n, n, config.net.N_scaling, static_cast<double>(estimateMemoryBytes(config, derived, n)) / 1e9,
                      fits, static_cast<double>(estimateMemoryBytes(config, derived, fits)) / 1e9);
        throw ConfigError(buf);
    }
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

} // namespace mc::cli
