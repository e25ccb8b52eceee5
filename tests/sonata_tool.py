#!/usr/bin/env python3
"""Independent reader and writer of SONATA spike reports for test_recording,
using Debian's python3-h5py (not microcircuit's own HDF5 code).

  sonata_tool.py compare DIR   spikes.h5 holds exactly the spikes of the NEST
                               text files in DIR (same ids and times, per
                               population), and follows the SONATA layout
  sonata_tool.py single FILE   writes a one-population report (node ids over
                               the whole network of test_recording's folders)
  sonata_tool.py plain FILE    writes an HDF5 file that is not a spike report
"""
import glob
import os
import sys

import h5py
import numpy as np

POPS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def compare(folder):
    ranges = [tuple(int(x) for x in line.split()) for line in open(os.path.join(folder, "population_nodeids.dat"))
              if line.strip()]
    text = {p: [] for p in POPS}
    files = sorted(glob.glob(os.path.join(folder, "spike_recorder-*.dat")))
    if not files:
        fail("no NEST text files in " + folder)
    for name in files:
        for line in open(name):
            fields = line.split()
            if len(fields) != 2 or not fields[0].isdigit():
                continue
            sender, time = int(fields[0]), float(fields[1])
            pop = next(i for i, (a, b) in enumerate(ranges) if a <= sender <= b)
            text[POPS[pop]].append((sender, time))
    with h5py.File(os.path.join(folder, "spikes.h5"), "r") as f:
        if int(f.attrs["magic"]) != 0x0A7A or list(f.attrs["version"]) != [0, 1]:
            fail("root attributes magic/version missing or wrong")
        if sorted(f["spikes"].keys()) != sorted(POPS):
            fail("populations %s" % sorted(f["spikes"].keys()))
        total = 0
        for i, pop in enumerate(POPS):
            group = f["spikes"][pop]
            sorting = group.attrs["sorting"]
            sorting = sorting.decode() if isinstance(sorting, bytes) else sorting
            if sorting != "by_time":
                fail("%s: sorting = %r" % (pop, sorting))
            units = group["timestamps"].attrs["units"]
            units = units.decode() if isinstance(units, bytes) else units
            if units != "ms":
                fail("%s: units = %r" % (pop, units))
            if group["node_ids"].dtype != np.uint64 or group["timestamps"].dtype != np.float64:
                fail("%s: dtypes %s %s" % (pop, group["node_ids"].dtype, group["timestamps"].dtype))
            ids = group["node_ids"][:]
            times = group["timestamps"][:]
            if np.any(np.diff(times) < 0):
                fail(pop + ": timestamps not sorted by time")
            # SONATA node ids count from 0 within the population; NEST ids from the table's first id.
            h5 = sorted(zip((ids + ranges[i][0]).tolist(), times.tolist()))
            if h5 != sorted(text[pop]):
                fail("%s: %d spikes in spikes.h5, %d in the text files, or they differ" % (pop, len(h5), len(text[pop])))
            total += len(h5)
    if total == 0:
        fail("no spikes at all")
    print("OK %d spikes agree" % total)


def single(path):
    # Eight populations of 3 neurons (ids 1..24): node id = NEST id - 1, unsorted.
    with h5py.File(path, "w") as f:
        g = f.create_group("spikes/all")
        g.attrs["sorting"] = "none"
        g.create_dataset("node_ids", data=np.array([23, 0, 5, 0], dtype=np.uint64))
        t = g.create_dataset("timestamps", data=np.array([0.004, 0.0012, 0.002, 0.0005], dtype=np.float64))
        t.attrs["units"] = "s"


def plain(path):
    with h5py.File(path, "w") as f:
        f.create_dataset("voltage", data=np.zeros(4))


if __name__ == "__main__":
    {"compare": compare, "single": single, "plain": plain}[sys.argv[1]](sys.argv[2])
