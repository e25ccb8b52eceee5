#!/usr/bin/env python3
"""Measure this engine's seed-to-seed spread of each population's mean rate
and mean ISI CV, for the configurations that have a NEST reference (MODEL.md),
over the health check's calibration window (t_presim 500 ms, then 2 s).

The table it prints is what engine/src/analysis/health_calibration.cpp holds
(docs/analysis.md, "Health check"). Results are deterministic: the same seeds
give the same table on any machine and thread count.

  nice -n 19 python3 tests/tools/calibrate_health.py BUILD/app/microcircuit \
      [--configs 0.1p,0.2d,0.5d,1d,1p] [--seeds 8] [--work DIR] [--json out.json]
  python3 tests/tools/calibrate_health.py --print-from out.json   # rows again

Seeds 1..N are used (N = 8 at scales <= 0.2, 5 at 0.5, 3 at full scale unless
--seeds is given); the health tests use other seeds (101-103).
"""
import argparse, json, math, os, shutil, subprocess, sys, tempfile

POPS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]
CONFIGS = {  # key: (scale, drive, default seeds)
    "0.1p": (0.1, "poisson", 8),
    "0.2d": (0.2, "dc", 8),
    "0.5d": (0.5, "dc", 5),
    "1d": (1.0, "dc", 3),
    "1p": (1.0, "poisson", 3),
}
T_PRESIM, T_SIM = 500.0, 2000.0


def one_seed(binary, scale, drive, seed, work):
    out = os.path.join(work, f"s{scale}_{drive}_{seed}")
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([binary, "run", "-q", "--no-figures", "--scale", str(scale), "--drive", drive,
                    "--seed", str(seed), "--t-presim", str(T_PRESIM), "--t-sim", str(T_SIM),
                    "--out", out], check=True, stdout=subprocess.DEVNULL)
    r = subprocess.run([binary, "analyze", "-q", "--health", "--json", out], check=True,
                       capture_output=True, text=True)
    pops = json.loads(r.stdout)["health"]["populations"]
    shutil.rmtree(out, ignore_errors=True)
    return [pops[p]["mean_rate"] for p in POPS], [pops[p]["mean_cv"] for p in POPS]


def mean_sd(xs):
    m = sum(xs) / len(xs)
    sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1)) if len(xs) > 1 else 0.0
    return m, sd


def rows(key, entry):
    """The C++ row of health_calibration.cpp and the Markdown rows of docs/analysis.md."""
    pm, n = entry["populations"], len(entry["seeds"])
    fmt = lambda f: ", ".join(f"{pm[p][f]:.4g}" for p in POPS)
    cpp = (f"    // {key}: scale {entry['scale']}, {entry['drive']}, seeds 1-{n}\n"
           f"    {{{entry['scale']}, {'true' if entry['drive'] == 'poisson' else 'false'}, {n},\n"
           f"     {{{fmt('rate_mean')}}},\n     {{{fmt('rate_sd')}}},\n"
           f"     {{{fmt('cv_mean')}}},\n     {{{fmt('cv_sd')}}}}},")
    md = (f"| {entry['scale']} / {entry['scale']}, {entry['drive']} ({n} seeds) | rate (Hz) | "
          + " | ".join(f"{pm[p]['rate_mean']:.3f} ± {pm[p]['rate_sd']:.3f}" for p in POPS) + " |\n"
          + "| | mean CV | " + " | ".join(f"{pm[p]['cv_mean']:.3f} ± {pm[p]['cv_sd']:.3f}" for p in POPS) + " |")
    return cpp, md


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary", nargs="?", default="")
    ap.add_argument("--configs", default=",".join(CONFIGS))
    ap.add_argument("--seeds", type=int, default=0, help="seeds per configuration (default: 8/8/5/3/3)")
    ap.add_argument("--work", default="")
    ap.add_argument("--json", default="", help="write the table here (after every seed)")
    ap.add_argument("--print-from", nargs="*", default=[], metavar="JSON",
                    help="run nothing: print the C++ and Markdown rows of tables written with --json")
    a = ap.parse_args()
    if a.print_from:
        for path in a.print_from:
            with open(path) as f:
                for key, entry in json.load(f).items():
                    cpp, md = rows(key, entry)
                    print(cpp)
                    print(md)
        return
    if not a.binary:
        sys.exit("give the microcircuit binary (e.g. build/release/app/microcircuit)")
    work = a.work or tempfile.mkdtemp(prefix="mc_calib_")
    table = {}
    for key in a.configs.split(","):
        if key not in CONFIGS:
            sys.exit(f"--configs: unknown configuration {key!r}; allowed: {', '.join(CONFIGS)}")
        scale, drive, n = CONFIGS[key]
        n = a.seeds or n
        rates, cvs = [], []
        for seed in range(1, n + 1):
            r, c = one_seed(a.binary, scale, drive, seed, work)
            rates.append(r)
            cvs.append(c)
            print(f"# {key} seed {seed} rates: " + " ".join(f"{x:.4f}" for x in r), file=sys.stderr)
            print(f"# {key} seed {seed} CVs:   " + " ".join(f"{x:.4f}" for x in c), file=sys.stderr, flush=True)
            entry = {"scale": scale, "drive": drive, "seeds": list(range(1, seed + 1)), "populations": {}}
            for i, p in enumerate(POPS):
                rm, rs = mean_sd([r[i] for r in rates])
                cm, cs = mean_sd([c[i] for c in cvs])
                entry["populations"][p] = {"rate_mean": rm, "rate_sd": rs, "cv_mean": cm, "cv_sd": cs}
            table[key] = entry
            if a.json:  # after every seed, so that an interrupted calibration keeps what it measured
                with open(a.json + ".tmp", "w") as f:
                    json.dump(table, f, indent=1)
                os.replace(a.json + ".tmp", a.json)
        cpp, md = rows(key, entry)
        print(cpp)
        print(md, flush=True)


if __name__ == "__main__":
    main()
