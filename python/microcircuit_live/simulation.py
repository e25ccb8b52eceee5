"""The Pythonic interface: one object that builds the network, runs it,
changes it while it runs and hands out its spikes as NumPy arrays."""

from __future__ import annotations

import json
import os
import weakref
from typing import Any, NamedTuple, Optional, Sequence, Union

import numpy as np

from . import _core, _dicts
from .network_params import POPULATIONS

ConfigLike = Union[None, dict, str, "os.PathLike[str]"]


class Spikes(NamedTuple):
    """Spikes as two arrays of equal length, in emission order (by time, then
    neuron). ``senders`` are NEST ids (from 1: L23E first, then L23I ... L6I),
    ``times`` are in ms (the emitting step's end, as NEST stamps them)."""

    senders: np.ndarray
    times: np.ndarray


class Probe:
    """Membrane potentials of some neurons, sampled every ``interval_ms`` of
    model time from when the probe was added (see Simulation.add_probe)."""

    def __init__(self, sim: "Simulation", index: int, interval_ms: float):
        self._sim = sim
        self._index = index
        self.interval_ms = interval_ms

    @property
    def ids(self) -> np.ndarray:
        """NEST ids of the probed neurons (columns of ``v_m``)."""
        return self._sim._core.probe_data(self._index)[0]

    @property
    def times(self) -> np.ndarray:
        """Sample times (ms)."""
        return self._sim._core.probe_data(self._index)[1]

    @property
    def v_m(self) -> np.ndarray:
        """Membrane potentials (mV), shape (samples, neurons)."""
        return self._sim._core.probe_data(self._index)[2]


class Simulation:
    """The microcircuit, built and ready to run.

    ``config`` is None (the project's defaults: scale 0.1, Poisson drive), a
    dict with any of the sections ``sim``, ``net``, ``stim``, ``events`` as
    ``microcircuit config`` prints them (missing keys keep their defaults),
    a JSON text, or the path of a configuration file or of a folder with the
    reference's ``sim_dict.json``/``net_dict.json``/``stim_dict.json``.

    ``threads`` (0: ``sim.local_num_threads``, or all cores) does not change
    any spike. With ``out``, the run is also written to that folder in the
    reference's format, exactly as ``microcircuit run --out`` writes it.

    Building takes seconds at full scale; Ctrl-C interrupts it
    (KeyboardInterrupt). Bad parameters raise ValueError naming the field.

    >>> sim = Simulation({"net": {"N_scaling": 0.1, "K_scaling": 0.1}})
    >>> sim.run(1500.0)
    >>> rates = sim.analyze(t_min=500.0)["L4E"]["rates"]
    """

    def __init__(self, config: ConfigLike = None, *, threads: int = 0, out: Optional[Union[str, os.PathLike]] = None):
        text = _dicts.config_json(config)
        self._core = _core.Simulation(text, int(threads), None if out is None else os.fspath(out))
        self.out = None if out is None else os.fspath(out)
        derived = self._core.derived()
        self._first = derived["first_neuron"]
        # Files are completed (rates.csv) when the object goes or at exit.
        self._finalizer = weakref.finalize(self, self._core.close)

    @classmethod
    def from_json(cls, source: Union[str, os.PathLike], **kwargs: Any) -> "Simulation":
        """From a JSON text, a configuration file (``microcircuit config``
        prints one) or a folder of the reference's three dict files."""
        return cls(source, **kwargs)

    @classmethod
    def from_reference(cls, sim_dict: dict, net_dict: dict, stim_dict: Optional[dict] = None, **kwargs: Any):
        """From the reference package's three dicts (their keys and shapes;
        NumPy arrays are fine)."""
        parts = _dicts.reference_parts(sim_dict, net_dict, stim_dict)
        return cls(_core.resolve_config(parts), **kwargs)

    # -- configuration ------------------------------------------------------

    def config(self) -> dict:
        """The configuration the network runs with now (live changes
        applied), as a dict in ``microcircuit config``'s shape."""
        return json.loads(self._core.config_json())

    def built_config(self) -> dict:
        """The configuration the network was built from."""
        return json.loads(self._core.built_config_json())

    def to_json(self) -> str:
        """config() as JSON text, readable by ``microcircuit run --config``."""
        return self._core.config_json()

    @property
    def derived(self) -> dict:
        """Quantities derived from the parameters as the network runs them:
        ``num_neurons``, ``num_synapses`` [target][source],
        ``weight_matrix_mean`` (pA), ``weight_ext``, ``DC_amp``,
        ``ext_indegrees``, ``rheobase``, ``warnings``, ..."""
        return self._core.derived()

    @property
    def population_names(self) -> list:
        return list(POPULATIONS)

    @property
    def num_neurons(self) -> np.ndarray:
        """Neurons per population."""
        return np.diff(self._first)

    @property
    def total_neurons(self) -> int:
        return int(self._first[-1])

    @property
    def id_ranges(self) -> dict:
        """First and last NEST id of each population (as population_nodeids.dat)."""
        return {p: (int(self._first[i]) + 1, int(self._first[i + 1])) for i, p in enumerate(POPULATIONS)}

    @property
    def num_synapses(self) -> int:
        """Synapses built (recurrent and thalamic)."""
        return self._core.num_synapses

    @property
    def resolution(self) -> float:
        """Time step (ms)."""
        return self._core.resolution

    @property
    def time_ms(self) -> float:
        """Model time simulated so far (ms)."""
        return self._core.time_ms

    @property
    def steps(self) -> int:
        return self._core.steps

    @property
    def threads(self) -> int:
        return self._core.threads

    @property
    def memory_bytes(self) -> int:
        """Bytes held by the network (synapses, indices, neuron state)."""
        return self._core.memory_bytes

    @property
    def build_seconds(self) -> float:
        return self._core.build_seconds

    # -- running ------------------------------------------------------------

    def run(self, ms: float) -> None:
        """Advances the network by ``ms`` of model time (a multiple of the
        time step). The GIL is released while the engine works; Ctrl-C
        raises KeyboardInterrupt within 100 ms of model time, and the
        simulation stays usable: everything up to then is recorded, and
        running on gives the same spikes as an uninterrupted run."""
        self._core.run(float(ms))

    def set_live(self, changes: Optional[dict] = None, **fields: Any) -> None:
        """Changes parameters from the next step on, without a rebuild:
        weights (``PSP_exc_mean``, ``g``, ``weight_factors``), the drive
        (``bg_rate``, ``K_ext``), stimulus strengths and every neuron
        parameter of each population (one number or 8). Give them as
        keywords (``set_live(g=-5)``), dotted (``{"net.g": -5}``) or in the
        configuration's shape (``{"net": {"g": -5}}``). A field that needs a
        rebuild (sizes, probabilities, delays, seed) raises ValueError and
        changes nothing (docs/live.md lists the fields)."""
        self._core.apply_set(_dicts.set_json(changes, fields, self.config()), "set_live")

    def thalamic_pulse(self, start_ms: Optional[float] = None) -> None:
        """Fires a thalamic pulse (``th_rate`` for ``th_duration``) at
        ``start_ms`` (default: now). Needs ``stim.thalamic_input``."""
        start = self.time_ms if start_ms is None else float(start_ms)
        if not self._core.thalamic_pulse(start):
            raise ValueError(
                "thalamic_pulse: the network has no thalamic synapses; build it with stim.thalamic_input = true"
            )

    def dc_transient(self, start_ms: Optional[float] = None, duration_ms: float = 100.0) -> None:
        """Adds ``dc_transient_amp * K_ext`` pA to every neuron of each
        population over [start_ms, start_ms + duration_ms) (default: now)."""
        start = self.time_ms if start_ms is None else float(start_ms)
        self._core.dc_transient(start, float(duration_ms))

    # -- data ---------------------------------------------------------------

    def spikes(self, population: Optional[Union[str, int]] = None) -> Spikes:
        """All spikes so far, or one population's. The whole recording
        comes as read-only views of the engine's storage (no copy); a
        population's spikes are a copy of just that population."""
        senders, times = self._core.spikes()
        if population is None:
            return Spikes(senders, times)
        lo, hi = self._range(population)
        mask = (senders >= lo) & (senders <= hi)
        return Spikes(senders[mask], times[mask])

    def spikes_by_population(self) -> dict:
        """{population name: Spikes} for all eight populations."""
        return {p: self.spikes(p) for p in POPULATIONS}

    @property
    def senders(self) -> np.ndarray:
        """NEST ids of all spikes so far (read-only view, no copy)."""
        return self._core.spikes()[0]

    @property
    def times(self) -> np.ndarray:
        """Times (ms) of all spikes so far (read-only view, no copy)."""
        return self._core.spikes()[1]

    def spike_counts(self) -> np.ndarray:
        """Spikes emitted so far per population (also without recording)."""
        return self._core.spike_counts()

    def membrane_potentials(self, ids: Sequence[int]) -> np.ndarray:
        """Membrane potentials (mV) of neurons (NEST ids) now."""
        return self._core.membrane_potentials([int(i) for i in np.atleast_1d(ids)])

    def add_probe(self, ids: Sequence[int], interval_ms: float = 1.0) -> Probe:
        """Records the membrane potential of neurons (NEST ids) every
        ``interval_ms`` from now on; returns the Probe holding the arrays."""
        index = self._core.add_probe([int(i) for i in np.atleast_1d(ids)], float(interval_ms))
        return Probe(self, index, float(interval_ms))

    def analyze(
        self,
        t_min: float = 500.0,
        t_max: Optional[float] = None,
        subsample: int = 200,
        seed: int = 12345,
        cc_bin_ms: float = 2.0,
        rate_bin_ms: float = 1.0,
    ) -> dict:
        """The validation statistics over [t_min, t_max] (default: to now),
        as ``microcircuit analyze`` computes them: a dict keyed by population
        with arrays ``rates`` (Hz, per neuron), ``cvs`` (ISI CVs, neurons
        with >= 3 spikes), ``ccs`` (spike-count correlations of a seeded
        subsample), ``rate_series`` (population rate in rate_bin_ms bins),
        the means, ``spikes``, and the activity ``state`` ("silent",
        "asynchronous irregular", "synchronous", "saturated") with its
        ``fano`` factor and ``synchrony`` index."""
        tmax = self.time_ms if t_max is None else float(t_max)
        return self._core.analyze(float(t_min), tmax, int(subsample), int(seed), float(cc_bin_ms), float(rate_bin_ms))

    def store_metadata(self) -> None:
        """Rewrites the output folder's parameter files with the current
        (live) configuration."""
        self._need_out("store_metadata")
        self._core.store_metadata()

    def close(self) -> None:
        """Completes the output folder (rates.csv, files closed). Also done
        when the object is deleted or Python exits."""
        self._finalizer()

    def __enter__(self) -> "Simulation":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"<microcircuit_live.Simulation: {self.total_neurons} neurons, {self.num_synapses} synapses, "
            f"t = {self.time_ms:g} ms, {self.threads} threads>"
        )

    def _range(self, population: Union[str, int]) -> tuple:
        if isinstance(population, str):
            if population not in POPULATIONS:
                raise ValueError(f"population {population!r}: must be one of {', '.join(POPULATIONS)}")
            i = POPULATIONS.index(population)
        else:
            i = int(population)
            if not 0 <= i < len(POPULATIONS):
                raise ValueError(f"population {population}: must be 0..7 or a name")
        return int(self._first[i]) + 1, int(self._first[i + 1])

    def _need_out(self, what: str) -> None:
        if self.out is None:
            raise ValueError(f"{what}: the simulation has no output folder (Simulation(..., out=FOLDER))")
