// The GUI's record of the neurons it follows (Probe → Add): for each probe
// V_m and the synaptic current at every step since it was added, and its
// spikes. Filled on the GUI thread by SimController from the engine's
// ProbeTraces (Simulation::setProbes) and the drained spikes. Qt-free.
#pragma once

#include "microcircuit/model.hpp"
#include "microcircuit/probes.hpp"
#include "microcircuit/spike_sink.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace mc::ui {

struct ProbeTrace {
    std::int32_t neuron = 0;          ///< global index from 0 (NEST id = neuron + 1)
    std::vector<std::int64_t> steps;  ///< sample k: the state at the end of step steps[k], time (steps[k] + 1) h
    std::vector<double> vm;           ///< V_m (mV)
    std::vector<double> current;      ///< I_ex + I_in (pA)
    std::vector<std::int64_t> spikes; ///< steps of its spikes (stamped (step + 1) h)
};

class ProbeStore {
  public:
    static constexpr int kMaxProbes = 8;
    /// Samples kept per probe at most (10 min at 0.1 ms); older ones are dropped.
    static constexpr std::size_t kMaxSamples = 6'000'000;

    /// Forgets every probe (a new network).
    void reset(const DerivedParams& derived, double resolutionMs);
    /// Follows these neurons (at most kMaxProbes): probes already followed
    /// keep their samples, new ones start empty.
    void setNeurons(const std::vector<std::int32_t>& neurons);
    std::vector<std::int32_t> neurons() const;
    /// Appends a chunk of the engine's samples (its neurons must be neurons()).
    void append(const ProbeTraces& traces);
    /// Replay: shows recorded traces (at most kMaxProbes; `current` may be
    /// empty, a voltmeter records V_m only) in place of any probes.
    void setRecorded(std::vector<ProbeTrace> traces);
    /// Notes the probed neurons' spikes among a drained batch.
    void noteSpikes(std::span<const Spike> spikes);

    const std::vector<ProbeTrace>& traces() const { return m_traces; }
    double resolution() const { return m_h; }
    const DerivedParams& derived() const { return m_derived; }
    /// "L4E", and "#k of N in L4E, NEST id X".
    std::string populationOf(std::int32_t neuron) const;
    std::string label(std::int32_t neuron) const;
    /// The traces as CSV: neuron_id,population,time_ms,V_m_mV,I_syn_pA (a
    /// line per probe and step, time stamps as in NEST's files).
    std::string toCsv() const;

  private:
    DerivedParams m_derived;
    double m_h = 0.1;
    std::vector<ProbeTrace> m_traces;
};

} // namespace mc::ui
