// The iaf_psc_exp update of a range of neurons for one step (MODEL.md,
// "Neuron"), in NEST's order: integrate V with the old currents (unless
// refractory), decay the currents, add this step's input, test the threshold.
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
    float wExt;               ///< Poisson background weight (pA); 0 = no Poisson input
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
    float* iEx;
    float* iIn;
    std::int32_t* refractory;
    std::int32_t* inputEx;
    std::int32_t* inputIn;
};

void updateNeurons(const NeuronRange& range, const UpdateConstants& c, std::vector<std::int32_t>& spikes);

} // namespace mc::detail
