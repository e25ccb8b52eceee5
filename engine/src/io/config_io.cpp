#include "microcircuit/config_io.hpp"
#include "recording_devices.hpp"

#include "microcircuit/errors.hpp"
#include "microcircuit/file_write.hpp"
#include "microcircuit/json_read.hpp"
#include "microcircuit/version.hpp"
#include "events_io.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

namespace mc {
namespace {

using nlohmann::ordered_json;
namespace fs = std::filesystem;

std::string typeName(const ordered_json& j) { return j.type_name(); }

[[noreturn]] void wrongType(const std::string& field, const ordered_json& j, const char* expected) {
    throw ConfigError(field + ": expected " + expected + ", got " + typeName(j) + " " + jsonExcerpt(j));
}

void read(const ordered_json& j, const std::string& f, double& out) {
    if (!j.is_number()) wrongType(f, j, "a number");
    out = j.get<double>();
}
void read(const ordered_json& j, const std::string& f, int& out) {
    if (!j.is_number_integer()) wrongType(f, j, "an integer");
    const auto v = j.get<std::int64_t>();
    if (v < -2147483647 || v > 2147483647) throw ConfigError(f + " = " + jsonExcerpt(j) + " is out of range: must fit a 32-bit integer");
    out = static_cast<int>(v);
}
void read(const ordered_json& j, const std::string& f, std::uint64_t& out) {
    if (!j.is_number_integer() || (j.is_number_integer() && !j.is_number_unsigned() && j.get<std::int64_t>() < 0))
        wrongType(f, j, "a non-negative integer");
    out = j.get<std::uint64_t>();
}
void read(const ordered_json& j, const std::string& f, bool& out) {
    if (!j.is_boolean()) wrongType(f, j, "true or false");
    out = j.get<bool>();
}
void read(const ordered_json& j, const std::string& f, std::string& out) {
    if (!j.is_string()) wrongType(f, j, "a string");
    out = j.get<std::string>();
}
void read(const ordered_json& j, const std::string& f, PopArray& out) {
    if (!j.is_array() || j.size() != kNumPops) wrongType(f, j, "a list of 8 numbers (one per population)");
    for (int i = 0; i < kNumPops; ++i) read(j[i], f + "[" + std::to_string(i) + "]", out[i]);
}
void read(const ordered_json& j, const std::string& f, PopMatrix& out) {
    if (!j.is_array() || j.size() != kNumPops) wrongType(f, j, "an 8 x 8 matrix (list of 8 rows)");
    for (int i = 0; i < kNumPops; ++i) read(j[i], f + "[" + std::to_string(i) + "]", out[i]);
}

template <class T>
ordered_json write(const T& v) { return ordered_json(v); }

/// One section: its keys, how to read and write each.
class Section {
public:
    explicit Section(std::string name) : m_name(std::move(name)) {}

    template <class T>
    Section& field(const std::string& key, T& ref) {
        m_keys.push_back(key);
        m_readers[key] = [&ref](const ordered_json& j, const std::string& f) { read(j, f, ref); };
        m_writers[key] = [&ref] { return write(ref); };
        return *this;
    }
    /// A key listed among the known keys in messages (read by an alias).
    Section& known(const std::string& key) {
        m_known.push_back(key);
        return *this;
    }
    /// A key read by a custom function and not written.
    Section& alias(const std::string& key, std::function<void(const ordered_json&, const std::string&)> reader) {
        m_readers[key] = std::move(reader);
        return *this;
    }
    /// A key of the reference's files that holds a derived or device value.
    Section& ignored(const std::string& key) {
        m_ignored.insert(key);
        return *this;
    }

    void apply(const ordered_json& obj, const std::string& origin) const {
        if (!obj.is_object()) wrongType(origin + ": section " + m_name, obj, "an object");
        for (auto it = obj.begin(); it != obj.end(); ++it) {
            const std::string field =
                m_name + "." + (it.key().size() > 40 ? it.key().substr(0, 37) + "..." : it.key());
            auto r = m_readers.find(it.key());
            if (r != m_readers.end()) {
                r->second(it.value(), field);
            } else if (!m_ignored.count(it.key())) {
                std::string known;
                for (const auto& k : m_keys) known += (known.empty() ? "" : ", ") + k;
                for (const auto& k : m_known) known += (known.empty() ? "" : ", ") + k;
                throw ConfigError(origin + ": unknown key \"" + field + "\" (known keys of \"" + m_name +
                                  "\": " + known + ")");
            }
        }
    }

    ordered_json toJson() const {
        ordered_json out = ordered_json::object();
        for (const auto& k : m_keys) out[k] = m_writers.at(k)();
        return out;
    }

private:
    std::string m_name;
    std::vector<std::string> m_keys;
    std::vector<std::string> m_known;
    std::map<std::string, std::function<void(const ordered_json&, const std::string&)>> m_readers;
    std::map<std::string, std::function<ordered_json()>> m_writers;
    std::set<std::string> m_ignored;
};

/// The reference's list of recording devices: "voltmeter" switches the
/// voltmeters on; spikes stay switched by rec_spikes (--no-record).
void readRecordingDevices(const ordered_json& j, const std::string& f, SimParams& s) {
    if (!j.is_array()) wrongType(f, j, "a list of device names (\"spike_recorder\", \"voltmeter\")");
    s.rec_voltmeter = false;
    for (const auto& d : j) {
        if (!d.is_string() || (d.get<std::string>() != "spike_recorder" && d.get<std::string>() != "voltmeter"))
            wrongType(f, d, "\"spike_recorder\" or \"voltmeter\" in the list");
        if (d.get<std::string>() == "voltmeter") s.rec_voltmeter = true;
    }
}

Section simSection(SimParams& s) {
    Section sec("sim");
    sec.field("sim_resolution", s.sim_resolution)
        .field("t_presim", s.t_presim)
        .field("t_sim", s.t_sim)
        .field("rng_seed", s.rng_seed)
        .field("local_num_threads", s.local_num_threads)
        .field("rec_spikes", s.rec_spikes)
        .field("rec_V_int", s.rec_V_int)
        .field("data_path", s.data_path)
        .known("rec_dev")
        .alias("rec_dev", [&s](const ordered_json& j, const std::string& f) { readRecordingDevices(j, f, s); });
    // Keys of the reference's sim_dict that concern NEST itself, and the
    // version of microcircuit that wrote a run folder (writeReferenceDicts).
    for (const char* k : {"print_time", "overwrite_files", "store_metadata",
                          "microcircuit_version"})
        sec.ignored(k);
    return sec;
}

/// A neuron parameter: one number for every population, as in the
/// reference, or a list of 8 (one per population).
void readPerPopulation(const ordered_json& j, const std::string& f, PopArray& out) {
    if (j.is_number()) {
        double v = 0.0;
        read(j, f, v);
        out.fill(v);
        return;
    }
    if (!j.is_array() || j.size() != kNumPops)
        wrongType(f, j, "a number (all populations) or a list of 8 numbers (one per population)");
    read(j, f, out);
}

ordered_json writePerPopulation(const PopArray& a) {
    if (std::all_of(a.begin(), a.end(), [&](double v) { return v == a[0]; })) return a[0];
    return a;
}

/// The neuron parameters that may differ between populations, by key.
std::vector<std::pair<const char*, PopArray*>> perPopulationFields(NeuronParams& n) {
    return {{"E_L", &n.E_L},     {"V_th", &n.V_th},   {"V_reset", &n.V_reset}, {"C_m", &n.C_m},
            {"tau_m", &n.tau_m}, {"tau_syn", &n.tau_syn}, {"t_ref", &n.t_ref}, {"I_e", &n.I_e}};
}

Section neuronSection(NeuronParams& n) {
    Section sec("net.neuron_params");
    for (auto [key, array] : perPopulationFields(n)) {
        PopArray* a = array;
        sec.known(key).alias(key, [a](const ordered_json& j, const std::string& f) { readPerPopulation(j, f, *a); });
    }
    // The reference nests the initial conditions: V0_mean = {original, optimized}.
    auto v0 = [](double& original, PopArray& optimized, const char* name) {
        return [&original, &optimized, name](const ordered_json& j, const std::string& f) {
            if (!j.is_object()) wrongType(f, j, "an object {\"original\": ..., \"optimized\": [...]}");
            for (auto it = j.begin(); it != j.end(); ++it) {
                if (it.key() == "original") read(it.value(), f + ".original", original);
                else if (it.key() == "optimized") read(it.value(), f + ".optimized", optimized);
                else throw ConfigError(std::string("unknown key \"") + f + "." + it.key().substr(0, 40) + "\" in " + name);
            }
        };
    };
    sec.known("V0_mean").alias("V0_mean", v0(n.V0_mean_original, n.V0_mean_optimized, "V0_mean"));
    sec.known("V0_std").alias("V0_std", v0(n.V0_std_original, n.V0_std_optimized, "V0_std"));
    return sec;
}

ordered_json neuronToJson(NeuronParams& n) {
    ordered_json j = ordered_json::object();
    for (auto [key, array] : perPopulationFields(n)) j[key] = writePerPopulation(*array);
    j["V0_mean"] = {{"original", n.V0_mean_original}, {"optimized", n.V0_mean_optimized}};
    j["V0_std"] = {{"original", n.V0_std_original}, {"optimized", n.V0_std_optimized}};
    return j;
}

Section netSection(NetParams& n) {
    Section sec("net");
    sec.field("N_scaling", n.N_scaling)
        .field("K_scaling", n.K_scaling)
        .field("full_num_neurons", n.full_num_neurons)
        .field("full_mean_rates", n.full_mean_rates)
        .field("conn_probs", n.conn_probs)
        .field("PSP_exc_mean", n.PSP_exc_mean)
        .field("PSP_L4E_to_L23E", n.PSP_L4E_to_L23E)
        .field("weight_factors", n.weight_factors)
        .field("weight_rel_std", n.weight_rel_std)
        .field("g", n.g)
        .field("delay_exc_mean", n.delay_exc_mean)
        .field("delay_inh_mean", n.delay_inh_mean)
        .field("delay_rel_std", n.delay_rel_std)
        .field("bg_input_type", n.bg_input_type)
        .field("bg_rate", n.bg_rate)
        .field("K_ext", n.K_ext)
        .field("bg_rate_factors", n.bg_rate_factors)
        .field("K_ext_factors", n.K_ext_factors)
        .field("dc_factors", n.dc_factors)
        .field("delay_poisson", n.delay_poisson)
        .field("V0_type", n.V0_type);
    NeuronParams* neuron = &n.neuron;
    sec.alias("neuron_params", [neuron](const ordered_json& j, const std::string&) {
        neuronSection(*neuron).apply(j, "net.neuron_params");
    });
    // Flat neuron keys, as in the newest reference package.
    for (const char* k : {"E_L", "V_th", "V_reset", "C_m", "tau_m", "tau_syn", "t_ref", "I_e"}) {
        std::string key = k;
        sec.alias(key, [neuron, key](const ordered_json& j, const std::string& f) {
            ordered_json wrapped = {{key, j}};
            (void)f;
            neuronSection(*neuron).apply(wrapped, "net");
        });
    }
    sec.alias("V0_mean_original", [neuron](const ordered_json& j, const std::string& f) { read(j, f, neuron->V0_mean_original); });
    sec.alias("V0_std_original", [neuron](const ordered_json& j, const std::string& f) { read(j, f, neuron->V0_std_original); });
    sec.alias("V0_mean_optimized", [neuron](const ordered_json& j, const std::string& f) { read(j, f, neuron->V0_mean_optimized); });
    sec.alias("V0_std_optimized", [neuron](const ordered_json& j, const std::string& f) { read(j, f, neuron->V0_std_optimized); });
    sec.alias("poisson_delay", [&n](const ordered_json& j, const std::string& f) { read(j, f, n.delay_poisson); });
    // Older reference versions: a boolean instead of bg_input_type.
    sec.alias("poisson_input", [&n](const ordered_json& j, const std::string& f) {
        bool poisson = false;
        read(j, f, poisson);
        n.bg_input_type = poisson ? "poisson" : "dc";
    });
    sec.alias("neuron_model", [](const ordered_json& j, const std::string& f) {
        if (!j.is_string() || j.get<std::string>() != "iaf_psc_exp")
            throw ConfigError(f + " = " + jsonExcerpt(j) + " is not allowed: only \"iaf_psc_exp\" is simulated");
    });
    sec.alias("populations", [](const ordered_json& j, const std::string& f) {
        ordered_json expected = ordered_json::array();
        for (const char* p : kPopNames) expected.push_back(p);
        if (j != expected) throw ConfigError(f + " = " + jsonExcerpt(j) + " is not allowed: must be " + expected.dump());
    });
    // Derived matrices the reference stores next to its primary parameters;
    // we recompute them from PSP_exc_mean, g, delay_*_mean.
    for (const char* k : {"PSP_matrix_mean", "delay_matrix_mean", "num_neurons", "num_synapses", "ext_indegrees",
                          "weight_matrix_mean", "weight_ext", "DC_amp"})
        sec.ignored(k);
    return sec;
}

Section stimSection(StimParams& s) {
    Section sec("stim");
    sec.field("thalamic_input", s.thalamic_input)
        .field("th_start", s.th_start)
        .field("th_duration", s.th_duration)
        .field("th_rate", s.th_rate)
        .field("num_th_neurons", s.num_th_neurons)
        .field("conn_probs_th", s.conn_probs_th)
        .field("PSP_th", s.PSP_th)
        .field("weight_factors_th", s.weight_factors_th)
        .field("delay_th_mean", s.delay_th_mean)
        .field("delay_th_rel_std", s.delay_th_rel_std)
        .field("th_scaling", s.th_scaling)
        .field("dc_transient", s.dc_transient)
        .field("dc_transient_start", s.dc_transient_start)
        .field("dc_transient_dur", s.dc_transient_dur)
        .field("dc_transient_amp", s.dc_transient_amp)
        .field("timing", s.timing);
    // Older reference names of the DC transient.
    sec.alias("dc_input", [&s](const ordered_json& j, const std::string& f) { read(j, f, s.dc_transient); });
    sec.alias("dc_start", [&s](const ordered_json& j, const std::string& f) { read(j, f, s.dc_transient_start); });
    sec.alias("dc_dur", [&s](const ordered_json& j, const std::string& f) { read(j, f, s.dc_transient_dur); });
    sec.alias("dc_amp", [&s](const ordered_json& j, const std::string& f) {
        if (j.is_number()) read(j, f, s.dc_transient_amp);
        // A list is the per-population amplitude the reference derives: ignored.
    });
    return sec;
}

ordered_json parse(std::string_view text, const std::string& origin) { return parseJson(text, origin); }

void applyParsed(Config& config, const ordered_json& j, const std::string& origin);

} // namespace

std::string configToJson(const Config& config) {
    Config c = config;
    ordered_json j;
    j["sim"] = simSection(c.sim).toJson();
    if (c.sim.rec_voltmeter) j["sim"]["rec_dev"] = detail::recordingDevices(c.sim);
    ordered_json net = netSection(c.net).toJson();
    net["neuron_params"] = neuronToJson(c.net.neuron);
    j["net"] = net;
    j["stim"] = stimSection(c.stim).toJson();
    j["events"] = detail::eventsToJson(c.events);
    return j.dump(2) + "\n";
}

namespace detail {
ordered_json recordingDevices(const SimParams& s) {
    ordered_json devices = ordered_json::array();
    if (s.rec_spikes) devices.push_back("spike_recorder");
    if (s.rec_voltmeter) devices.push_back("voltmeter");
    return devices;
}
} // namespace detail

void applyConfigJson(Config& config, std::string_view text, const std::string& origin) {
    try {
        applyParsed(config, parse(text, origin), origin);
    } catch (const ConfigError& e) {
        // Field messages ("sim.rng_seed: expected ...") get the file's name.
        const std::string what = e.what();
        if (what.rfind(origin, 0) == 0) throw;
        throw ConfigError(origin + ": " + what);
    }
}

namespace {

void applyParsed(Config& config, const ordered_json& j, const std::string& origin) {
    if (!j.is_object()) wrongType(origin, j, "a JSON object");
    Section sim = simSection(config.sim), net = netSection(config.net), stim = stimSection(config.stim);
    if (j.contains("sim") || j.contains("net") || j.contains("stim") || j.contains("events")) {
        for (auto it = j.begin(); it != j.end(); ++it) {
            if (it.key() == "sim") sim.apply(it.value(), origin);
            else if (it.key() == "net") net.apply(it.value(), origin);
            else if (it.key() == "stim") stim.apply(it.value(), origin);
            else if (it.key() != "events")
                throw ConfigError(origin + ": unknown top-level key \"" + it.key().substr(0, 40) +
                                  "\" (a configuration has the sections \"sim\", \"net\", \"stim\" and \"events\")");
        }
        // Last, so that defaults come from this file's sections.
        if (j.contains("events")) config.events = detail::eventsFromJson(j.at("events"), config, origin);
        return;
    }
    // One of the reference's dictionaries: recognise it by a key only it has.
    if (j.contains("sim_resolution") || j.contains("t_sim") || j.contains("rng_seed")) sim.apply(j, origin);
    else if (j.contains("N_scaling") || j.contains("conn_probs") || j.contains("neuron_params")) net.apply(j, origin);
    else if (j.contains("thalamic_input") || j.contains("th_start") || j.contains("dc_transient")) stim.apply(j, origin);
    else if (j.empty()) return;
    else
        throw ConfigError(origin + ": not a configuration (expected the sections \"sim\", \"net\", \"stim\", "
                                   "or one of the reference's sim_dict / net_dict / stim_dict)");
}

} // namespace

void applyConfigPath(Config& config, const std::string& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        bool any = false;
        for (const char* name : {"sim_dict.json", "net_dict.json", "stim_dict.json"}) {
            const fs::path file = fs::path(path) / name;
            if (fs::exists(file, ec)) {
                applyConfigJson(config, readTextFile(file.string()), file.string());
                any = true;
            }
        }
        if (!any)
            throw ConfigError(path + ": folder holds none of sim_dict.json, net_dict.json, stim_dict.json");
        // The timed changes of a NEST export (nest_export.hpp), which the reference's dicts cannot hold.
        const fs::path events = fs::path(path) / "events.json";
        if (fs::exists(events, ec)) applyConfigJson(config, readTextFile(events.string()), events.string());
        return;
    }
    applyConfigJson(config, readTextFile(path), path);
}

void writeReferenceDicts(const Config& config, const DerivedParams& d, const std::string& folder) {
    Config c = config;
    ordered_json sim = simSection(c.sim).toJson();
    sim["rec_dev"] = detail::recordingDevices(c.sim);
    sim["microcircuit_version"] = versionString();
    ordered_json net = netSection(c.net).toJson();
    net["neuron_model"] = "iaf_psc_exp";
    ordered_json pops = ordered_json::array();
    for (const char* p : kPopNames) pops.push_back(p);
    net["populations"] = pops;
    net["neuron_params"] = neuronToJson(c.net.neuron);
    net["num_neurons"] = d.num_neurons;
    ordered_json syn = ordered_json::array();
    for (const auto& row : d.num_synapses) syn.push_back(row);
    net["num_synapses"] = syn;
    ordered_json w = ordered_json::array();
    for (const auto& row : d.weight_mean) w.push_back(row);
    net["weight_matrix_mean"] = w;
    net["weight_ext"] = writePerPopulation(d.weight_ext);
    net["DC_amp"] = d.dc_amp;
    net["ext_indegrees"] = d.ext_indegree;
    ordered_json stim = stimSection(c.stim).toJson();
    const fs::path dir(folder);
    writeTextFileAtomic((dir / "sim_dict.json").string(), sim.dump(2) + "\n");
    writeTextFileAtomic((dir / "net_dict.json").string(), net.dump(2) + "\n");
    writeTextFileAtomic((dir / "stim_dict.json").string(), stim.dump(2) + "\n");
}

std::string readTextFile(const std::string& path) { return readInputFile(path); }

void writeTextFileAtomic(const std::string& path, std::string_view text) {
    writeFileAtomic(path, text);
}

} // namespace mc
