"""Shared fixtures of the Python module's tests. CTest runs them with
PYTHONPATH=<build>/python and MC_BINARY=<build>/app/microcircuit."""

import os
import pathlib
import subprocess

import numpy as np
import pytest


@pytest.fixture(scope="session")
def binary():
    path = os.environ.get("MC_BINARY")
    if not path or not os.path.exists(path):
        pytest.fail("MC_BINARY must name the microcircuit program (CTest sets it)")
    return path


def run_cli(binary, *args):
    """Runs the command line program; its stdout, or a failure with stderr."""
    r = subprocess.run([binary, *args], capture_output=True, text=True)
    assert r.returncode == 0, f"{' '.join(args)} failed ({r.returncode}): {r.stderr}"
    return r.stdout


def read_spike_folder(folder):
    """(senders, times) of every spike file in a folder, ordered by time
    then sender as the engine emits them."""
    senders, times = [], []
    for f in sorted(pathlib.Path(folder).glob("spike_recorder-*-0.dat")):
        rows = np.loadtxt(f, skiprows=3, ndmin=2)
        if rows.size:
            senders.append(rows[:, 0].astype(np.int64))
            times.append(rows[:, 1])
    senders = np.concatenate(senders)
    times = np.concatenate(times)
    order = np.lexsort((senders, times))
    return senders[order], times[order]
