// The table of configuration fields (fields.hpp): group, shape, unit, range,
// description. Config::validate (params.cpp) checks against these ranges.
#include "microcircuit/fields.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/live.hpp"
#include "microcircuit/params.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

namespace mc {
namespace {

using G = FieldGroup;
using S = FieldShape;

std::string num(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

FieldInfo number(std::string_view path, G group, S shape, std::string_view unit, double min, double max,
                 std::string_view description) {
    FieldInfo f{};
    f.path = path;
    f.group = group;
    f.shape = shape;
    f.unit = unit;
    f.min = min;
    f.max = max;
    f.description = description;
    return f;
}
FieldInfo openMin(FieldInfo f) {
    f.minOpen = true;
    return f;
}
FieldInfo delay(std::string_view path, G group, std::string_view description) {
    FieldInfo f = number(path, group, S::Number, "ms", 0.0, 100.0, description);
    f.minIsResolution = true;
    return f;
}
FieldInfo probability(std::string_view path, G group, S shape, std::string_view description) {
    FieldInfo f = number(path, group, shape, "", 0.0, 1.0, description);
    f.maxOpen = true;
    return f;
}
FieldInfo words(std::string_view path, G group, std::string_view choices, std::string_view description) {
    FieldInfo f = number(path, group, S::Text, "", 0.0, 0.0, description);
    f.choices = choices;
    return f;
}
FieldInfo flag(std::string_view path, G group, std::string_view description) {
    FieldInfo f = number(path, group, S::Boolean, "", 0.0, 1.0, description);
    f.choices = "true|false";
    return f;
}

std::vector<FieldInfo> makeTable() {
    std::vector<FieldInfo> t;
    // sim
    t.push_back(openMin(number("sim.sim_resolution", G::Simulation, S::Number, "ms", 0.0, 1.0,
                               "time step h of the exact integration (a multiple of 0.001 ms)")));
    t.push_back(number("sim.t_presim", G::Simulation, S::Number, "ms", 0.0, 1e9,
                       "warm-up before t_sim; the analysis discards it"));
    t.push_back(number("sim.t_sim", G::Simulation, S::Number, "ms", 0.0, 1e9, "simulated time after the warm-up"));
    t.push_back(number("sim.rng_seed", G::Simulation, S::Integer, "", 0.0, 18446744073709551615.0,
                       "master seed of every random stream (network and drive)"));
    t.push_back(number("sim.local_num_threads", G::Simulation, S::Integer, "", 0.0, 1024.0,
                       "worker threads (0 = all cores); spikes do not depend on it"));
    t.push_back(flag("sim.rec_spikes", G::Simulation, "record the spikes of every population"));
    t.push_back(openMin(number("sim.rec_V_int", G::Simulation, S::Number, "ms", 0.0, 1e9,
                               "voltmeter sampling interval (with \"voltmeter\" in rec_dev; a multiple of sim_resolution)")));
    t.push_back(words("sim.data_path", G::Simulation, "", "output folder of `microcircuit run`"));
    // net
    t.push_back(openMin(number("net.N_scaling", G::NetworkSize, S::Number, "", 0.0, 10.0,
                               "multiplies every population's size (1 = the full 77,169 neurons)")));
    t.push_back(openMin(number("net.K_scaling", G::NetworkSize, S::Number, "", 0.0, 10.0,
                               "multiplies in-degrees; weights are divided by sqrt(K_scaling) and a DC compensates")));
    FieldInfo sizes = number("net.full_num_neurons", G::NetworkSize, S::PerPopulation, "", 1.0, 1e6,
                             "population sizes at full scale (Table 5 of the paper)");
    sizes.wholeNumber = true;
    t.push_back(sizes);
    t.push_back(number("net.full_mean_rates", G::Drive, S::PerPopulation, "Hz", 0.0, 1000.0,
                       "full-scale mean rates, used only by the K_scaling DC compensation"));
    t.push_back(probability("net.conn_probs", G::Connectivity, S::Matrix,
                            "connection probability [target][source] (Table 5); synapse counts follow from it"));
    t.push_back(number("net.PSP_exc_mean", G::Synapses, S::Number, "mV", 0.0, 20.0,
                       "mean excitatory PSP amplitude; sets every excitatory weight"));
    t.push_back(number("net.PSP_L4E_to_L23E", G::Synapses, S::Number, "", 0.0, 100.0,
                       "factor on the L4E -> L2/3E PSP (the model doubles it)"));
    t.push_back(number("net.weight_factors", G::Synapses, S::Matrix, "", 0.0, 100.0,
                       "factor on each projection's mean weight [target][source] (1 = the model's)"));
    t.push_back(number("net.weight_rel_std", G::Synapses, S::Number, "", 0.0, 2.0,
                       "standard deviation / mean of every weight distribution"));
    t.push_back(number("net.g", G::Synapses, S::Number, "", -100.0, 0.0,
                       "inhibitory weight relative to the excitatory one (relative inhibition)"));
    t.push_back(delay("net.delay_exc_mean", G::Synapses, "mean delay of excitatory synapses"));
    t.push_back(delay("net.delay_inh_mean", G::Synapses, "mean delay of inhibitory synapses"));
    t.push_back(number("net.delay_rel_std", G::Synapses, S::Number, "", 0.0, 2.0,
                       "standard deviation / mean of the delay distributions"));
    t.push_back(words("net.bg_input_type", G::Drive, "poisson|dc",
                      "background drive: independent Poisson inputs, or their mean as a DC"));
    t.push_back(number("net.bg_rate", G::Drive, S::Number, "Hz", 0.0, 1000.0,
                       "rate of each external (cortico-cortical) input"));
    t.push_back(number("net.K_ext", G::Drive, S::PerPopulation, "", 0.0, 1e5,
                       "number of external inputs per neuron, per population"));
    t.push_back(number("net.bg_rate_factors", G::Drive, S::PerPopulation, "", 0.0, 100.0,
                       "factor on bg_rate per population (Poisson rate and the DC that replaces it)"));
    t.push_back(number("net.K_ext_factors", G::Drive, S::PerPopulation, "", 0.0, 100.0,
                       "factor on the external in-degree K_ext of the drive per population (not the DC transient)"));
    t.push_back(number("net.dc_factors", G::Drive, S::PerPopulation, "", 0.0, 100.0,
                       "factor on the DC drive per population with bg_input_type dc (not its compensation, not I_e)"));
    t.push_back(delay("net.delay_poisson", G::Drive, "delay of the Poisson background"));
    t.push_back(words("net.V0_type", G::Neurons, "optimized|original",
                      "initial membrane potentials: per-population fits, or one normal distribution"));
    t.push_back(number("net.neuron_params.E_L", G::Neurons, S::PerPopulation, "mV", -200.0, 100.0,
                       "resting potential"));
    t.push_back(number("net.neuron_params.V_th", G::Neurons, S::PerPopulation, "mV", -200.0, 100.0,
                       "spike threshold (above E_L and V_reset)"));
    t.push_back(number("net.neuron_params.V_reset", G::Neurons, S::PerPopulation, "mV", -200.0, 100.0,
                       "potential after a spike"));
    t.push_back(openMin(number("net.neuron_params.C_m", G::Neurons, S::PerPopulation, "pF", 0.0, 1e6,
                               "membrane capacitance")));
    t.push_back(openMin(number("net.neuron_params.tau_m", G::Neurons, S::PerPopulation, "ms", 0.0, 1e4,
                               "membrane time constant")));
    t.push_back(openMin(number("net.neuron_params.tau_syn", G::Neurons, S::PerPopulation, "ms", 0.0, 1e4,
                               "time constant of the exponential synaptic currents")));
    t.push_back(number("net.neuron_params.t_ref", G::Neurons, S::PerPopulation, "ms", 0.0, 1e4,
                       "absolute refractory period"));
    t.push_back(number("net.neuron_params.I_e", G::Neurons, S::PerPopulation, "pA", -1e6, 1e6,
                       "constant current on top of the drive (0 in the reference)"));
    t.push_back(number("net.neuron_params.V0_mean.original", G::Neurons, S::Number, "mV", -200.0, 100.0,
                       "mean initial potential with V0_type \"original\""));
    t.push_back(number("net.neuron_params.V0_mean.optimized", G::Neurons, S::PerPopulation, "mV", -200.0, 100.0,
                       "mean initial potential per population with V0_type \"optimized\""));
    t.push_back(number("net.neuron_params.V0_std.original", G::Neurons, S::Number, "mV", 0.0, 100.0,
                       "standard deviation of the initial potential (\"original\")"));
    t.push_back(number("net.neuron_params.V0_std.optimized", G::Neurons, S::PerPopulation, "mV", 0.0, 100.0,
                       "standard deviation of the initial potential per population (\"optimized\")"));
    // stim
    t.push_back(flag("stim.thalamic_input", G::Stimuli, "build the thalamic population and its pulse"));
    t.push_back(number("stim.th_start", G::Stimuli, S::Number, "ms", 0.0, 1e9, "onset of the thalamic pulse"));
    t.push_back(number("stim.th_duration", G::Stimuli, S::Number, "ms", 0.0, 1e9, "duration of the thalamic pulse"));
    t.push_back(number("stim.th_rate", G::Stimuli, S::Number, "Hz", 0.0, 10000.0,
                       "rate of each thalamic neuron during the pulse"));
    t.push_back(number("stim.num_th_neurons", G::Stimuli, S::Integer, "", 0.0, 1e6,
                       "thalamic neurons (not scaled by N_scaling)"));
    t.push_back(probability("stim.conn_probs_th", G::Stimuli, S::PerPopulation,
                            "connection probability thalamus -> each population"));
    t.push_back(number("stim.PSP_th", G::Stimuli, S::Number, "mV", 0.0, 20.0, "mean thalamic PSP amplitude"));
    t.push_back(number("stim.weight_factors_th", G::Stimuli, S::PerPopulation, "", 0.0, 100.0,
                       "factor on the mean thalamic weight onto each population"));
    t.push_back(delay("stim.delay_th_mean", G::Stimuli, "mean delay of thalamic synapses"));
    t.push_back(number("stim.delay_th_rel_std", G::Stimuli, S::Number, "", 0.0, 2.0,
                       "standard deviation / mean of the thalamic delays"));
    t.push_back(words("stim.th_scaling", G::Stimuli, "reference|indegree",
                      "thalamic synapse counts scale with K_scaling only (reference) or also with N_scaling"));
    t.push_back(flag("stim.dc_transient", G::Stimuli, "a DC step of dc_transient_amp x K_ext per population"));
    t.push_back(number("stim.dc_transient_start", G::Stimuli, S::Number, "ms", 0.0, 1e9, "onset of the DC transient"));
    t.push_back(number("stim.dc_transient_dur", G::Stimuli, S::Number, "ms", 0.0, 1e9, "duration of the DC transient"));
    t.push_back(number("stim.dc_transient_amp", G::Stimuli, S::Number, "pA", -1e4, 1e4,
                       "DC transient amplitude per external input (times K_ext)"));
    t.push_back(words("stim.timing", G::Stimuli, "nest|exact",
                      "when the thalamic pulse and DC transient reach the neurons: through NEST's devices and "
                      "their 1 ms connections, as the reference (nest), or at the given times (exact)"));
    return t;
}

nlohmann::json::json_pointer pointer(std::string_view path) {
    std::string p;
    for (char c : path) p += c == '.' ? '/' : c;
    return nlohmann::json::json_pointer("/" + p);
}

} // namespace

bool FieldInfo::live() const { return isLiveField(path); }

bool FieldInfo::accepts(double v, double resolution) const {
    const double lo = minIsResolution ? resolution : min;
    if (!std::isfinite(v)) return false;
    if (minOpen ? v <= lo : v < lo) return false;
    if (maxOpen ? v >= max : v > max) return false;
    if (wholeNumber && v != std::floor(v)) return false;
    return true;
}

bool FieldInfo::acceptsText(std::string_view v) const {
    if (choices.empty()) return true;
    std::string_view rest = choices;
    while (!rest.empty()) {
        const auto bar = rest.find('|');
        if (rest.substr(0, bar) == v) return true;
        if (bar == std::string_view::npos) break;
        rest = rest.substr(bar + 1);
    }
    return false;
}

std::string FieldInfo::allowed(double resolution) const {
    if (!choices.empty()) {
        std::string out = "must be ";
        std::string_view rest = choices;
        for (bool first = true;; first = false) {
            const auto bar = rest.find('|');
            const bool last = bar == std::string_view::npos;
            if (!first) out += last ? " or " : ", ";
            out += '"';
            out.append(rest.substr(0, bar));
            out += '"';
            if (last) break;
            rest = rest.substr(bar + 1);
        }
        return out;
    }
    if (min == 0.0 && max == 1.0 && maxOpen) return "a connection probability must be in [0, 1)";
    const double lo = minIsResolution ? resolution : min;
    std::string out = std::string("must be ") + (minOpen ? "> " : ">= ") + num(lo) + " and " + (maxOpen ? "< " : "<= ") +
                      num(max);
    if (wholeNumber) out += ", a whole number";
    return out;
}

std::string FieldInfo::rangeText(double resolution) const {
    if (shape == FieldShape::Text && choices.empty()) return "any text";
    if (!choices.empty()) {
        std::string out(choices);
        for (std::size_t i = 0; (i = out.find('|', i)) != std::string::npos; i += 3) out.replace(i, 1, " | ");
        return out;
    }
    const double lo = minIsResolution ? resolution : min;
    std::string out = std::string(minOpen ? "(" : "[") + num(lo) + ", " + num(max) + (maxOpen ? ")" : "]");
    if (wholeNumber || shape == FieldShape::Integer) out += " whole";
    return out;
}

const std::vector<FieldInfo>& configFields() {
    static const std::vector<FieldInfo> table = makeTable();
    return table;
}

const FieldInfo* findField(std::string_view path) {
    for (const FieldInfo& f : configFields())
        if (f.path == path) return &f;
    return nullptr;
}

const FieldInfo& fieldInfo(std::string_view path) {
    if (const FieldInfo* f = findField(path)) return *f;
    throw InternalError("no configuration field \"" + std::string(path) + "\" in the field table");
}

const char* groupName(FieldGroup group) {
    switch (group) {
    case FieldGroup::NetworkSize: return "network size";
    case FieldGroup::Connectivity: return "connectivity";
    case FieldGroup::Synapses: return "synapses";
    case FieldGroup::Neurons: return "neurons";
    case FieldGroup::Drive: return "drive";
    case FieldGroup::Stimuli: return "stimuli";
    case FieldGroup::Simulation: return "simulation";
    }
    return "";
}

std::string fieldValueJson(const Config& config, std::string_view path) {
    const auto doc = nlohmann::json::parse(configToJson(config));
    const auto ptr = pointer(path);
    if (!doc.contains(ptr)) throw InternalError("configuration has no field \"" + std::string(path) + "\"");
    return doc.at(ptr).dump();
}

std::string fieldSetJson(std::string_view path, std::string_view valueJson) {
    nlohmann::json value;
    try {
        value = nlohmann::json::parse(valueJson);
    } catch (const nlohmann::json::parse_error&) {
        std::string shown(valueJson.substr(0, 40));
        throw ConfigError(std::string(path) + ": \"" + shown + "\" is not a value (a number, a list, true/false or a quoted word)");
    }
    nlohmann::json doc;
    doc[pointer(path)] = value;
    return doc.dump();
}

} // namespace mc
