"""Bad input raises ValueError naming the key; nothing crashes."""

import copy

import numpy as np
import pytest

import microcircuit_live as mcl
from microcircuit_live import network
from microcircuit_live.network_params import default_net_dict
from microcircuit_live.sim_params import default_sim_dict
from microcircuit_live.stimulus_params import default_stim_dict


def dicts(tmp_path):
    sim = copy.deepcopy(default_sim_dict)
    sim["data_path"] = str(tmp_path) + "/"
    return sim, copy.deepcopy(default_net_dict), copy.deepcopy(default_stim_dict)


@pytest.mark.parametrize(
    "which, key, value, pattern",
    [
        ("net", "K_extt", np.ones(8), r'net_dict: unknown key "net\.K_extt"'),
        ("net", "K_ext", np.ones(7), r"net\.K_ext: expected a list of 8 numbers"),
        ("net", "conn_probs", np.zeros((8, 7)), r"net\.conn_probs\[0\]: expected a list of 8 numbers"),
        ("net", "N_scaling", -1.0, r"N_scaling"),
        ("net", "bg_input_type", "noise", r"bg_input_type"),
        ("sim", "t_sim", "long", r"sim\.t_sim: expected a number"),
        ("sim", "rng_sed", 5, r'sim_dict: unknown key "sim\.rng_sed"'),
        ("sim", "rec_dev", ["multimeter"], r"rec_dev.*multimeter"),
        ("stim", "th_rate", [1, 2], r"stim\.th_rate: expected a number"),
        ("stim", "thalamic_inpt", True, r'stim_dict: unknown key "stim\.thalamic_inpt"'),
    ],
)
def test_bad_dicts_raise_value_error_naming_the_key(tmp_path, which, key, value, pattern):
    sim, net, stim = dicts(tmp_path)
    {"sim": sim, "net": net, "stim": stim}[which][key] = value
    with pytest.raises(ValueError, match=pattern):
        network.Network(sim, net, stim)


def test_bad_neuron_params(tmp_path):
    sim, net, stim = dicts(tmp_path)
    net["neuron_params"]["V_th"] = [-50.0] * 3
    with pytest.raises(ValueError, match=r"V_th"):
        network.Network(sim, net, stim)


def test_simulation_errors():
    with pytest.raises(ValueError, match=r"net\.g: expected a number"):
        mcl.Simulation({"net": {"g": "strong"}})
    with pytest.raises(ValueError, match=r'unknown top-level key "nett"'):
        mcl.Simulation({"nett": {}})
    with pytest.raises(ValueError, match=r"not a finite|finite number"):
        mcl.Simulation({"net": {"g": float("nan")}})
    sim = mcl.Simulation({"net": {"N_scaling": 0.02, "K_scaling": 0.1}})
    with pytest.raises(ValueError, match=r"net\.N_scaling cannot change"):
        sim.set_live(N_scaling=0.2)
    with pytest.raises(ValueError, match=r"'gain' is not a configuration field"):
        sim.set_live(gain=2)
    with pytest.raises(ValueError, match=r"thalamic_input"):
        sim.thalamic_pulse()
    with pytest.raises(ValueError, match=r"multiple of the time step"):
        sim.run(0.05)
    with pytest.raises(ValueError, match=r">= 0 ms"):
        sim.run(-1.0)
    with pytest.raises(ValueError, match=r"outside 1\.\."):
        sim.add_probe([0])
    with pytest.raises(ValueError, match=r"population 'L7E'"):
        sim.spikes("L7E")
    # Nothing changed, and the simulation still runs.
    assert sim.config()["net"]["g"] == -4.0
    sim.run(10.0)
    assert sim.time_ms == 10.0


def test_unwritable_output_folder(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ValueError, match=r"cannot be created"):
        mcl.Simulation({"net": {"N_scaling": 0.02}}, out=blocker / "sub")
