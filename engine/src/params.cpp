// Config::validate: every field against its allowed range.
#include "microcircuit/errors.hpp"
#include "microcircuit/model.hpp"
#include "microcircuit/params.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace mc {
namespace {

std::string num(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

[[noreturn]] void reject(const std::string& field, const std::string& value, const std::string& allowed) {
    throw ConfigError(field + " = " + value + " is not allowed: " + allowed);
}

void range(const std::string& field, double v, double lo, double hi, bool loOpen = false) {
    if (!std::isfinite(v) || v > hi || (loOpen ? v <= lo : v < lo))
        reject(field, num(v), std::string("must be ") + (loOpen ? "> " : ">= ") + num(lo) + " and <= " + num(hi));
}

void oneOf(const std::string& field, const std::string& v, const std::string& a, const std::string& b) {
    if (v != a && v != b)
        reject(field, "\"" + (v.size() > 40 ? v.substr(0, 37) + "..." : v) + "\"",
               "must be \"" + a + "\" or \"" + b + "\"");
}

void probability(const std::string& field, double v) {
    if (!std::isfinite(v) || v < 0.0 || v >= 1.0) reject(field, num(v), "a connection probability must be in [0, 1)");
}

} // namespace

void Config::validate() const {
    const double h = sim.sim_resolution;
    range("sim.sim_resolution", h, 0.0, 1.0, true);
    if (std::abs(std::round(h * 1000.0) - h * 1000.0) > 1e-9)
        reject("sim.sim_resolution", num(h), "must be a multiple of 0.001 ms (the spike files keep 3 decimals)");
    range("sim.t_presim", sim.t_presim, 0.0, 1e9);
    range("sim.t_sim", sim.t_sim, 0.0, 1e9);
    range("sim.local_num_threads", sim.local_num_threads, 0, 1024);
    range("sim.rec_V_int", sim.rec_V_int, h, 1e9);
    if (std::abs(std::round(sim.rec_V_int / h) * h - sim.rec_V_int) > 1e-9 * sim.rec_V_int)
        reject("sim.rec_V_int", num(sim.rec_V_int), "must be a multiple of sim.sim_resolution (" + num(h) + " ms)");

    range("net.N_scaling", net.N_scaling, 0.0, 10.0, true);
    range("net.K_scaling", net.K_scaling, 0.0, 10.0, true);
    for (int p = 0; p < kNumPops; ++p) {
        const std::string pop = std::string("[") + std::to_string(p) + "] (" + kPopNames[p] + ")";
        range("net.full_num_neurons" + pop, net.full_num_neurons[p], 1.0, 1e6);
        if (net.full_num_neurons[p] != std::floor(net.full_num_neurons[p]))
            reject("net.full_num_neurons" + pop, num(net.full_num_neurons[p]), "must be a whole number");
        range("net.full_mean_rates" + pop, net.full_mean_rates[p], 0.0, 1000.0);
        range("net.K_ext" + pop, net.K_ext[p], 0.0, 1e5);
        range("net.neuron.V0_std_optimized" + pop, net.neuron.V0_std_optimized[p], 0.0, 100.0);
        range("net.neuron.V0_mean_optimized" + pop, net.neuron.V0_mean_optimized[p], -200.0, 100.0);
        for (int x = 0; x < kNumPops; ++x)
            probability("net.conn_probs[" + std::to_string(p) + "][" + std::to_string(x) + "]", net.conn_probs[p][x]);
        probability("stim.conn_probs_th" + pop, stim.conn_probs_th[p]);
    }
    range("net.PSP_exc_mean", net.PSP_exc_mean, 0.0, 20.0);
    range("net.PSP_L4E_to_L23E", net.PSP_L4E_to_L23E, 0.0, 100.0);
    range("net.weight_rel_std", net.weight_rel_std, 0.0, 2.0);
    range("net.g", net.g, -100.0, 0.0);
    range("net.delay_exc_mean", net.delay_exc_mean, h, 100.0);
    range("net.delay_inh_mean", net.delay_inh_mean, h, 100.0);
    range("net.delay_rel_std", net.delay_rel_std, 0.0, 2.0);
    range("net.delay_poisson", net.delay_poisson, h, 100.0);
    oneOf("net.bg_input_type", net.bg_input_type, "poisson", "dc");
    range("net.bg_rate", net.bg_rate, 0.0, 1000.0);
    oneOf("net.V0_type", net.V0_type, "optimized", "original");

    const NeuronParams& n = net.neuron;
    for (int p = 0; p < kNumPops; ++p) {
        // One number for all populations is reported without an index.
        const auto f = [&](const char* key, const PopArray& a) {
            std::string name = "net.neuron_params.";
            name += key;
            if (std::any_of(a.begin(), a.end(), [&](double v) { return v != a[0]; })) {
                name += '[';
                name += std::to_string(p);
                name += "] (";
                name += kPopNames[p];
                name += ')';
            }
            return name;
        };
        range(f("C_m", n.C_m), n.C_m[p], 0.0, 1e6, true);
        range(f("tau_m", n.tau_m), n.tau_m[p], 0.0, 1e4, true);
        range(f("tau_syn", n.tau_syn), n.tau_syn[p], 0.0, 1e4, true);
        range(f("t_ref", n.t_ref), n.t_ref[p], 0.0, 1e4);
        range(f("E_L", n.E_L), n.E_L[p], -200.0, 100.0);
        range(f("V_reset", n.V_reset), n.V_reset[p], -200.0, 100.0);
        range(f("V_th", n.V_th), n.V_th[p], -200.0, 100.0);
        range(f("I_e", n.I_e), n.I_e[p], -1e6, 1e6);
        if (n.V_th[p] <= n.V_reset[p])
            reject(f("V_th", n.V_th), num(n.V_th[p]), "must be above V_reset (" + num(n.V_reset[p]) + ")");
        if (n.V_th[p] <= n.E_L[p])
            reject(f("V_th", n.V_th), num(n.V_th[p]), "must be above E_L (" + num(n.E_L[p]) + ")");
        for (int x = 0; x < kNumPops; ++x)
            range("net.weight_factors[" + std::to_string(p) + "][" + std::to_string(x) + "] (" + kPopNames[x] +
                      " -> " + kPopNames[p] + ")",
                  net.weight_factors[p][x], 0.0, 100.0);
        range("stim.weight_factors_th[" + std::to_string(p) + "] (" + kPopNames[p] + ")", stim.weight_factors_th[p],
              0.0, 100.0);
    }
    // In range one by one, but not together: a network of no neuron, or a
    // neuron whose PSC for a PSP of 1 mV does not fit the simulation's
    // 32-bit numbers (C_m or tau_m of 1e-300 make it 0 or infinite).
    const DerivedParams d = deriveParameters(*this);
    if (d.total_neurons == 0)
        reject("net.N_scaling", num(net.N_scaling),
               "leaves no neuron in any population (population sizes are rounded; it must exceed " +
                   num(0.5 / *std::max_element(net.full_num_neurons.begin(), net.full_num_neurons.end())) +
                   " for one neuron)");
    for (int p = 0; p < kNumPops; ++p) {
        const double psc = d.psc_over_psp[p];
        if (!std::isfinite(psc) || psc < 1e-6 || psc > 1e9) {
            char buf[320];
            std::snprintf(buf, sizeof buf,
                          "C_m = %g pF, tau_m = %g ms, tau_syn = %g ms (%s) cannot be simulated together: a PSP of "
                          "1 mV would need a PSC of %g pA, outside 1e-6..1e9 pA",
                          n.C_m[p], n.tau_m[p], n.tau_syn[p], kPopNames[p], psc);
            throw ConfigError(std::string("net.neuron_params: ") + buf);
        }
    }
    range("net.neuron.V0_mean_original", n.V0_mean_original, -200.0, 100.0);
    range("net.neuron.V0_std_original", n.V0_std_original, 0.0, 100.0);

    range("stim.th_start", stim.th_start, 0.0, 1e9);
    range("stim.th_duration", stim.th_duration, 0.0, 1e9);
    range("stim.th_rate", stim.th_rate, 0.0, 10000.0);
    range("stim.num_th_neurons", stim.num_th_neurons, 0, 1000000);
    range("stim.PSP_th", stim.PSP_th, 0.0, 20.0);
    range("stim.delay_th_mean", stim.delay_th_mean, h, 100.0);
    range("stim.delay_th_rel_std", stim.delay_th_rel_std, 0.0, 2.0);
    oneOf("stim.th_scaling", stim.th_scaling, "reference", "indegree");
    range("stim.dc_transient_start", stim.dc_transient_start, 0.0, 1e9);
    range("stim.dc_transient_dur", stim.dc_transient_dur, 0.0, 1e9);
    range("stim.dc_transient_amp", stim.dc_transient_amp, -1e4, 1e4);

    double last = 0.0;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const TimedEvent& e = events[i];
        const std::string where = "events[" + std::to_string(i) + "]";
        range(where + ".t_ms", e.t_ms, 0.0, 1e9);
        if (e.t_ms < last)
            reject(where + ".t_ms", num(e.t_ms), "events must be in time order (the one before is at " + num(last) + " ms)");
        last = e.t_ms;
        range(where + ".start_ms", e.start_ms, 0.0, 1e9);
        range(where + ".duration_ms", e.duration_ms, 0.0, 1e9);
    }
}

} // namespace mc
