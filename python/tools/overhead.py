#!/usr/bin/env python3
"""Python's overhead on Simulation.run against `microcircuit bench`.

Both build the same network (scale, seed, threads, Poisson drive, no spike
files), run an untimed warm-up of 100 ms, then time the same model time;
the real-time factor (wall time / model time) of each is compared. Pairs
alternate so that a change of machine load affects both sides alike; the
medians are reported. Python's run records spikes in memory (the default)
unless --no-record.

    PYTHONPATH=build/release/python python3 python/tools/overhead.py \\
        --binary build/release/app/microcircuit --scales 0.1 1 --t-sim 10000

Speed is measured here only, never in the tests (docs/python.md).
"""

import argparse
import json
import statistics
import subprocess
import time

import microcircuit_live as mcl

WARMUP_MS = 100.0


def bench_rtf(binary, scale, t_sim, threads, seed):
    cmd = [binary, "bench", "--scale", str(scale), "--t-sim", str(t_sim), "--seed", str(seed), "--warmup", str(WARMUP_MS)]
    if threads > 0:
        cmd += ["--threads", str(threads)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)["rtf"]


def python_rtf(scale, t_sim, threads, seed, record):
    sim = mcl.Simulation(
        {"net": {"N_scaling": scale, "K_scaling": scale},
         "sim": {"rng_seed": seed, "t_presim": WARMUP_MS, "t_sim": t_sim, "rec_spikes": record}},
        threads=threads,
    )
    sim.run(WARMUP_MS)
    start = time.perf_counter()
    sim.run(t_sim)
    return (time.perf_counter() - start) / (t_sim * 1e-3)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default="build/release/app/microcircuit")
    ap.add_argument("--scales", type=float, nargs="+", default=[0.1, 1.0])
    ap.add_argument("--t-sim", type=float, default=10000.0, help="timed model time (ms)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0, help="0: all cores")
    ap.add_argument("--seed", type=int, default=55)
    ap.add_argument("--no-record", action="store_true", help="Python keeps no spikes (as bench)")
    args = ap.parse_args()

    rows = []
    for scale in args.scales:
        cli, py = [], []
        for _ in range(args.repeats):
            cli.append(bench_rtf(args.binary, scale, args.t_sim, args.threads, args.seed))
            py.append(python_rtf(scale, args.t_sim, args.threads, args.seed, not args.no_record))
        c, p = statistics.median(cli), statistics.median(py)
        rows.append({"scale": scale, "t_sim_ms": args.t_sim, "bench_rtf": c, "python_rtf": p,
                     "overhead_percent": 100.0 * (p - c) / c, "bench_all": cli, "python_all": py})
        print(f"scale {scale:g}: bench RTF {c:.4f}, Python RTF {p:.4f}, overhead {rows[-1]['overhead_percent']:+.1f}%"
              f"  (medians of {args.repeats}; bench {['%.4f' % x for x in cli]}, Python {['%.4f' % x for x in py]})",
              flush=True)
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
