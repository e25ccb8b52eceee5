"""Conversion of Python parameter values (dicts, lists, NumPy arrays and
scalars) into the engine's JSON configuration. The engine validates: an
unknown key, a wrong type or shape, or a value out of range raises
ValueError with its message, which names the key."""

import json
import math
import os
import warnings

import numpy as np

from . import _core

SECTIONS = ("sim", "net", "stim")


def jsonable(value, key):
    """`value` as plain JSON types; ValueError naming `key` if it cannot be one."""
    if isinstance(value, dict):
        return {str(k): jsonable(v, f"{key}.{k}" if key else str(k)) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist(), key)
    if isinstance(value, (list, tuple)):
        return [jsonable(v, f"{key}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{key} = {value}: must be a finite number")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ValueError(f"{key}: a {type(value).__name__} cannot be a parameter value")


def dumps(obj, key=""):
    return json.dumps(jsonable(obj, key))


def config_json(config):
    """Full configuration JSON from None (defaults), a dict with the
    sections sim/net/stim/events (partial is fine), a JSON text or a path."""
    if config is None:
        return _core.default_config_json()
    if isinstance(config, (str, os.PathLike)):
        text = os.fspath(config)
        if text.lstrip().startswith("{"):
            return _core.resolve_config([(text, "config")])
        return _core.config_path_json(text)
    if isinstance(config, dict):
        for key in config:
            if key not in SECTIONS + ("events",):
                raise ValueError(
                    f'config: unknown top-level key "{key}" (a configuration has the sections '
                    '"sim", "net", "stim" and "events")'
                )
        if not config:
            return _core.default_config_json()
        return _core.resolve_config([(dumps(config), "config")])
    raise ValueError(f"config: expected a dict, a JSON text or a file path, got {type(config).__name__}")


def reference_parts(sim_dict, net_dict, stim_dict):
    """The reference's three dicts as (json, origin) parts for the engine."""
    for name, d in (("sim_dict", sim_dict), ("net_dict", net_dict), ("stim_dict", stim_dict)):
        if d is not None and not isinstance(d, dict):
            raise ValueError(f"{name}: expected a dict, got {type(d).__name__}")
    sim = dict(sim_dict)
    if "rec_dev" in sim:
        devices = list(sim["rec_dev"])
        unknown = [d for d in devices if d not in ("spike_recorder", "voltmeter")]
        if unknown:
            raise ValueError(
                f"sim_dict['rec_dev'] = {devices}: unknown device {unknown[0]!r} "
                "(allowed: 'spike_recorder', 'voltmeter')"
            )
        if "voltmeter" in devices:
            warnings.warn(
                "sim_dict['rec_dev']: the voltmeter is not created; record membrane potentials "
                "with Network.sim.add_probe(...)",
                stacklevel=3,
            )
        sim.setdefault("rec_spikes", "spike_recorder" in devices)
    sim.pop("con_dev", None)  # connectivity dump of some reference versions; not written here
    parts = [(dumps({"sim": sim}), "sim_dict")]
    parts.append((dumps({"net": dict(net_dict)}), "net_dict"))
    if stim_dict is not None:
        stim = dict(stim_dict)
        if "dc_input_ext" in stim:  # the name in some versions of the reference
            stim["dc_input"] = stim.pop("dc_input_ext")
        parts.append((dumps({"stim": stim}), "stim_dict"))
    return parts


def set_json(changes, fields, current):
    """A partial configuration for Simulation.set_live from a dict in the
    configuration's shape ({"net": {"g": -5}}), dotted names
    ({"net.g": -5}) and bare names (g=-5, V_th=[...]) looked up in the
    current configuration `current`."""
    out = {}

    def put(path, value):
        node = out
        for p in path[:-1]:
            node = node.setdefault(p, {})
        node[path[-1]] = value

    def locate(name):
        places = []
        for sec in SECTIONS:
            if name in current[sec]:
                places.append((sec, name))
        if name in current["net"]["neuron_params"]:
            places.append(("net", "neuron_params", name))
        if len(places) != 1:
            raise ValueError(
                f"set_live: {name!r} is not a configuration field (see Simulation.config())"
                if not places
                else f"set_live: {name!r} is ambiguous; write it as 'section.{name}'"
            )
        return places[0]

    items = list((changes or {}).items()) + list(fields.items())
    for key, value in items:
        if key in SECTIONS and isinstance(value, dict):
            for k, v in value.items():
                put((key, k), v)
        elif "." in key:
            put(tuple(key.split(".")), value)
        else:
            put(locate(key), value)
    if not out:
        raise ValueError("set_live: no change given")
    return dumps(out)
