// The two scripts of a NEST export (see nest_export.hpp): run_microcircuit.py
// and submit.slurm.
#include "microcircuit/nest_export.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mc::detail {

namespace {

const char* const kRunScript = R"PY(#!/usr/bin/env python3
"""Runs the microcircuit configuration in this folder with NEST.

Exported by @VERSION@. Needs NEST 3 (PyNEST) and the reference
PD14 `microcircuit` package (PyNEST/src/microcircuit of the
microcircuit-PD14-model repository) on the Python path.

    python3 run_microcircuit.py [--threads N]
    mpirun -n RANKS python3 run_microcircuit.py --threads N

Under MPI, NEST distributes the network over the ranks by itself; every rank
runs this same script. Spikes are written to sim_dict.json's data_path
(relative paths are taken from this folder), which `microcircuit analyze`
reads.
"""

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Values the reference package computes with numpy arrays.
NET_ARRAYS = ("full_num_neurons", "full_mean_rates", "conn_probs", "K_ext",
              "PSP_matrix_mean", "delay_matrix_mean")
STIM_ARRAYS = ("conn_probs_th",)
# Neuron parameters this program allows per population; the reference takes
# one value, so such lists are set on each population after it is created.
PER_POPULATION = ("E_L", "V_th", "V_reset", "t_ref")
# These enter the reference's PSP-to-current conversion and must be uniform.
UNIFORM_ONLY = ("C_m", "tau_m", "tau_syn")


def load(name):
    path = os.path.join(HERE, name)
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        sys.exit("run_microcircuit.py: cannot read %s: %s" % (path, e))


def mpi_ranks():
    for key in ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "SLURM_NTASKS", "MPI_LOCALNRANKS"):
        value = os.environ.get(key, "")
        if value.isdigit() and int(value) > 0:
            return int(value)
    return 1


def default_threads():
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, cores // mpi_ranks())


def prepare(sim, net, stim, threads):
    """The dictionaries as the reference package expects them."""
    import numpy as np

    for key in NET_ARRAYS:
        net[key] = np.array(net[key])
    for key in STIM_ARRAYS:
        stim[key] = np.array(stim[key])
    if threads:
        sim["local_num_threads"] = threads
    elif not sim.get("local_num_threads"):
        sim["local_num_threads"] = default_threads()
    path = sim["data_path"]
    if not os.path.isabs(path):
        path = os.path.join(HERE, path)
    sim["data_path"] = os.path.join(path, "")  # the package appends file names
    params = net["neuron_params"]
    for key in UNIFORM_ONLY:
        if isinstance(params[key], list):
            sys.exit("run_microcircuit.py: neuron_params.%s differs between populations; the reference "
                     "package converts PSPs to currents with one value, so it cannot run this "
                     "configuration" % key)
    per_population = {}
    for key in PER_POPULATION:
        if isinstance(params[key], list):
            per_population[key] = params[key]
            params[key] = params[key][0]  # placeholder; each population is set after creation
    extra_current = params.pop("I_e", 0.0)
    if not isinstance(extra_current, list):
        extra_current = [extra_current] * len(net["populations"])
    return per_population, extra_current


def set_neurons(network, params, per_population, extra_current):
    """Every neuron parameter on every population, so that NEST's own model
    defaults never stand in for a value of the configuration."""
    for i, population in enumerate(network.pops):
        values = {
            "C_m": params["C_m"], "tau_m": params["tau_m"],
            "tau_syn_ex": params["tau_syn"], "tau_syn_in": params["tau_syn"],
            "E_L": params["E_L"], "V_th": params["V_th"], "V_reset": params["V_reset"],
            "t_ref": params["t_ref"],
        }
        for key, per_pop in per_population.items():
            values[key] = per_pop[i]
        values["I_e"] = float(network.DC_amp[i]) + float(extra_current[i])
        population.set(values)


def main():
    parser = argparse.ArgumentParser(description="Run the exported microcircuit configuration with NEST.")
    parser.add_argument("--threads", type=int, default=0,
                        help="threads per MPI process (default: sim_dict's local_num_threads, "
                             "or all cores shared among the ranks)")
    args = parser.parse_args()
    if args.threads < 0:
        parser.error("--threads must be at least 1")
    try:
        import nest
        from microcircuit import network
    except ImportError as e:
        sys.exit("run_microcircuit.py needs NEST 3 (PyNEST) and the reference 'microcircuit' package: %s" % e)

    sim, net, stim = load("sim_dict.json"), load("net_dict.json"), load("stim_dict.json")
    per_population, extra_current = prepare(sim, net, stim, args.threads)
    if os.path.exists(os.path.join(HERE, "events.json")) and nest.Rank() == 0:
        print("warning: events.json holds timed changes that NEST does not run (see README.txt)")

    net_obj = network.Network(sim, net, stim)
    if hasattr(net_obj, "setup_nest"):  # newer packages initialise the kernel here, older in the constructor
        net_obj.setup_nest()
    net_obj.create()
    set_neurons(net_obj, net["neuron_params"], per_population, extra_current)
    net_obj.connect()
    net_obj.simulate(sim["t_presim"])
    net_obj.simulate(sim["t_sim"])
    if hasattr(net_obj, "store_metadata"):
        net_obj.store_metadata()
    if nest.Rank() == 0:
        print("spikes written to %s; analyse them with: microcircuit analyze %s" % (sim["data_path"], sim["data_path"]))


if __name__ == "__main__":
    main()
)PY";

void replaceAll(std::string& s, const std::string& from, const std::string& to) {
    for (std::size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
        s.replace(pos, from.size(), to);
}

} // namespace

std::string nestRunScript(const std::string& versionLine) {
    std::string s = kRunScript;
    replaceAll(s, "@VERSION@", versionLine);
    return s;
}

std::string nestSlurmScript(const Config& config) {
    // Memory of NEST 3.9 for this model (MODEL.md): 0.49, 1.2, 4.4, 14 GB at
    // scales 0.1, 0.2, 0.5, 1; interpolated on the number of synapses (~ N*K).
    const double size = config.net.N_scaling * config.net.K_scaling;
    const double gb = std::max(1.0, 0.35 + 14.0 * size) * 1.5; // 50 % headroom
    const int mem = static_cast<int>(std::ceil(gb));
    // Model seconds per wall-clock hour are hard to promise; a generous start.
    const double modelSeconds = (config.sim.t_presim + config.sim.t_sim) * 1e-3;
    const int hours = std::max(1, static_cast<int>(std::ceil(modelSeconds * std::max(0.05, size) * 0.5)));
    char head[1024];
    std::snprintf(head, sizeof head,
                  "#!/bin/bash\n"
                  "# Slurm batch script for the microcircuit configuration in this folder.\n"
                  "# Submit from here:  sbatch submit.slurm\n"
                  "# Adjust the #SBATCH lines and the environment below to your cluster.\n"
                  "#\n"
                  "#SBATCH --job-name=microcircuit\n"
                  "# One node is enough up to full scale; more nodes need more MPI tasks.\n"
                  "#SBATCH --nodes=1\n"
                  "# MPI processes per node (NEST distributes the network over all of them).\n"
                  "#SBATCH --ntasks-per-node=2\n"
                  "# Threads per MPI process (passed to the script as --threads).\n"
                  "#SBATCH --cpus-per-task=8\n"
                  "# Memory per node: NEST 3.9 needs ~0.5 GB at scale 0.1 and ~14 GB at full scale;\n"
                  "# this is N_scaling %g x K_scaling %g with 50%% headroom.\n"
                  "#SBATCH --mem=%dG\n"
                  "# Wall time for %g s of model time (presim + sim); raise it for long runs.\n"
                  "#SBATCH --time=%02d:00:00\n"
                  "#SBATCH --output=microcircuit-%%j.out\n"
                  "# Add your project account and partition if the cluster asks for them:\n"
                  "##SBATCH --account=PROJECT\n"
                  "##SBATCH --partition=PARTITION\n",
                  config.net.N_scaling, config.net.K_scaling, mem, modelSeconds, std::min(hours, 99));
    std::string s = head;
    s += "\nset -euo pipefail\n"
         "\n"
         "# The environment with NEST 3 (PyNEST) and the reference 'microcircuit' package,\n"
         "# for example a module or a virtual environment:\n"
         "# module load nest\n"
         "# source ~/venvs/nest/bin/activate\n"
         "\n"
         "cd \"${SLURM_SUBMIT_DIR:-.}\"\n"
         "export OMP_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\"\n"
         "# srun starts one process per task; each runs the same script (NEST's MPI ranks).\n"
         "srun --cpus-per-task=\"${SLURM_CPUS_PER_TASK:-1}\" python3 run_microcircuit.py --threads "
         "\"${SLURM_CPUS_PER_TASK:-1}\"\n";
    return s;
}

} // namespace mc::detail
