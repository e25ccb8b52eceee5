// The simulation: builds the network from a Config and advances it in time.
//
// Thread use: a Simulation is driven by one thread at a time (the "engine
// thread"); internally it spreads work over `threads` workers. Spikes and
// results are bit-identical for any thread count and either parallel backend.
#pragma once

#include "microcircuit/model.hpp"
#include "microcircuit/params.hpp"
#include "microcircuit/probes.hpp"
#include "microcircuit/spike_sink.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace mc {

namespace detail {
struct Network;
}

/// Options that affect how (not what) the network is built.
struct BuildOptions {
    int threads = 0; ///< worker threads; 0 = sim.local_num_threads, or all cores if that is 0
    /// Called on the building thread with progress in [0, 1] and a phase name.
    std::function<void(double fraction, const char* phase)> progress;
    /// Polled during the build; when it becomes true the build throws BuildCancelled.
    const std::atomic<bool>* cancel = nullptr;
};

/// Thrown by the Simulation constructor when BuildOptions::cancel was set.
class BuildCancelled : public std::runtime_error {
public:
    BuildCancelled() : std::runtime_error("network construction cancelled") {}
};

/// The three live controls of the desktop program as factors on the values
/// the network was built with (a shorthand for Simulation::applyConfig).
struct LiveParams {
    double exc_weight_factor = 1.0; ///< net.PSP_exc_mean: every excitatory weight and w_ext
    double inh_weight_factor = 1.0; ///< net.g: every inhibitory weight
    double bg_rate_factor = 1.0;    ///< net.bg_rate with poisson drive
    double dc_factor = 1.0;         ///< net.bg_rate with dc drive (the DC replacing the Poisson input)
};

/// Where one worker's time went during the runs since phase timing was
/// switched on (Simulation::setPhaseTiming; `microcircuit bench --phases`).
/// The phases follow each other without gaps, so they add up to the
/// worker's time in the stepping loop.
struct PhaseTimes {
    double enqueue_ns = 0.0;       ///< queue delivery: filing the last step's spikes' segments by due step
    double deliver_ns = 0.0;       ///< adding the input due this step, before the update
    double update_ns = 0.0;        ///< neuron update and spike lists
    double deliver_ahead_ns = 0.0; ///< queue delivery: next step's input, added while waiting for the others
    double wait_ns = 0.0;          ///< waiting at the end of a step for the other workers
    std::int64_t steps = 0;
};

class Simulation {
public:
    /// Builds the network. Throws ConfigError for invalid parameters and
    /// BuildCancelled when cancelled.
    explicit Simulation(const Config& config, const BuildOptions& options = {});
    ~Simulation();
    Simulation(const Simulation&) = delete;
    Simulation& operator=(const Simulation&) = delete;

    /// The configuration the network runs with now (live changes applied).
    const Config& config() const;
    /// The configuration the network was built from.
    const Config& builtConfig() const;
    /// Quantities derived from config() as the network runs them (deriveLive).
    const DerivedParams& derived() const;
    int threads() const;
    const char* backend() const; ///< "tbb" or "openmp"
    const char* simd() const;    ///< neuron update loop: "avx512", "avx2" or "portable"
    const char* delivery() const; ///< spike delivery: "ring" (small networks) or "queue"

    /// Advances the network by `steps` time steps. Spikes go to `sink` (may be
    /// null) once per call, sorted by step then neuron.
    void run(std::int64_t steps, SpikeSink* sink = nullptr);
    /// Steps done so far; model time is steps() * resolution().
    std::int64_t steps() const;
    double resolution() const;
    double timeMs() const;

    /// Applies a configuration from the next step on. It may differ from
    /// config() only in fields that apply live (isLiveField in live.hpp):
    /// weights, drive, stimulus strengths and the neuron parameters of each
    /// population. The membrane potentials and currents stay as they are;
    /// weights and drive keep being derived with the neuron parameters the
    /// network was built with (deriveLive). Throws ConfigError naming the
    /// field, and changes nothing, for an invalid value or a field that
    /// needs a rebuild. A change of one projection's weight rewrites the
    /// codes of that source population's synapses once.
    void applyConfig(const Config& config);
    /// Returns the network to time 0 in the state construction left it in
    /// (initial membrane potentials, no input in flight, the configuration's
    /// stimulus schedule), running `config`, which may differ from
    /// builtConfig() only in live fields (as for applyConfig). Sweeps reuse
    /// one built network for points that differ only in such fields. Throws
    /// ConfigError, and changes nothing, like applyConfig.
    void restart(const Config& config);
    /// Applies the factors from the next step on (see LiveParams).
    void setLive(const LiveParams& live);
    const LiveParams& live() const;
    /// Schedules a thalamic pulse (th_rate, th_duration) starting at `startMs`.
    /// Needs stim.thalamic_input (the thalamic synapses); returns false otherwise.
    bool scheduleThalamicPulse(double startMs);
    /// Schedules a DC transient (dc_transient_amp * K_ext) over [startMs, startMs + durMs).
    void scheduleDcTransient(double startMs, double durMs);

    /// Number of synapses actually built (recurrent and thalamic).
    std::int64_t numSynapses() const;
    /// Bytes held by the network (synapses, indices, neuron state).
    std::int64_t memoryBytes() const;
    /// Seconds spent building.
    double buildSeconds() const;

    /// Membrane potential (mV) of a neuron, for tests and inspection.
    double membranePotential(std::int32_t neuron) const;
    /// Synaptic currents (pA) of a neuron: excitatory plus inhibitory.
    double synapticCurrent(std::int32_t neuron) const;
    /// Steps of refractoriness left for a neuron (0 = integrating).
    std::int32_t refractoryStepsLeft(std::int32_t neuron) const;
    /// Adds a PSC jump of `amplitude` pA (sign = excitatory/inhibitory) that
    /// arrives in the next step, as a spike through a synapse of that weight
    /// would (quantised to the engine's weight unit). For probes and tests.
    void injectInput(std::int32_t neuron, double amplitude);
    /// Follows `neurons` (global indices, repeats allowed) from the next step
    /// on: after every `everySteps`-th step (those with (step + 1) a multiple
    /// of it), their V_m and synaptic current are kept for takeProbeTraces.
    /// Replaces the probes set before and drops their samples; an empty list
    /// switches probing off. Throws ConfigError for an index outside the
    /// network or everySteps < 1. Spikes do not change.
    void setProbes(const std::vector<std::int32_t>& neurons, std::int32_t everySteps = 1);
    const std::vector<std::int32_t>& probes() const;
    /// The samples since setProbes or the last call; clears them.
    ProbeTraces takeProbeTraces();
    /// Times the phases of every step from now on (cleared when switched
    /// on). Costs a clock read per phase, a few percent at small scales;
    /// results do not change.
    void setPhaseTiming(bool on);
    /// Per worker, since setPhaseTiming(true).
    std::vector<PhaseTimes> phaseTimes() const;
    /// Lets a front end take cores from the workers while it is busy (the
    /// desktop program's GUI thread, whose drawing would otherwise stall the
    /// whole team: the workers step in lockstep). run() reads *limit every
    /// step: while it holds n in [1, threads()), only n workers step (from
    /// two steps after a change on) and the others sleep; <= 0 or >= threads():
    /// all step. *stepping (optional) is set to the number stepping now, 0
    /// between runs. The spikes are the same for any limit at any time. Both
    /// atomics must outlive the Simulation (or the next call); nullptr: off.
    void setThreadLimit(const std::atomic<int>* limit, std::atomic<int>* stepping = nullptr);
    /// The workers "all cores" means (BuildOptions::threads = 0): the cores
    /// this process may run on, as the parallel backend counts them.
    static int defaultThreads();
    /// Total spikes emitted so far, per population.
    std::array<std::int64_t, kNumPops> spikeCounts() const;

    /// The built network, for tests that inspect connectivity.
    const detail::Network& network() const;

private:
    std::unique_ptr<detail::Network> m_net;
};

} // namespace mc
