// Export of a configuration for NEST's reference package (see nest_export.hpp).
#include "microcircuit/nest_export.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/run_target.hpp"
#include "microcircuit/version.hpp"
#include "recording_devices.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>

namespace mc {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

bool allEqual(const PopArray& a, double v) {
    for (double x : a)
        if (x != v) return false;
    return true;
}

bool uniformArray(const PopArray& a) {
    return allEqual(a, a[0]);
}

/// Whole numbers as JSON integers (population sizes, in-degrees), as the reference's arrays hold them.
ordered_json integers(const PopArray& a) {
    ordered_json out = ordered_json::array();
    for (double x : a) {
        if (x == std::floor(x) && std::fabs(x) < 9e15)
            out.push_back(static_cast<std::int64_t>(x));
        else
            out.push_back(x);
    }
    return out;
}

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

struct Dicts {
    ordered_json sim, net, stim;
    std::vector<std::string> warnings, notes;
};

Dicts buildDicts(const Config& c) {
    // Our own JSON of every field, to take values from in their written form.
    const ordered_json ours = ordered_json::parse(configToJson(c));
    const ordered_json& s = ours["sim"];
    const ordered_json& n = ours["net"];
    const ordered_json& t = ours["stim"];
    const Config defaults;
    Dicts d;

    d.sim["t_presim"] = s["t_presim"];
    d.sim["t_sim"] = s["t_sim"];
    d.sim["sim_resolution"] = s["sim_resolution"];
    d.sim["rec_dev"] = detail::recordingDevices(c.sim);
    d.sim["data_path"] = s["data_path"];
    d.sim["rng_seed"] = s["rng_seed"];
    d.sim["local_num_threads"] = s["local_num_threads"]; // 0: run_microcircuit.py uses all cores
    d.sim["rec_V_int"] = c.sim.rec_V_int;
    d.sim["overwrite_files"] = true;
    d.sim["print_time"] = false;
    d.sim["store_metadata"] = true;
    if (!c.sim.rec_spikes) d.sim["rec_spikes"] = false;

    d.net["N_scaling"] = n["N_scaling"];
    d.net["K_scaling"] = n["K_scaling"];
    d.net["neuron_model"] = "iaf_psc_exp";
    d.net["populations"] = ordered_json(std::vector<std::string>(kPopNames.begin(), kPopNames.end()));
    d.net["full_num_neurons"] = integers(c.net.full_num_neurons);
    d.net["full_mean_rates"] = n["full_mean_rates"];
    d.net["conn_probs"] = n["conn_probs"];
    d.net["PSP_exc_mean"] = n["PSP_exc_mean"];
    d.net["weight_rel_std"] = n["weight_rel_std"];
    d.net["g"] = n["g"];
    d.net["delay_exc_mean"] = n["delay_exc_mean"];
    d.net["delay_inh_mean"] = n["delay_inh_mean"];
    d.net["delay_rel_std"] = n["delay_rel_std"];
    d.net["bg_input_type"] = n["bg_input_type"];
    d.net["K_ext"] = integers(c.net.K_ext);
    d.net["bg_rate"] = n["bg_rate"];
    d.net["delay_poisson"] = n["delay_poisson"];
    d.net["V0_type"] = n["V0_type"];
    const ordered_json& np = n["neuron_params"];
    ordered_json neuron;
    neuron["V0_mean"] = np["V0_mean"];
    neuron["V0_std"] = np["V0_std"];
    for (const char* k : {"E_L", "V_th", "V_reset", "C_m", "tau_m", "tau_syn", "t_ref"})
        neuron[k] = np[k];
    const NeuronParams& nu = c.net.neuron;
    if (!allEqual(nu.I_e, 0.0)) {
        neuron["I_e"] = np["I_e"];
        d.notes.push_back("neuron_params.I_e (a constant current the reference does not have) is added to each "
                          "population's I_e by run_microcircuit.py after the populations are created");
    }
    d.net["neuron_params"] = neuron;
    for (auto [key, a] :
         {std::pair{"E_L", &nu.E_L}, {"V_th", &nu.V_th}, {"V_reset", &nu.V_reset}, {"t_ref", &nu.t_ref}})
        if (!uniformArray(*a))
            d.notes.push_back(std::string("neuron_params.") + key +
                              " differs between populations; the reference takes "
                              "one value, so run_microcircuit.py sets each population's value after creating it");
    for (auto [key, a] : {std::pair{"C_m", &nu.C_m}, {"tau_m", &nu.tau_m}, {"tau_syn", &nu.tau_syn}})
        if (!uniformArray(*a))
            d.warnings.push_back(std::string("neuron_params.") + key +
                                 " differs between populations: the reference "
                                 "converts PSPs to currents with one value for all, so it cannot run this "
                                 "configuration (run_microcircuit.py stops with a message)");

    // The mean PSP of each projection [target][source], as the reference
    // derives it, with this program's per-projection factors folded in exactly.
    ordered_json psp = ordered_json::array(), delays = ordered_json::array();
    for (int i = 0; i < kNumPops; ++i) {
        ordered_json row = ordered_json::array(), drow = ordered_json::array();
        for (int j = 0; j < kNumPops; ++j) {
            double v = isExcitatory(j) ? c.net.PSP_exc_mean : c.net.PSP_exc_mean * c.net.g;
            if (i == 0 && j == 2) v = c.net.PSP_L4E_to_L23E * c.net.PSP_exc_mean;
            row.push_back(v * c.net.weight_factors[i][j]);
            drow.push_back(isExcitatory(j) ? c.net.delay_exc_mean : c.net.delay_inh_mean);
        }
        psp.push_back(row);
        delays.push_back(drow);
    }
    d.net["PSP_matrix_mean"] = psp;
    d.net["delay_matrix_mean"] = delays;
    if (c.net.PSP_L4E_to_L23E != defaults.net.PSP_L4E_to_L23E) {
        d.net["PSP_L4E_to_L23E"] = n["PSP_L4E_to_L23E"];
        d.notes.push_back("PSP_L4E_to_L23E = " + num(c.net.PSP_L4E_to_L23E) + " is folded into PSP_matrix_mean[0][2]");
    }
    if (c.net.weight_factors != defaults.net.weight_factors) {
        d.net["weight_factors"] = n["weight_factors"];
        d.notes.push_back("the per-projection weight factors (weight_factors) are folded into PSP_matrix_mean");
    }

    for (const char* k : {"thalamic_input", "th_start", "th_duration", "th_rate", "num_th_neurons", "conn_probs_th",
                          "PSP_th", "delay_th_mean", "delay_th_rel_std", "dc_transient", "dc_transient_start",
                          "dc_transient_dur", "dc_transient_amp"})
        d.stim[k] = t[k];
    if (c.stim.weight_factors_th != defaults.stim.weight_factors_th) {
        d.stim["weight_factors_th"] = t["weight_factors_th"];
        if (c.stim.thalamic_input)
            d.warnings.push_back("weight_factors_th (per-population factors on the thalamic weight) cannot be "
                                 "expressed: NEST uses PSP_th = " +
                                 num(c.stim.PSP_th) + " mV for every population");
    }
    if (c.stim.th_scaling != defaults.stim.th_scaling) {
        d.stim["th_scaling"] = t["th_scaling"];
        if (c.stim.thalamic_input && c.net.N_scaling != 1.0)
            d.warnings.push_back("th_scaling = \"" + c.stim.th_scaling +
                                 "\" cannot be expressed: NEST scales the "
                                 "thalamic synapse count with K_scaling only (th_scaling = \"reference\")");
    }
    for (const char* k : {"bg_rate_factors", "K_ext_factors", "dc_factors"}) {
        const PopArray& f = std::string(k) == "bg_rate_factors" ? c.net.bg_rate_factors
                            : std::string(k) == "K_ext_factors" ? c.net.K_ext_factors
                                                                : c.net.dc_factors;
        if (f == uniform(1.0)) continue;
        d.net[k] = n[k];
        d.warnings.push_back(std::string(k) + " (per-population factors on the drive) cannot be expressed: NEST "
                             "uses bg_rate and K_ext as they are");
    }
    if (c.stim.timing != defaults.stim.timing && (c.stim.thalamic_input || c.stim.dc_transient))
        d.warnings.push_back("stim.timing = \"" + c.stim.timing +
                             "\" cannot be expressed: NEST's devices reach the neurons through their 1 ms "
                             "connections (stim.timing = \"nest\")");
    for (std::size_t i = 0; i < c.events.size(); ++i) {
        const TimedEvent& e = c.events[i];
        std::string what = e.kind == TimedEvent::Kind::Set             ? "set " + e.set
                           : e.kind == TimedEvent::Kind::ThalamicPulse ? std::string("thalamic pulse")
                                                                       : std::string("DC transient");
        d.warnings.push_back("timed change at " + num(e.t_ms) + " ms (" + what +
                             ") is not run by NEST: the reference has no live changes (kept in events.json)");
    }
    return d;
}

std::string readme(const Config& c, const Dicts& d) {
    std::string r;
    r += "Microcircuit configuration exported for NEST by microcircuit " + std::string(versionString()) + "\n\n";
    r += "Run it (needs NEST 3 with PyNEST and the reference `microcircuit` package importable):\n"
         "    python3 run_microcircuit.py [--threads N]\n"
         "    mpirun -n RANKS python3 run_microcircuit.py --threads N   (NEST splits the network over the ranks)\n"
         "    sbatch submit.slurm                                       (on a Slurm cluster; adjust it first)\n\n";
    r += "Spikes go to data_path (sim_dict.json: \"" + c.sim.data_path +
         "\", relative to this folder), as NEST's spike_recorder-<id>-<vp>.dat files with\n"
         "population_nodeids.dat; `microcircuit analyze` reads that folder.\n\n";
    r += "Files: sim_dict.json, net_dict.json, stim_dict.json hold the reference package's keys\n"
         "(PSP_matrix_mean and delay_matrix_mean included, which the package derives in Python).\n"
         "`microcircuit run --config .` reads this folder back as the same configuration.\n";
    if (!d.notes.empty()) {
        r += "\nFolded in or applied by run_microcircuit.py (NEST runs them exactly):\n";
        for (const auto& n : d.notes)
            r += "  - " + n + "\n";
    }
    r += "\nNot expressible in the reference's dictionaries (NEST will NOT do these):\n";
    if (d.warnings.empty()) r += "  nothing: NEST runs this configuration as microcircuit does.\n";
    for (const auto& w : d.warnings)
        r += "  - " + w + "\n";
    r += "\nExpect the same statistics, not the same spikes: NEST draws its own random numbers, and its\n"
         "thalamic and DC devices are delayed by 1 ms (see the microcircuit documentation, docs/formats.md).\n";
    return r;
}

} // namespace

NestExport exportForNestFolder(const Config& config, const std::string& folder, bool overwrite) {
    config.validate(); // before anything is touched
    RunTarget target(folder, overwrite, std::vector<std::string>(std::begin(kNestExportScripts), std::end(kNestExportScripts)),
                     "export");
    NestExport out;
    try {
        out = exportForNest(config, target.workPath());
    } catch (...) {
        target.discard();
        throw;
    }
    target.commit();
    return out;
}

std::vector<std::string> nestDicts(const Config& config) {
    const Dicts d = buildDicts(config);
    return {d.sim.dump(2) + "\n", d.net.dump(2) + "\n", d.stim.dump(2) + "\n"};
}

NestExport exportForNest(const Config& config, const std::string& folder) {
    config.validate();
    const Dicts d = buildDicts(config);
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec || !fs::is_directory(folder))
        throw ConfigError("export folder " + folder + " cannot be created (" +
                          (ec ? ec.message() : std::string("a file of that name exists")) + ")");
    NestExport out;
    out.warnings = d.warnings;
    out.notes = d.notes;
    const fs::path dir(folder);
    const auto write = [&](const char* name, const std::string& text) {
        writeTextFileAtomic((dir / name).string(), text);
        out.files.push_back(name);
    };
    write("sim_dict.json", d.sim.dump(2) + "\n");
    write("net_dict.json", d.net.dump(2) + "\n");
    write("stim_dict.json", d.stim.dump(2) + "\n");
    const fs::path events = dir / "events.json";
    if (!config.events.empty()) {
        const ordered_json all = ordered_json::parse(configToJson(config));
        ordered_json e;
        e["events"] = all["events"];
        write("events.json", e.dump(2) + "\n");
    } else {
        fs::remove(events, ec); // a stale list from an earlier export would be read back
    }
    write("run_microcircuit.py", detail::nestRunScript(std::string("microcircuit ") + versionString()));
    fs::permissions(dir / "run_microcircuit.py", fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add, ec);
    write("submit.slurm", detail::nestSlurmScript(config));
    write("README.txt", readme(config, d));
    return out;
}

} // namespace mc
