"""Default simulation parameters, under the reference package's names.

``default_sim_dict`` has the keys and values of the PyNEST ``microcircuit``
package's ``sim_params.default_sim_dict``, so that scripts written for it
run unchanged. Two keys matter differently here: ``local_num_threads`` is 0
(all cores; the reference's 4 would oversubscribe a two-core laptop, and
spikes do not depend on it), and of the devices in ``rec_dev`` only
``"spike_recorder"`` is created (membrane potentials: ``Simulation.add_probe``).
"""

import os

default_sim_dict = {
    "t_presim": 500.0,  # warm-up, discarded by the analysis (ms)
    "t_sim": 1000.0,  # simulated time after the warm-up (ms)
    "sim_resolution": 0.1,  # time step (ms)
    "rec_dev": ["spike_recorder"],  # [] records nothing
    "data_path": os.path.join(os.getcwd(), "data/"),  # output folder
    "rng_seed": 55,  # master seed of every random stream
    "local_num_threads": 0,  # worker threads; 0 = all cores
    "rec_V_int": 1.0,  # voltmeter interval of the reference (ms); unused here
    "overwrite_files": True,  # files in data_path are always overwritten here
    "print_time": False,  # the reference's progress printing; unused here
    "store_metadata": True,  # Network.store_metadata() writes the parameter files
}

__all__ = ["default_sim_dict"]
