// Config::validate: every field against its allowed range. The ranges come
// from the field table (fields.hpp), which the parameter editor shows too.
#include "microcircuit/errors.hpp"
#include "microcircuit/fields.hpp"
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

/// Checks one number of the field `path` (named `shown` in the message,
/// e.g. with an element index) against the table's range.
void check(std::string_view path, double v, double resolution, const std::string& shown = {}) {
    const FieldInfo& f = fieldInfo(path);
    if (!f.accepts(v, resolution)) reject(shown.empty() ? std::string(path) : shown, num(v), f.allowed(resolution));
}

void checkText(std::string_view path, const std::string& v) {
    const FieldInfo& f = fieldInfo(path);
    if (!f.acceptsText(v))
        reject(std::string(path), "\"" + (v.size() > 40 ? v.substr(0, 37) + "..." : v) + "\"", f.allowed(0.0));
}

std::string popIndex(int p) { return std::string("[") + std::to_string(p) + "] (" + kPopNames[p] + ")"; }

/// A list of 8: each element, named with its index and population.
void checkList(std::string_view path, const PopArray& a, double h) {
    for (int p = 0; p < kNumPops; ++p) check(path, a[p], h, std::string(path) + popIndex(p));
}

/// An 8 x 8 matrix [target][source].
void checkMatrix(std::string_view path, const PopMatrix& m, double h, bool namePair) {
    for (int y = 0; y < kNumPops; ++y)
        for (int x = 0; x < kNumPops; ++x) {
            std::string shown = std::string(path) + "[" + std::to_string(y) + "][" + std::to_string(x) + "]";
            if (namePair) shown += std::string(" (") + kPopNames[x] + " -> " + kPopNames[y] + ")";
            check(path, m[y][x], h, shown);
        }
}

/// A neuron parameter: one number for all populations is reported without an index.
void checkNeuron(std::string_view key, const PopArray& a, double h) {
    const std::string path = "net.neuron_params." + std::string(key);
    const bool uniform = std::all_of(a.begin(), a.end(), [&](double v) { return v == a[0]; });
    for (int p = 0; p < kNumPops; ++p) check(path, a[p], h, uniform ? path : path + popIndex(p));
}

} // namespace

void Config::validate() const {
    const double h = sim.sim_resolution;
    check("sim.sim_resolution", h, h);
    if (std::abs(std::round(h * 1000.0) - h * 1000.0) > 1e-9)
        reject("sim.sim_resolution", num(h), "must be a multiple of 0.001 ms (the spike files keep 3 decimals)");
    check("sim.t_presim", sim.t_presim, h);
    check("sim.t_sim", sim.t_sim, h);
    check("sim.local_num_threads", sim.local_num_threads, h);
    check("sim.rec_V_int", sim.rec_V_int, h);
    if (sim.rec_voltmeter && std::abs(std::round(sim.rec_V_int / h) * h - sim.rec_V_int) > 1e-9 * sim.rec_V_int)
        reject("sim.rec_V_int", num(sim.rec_V_int), "must be a multiple of sim.sim_resolution (" + num(h) + " ms)");

    check("net.N_scaling", net.N_scaling, h);
    check("net.K_scaling", net.K_scaling, h);
    checkList("net.full_num_neurons", net.full_num_neurons, h);
    checkList("net.full_mean_rates", net.full_mean_rates, h);
    checkList("net.K_ext", net.K_ext, h);
    checkList("net.bg_rate_factors", net.bg_rate_factors, h);
    checkList("net.K_ext_factors", net.K_ext_factors, h);
    checkList("net.dc_factors", net.dc_factors, h);
    checkList("net.neuron_params.V0_std.optimized", net.neuron.V0_std_optimized, h);
    checkList("net.neuron_params.V0_mean.optimized", net.neuron.V0_mean_optimized, h);
    checkMatrix("net.conn_probs", net.conn_probs, h, false);
    checkList("stim.conn_probs_th", stim.conn_probs_th, h);
    check("net.PSP_exc_mean", net.PSP_exc_mean, h);
    check("net.PSP_L4E_to_L23E", net.PSP_L4E_to_L23E, h);
    check("net.weight_rel_std", net.weight_rel_std, h);
    check("net.g", net.g, h);
    check("net.delay_exc_mean", net.delay_exc_mean, h);
    check("net.delay_inh_mean", net.delay_inh_mean, h);
    check("net.delay_rel_std", net.delay_rel_std, h);
    check("net.delay_poisson", net.delay_poisson, h);
    checkText("net.bg_input_type", net.bg_input_type);
    check("net.bg_rate", net.bg_rate, h);
    checkText("net.V0_type", net.V0_type);

    const NeuronParams& n = net.neuron;
    checkNeuron("C_m", n.C_m, h);
    checkNeuron("tau_m", n.tau_m, h);
    checkNeuron("tau_syn", n.tau_syn, h);
    checkNeuron("t_ref", n.t_ref, h);
    checkNeuron("E_L", n.E_L, h);
    checkNeuron("V_reset", n.V_reset, h);
    checkNeuron("V_th", n.V_th, h);
    checkNeuron("I_e", n.I_e, h);
    for (int p = 0; p < kNumPops; ++p) {
        const bool uniform = std::all_of(n.V_th.begin(), n.V_th.end(), [&](double v) { return v == n.V_th[0]; });
        const std::string vth = "net.neuron_params.V_th" + (uniform ? std::string() : popIndex(p));
        if (n.V_th[p] <= n.V_reset[p]) reject(vth, num(n.V_th[p]), "must be above V_reset (" + num(n.V_reset[p]) + ")");
        if (n.V_th[p] <= n.E_L[p]) reject(vth, num(n.V_th[p]), "must be above E_L (" + num(n.E_L[p]) + ")");
    }
    checkMatrix("net.weight_factors", net.weight_factors, h, true);
    checkList("stim.weight_factors_th", stim.weight_factors_th, h);
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
    check("net.neuron_params.V0_mean.original", n.V0_mean_original, h);
    check("net.neuron_params.V0_std.original", n.V0_std_original, h);

    check("stim.th_start", stim.th_start, h);
    check("stim.th_duration", stim.th_duration, h);
    check("stim.th_rate", stim.th_rate, h);
    check("stim.num_th_neurons", stim.num_th_neurons, h);
    check("stim.PSP_th", stim.PSP_th, h);
    check("stim.delay_th_mean", stim.delay_th_mean, h);
    check("stim.delay_th_rel_std", stim.delay_th_rel_std, h);
    checkText("stim.th_scaling", stim.th_scaling);
    check("stim.dc_transient_start", stim.dc_transient_start, h);
    check("stim.dc_transient_dur", stim.dc_transient_dur, h);
    check("stim.dc_transient_amp", stim.dc_transient_amp, h);
    checkText("stim.timing", stim.timing);

    double last = 0.0;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const TimedEvent& e = events[i];
        const std::string where = "events[" + std::to_string(i) + "]";
        const auto time = [&](const char* key, double v) {
            if (!std::isfinite(v) || v < 0.0 || v > 1e9) reject(where + "." + key, num(v), "must be >= 0 and <= 1e+09");
        };
        time("t_ms", e.t_ms);
        if (e.t_ms < last)
            reject(where + ".t_ms", num(e.t_ms), "events must be in time order (the one before is at " + num(last) + " ms)");
        last = e.t_ms;
        time("start_ms", e.start_ms);
        time("duration_ms", e.duration_ms);
    }
}

} // namespace mc
