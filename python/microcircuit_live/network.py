"""The reference package's interface on this engine.

``Network(sim_dict, net_dict, stim_dict)`` takes the PyNEST ``microcircuit``
package's dicts (its keys and shapes) and offers its methods: ``create()``,
``connect()``, ``simulate(t_ms)`` (repeatedly), ``store_metadata()`` and
``evaluate(raster_plot_interval, firing_rates_interval)``, writing the same
files into ``sim_dict['data_path']``. A script written for the reference
runs after changing its imports from ``microcircuit`` to
``microcircuit_live`` (README, "Python").

The engine builds neurons and synapses in one step: ``create()`` prepares
the output folder and ``connect()`` builds the network. ``self.sim`` is then
the Simulation, for everything beyond the reference's interface.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Optional, Sequence

import numpy as np

from . import _core, _dicts, plotting
from .network_params import POPULATIONS
from .simulation import Simulation
from .stimulus_params import default_stim_dict


class Network:
    """The microcircuit with the reference's interface (see the module doc).

    Bad parameters raise ValueError naming the dict and key, e.g.
    ``net_dict: unknown key "net.K_extt" (known keys of "net": ...)``.
    """

    def __init__(self, sim_dict: dict, net_dict: dict, stim_dict: Optional[dict] = None):
        self.sim_dict = sim_dict
        self.net_dict = net_dict
        self.stim_dict = stim_dict if stim_dict is not None else default_stim_dict
        self.data_path = str(sim_dict["data_path"]) if "data_path" in sim_dict else "data/"
        self._config_json = _core.resolve_config(_dicts.reference_parts(sim_dict, net_dict, self.stim_dict))
        self.derived = _core.derive(self._config_json)
        self.num_pops = len(POPULATIONS)
        self.num_neurons = self.derived["num_neurons"]
        self.num_synapses = self.derived["num_synapses"]
        self.weight_matrix_mean = self.derived["weight_matrix_mean"]
        self.weight_ext = self.derived["weight_ext"]
        self.DC_amp = self.derived["DC_amp"]
        self.sim: Optional[Simulation] = None
        self._created = False

        exists = os.path.isdir(self.data_path)
        print(f"Data will be written to: {self.data_path}")
        print("  Directory already existed. Old data will be overwritten." if exists else "  Directory will be created.")
        config = json.loads(self._config_json)
        if config["net"]["N_scaling"] != 1:
            print(f"Neuron numbers are scaled by a factor of {config['net']['N_scaling']:.3f}.")
        if config["net"]["K_scaling"] != 1:
            print(f"Indegrees are scaled by a factor of {config['net']['K_scaling']:.3f}.")
            print("  Weights and DC input are adjusted to compensate.")
        for w in self.derived["warnings"]:
            print(f"warning: {w}", file=sys.stderr)

    def create(self) -> None:
        """Creates the output folder (sim_dict['data_path'])."""
        os.makedirs(self.data_path, exist_ok=True)
        self._created = True

    def connect(self) -> None:
        """Builds the network: neurons, synapses and drive (this engine
        builds them in one step), and opens the spike files."""
        if not self._created:
            self.create()
        self.sim = Simulation(self._config_json, out=self.data_path)

    def simulate(self, t_sim: float) -> None:
        """Simulates ``t_sim`` ms; each call continues where the last ended."""
        if self.sim is None:
            raise RuntimeError("simulate: call create() and connect() first")
        print(f"Simulating {t_sim} ms.")
        self.sim.run(t_sim)

    def store_metadata(self) -> None:
        """Writes sim_dict.json, net_dict.json, stim_dict.json (all
        parameters under the reference's names plus derived values) and
        nodes.json (population name -> NEST ids, spike recorder ids), when
        sim_dict['store_metadata'] is true (the default)."""
        if not self.sim_dict.get("store_metadata", True):
            return
        if self.sim is None:
            raise RuntimeError("store_metadata: call create() and connect() first")
        print(f"Storing simulation metadata to {self.data_path}")
        self.sim.store_metadata()
        nodes = {}
        for name, (lo, hi) in self.sim.id_ranges.items():
            nodes[name] = list(range(lo, hi + 1))
        total = self.sim.total_neurons
        for i, name in enumerate(POPULATIONS):
            nodes[f"spike_recorder_{name}"] = [total + 1 + i]
        path = os.path.join(self.data_path, "nodes.json")
        with open(path + ".part", "w") as f:
            json.dump(nodes, f)
        os.replace(path + ".part", path)

    def evaluate(self, raster_plot_interval: Sequence[float], firing_rates_interval: Sequence[float]) -> dict:
        """Draws raster_plot.png over ``raster_plot_interval`` and computes
        each neuron's rate over ``firing_rates_interval`` (both ends
        included, as the reference; ms): writes rate0.dat ... rate7.dat
        (Hz per neuron) and box_plot.png into data_path, prints
        the mean and sd per population and returns the statistics (as
        Simulation.analyze) of that interval."""
        if self.sim is None:
            raise RuntimeError("evaluate: call create(), connect() and simulate() first")
        begin, end = float(raster_plot_interval[0]), float(raster_plot_interval[1])
        print(f"Interval to plot spikes: {list(raster_plot_interval)} ms")
        senders, times = self.sim.spikes()
        ranges = list(self.sim.id_ranges.values())
        n_scaling = float(self.sim.config()["net"]["N_scaling"])
        every = int(10.0 * n_scaling) if n_scaling > 0.1 else 1
        if every > 1:
            print(f"  Only every {every}th spike is plotted.")
        plotting.save_raster(os.path.join(self.data_path, "raster_plot.png"), senders, times, ranges, begin, end, every)

        t0, t1 = float(firing_rates_interval[0]), float(firing_rates_interval[1])
        print(f"Interval to compute firing rates: {list(firing_rates_interval)} ms")
        stats = _core.analyze_folder(self.data_path, t_min=t0, t_max=t1)
        rates = [stats[p]["rates"] for p in POPULATIONS]
        for i, r in enumerate(rates):
            np.savetxt(os.path.join(self.data_path, f"rate{i}.dat"), r)
        means = np.array([stats[p]["mean_rate"] for p in POPULATIONS])
        sds = np.array([stats[p]["std_rate"] for p in POPULATIONS])
        print(f"Mean rates: {np.around(means, decimals=3)} spikes/s")
        print(f"Standard deviation of rates: {np.around(sds, decimals=3)} spikes/s")
        plotting.save_boxplot(os.path.join(self.data_path, "box_plot.png"), rates)
        return stats
