"""microcircuit_live: the Potjans & Diesmann (2014) cortical microcircuit on
the microcircuit engine, from Python.

Two interfaces over the same engine:

- ``microcircuit_live.network.Network(sim_dict, net_dict, stim_dict)`` with
  ``create()``, ``connect()``, ``simulate(t)``, ``store_metadata()``,
  ``evaluate(...)``: the PyNEST reference package's interface, with its
  default dicts in ``network_params``, ``sim_params``, ``stimulus_params``.
- ``microcircuit_live.Simulation(config)``: build, ``run(ms)``, spikes as
  NumPy arrays, ``set_live(...)``, thalamic pulses, membrane-potential
  probes, ``analyze(...)``.

Same configuration and seed, same spikes as ``microcircuit run``, for any
number of threads. See docs/python.md.
"""

from . import _core, network, network_params, plotting, sim_params, stimulus_params
from .simulation import Probe, Simulation, Spikes

__version__ = _core.version
POPULATIONS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]


def default_config() -> dict:
    """The project's complete default configuration (``microcircuit config``)."""
    import json

    return json.loads(_core.default_config_json())


def analyze_folder(folder, t_min: float = 500.0, t_max: float = -1.0, subsample: int = 200, seed: int = 12345) -> dict:
    """Statistics of a spike folder in the reference's format (ours or
    NEST's), as ``microcircuit analyze`` computes them; t_max < 0: the run's
    end from sim_dict.json, else the last spike."""
    import os

    return _core.analyze_folder(os.fspath(folder), t_min=t_min, t_max=t_max, subsample=subsample, seed=seed)


__all__ = ["Simulation", "Spikes", "Probe", "POPULATIONS", "default_config", "analyze_folder"]
