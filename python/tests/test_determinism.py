"""Same configuration and seed: the same spikes from Python as from
`microcircuit run`, byte for byte, whatever the thread counts, and with a
live change made from Python equal to the same change as a timed event."""

import json
import pathlib

import numpy as np

import microcircuit_live as mcl
from conftest import read_spike_folder, run_cli

CONFIG = {
    "sim": {"t_presim": 200.0, "t_sim": 400.0, "rng_seed": 7},
    "net": {"N_scaling": 0.1, "K_scaling": 0.1},
    "stim": {"thalamic_input": True, "th_start": 350.0},
}


def spike_files(folder):
    files = sorted(pathlib.Path(folder).glob("spike_recorder-*-0.dat"))
    assert len(files) == 8
    return {f.name: f.read_bytes() for f in files}


def test_python_spikes_equal_cli_run(binary, tmp_path):
    cfg = dict(CONFIG, events=[{"t_ms": 300.0, "set": {"net": {"g": -5.0}}}])
    path = tmp_path / "config.json"
    path.write_text(json.dumps(cfg))
    run_cli(binary, "run", "--config", str(path), "--out", str(tmp_path / "cli"), "--threads", "2", "-q", "--no-figures")

    # The same configuration without the event, the change made live from
    # Python at the same time, one thread, the run split into three calls.
    sim = mcl.Simulation(CONFIG, threads=1, out=tmp_path / "py")
    sim.run(123.4)
    sim.run(300.0 - 123.4)
    sim.set_live(g=-5.0)
    sim.run(300.0)
    assert sim.time_ms == 600.0
    senders, times = sim.spikes()
    sim.close()

    cli = spike_files(tmp_path / "cli")
    py = spike_files(tmp_path / "py")
    assert cli.keys() == py.keys()
    for name in cli:
        assert py[name] == cli[name], f"{name} differs from microcircuit run's"
    assert (tmp_path / "py" / "rates.csv").read_bytes() == (tmp_path / "cli" / "rates.csv").read_bytes()
    assert (tmp_path / "py" / "population_nodeids.dat").read_bytes() == (
        tmp_path / "cli" / "population_nodeids.dat"
    ).read_bytes()

    # The arrays hold exactly what the files hold (times as the same doubles).
    file_senders, file_times = read_spike_folder(tmp_path / "cli")
    assert len(senders) > 1000
    np.testing.assert_array_equal(senders, file_senders)
    np.testing.assert_array_equal(times, file_times)


def test_spikes_do_not_depend_on_threads():
    a = mcl.Simulation(CONFIG, threads=1)
    b = mcl.Simulation(CONFIG, threads=2)
    a.run(300.0)
    b.run(300.0)
    np.testing.assert_array_equal(a.senders, b.senders)
    np.testing.assert_array_equal(a.times, b.times)
    assert len(a.senders) > 1000
