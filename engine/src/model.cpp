#include "microcircuit/model.hpp"

#include "microcircuit/errors.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mc {

double pscOverPsp(double C_m, double tau_m, double tau_syn) {
    // Peak of the PSP of iaf_psc_exp for a unit PSC amplitude, inverted.
    if (std::abs(tau_m - tau_syn) < 1e-9 * tau_m) {
        // Limit tau_s -> tau_m: peak at t = tau_m, PSP = tau_m / (C_m e).
        return C_m * std::exp(1.0) / tau_m;
    }
    const double sub = 1.0 / (tau_syn - tau_m);
    const double pre = tau_m * tau_syn / C_m * sub;
    const double frac = std::pow(tau_m / tau_syn, sub);
    return 1.0 / (pre * (std::pow(frac, tau_m) - std::pow(frac, tau_syn)));
}

double synapseCount(double C, double n_source, double n_target) {
    if (C <= 0.0) return 0.0;
    return std::log(1.0 - C) / std::log(1.0 - 1.0 / (n_source * n_target));
}

DerivedParams deriveParameters(const Config& config) {
    const NetParams& net = config.net;
    const NeuronParams& neuron = net.neuron;
    DerivedParams d;

    d.first_neuron[0] = 0;
    for (int p = 0; p < kNumPops; ++p) {
        d.num_neurons[p] = static_cast<std::int32_t>(std::nearbyint(net.full_num_neurons[p] * net.N_scaling));
        d.first_neuron[p + 1] = d.first_neuron[p] + d.num_neurons[p];
    }
    d.total_neurons = d.first_neuron[kNumPops];

    d.total_synapses = 0;
    for (int y = 0; y < kNumPops; ++y) {
        for (int x = 0; x < kNumPops; ++x) {
            d.full_num_synapses[y][x] =
                synapseCount(net.conn_probs[y][x], net.full_num_neurons[x], net.full_num_neurons[y]);
            d.num_synapses[y][x] =
                static_cast<std::int64_t>(std::nearbyint(d.full_num_synapses[y][x] * net.N_scaling * net.K_scaling));
            // A population scaled to zero neurons cannot hold synapses.
            if (d.num_neurons[y] == 0 || d.num_neurons[x] == 0) d.num_synapses[y][x] = 0;
            d.total_synapses += d.num_synapses[y][x];
        }
    }

    const double sqrtK = std::sqrt(net.K_scaling);
    PopMatrix fullWeight{};
    PopArray fullWeightExt{};
    for (int y = 0; y < kNumPops; ++y) {
        // The PSP is that of the target neuron, so its parameters convert it.
        d.psc_over_psp[y] = pscOverPsp(neuron.C_m[y], neuron.tau_m[y], neuron.tau_syn[y]);
        for (int x = 0; x < kNumPops; ++x) {
            double psp = net.PSP_exc_mean;
            if (!isExcitatory(x)) psp *= net.g;
            if (y == 0 && x == 2) psp *= net.PSP_L4E_to_L23E;
            fullWeight[y][x] = psp * d.psc_over_psp[y] * net.weight_factors[y][x];
            d.weight_mean[y][x] = fullWeight[y][x] / sqrtK;
        }
        fullWeightExt[y] = net.PSP_exc_mean * d.psc_over_psp[y];
        d.weight_ext[y] = fullWeightExt[y] / sqrtK;
    }

    const bool poisson = net.bg_input_type == "poisson";
    for (int y = 0; y < kNumPops; ++y) {
        const double tau_s = neuron.tau_syn[y];
        // The drive's rate and in-degree with their per-population factors
        // (x * 1.0 == x: exactly the reference's values when they are 1).
        const double rate = net.bg_rate * net.bg_rate_factors[y];
        const double kExt = net.K_ext[y] * net.K_ext_factors[y];
        d.ext_indegree[y] = static_cast<std::int32_t>(std::nearbyint(kExt * net.K_scaling));
        double dc = 0.0;
        if (poisson) {
            d.poisson_rate[y] = rate * d.ext_indegree[y];
        } else {
            // The DC replaces the mean of the full Poisson input (unscaled K_ext, w_ext).
            d.dc_drive[y] = rate * kExt * fullWeightExt[y] * tau_s * 1e-3;
            d.dc_drive[y] *= net.dc_factors[y];
        }
        if (net.K_scaling != 1.0) {
            // Mean input lost by the sqrt(K) weight scaling, restored as DC.
            double recurrent = 0.0;
            for (int x = 0; x < kNumPops; ++x) {
                recurrent += fullWeight[y][x] * (d.full_num_synapses[y][x] / net.full_num_neurons[y]) *
                             net.full_mean_rates[x];
            }
            dc += 1e-3 * tau_s * (1.0 - sqrtK) * recurrent;
            if (poisson) dc += 1e-3 * tau_s * (1.0 - sqrtK) * fullWeightExt[y] * kExt * rate;
        }
        d.dc_compensation[y] = dc;
        d.dc_amp[y] = d.dc_drive[y] + dc;
        d.rheobase[y] = neuron.C_m[y] * (neuron.V_th[y] - neuron.E_L[y]) / neuron.tau_m[y];
    }

    if (!poisson) {
        // I_e adds to the drive; a population above threshold at rest is not silent.
        for (int y = 0; y < kNumPops; ++y) {
            if (d.dc_amp[y] + neuron.I_e[y] < d.rheobase[y]) d.below_rheobase.push_back(y);
        }
        if (!d.below_rheobase.empty()) {
            std::string names;
            for (int y : d.below_rheobase) names += std::string(names.empty() ? "" : ", ") + kPopNames[y];
            const int first = d.below_rheobase.front();
            char buf[512];
            std::snprintf(buf, sizeof buf,
                          "DC drive leaves %zu of 8 populations below rheobase (%.0f pA): %s. "
                          "The K_scaling compensation lowers their DC (e.g. %s gets %.0f pA), so they fire "
                          "only when recurrent input lifts them; with many such populations the network "
                          "falls silent. Use --drive poisson or a larger --scale.",
                          d.below_rheobase.size(), d.rheobase[first], names.c_str(), kPopNames[first],
                          d.dc_amp[first] + neuron.I_e[first]);
            d.warnings.emplace_back(buf);
        }
    }

    // Delays are drawn around their means and rounded to the time step. The
    // reference's grid is 0.1 ms; a step that does not divide it moves the
    // delays to another grid, which changes the model, not only its accuracy.
    const double h = config.sim.sim_resolution;
    const double perGrid = 0.1 / h;
    if (h > 0.0 && std::abs(perGrid - std::round(perGrid)) > 1e-6) {
        std::string off;
        for (auto [name, mean] : {std::pair<const char*, double>{"delay_exc_mean", net.delay_exc_mean},
                                  {"delay_inh_mean", net.delay_inh_mean},
                                  {"delay_poisson", net.delay_poisson},
                                  {"delay_th_mean", config.stim.delay_th_mean}}) {
            const double steps = mean / h;
            if (std::abs(steps - std::round(steps)) > 1e-6) {
                char item[96];
                std::snprintf(item, sizeof item, "%s%s %g ms", off.empty() ? "" : ", ", name, mean);
                off += item;
            }
        }
        char buf[512];
        std::snprintf(buf, sizeof buf,
                      "time step %g ms does not divide the reference's 0.1 ms grid: synaptic delays are rounded "
                      "to multiples of %g ms instead, which changes their distribution%s%s%s",
                      h, h, off.empty() ? "" : " (means not on the new grid: ", off.c_str(), off.empty() ? "" : ")");
        d.warnings.emplace_back(buf);
    }

    const StimParams& stim = config.stim;
    for (int y = 0; y < kNumPops; ++y) {
        d.weight_th[y] = stim.PSP_th * d.psc_over_psp[y] / sqrtK * stim.weight_factors_th[y];
        const double q = synapseCount(stim.conn_probs_th[y], stim.num_th_neurons, net.full_num_neurons[y]);
        double scaled = q * net.K_scaling;
        if (stim.th_scaling == "indegree") scaled *= net.N_scaling;
        d.num_th_synapses[y] =
            (stim.thalamic_input && d.num_neurons[y] > 0) ? static_cast<std::int64_t>(std::nearbyint(scaled)) : 0;
        d.total_synapses += d.num_th_synapses[y];
        d.dc_transient_amp[y] = stim.dc_transient_amp * net.K_ext[y];
    }
    return d;
}

DerivedParams deriveLive(const Config& config, const NeuronParams& builtWith) {
    Config c = config;
    const PopArray I_e = c.net.neuron.I_e;
    c.net.neuron = builtWith;
    c.net.neuron.I_e = I_e; // a plain current, not part of any conversion
    return deriveParameters(c);
}

std::int64_t estimateMemoryBytes(const Config& config, const DerivedParams& d, int threads) {
    // 4 bytes per synapse, offsets per (shard, source, delay slot), neuron state.
    // Delay slots run to mean + 10 sd of the longest delay class (construction.cpp).
    const double h = config.sim.sim_resolution;
    const auto slotsOf = [h](double mean, double relSd) { return std::ceil(mean * (1.0 + 10.0 * relSd) / h); };
    const double slots = std::max({slotsOf(config.net.delay_exc_mean, config.net.delay_rel_std),
                                   slotsOf(config.net.delay_inh_mean, config.net.delay_rel_std),
                                   slotsOf(config.stim.delay_th_mean, config.stim.delay_th_rel_std), 1.0});
    const double sources = d.total_neurons + config.stim.num_th_neurons;
    return static_cast<std::int64_t>(static_cast<double>(d.total_synapses) * 4.0 + threads * sources * slots * 4.0 +
                                     d.total_neurons * 64.0);
}

void checkMemoryFits(const Config& config, const DerivedParams& derived, int threads) {
    const double need = static_cast<double>(estimateMemoryBytes(config, derived, std::max(1, threads)));
    const double have = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE));
    if (need > 0.8 * have) {
        char buf[256];
        std::snprintf(buf, sizeof buf,
                      "network too large: N_scaling %g, K_scaling %g need about %.1f GB, this machine has %.1f GB "
                      "(at most 80%% may be used)",
                      config.net.N_scaling, config.net.K_scaling, need / 1e9, have / 1e9);
        throw ConfigError(buf);
    }
}

} // namespace mc
