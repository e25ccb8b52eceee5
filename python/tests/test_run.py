"""Running from Python: the GIL is released, Ctrl-C interrupts cleanly,
live changes act in the right direction, pulses and probes work, spike
arrays are views of the engine's storage."""

import os
import signal
import threading
import time

import numpy as np
import pytest

import microcircuit_live as mcl

SMALL = {"sim": {"rng_seed": 3}, "net": {"N_scaling": 0.1, "K_scaling": 0.1}}


def test_ctrl_c_interrupts_run_and_leaves_it_usable():
    sim = mcl.Simulation(SMALL, threads=2)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            sim.run(600000.0)  # ten minutes of model time: only Ctrl-C ends it early
    finally:
        timer.cancel()
    stopped = sim.time_ms
    assert 0.0 < stopped < 600000.0
    assert stopped % 100.0 == pytest.approx(0.0, abs=1e-6)  # at a chunk boundary

    # Running on gives exactly the spikes of an uninterrupted run.
    end = stopped + 250.0
    sim.run(end - stopped)
    ref = mcl.Simulation(SMALL, threads=1)
    ref.run(end)
    np.testing.assert_array_equal(sim.senders, ref.senders)
    np.testing.assert_array_equal(sim.times, ref.times)


def test_gil_is_released_while_running():
    sim = mcl.Simulation(SMALL, threads=1)
    count = 0
    done = threading.Event()

    def spin():
        nonlocal count
        while not done.is_set():
            count += 1
            time.sleep(0.0005)

    t = threading.Thread(target=spin)
    t.start()
    sim.run(5000.0)  # about 0.4 s on an idle core
    done.set()
    t.join()
    # With the GIL held for the whole run the thread could not count.
    assert count > 50, count


def mean_rate(stats):
    return np.mean([stats[p]["mean_rate"] for p in mcl.POPULATIONS])


@pytest.mark.parametrize(
    "change, direction",
    [({"g": -6.0}, -1), ({"bg_rate": 9.0}, +1), ({"PSP_exc_mean": 0.12}, -1), ({"V_th": -51.0}, +1)],
)
def test_live_change_direction(change, direction):
    base = mcl.Simulation(SMALL)
    changed = mcl.Simulation(SMALL)
    base.run(500.0)
    changed.run(500.0)
    np.testing.assert_array_equal(base.senders, changed.senders)
    changed.set_live(**change)
    key = next(iter(change))
    cfg = changed.config()["net"]
    assert np.all(np.asarray(cfg["neuron_params"][key] if key == "V_th" else cfg[key]) == change[key])
    base.run(1000.0)
    changed.run(1000.0)
    before, after = mean_rate(base.analyze(500.0, 1500.0)), mean_rate(changed.analyze(500.0, 1500.0))
    assert np.sign(after - before) == direction, (change, before, after)
    assert abs(after - before) > 0.05 * before


def test_thalamic_pulse_excites_layer_4():
    sim = mcl.Simulation({**SMALL, "stim": {"thalamic_input": True, "th_start": 100000.0}})
    sim.run(300.0)
    sim.thalamic_pulse(300.0)
    sim.run(30.0)
    s = sim.spikes("L4E")
    before = np.count_nonzero((s.times > 270.0) & (s.times <= 300.0))
    during = np.count_nonzero((s.times > 300.0) & (s.times <= 330.0))
    assert during > 3 * before + 20, (before, during)


def test_probe_records_membrane_potentials():
    sim = mcl.Simulation(SMALL)
    sim.run(100.0)
    probe = sim.add_probe([1, 500, 7717], interval_ms=0.5)
    sim.run(50.0)
    assert probe.v_m.shape == (101, 3)
    np.testing.assert_allclose(probe.times, 100.0 + 0.5 * np.arange(101))
    np.testing.assert_array_equal(probe.ids, [1, 500, 7717])
    np.testing.assert_array_equal(probe.v_m[-1], sim.membrane_potentials([1, 500, 7717]))
    assert np.all(probe.v_m <= -50.0) and np.all(probe.v_m > -90.0)
    assert np.ptp(probe.v_m[:, 0]) > 0.1  # it moves


def test_spike_arrays_are_views_not_copies():
    sim = mcl.Simulation(SMALL)
    sim.run(300.0)
    senders, times = sim.spikes()
    assert not senders.flags.owndata and not times.flags.owndata and senders.base is not None
    assert not senders.flags.writeable
    assert np.shares_memory(senders, sim.senders) and np.shares_memory(times, sim.times)
    n = len(senders)
    first = senders[:10].copy()
    sim.run(300.0)  # the old arrays stay valid and unchanged
    assert len(senders) == n and np.array_equal(senders[:10], first)
    assert len(sim.senders) > n
    np.testing.assert_array_equal(sim.senders[:n], senders)
    counts = sim.spike_counts()
    assert counts.sum() == len(sim.senders)
    by_pop = sim.spikes_by_population()
    np.testing.assert_array_equal([len(by_pop[p].senders) for p in mcl.POPULATIONS], counts)
    lo, hi = sim.id_ranges["L5I"]
    assert np.all((by_pop["L5I"].senders >= lo) & (by_pop["L5I"].senders <= hi))


def test_config_and_derived():
    sim = mcl.Simulation.from_json('{"net": {"N_scaling": 0.05, "K_scaling": 0.05}}')
    cfg = sim.config()
    assert cfg["net"]["N_scaling"] == 0.05 and set(cfg) >= {"sim", "net", "stim"}
    d = sim.derived
    assert d["num_neurons"].sum() == sim.total_neurons == sim.num_neurons.sum()
    assert d["num_synapses"].shape == (8, 8)
    assert sim.id_ranges["L23E"] == (1, int(d["num_neurons"][0]))
    again = mcl.Simulation(cfg)
    assert again.config() == cfg


def test_output_folder_records_the_time_actually_run(tmp_path):
    cfg = {"sim": {"t_presim": 100.0, "t_sim": 200.0}, "net": {"N_scaling": 0.05, "K_scaling": 0.1}}
    sim = mcl.Simulation(cfg, out=tmp_path / "run")
    sim.run(500.0)  # past t_presim + t_sim
    sim.close()
    import json

    assert json.loads((tmp_path / "run" / "sim_dict.json").read_text())["t_sim"] == 400.0
    stats = mcl.analyze_folder(tmp_path / "run", t_min=100.0)
    assert stats["L4E"]["t_max"] == 500.0
    mine = sim.analyze(t_min=100.0)
    for p in mcl.POPULATIONS:
        assert stats[p]["mean_rate"] == mine[p]["mean_rate"]
    assert (tmp_path / "run" / "rates.csv").read_text().startswith("population,mean,std\n")
