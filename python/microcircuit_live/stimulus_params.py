"""Default parameters of the optional stimuli, under the reference's names.

``default_stim_dict`` mirrors the PyNEST ``microcircuit`` package's
``stimulus_params.default_stim_dict``: a thalamic pulse and a DC transient,
both off.
"""

import numpy as np

default_stim_dict = {
    "thalamic_input": False,  # 902 thalamic Poisson neurons firing a pulse
    "th_start": 700.0,  # onset of the pulse (ms)
    "th_duration": 10.0,  # duration of the pulse (ms)
    "th_rate": 120.0,  # rate of each thalamic neuron during the pulse (Hz)
    "num_th_neurons": 902,  # not scaled by N_scaling
    # connection probabilities thalamus -> L23E ... L6I
    "conn_probs_th": np.array([0.0, 0.0, 0.0983, 0.0619, 0.0, 0.0, 0.0512, 0.0196]),
    "PSP_th": 0.15,  # mean thalamic PSP (mV)
    "delay_th_mean": 1.5,  # mean thalamic delay (ms)
    "delay_th_rel_std": 0.5,  # relative sd of the thalamic delay
    "dc_input": False,  # DC transient onto every population
    "dc_start": 650.0,  # its onset (ms)
    "dc_dur": 100.0,  # its duration (ms)
    "dc_amp": 0.3,  # pA per external in-degree: amplitude = dc_amp * K_ext
}

__all__ = ["default_stim_dict"]
