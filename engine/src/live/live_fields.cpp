// Which configuration fields apply live, and how two configurations differ.
#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/live.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

namespace mc {
namespace {

using nlohmann::ordered_json;

/// Fields a running network can take on without a rebuild: weights, drive,
/// stimulus strengths, neuron parameters, and the run's own settings (which
/// do not touch the network). Structure (sizes, probabilities, delays, seed,
/// time step, initial potentials, which stimuli exist) needs a rebuild.
constexpr std::array<std::string_view, 29> kLiveFields = {
    "sim.t_presim",
    "sim.t_sim",
    "sim.data_path",
    "sim.rec_spikes",
    "net.full_mean_rates",
    "net.PSP_exc_mean",
    "net.PSP_L4E_to_L23E",
    "net.weight_factors",
    "net.g",
    "net.bg_input_type",
    "net.bg_rate",
    "net.K_ext",
    "net.bg_rate_factors",
    "net.K_ext_factors",
    "net.dc_factors",
    "net.neuron_params.E_L",
    "net.neuron_params.V_th",
    "net.neuron_params.V_reset",
    "net.neuron_params.C_m",
    "net.neuron_params.tau_m",
    "net.neuron_params.tau_syn",
    "net.neuron_params.t_ref",
    "net.neuron_params.I_e",
    "stim.th_rate",
    "stim.th_duration",
    "stim.PSP_th",
    "stim.weight_factors_th",
    "stim.dc_transient_amp",
    "events",
};

void diff(const ordered_json& a, const ordered_json& b, const std::string& path, std::vector<std::string>& out) {
    if (a.is_object() && b.is_object()) {
        for (auto it = a.begin(); it != a.end(); ++it) {
            const std::string sub = path.empty() ? it.key() : path + "." + it.key();
            if (!b.contains(it.key())) out.push_back(sub);
            else diff(it.value(), b.at(it.key()), sub, out);
        }
        for (auto it = b.begin(); it != b.end(); ++it)
            if (!a.contains(it.key())) out.push_back(path.empty() ? it.key() : path + "." + it.key());
        return;
    }
    if (a != b) out.push_back(path);
}

} // namespace

bool isLiveField(std::string_view path) {
    return std::find(kLiveFields.begin(), kLiveFields.end(), path) != kLiveFields.end();
}

std::vector<std::string> changedFields(const Config& a, const Config& b) {
    Config ca = a, cb = b;
    ca.events.clear();
    cb.events.clear();
    std::vector<std::string> out;
    diff(ordered_json::parse(configToJson(ca)), ordered_json::parse(configToJson(cb)), "", out);
    return out;
}

Config applySet(const Config& base, std::string_view setJson, const std::string& origin, bool liveOnly) {
    Config c = base;
    c.events.clear();
    applyConfigJson(c, setJson, origin);
    if (!c.events.empty()) throw ConfigError(origin + ": a change cannot hold events");
    try {
        c.validate();
    } catch (const ConfigError& e) {
        throw ConfigError(origin + ": " + e.what());
    }
    if (liveOnly) {
        for (const std::string& field : changedFields(base, c))
            if (!isLiveField(field))
                throw ConfigError(origin + ": " + field + " cannot change while the network runs (it needs a rebuild)");
    }
    c.events = base.events;
    return c;
}

} // namespace mc
