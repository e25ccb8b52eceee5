// Membrane-potential probes: the state of chosen neurons, read after every
// step (or every k-th step) of Simulation::run. Reading happens after a
// neuron's update, outside the update loop, so probes change no spike and a
// run without probes does no extra work per neuron.
#pragma once

#include <cstdint>
#include <vector>

namespace mc {

/// Samples taken since the last Simulation::takeProbeTraces.
///
/// Sample k is the state at the end of step steps[k], that is at model time
/// (steps[k] + 1) * h: the time stamp NEST's voltmeter gives it, and the time
/// stamp of a spike emitted in that step. After a spike V_m is V_reset.
struct ProbeTraces {
    std::vector<std::int32_t> neurons; ///< probed neurons (global index from 0), in the order given
    std::vector<std::int64_t> steps;   ///< the step each sample ends
    std::vector<double> vm;            ///< [k * neurons.size() + i]: V_m (mV, absolute: E_L + v)
    std::vector<double> current;       ///< same layout: synaptic current I_ex + I_in (pA)

    std::size_t samples() const { return steps.size(); }
    double vmAt(std::size_t sample, std::size_t probe) const { return vm[sample * neurons.size() + probe]; }
    double currentAt(std::size_t sample, std::size_t probe) const { return current[sample * neurons.size() + probe]; }
};

} // namespace mc
