"""A 10 s full-scale run keeps its spikes once: the arrays are views of the
recorder's storage (no second copy), checked through ownership and memory."""

import numpy as np

import microcircuit_live as mcl


def rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def test_full_scale_spike_arrays_exist_once():
    sim = mcl.Simulation({"net": {"N_scaling": 1.0, "K_scaling": 1.0}, "sim": {"t_presim": 0.0, "t_sim": 10000.0}})
    sim.run(10000.0)
    before = rss_bytes()
    senders, times = sim.spikes()
    also_senders, also_times = sim.senders, sim.times
    after = rss_bytes()
    nbytes = senders.nbytes + times.nbytes
    assert len(senders) > 1_000_000  # ~3 Hz x 77,169 neurons x 10 s
    for a in (senders, times, also_senders, also_times):
        assert not a.flags.owndata and a.base is not None
    assert np.shares_memory(senders, also_senders) and np.shares_memory(times, also_times)
    assert sim._core.recorder_copies() == 0
    # Handing out the arrays allocated (almost) nothing.
    assert after - before < 0.05 * nbytes, (after - before, nbytes)
