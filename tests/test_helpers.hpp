// Small helpers shared by the engine test suites.
#pragma once

#include "microcircuit/params.hpp"
#include "microcircuit/simulation.hpp"
#include "microcircuit/spike_sink.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace mc::test {

/// Collects every spike of every run() call.
class SpikeCollector : public SpikeSink {
public:
    void onSpikes(std::span<const Spike> spikes, std::int64_t endStep) override {
        all.insert(all.end(), spikes.begin(), spikes.end());
        lastEndStep = endStep;
    }
    std::vector<Spike> all;
    std::int64_t lastEndStep = 0;
};

/// Two-sample Kolmogorov-Smirnov distance written out from its definition:
/// the largest |F_a(x) - F_b(x)| over every sample value x, with F the
/// fraction of values <= x; NaNs dropped; NaN if a side is empty.
inline double definitionKs(std::vector<double> a, std::vector<double> b) {
    std::erase_if(a, [](double x) { return std::isnan(x); });
    std::erase_if(b, [](double x) { return std::isnan(x); });
    if (a.empty() || b.empty()) return std::nan("");
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    const auto F = [](const std::vector<double>& s, double x) {
        return static_cast<double>(std::upper_bound(s.begin(), s.end(), x) - s.begin()) / static_cast<double>(s.size());
    };
    double d = 0.0;
    for (const auto* s : {&a, &b})
        for (double x : *s)
            d = std::max(d, std::abs(F(a, x) - F(b, x)));
    return d;
}

/// True if both lists hold the same spikes in the same order.
inline bool sameSpikes(const std::vector<Spike>& a, const std::vector<Spike>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].neuron != b[i].neuron || a[i].step != b[i].step) return false;
    return true;
}

/// PSC amplitude (pA) per mV of PSP peak for iaf_psc_exp, written out here
/// independently of the engine (MODEL.md, "Weights").
inline double pscOverPspReference(double C_m = 250.0, double tau_m = 10.0, double tau_s = 0.5) {
    const double sub = 1.0 / (tau_s - tau_m);
    const double pre = tau_m * tau_s / C_m * sub;
    const double frac = std::pow(tau_m / tau_s, sub);
    return 1.0 / (pre * (std::pow(frac, tau_m) - std::pow(frac, tau_s)));
}

/// Full-scale synapse count of the fixed-total-number rule (MODEL.md).
inline double synapseCountReference(double C, double nSource, double nTarget) {
    if (C <= 0.0) return 0.0;
    return std::log(1.0 - C) / std::log(1.0 - 1.0 / (nSource * nTarget));
}

/// A network of isolated neurons: one neuron per population (sizes 1, full
/// scale, so no K_scaling compensation), no synapses, DC drive with K_ext = 0
/// (no current), V0 at rest. setDcCurrent() gives a population a current.
inline Config isolatedNeuronsConfig() {
    Config c;
    c.net.N_scaling = 1.0;
    c.net.K_scaling = 1.0;
    c.net.full_num_neurons.fill(1.0);
    for (auto& row : c.net.conn_probs) row.fill(0.0);
    c.net.bg_input_type = "dc";
    c.net.bg_rate = 8.0;
    c.net.K_ext.fill(0.0);
    c.net.V0_type = "original";
    c.net.neuron.V0_mean_original = -65.0;
    c.net.neuron.V0_std_original = 0.0;
    c.stim.thalamic_input = false;
    c.stim.dc_transient = false;
    return c;
}

/// Sets net.K_ext so that population `pop` receives the constant current
/// `pA` under DC drive at K_scaling = 1 (I_e = bg_rate K_ext w_ext tau_s 1e-3).
inline void setDcCurrent(Config& c, int pop, double pA) {
    const NeuronParams& n = c.net.neuron;
    const double wExt = c.net.PSP_exc_mean * pscOverPspReference(n.C_m[pop], n.tau_m[pop], n.tau_syn[pop]);
    c.net.K_ext[pop] = pA / (c.net.bg_rate * wExt * n.tau_syn[pop] * 1e-3);
}

/// Build options with an explicit thread count.
inline BuildOptions withThreads(int threads) {
    BuildOptions o;
    o.threads = threads;
    return o;
}

/// Number of steps for `ms` at resolution h.
inline std::int64_t stepsOf(double ms, double h) { return std::llround(ms / h); }

} // namespace mc::test
