// Parameters of the Potjans & Diesmann (2014) microcircuit and of a simulation run.
//
// Plain structs with the model's defaults (../shared/MODEL.md, which restates the
// reference PyNEST package for NEST 3.9). Field names follow the reference
// package's dictionary keys so that its sim_dict.json / net_dict.json /
// stim_dict.json map onto them one to one. Units: ms, mV, pA, pF, Hz.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace mc {

inline constexpr int kNumPops = 8;
using PopArray = std::array<double, kNumPops>;
using PopMatrix = std::array<PopArray, kNumPops>; // [target][source]

/// Population names in the fixed index order used by files, plots and colours.
inline constexpr std::array<const char*, kNumPops> kPopNames = {
    "L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"};

/// True for the excitatory populations (even indices).
constexpr bool isExcitatory(int pop) { return pop % 2 == 0; }

/// Simulation control (the reference's sim_dict).
struct SimParams {
    double sim_resolution = 0.1;  ///< time step h (ms)
    double t_presim = 500.0;      ///< warm-up, discarded by the analysis (ms)
    double t_sim = 1000.0;        ///< simulated time after the warm-up (ms)
    std::uint64_t rng_seed = 55;  ///< master seed of every random stream
    int local_num_threads = 0;    ///< worker threads; 0 = all cores
    bool rec_spikes = true;       ///< record spikes of every population
    /// "voltmeter" in the reference's rec_dev: V_m of every neuron every rec_V_int ms.
    bool rec_voltmeter = false;
    double rec_V_int = 1.0;       ///< voltmeter interval (ms), a multiple of sim_resolution
    std::string data_path = "data"; ///< output folder of `microcircuit run`
};

/// A population-wise value: all populations' values (index order of kPopNames).
inline PopArray uniform(double v) {
    PopArray a;
    a.fill(v);
    return a;
}

/// Neuron model iaf_psc_exp. The reference gives every population the same
/// parameters (one number each in its neuron_params); here each may also be
/// set per population (a list of 8 in the configuration).
struct NeuronParams {
    PopArray E_L = uniform(-65.0);    ///< resting potential (mV)
    PopArray V_th = uniform(-50.0);   ///< threshold (mV)
    PopArray V_reset = uniform(-65.0); ///< reset potential (mV)
    PopArray C_m = uniform(250.0);    ///< membrane capacitance (pF)
    PopArray tau_m = uniform(10.0);   ///< membrane time constant (ms)
    PopArray tau_syn = uniform(0.5);  ///< excitatory and inhibitory PSC time constant (ms)
    PopArray t_ref = uniform(2.0);    ///< absolute refractory period (ms)
    /// Constant current on top of the drive (pA); not in the reference (0 there).
    PopArray I_e = uniform(0.0);
    double V0_mean_original = -58.0; ///< 'original' initial V mean (mV)
    double V0_std_original = 10.0;   ///< 'original' initial V sd (mV)
    PopArray V0_mean_optimized = {-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43};
    PopArray V0_std_optimized = {5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48};
};

/// Multiplies the mean weight of every projection [target][source] (1 = the model's).
using WeightFactors = PopMatrix;
inline WeightFactors unitWeightFactors() {
    WeightFactors f;
    for (PopArray& row : f) row.fill(1.0);
    return f;
}

/// Network structure and synapses (the reference's net_dict).
struct NetParams {
    double N_scaling = 0.1; ///< multiplies population sizes (project default, see MODEL.md)
    double K_scaling = 0.1; ///< multiplies in-degrees; weights are divided by sqrt(K_scaling)
    PopArray full_num_neurons = {20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948};
    /// Full-scale mean rates (Hz), used only for the K_scaling DC compensation.
    PopArray full_mean_rates = {0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829};
    PopMatrix conn_probs = {{
        {0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0},
        {0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0},
        {0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0},
        {0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0},
        {0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0},
        {0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0},
        {0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252},
        {0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443},
    }};
    double PSP_exc_mean = 0.15;    ///< mean excitatory PSP amplitude (mV)
    double PSP_L4E_to_L23E = 2.0;  ///< factor on the L4E -> L23E PSP (the model doubles it)
    /// Factor on each projection's mean weight, [target][source] as conn_probs;
    /// not in the reference (all 1 there). Applies live.
    WeightFactors weight_factors = unitWeightFactors();
    double weight_rel_std = 0.1;   ///< sd / mean of every weight distribution
    double g = -4.0;               ///< inhibitory / excitatory weight ratio
    double delay_exc_mean = 1.5;   ///< mean excitatory delay (ms)
    double delay_inh_mean = 0.75;  ///< mean inhibitory delay (ms)
    double delay_rel_std = 0.5;    ///< sd / mean of the delay distributions
    std::string bg_input_type = "poisson"; ///< "poisson" (project default) or "dc" (reference default)
    double bg_rate = 8.0;          ///< rate of each cortico-cortical input (Hz)
    PopArray K_ext = {1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100};
    /// Per-population factors on the background drive (not in the
    /// reference: all 1 there). Apply live. bg_rate_factors: on bg_rate;
    /// K_ext_factors: on K_ext as the drive uses it (the DC transient keeps
    /// dc_transient_amp x K_ext); both change the Poisson rate, the DC drive
    /// and the K_scaling compensation of the drive as the rate and in-degree
    /// they multiply would. dc_factors: on the DC drive of bg_input_type "dc"
    /// (not on the compensation or I_e).
    PopArray bg_rate_factors = uniform(1.0);
    PopArray K_ext_factors = uniform(1.0);
    PopArray dc_factors = uniform(1.0);
    double delay_poisson = 1.5;    ///< delay of the Poisson background (ms)
    std::string V0_type = "optimized"; ///< "optimized" or "original"
    NeuronParams neuron;
};

/// Optional transient stimuli (the reference's stim_dict).
struct StimParams {
    bool thalamic_input = false;
    double th_start = 700.0;    ///< onset of the thalamic pulse (ms)
    double th_duration = 10.0;  ///< duration of the thalamic pulse (ms)
    double th_rate = 120.0;     ///< rate of each thalamic neuron during the pulse (Hz)
    int num_th_neurons = 902;   ///< not scaled by N_scaling
    PopArray conn_probs_th = {0.0, 0.0, 0.0983, 0.0619, 0.0, 0.0, 0.0512, 0.0196};
    double PSP_th = 0.15;        ///< mean thalamic PSP (mV)
    /// Factor on the mean thalamic weight onto each population (all 1 in the reference).
    PopArray weight_factors_th = uniform(1.0);
    double delay_th_mean = 1.5;  ///< mean thalamic delay (ms)
    double delay_th_rel_std = 0.5;
    /// "reference": thalamic synapse counts scale with K_scaling only (as NEST's
    /// reference package does); "indegree": also with N_scaling, which keeps the
    /// full-scale thalamic in-degree per neuron.
    std::string th_scaling = "reference";
    bool dc_transient = false;
    double dc_transient_start = 650.0; ///< (ms)
    double dc_transient_dur = 100.0;   ///< (ms)
    double dc_transient_amp = 0.3;     ///< pA per external in-degree: amplitude = amp * K_ext[y]
    /// When the thalamic pulse and the DC transient reach the neurons.
    /// "nest": as in the reference, through NEST's devices and their 1 ms
    /// connections (a thalamic spike drawn by the poisson_generator in step
    /// s, active for th_start < s*h <= th_start + th_duration, is relayed by
    /// its parrot_neuron in step s + 10 and arrives after the drawn delay;
    /// the dc_generator's current enters V from the step of dc_transient_start
    /// + 1 ms); "exact": at the given times (thalamic neurons fire from the
    /// step of th_start, the DC enters V one step after dc_transient_start).
    std::string timing = "nest";
};

/// A change at a given model time while the network runs: the configuration
/// file's "events" list, and what the desktop program logs as a session.
struct TimedEvent {
    enum class Kind { Set, ThalamicPulse, DcTransient };
    double t_ms = 0.0;       ///< applied before the step starting at t_ms (rounded to the time grid)
    Kind kind = Kind::Set;
    /// Set: the changed configuration fields as a JSON object with the
    /// sections of a configuration ({"net": {"g": -5}}); only fields that
    /// apply live (isLiveField) may appear.
    std::string set;
    double start_ms = 0.0;   ///< pulses: onset (ms); t_ms if not given
    double duration_ms = 0.0; ///< DC transient: duration (ms)
    std::string label;       ///< short text shown on the raster's time axis
};

/// Everything needed to build and run one network.
struct Config {
    SimParams sim;
    NetParams net;
    StimParams stim;
    std::vector<TimedEvent> events; ///< in time order

    /// Throws ConfigError naming the first invalid field, its value and the
    /// allowed range.
    void validate() const;
};

} // namespace mc
