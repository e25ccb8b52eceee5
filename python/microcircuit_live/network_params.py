"""Default network parameters, under the reference package's names.

``default_net_dict`` has the keys, shapes and values of the PyNEST
``microcircuit`` package's ``network_params.default_net_dict``, including
its DC background drive (``bg_input_type = "dc"``), which leaves the network
silent at N_scaling = K_scaling = 0.1 (docs/python.md; the project's own
default is Poisson drive). ``PSP_matrix_mean`` and ``delay_matrix_mean`` are
derived from the other keys as in the reference; the engine derives them
again from ``PSP_exc_mean``, ``g`` and the delays, so changing a derived
matrix by hand has no effect.
"""

import numpy as np

POPULATIONS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]


def _exc_inh(exc, inh):
    """8 x 8 matrix with `exc` in excitatory and `inh` in inhibitory source columns."""
    m = np.empty((8, 8))
    m[:, 0::2] = exc
    m[:, 1::2] = inh
    return m


default_net_dict = {
    "N_scaling": 0.1,  # factor on the population sizes
    "K_scaling": 0.1,  # factor on the in-degrees; weights scale with 1/sqrt(K_scaling)
    "neuron_model": "iaf_psc_exp",
    "populations": list(POPULATIONS),
    "full_num_neurons": np.array([20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948]),
    # full-scale mean rates (Hz), used for the DC compensating K_scaling
    "full_mean_rates": np.array([0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829]),
    # connection probabilities [target][source]
    "conn_probs": np.array(
        [
            [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
            [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
            [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0],
            [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
            [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
            [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0],
            [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
            [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443],
        ]
    ),
    "PSP_exc_mean": 0.15,  # mean excitatory PSP (mV)
    "weight_rel_std": 0.1,  # sd / mean of every weight
    "g": -4,  # inhibitory / excitatory weight ratio
    "delay_exc_mean": 1.5,  # ms
    "delay_inh_mean": 0.75,  # ms
    "delay_rel_std": 0.5,  # sd / mean of the delays
    "bg_input_type": "dc",  # "dc" (reference) or "poisson" (the 2014 model)
    "K_ext": np.array([1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100]),  # external in-degrees
    "bg_rate": 8.0,  # rate of each external input (Hz)
    "delay_poisson": 1.5,  # ms
    "V0_type": "optimized",  # initial membrane potentials: "optimized" or "original"
    "neuron_params": {
        "V0_mean": {"original": -58.0, "optimized": [-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43]},
        "V0_std": {"original": 10.0, "optimized": [5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48]},
        "E_L": -65.0,  # mV
        "V_th": -50.0,  # mV
        "V_reset": -65.0,  # mV
        "C_m": 250.0,  # pF
        "tau_m": 10.0,  # ms
        "tau_syn": 0.5,  # ms
        "t_ref": 2.0,  # ms
    },
}

_psp = _exc_inh(default_net_dict["PSP_exc_mean"], default_net_dict["PSP_exc_mean"] * default_net_dict["g"])
_psp[0, 2] *= 2.0  # L4E -> L23E is doubled
default_net_dict["PSP_matrix_mean"] = _psp
default_net_dict["delay_matrix_mean"] = _exc_inh(default_net_dict["delay_exc_mean"], default_net_dict["delay_inh_mean"])

__all__ = ["default_net_dict", "POPULATIONS"]
