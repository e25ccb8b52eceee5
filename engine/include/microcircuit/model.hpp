// Quantities derived from the parameters: scaled sizes, synapse counts,
// weights, background currents. Computed once per build, exactly as MODEL.md
// ("Connectivity rule", "Scaling", "External drive").
#pragma once

#include "microcircuit/params.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace mc {

using CountMatrix = std::array<std::array<std::int64_t, kNumPops>, kNumPops>;

struct DerivedParams {
    std::array<std::int32_t, kNumPops> num_neurons{};  ///< scaled population sizes
    std::array<std::int32_t, kNumPops + 1> first_neuron{}; ///< global index of each population's first neuron
    std::int32_t total_neurons = 0;

    PopMatrix full_num_synapses{}; ///< Q_yx at full scale (not rounded)
    CountMatrix num_synapses{};    ///< round(Q_yx * N_scaling * K_scaling)
    std::int64_t total_synapses = 0; ///< recurrent plus thalamic

    PopArray psc_over_psp{};       ///< pA per mV of PSP amplitude, per target population
    PopMatrix weight_mean{};       ///< mean PSC amplitude [target][source] (pA), K-scaled, weight_factors applied
    PopArray weight_ext{};         ///< Poisson background weight onto each population (pA), K-scaled
    PopArray dc_amp{};             ///< constant current I_e per population (pA): drive + compensation
    PopArray dc_drive{};           ///< part of dc_amp replacing the Poisson background (dc drive)
    PopArray dc_compensation{};    ///< part of dc_amp compensating the K_scaling of weights
    std::array<std::int32_t, kNumPops> ext_indegree{}; ///< round(K_ext * K_scaling)
    PopArray poisson_rate{};       ///< total Poisson rate per neuron (Hz); 0 for DC drive

    std::array<std::int64_t, kNumPops> num_th_synapses{}; ///< thalamus -> population
    PopArray weight_th{};          ///< mean thalamic PSC onto each population (pA), K-scaled, weight_factors_th applied
    PopArray dc_transient_amp{};   ///< amplitude of the optional DC transient (pA)

    PopArray rheobase{};           ///< C_m (V_th - E_L) / tau_m per population (pA)
    std::vector<int> below_rheobase; ///< populations whose total DC is below rheobase (DC drive)
    std::vector<std::string> warnings; ///< messages for the user, one line each
};

/// PSC amplitude (pA) that gives a PSP of 1 mV for iaf_psc_exp.
double pscOverPsp(double C_m, double tau_m, double tau_syn);

/// Full-scale synapse count of the fixed-total-number rule for probability C
/// between populations of sizes n_source and n_target.
double synapseCount(double C, double n_source, double n_target);

/// Derives every scaled quantity. The config must be valid.
DerivedParams deriveParameters(const Config& config);

/// The synaptic and drive quantities of `config` (weights, external drive,
/// DC) as a network built with the neuron parameters `builtWith` has them:
/// a live change of a neuron parameter keeps the synapses' weights in pA and
/// the drive currents, as NEST's SetStatus does, while a rebuild derives
/// them anew from the PSPs.
DerivedParams deriveLive(const Config& config, const NeuronParams& builtWith);

/// Bytes the network will occupy when built (synapses, indices, neuron state).
std::int64_t estimateMemoryBytes(const Config& config, const DerivedParams& derived, int threads);

/// Throws ConfigError when the network would need more than 80% of this
/// machine's physical memory.
void checkMemoryFits(const Config& config, const DerivedParams& derived, int threads);

} // namespace mc
