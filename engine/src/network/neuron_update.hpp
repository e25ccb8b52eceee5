// The iaf_psc_exp update of a range of neurons for one step (MODEL.md,
// "Neuron"), in NEST's order: integrate V with the old current (unless
// refractory), decay the current, add this step's input, test the threshold.
// Excitatory and inhibitory currents share one time constant (tau_syn), so
// they decay alike and only their sum enters V: one current per neuron.
#pragma once

#include <cstdint>
#include <vector>

namespace mc::detail {

/// Constants of one population for one step.
struct UpdateConstants {
    float P11, P21, P22, P20; ///< exact-integration propagators
    float theta, vReset;      ///< threshold and reset, relative to E_L (mV)
    std::int32_t refractorySteps;
    float iConst;             ///< background DC plus device current (pA)
    float unitEx, unitIn;     ///< pA per accumulator unit (unitIn < 0)
    bool split;               ///< separate inhibitory accumulator (else inputEx holds the signed sum)
    float wExt;               ///< Poisson background weight (pA)
    const std::uint32_t* cdf; ///< Poisson count thresholds (nullptr = no Poisson input)
    std::uint32_t cdfSize;
    std::uint32_t poissonKey; ///< per-step key of the Poisson draws
};

/// State arrays of the neurons [first, first + n) and their input accumulators
/// (inputEx/inputIn indexed from 0 for neuron `first`). Spiking neurons are
/// appended to `spikes` in increasing order.
struct NeuronRange {
    std::int32_t first, n;
    float* v;
    float* current; ///< total synaptic current I_ex + I_in (pA)
    std::int32_t* refractory;
    std::int32_t* inputEx;
    std::int32_t* inputIn; ///< nullptr unless UpdateConstants::split
};

void updateNeurons(const NeuronRange& range, const UpdateConstants& c, std::vector<std::int32_t>& spikes);

/// The update loop in use: "avx512", "avx2" or "portable".
const char* simdName();

/// The Poisson count of one draw u: the number of thresholds cdf[k] <= u.
inline std::int32_t poissonCount(std::uint32_t u, const std::uint32_t* cdf, std::uint32_t size) {
    std::uint32_t k = 0;
    while (k < size && u >= cdf[k]) ++k;
    return static_cast<std::int32_t>(k);
}

} // namespace mc::detail
