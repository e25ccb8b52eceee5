#!/usr/bin/env python3
"""Hostile-input corpus: every bad input we know of, through the real program.

Each case runs `microcircuit` with one bad input and checks what a user must
see: exit status 2 (bad input), never a signal, never 3 (internal error),
within a time limit, and one stderr line that names the file, flag or field
(every keyword of the case, case-insensitive). A few cases are inputs that
must be accepted, or accepted with a warning; they say so (status 0).

Small inputs live in tests/hostile/files/ (spike folders and configuration
files); large, deep or special ones (100,000 levels of nesting, a 65 MB file,
a FIFO, a socket, symlink loops, an unreadable folder) are made here at run
time in a temporary folder. Inputs found by the fuzzers (scripts/fuzz.sh)
are kept in tests/hostile/fuzz/ and run as cases too.

Usage: run_hostile.py MICROCIRCUIT_BINARY   (CTest: test_hostile)
"""
import os
import pathlib
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
FILES = HERE / "files"
FUZZ = HERE / "fuzz"
TIME_LIMIT = 60.0  # seconds per case; a hang fails the case
CHEAP = ["--t-sim", "1", "--t-presim", "0", "--no-figures", "-q"]


class Case:
    def __init__(self, name, args, keywords, status=2, limit_as_mb=None, as_nobody=False, check=None, skip=None):
        self.name, self.args, self.keywords, self.status = name, args, keywords, status
        self.limit_as_mb, self.as_nobody, self.check, self.skip = limit_as_mb, as_nobody, check, skip


def generate(tmp):
    """The inputs too large or too special to commit."""
    def write(name, text):
        p = tmp / name
        p.write_text(text)
        return p

    depth = 100_000
    write("deep100k.json", "[" * depth + "]" * depth)
    write("deep1m.json", '{"net": ' * 1 + "[" * 1_000_000 + "]" * 1_000_000 + "}")
    write("deep_in_field.json", '{"net": {"g": ' + "{\"a\": " * 100 + "1" + "}" * 100 + "}}")
    write("deep64.json", '{"net": {"g": ' + "[" * 62 + "]" * 62 + "}}")
    write("big_value.json", '{"net": {"g": [' + ",".join(["1"] * 200_000) + "]}}")
    write("long_string.json", '{"net": {"bg_input_type": "' + "x" * 1_000_000 + '"}}')
    write("long_key.json", '{"net": {"' + "k" * 1_000_000 + '": 1}}')
    with open(tmp / "huge.json", "wb") as f:  # sparse: refused before reading
        f.truncate(65 << 20)
    os.mkfifo(tmp / "fifo.json")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(tmp / "socket.json"))
    os.symlink("loop.json", tmp / "loop.json")
    os.symlink("loopdir", tmp / "loopdir")
    # A spike folder whose spike file is a symlink loop.
    loops = tmp / "spike_loop"
    loops.mkdir()
    (loops / "population_nodeids.dat").write_text("1 4\n5 8\n")
    os.symlink("spike_recorder-1-0.dat", loops / "spike_recorder-1-0.dat")
    # A spike folder whose table is a FIFO (would block a plain open()).
    fifo_dir = tmp / "table_fifo"
    fifo_dir.mkdir()
    os.mkfifo(fifo_dir / "population_nodeids.dat")
    (fifo_dir / "spike_recorder-1-0.dat").write_text("1 1.0\n")
    # 10,001 one-neuron populations; nine of 5000 neurons (too many pairs
    # for --subsample 5000).
    many = tmp / "many_pops"
    many.mkdir()
    (many / "population_nodeids.dat").write_text("".join(f"{i} {i}\n" for i in range(1, 10_002)))
    (many / "spike_recorder-1-0.dat").write_text("1 600.0\n")
    wide = tmp / "nine_pops"
    wide.mkdir()
    (wide / "population_nodeids.dat").write_text("".join(f"{5000 * i + 1} {5000 * (i + 1)}\n" for i in range(9)))
    (wide / "spike_recorder-1-0.dat").write_text("1 600.0\n2 700.0\n")
    # An unreadable folder (read as nobody when the test runs as root).
    locked = tmp / "locked"
    locked.mkdir()
    (locked / "population_nodeids.dat").write_text("1 4\n5 8\n")
    (locked / "spike_recorder-1-0.dat").write_text("1 1.0\n")
    locked.chmod(0)
    unlisted = tmp / "unlisted"  # may be entered, not listed
    unlisted.mkdir()
    (unlisted / "population_nodeids.dat").write_text("1 4\n5 8\n")
    unlisted.chmod(0o311)
    locked_cfg = write("locked.json", "{}")
    locked_cfg.chmod(0)
    tmp.chmod(0o755)
    return sock


def cases(tmp):
    F = str(FILES)
    T = str(tmp)
    mem_gb = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 1e9
    cores = os.cpu_count() or 1

    def run_cfg(name, file, keywords, scale=True):
        return Case(name, ["run", "--config", file, *(["--scale", "0.02"] if scale else []), "--out",
                           f"{T}/out-{name}", *CHEAP], keywords)

    def seed_stored(expected):
        def check(r, out_dir):
            text = (pathlib.Path(out_dir) / "sim_dict.json").read_text()
            return f'"rng_seed": {expected}' in text or f"rng_seed {expected} not in sim_dict.json"
        return check

    c = [
        # --- Crashes and hangs -------------------------------------------------
        run_cfg("config nested 100,000 deep", f"{T}/deep100k.json", ["deep100k.json", "nested"]),
        run_cfg("config nested 1,000,000 deep", f"{T}/deep1m.json", ["deep1m.json", "nested", "net"]),
        run_cfg("field nested 100 deep", f"{T}/deep_in_field.json", ["deep_in_field.json", "nested", "net.g"]),
        run_cfg("field nested 64 deep (allowed depth, wrong type)", f"{T}/deep64.json", ["net.g", "expected a number"]),
        run_cfg("200,000-element value in a message", f"{T}/big_value.json", ["net.g", "..."]),
        run_cfg("1 MB string in a message", f"{T}/long_string.json", ["bg_input_type", "..."]),
        run_cfg("1 MB key in a message", f"{T}/long_key.json", ["unknown key", "..."]),
        Case("analyze population_nodeids.dat '1 4294967296'", ["analyze", f"{F}/nodeids_4294967296", "-q"],
             ["population_nodeids.dat", "4294967296", "at most"]),
        run_cfg("--config FIFO", f"{T}/fifo.json", ["fifo.json", "FIFO"]),
        run_cfg("--config socket", f"{T}/socket.json", ["socket.json", "socket"]),
        run_cfg("--config /dev/zero", "/dev/zero", ["/dev/zero", "device"]),
        run_cfg("--config 65 MB file", f"{T}/huge.json", ["huge.json", "larger than 64 MB"]),
        Case("analyze: table is a FIFO", ["analyze", f"{T}/table_fifo", "-q"], ["population_nodeids.dat", "FIFO"]),
        # --- Raw internal errors -> clear refusals -----------------------------
        run_cfg("N_scaling 1e999", f"{F}/overflow.json", ["overflow.json", "net.N_scaling", "overflow"]),
        run_cfg("1e999 in a list", f"{F}/overflow_in_list.json", ["overflow_in_list.json", "C_m[2]", "overflow"]),
        run_cfg("-1e999", f"{F}/overflow_negative.json", ["overflow_negative.json", "sim.t_sim", "overflow"]),
        Case("analyze '1 3000000000'", ["analyze", f"{F}/nodeids_3000000000", "-q"],
             ["population_nodeids.dat", "3000000000", "at most"]),
        Case("analyze '1 2000000000'", ["analyze", f"{F}/nodeids_2000000000", "-q"],
             ["population_nodeids.dat", "2000000000", "at most"]),
        # Memory bounded by the data: a stray spike at 1e9 ms is analysed
        # within 1.5 GB of address space (1e9 one-ms bins would need 64 GB).
        Case("analyze: stray spike at 1e9 ms, no sim_dict.json", ["analyze", f"{F}/stray_spike", "-q", "--json"], [],
             status=0, limit_as_mb=1500),
        Case("analyze --t-max 1e12", ["analyze", f"{F}/stray_spike", "-q", "--t-max", "1e12"], ["--t-max", "1e10"],
             limit_as_mb=1500),
        Case("analyze --t-min -1e12", ["analyze", f"{F}/stray_spike", "-q", "--t-min", "-1e12"], ["--t-min"]),
        Case("analyze --t-max inf", ["analyze", f"{F}/stray_spike", "-q", "--t-max", "inf"], ["--t-max", "finite"]),
        Case("analyze: sim_dict.json t_sim 1e999", ["analyze", f"{F}/sim_dict_overflow", "-q"],
             ["sim_dict.json", "t_sim", "overflow"]),
        Case("analyze: sim_dict.json t_sim 1e300", ["analyze", f"{F}/sim_dict_huge", "-q"],
             ["sim_dict.json", "t_sim", "1e+300"]),
        Case("analyze: nodes.json with 1e999", ["analyze", f"{F}/nodes_json_bad", "-q"], ["nodes.json", "overflow"]),
        run_cfg("--config symlink loop", f"{T}/loop.json", ["loop.json", "symbolic links"]),
        Case("analyze symlink-loop folder", ["analyze", f"{T}/loopdir", "-q"], ["loopdir", "symbolic links"]),
        Case("analyze: spike file is a symlink loop", ["analyze", f"{T}/spike_loop", "-q"],
             ["spike_recorder-1-0.dat", "symbolic links"]),
        Case("analyze unreadable folder", ["analyze", f"{T}/locked", "-q"], ["locked", "permission denied"],
             as_nobody=True),
        Case("analyze folder that cannot be listed", ["analyze", f"{T}/unlisted", "-q"],
             ["unlisted", "permission denied"], as_nobody=True),
        Case("--config unreadable file", ["run", "--config", f"{T}/locked.json", "--scale", "0.02", *CHEAP],
             ["locked.json", "cannot be read"], as_nobody=True),
        # Full scale needs ~1.2 GB: 600 MB of address space passes the check
        # of physical memory but not construction.
        Case("out of memory during construction", ["run", "--scale", "1", "--threads", "2", "--out",
                                                   f"{T}/oom", *CHEAP],
             ["did not fit", "GB", "N_scaling 1"], limit_as_mb=600),
        # --- Unclear or wrong messages -----------------------------------------
        Case("--scale inf", ["run", "--scale", "inf", *CHEAP], ["--scale", "finite number > 0"]),
        Case("--scale nan", ["run", "--scale", "nan", *CHEAP], ["--scale", "finite number > 0"]),
        Case("--t-sim inf", ["run", "--t-sim", "inf", "--scale", "0.02"], ["--t-sim", "finite"]),
        Case("bench --warmup -5", ["bench", "--warmup", "-5", "--scale", "0.02", "--t-sim", "1"], ["--warmup", "-5"]),
        Case("bench --warmup nan", ["bench", "--warmup", "nan", "--scale", "0.02", "--t-sim", "1"], ["--warmup", "nan"]),
        Case("bench --t-sim 0", ["bench", "--scale", "0.02", "--t-sim", "0"], ["--t-sim", "> 0"]),
        Case("--threads 1024 --scale 1", ["run", "--threads", "1024", "--scale", "1", *CHEAP], ["--threads", "1024"],
             skip="this machine has room for 1024 threads' buffers" if mem_gb > 36 else None),
        Case("--threads beyond the cores: warned", ["run", "--threads", str(min(64, 4 * cores)), "--scale", "0.02",
                                                    "--out", f"{T}/many-threads", *CHEAP],
             ["warning", "--threads", "cores"], status=0),
        Case("run --out ''", ["run", "--out", "", "--scale", "0.02", *CHEAP], ["--out", "empty"]),
        Case("run --session: step 1.5e30", ["run", "--session", f"{HERE / 'sessions'}/step_huge.json", "-q"],
             ["step_huge.json", "events[0].step", "1.5e+30"]),
        Case("run --session: version \"1\"", ["run", "--session", f"{HERE / 'sessions'}/version_string.json", "-q"],
             ["version_string.json", "version"]),
        Case("run --session: label 42", ["run", "--session", f"{HERE / 'sessions'}/label_number.json", "-q"],
             ["label_number.json", "events[0].label", "42"]),
        Case("run --session: N_scaling 1e999", ["run", "--session", f"{HERE / 'sessions'}/config_overflow.json", "-q"],
             ["config_overflow.json", "N_scaling"]),
        Case("run --session FIFO", ["run", "--session", f"{T}/fifo.json", "-q"], ["fifo.json", "FIFO"]),
        Case("run --session a configuration", ["run", "--session", f"{F}/unknown_key.json", "-q"],
             ["unknown_key.json", "not a microcircuit session"]),
        Case("analyze ''", ["analyze", ""], ["DIR", "empty"]),
        Case("--config ''", ["run", "--config", "", *CHEAP], ["--config", "empty"]),
        run_cfg("N_scaling 1e-9 (no neurons)", f"{F}/n_scaling_tiny.json", ["N_scaling", "no neuron"], scale=False),
        Case("--scale 1e-9 (no neurons)", ["run", "--scale", "1e-9", *CHEAP], ["--scale", "no neuron"]),
        Case("--n-scaling 1e-9 (no neurons)", ["run", "--n-scaling", "1e-9", *CHEAP], ["--n-scaling", "no neuron"]),
        run_cfg("C_m 1e-300", f"{F}/c_m_tiny.json", ["C_m", "1e-300", "cannot be simulated"]),
        run_cfg("tau_m 1e-300", f"{F}/tau_m_tiny.json", ["tau_m", "1e-300", "cannot be simulated"]),
        Case("--dt 0.3: delays on another grid, warned", ["run", "--dt", "0.3", "--scale", "0.02", "--out",
                                                         f"{T}/dt03", *CHEAP],
             ["warning", "0.3 ms", "delay_inh_mean"], status=0),
        run_cfg("event t_ms -5", f"{F}/event_negative.json", ["events[0].t_ms", "-5"]),
        run_cfg("event t_ms 1.5e30", f"{F}/event_huge.json", ["events[0].t_ms", "1.5e+30"]),
        run_cfg("event label 42", f"{F}/event_label_number.json", ["events[0].label", "42"]),
        # --- Wrongly accepted ------------------------------------------------------
        Case("--seed 9007199254740993 kept exactly", ["run", "--seed", "9007199254740993", "--scale", "0.02", "--out",
                                                      f"{T}/seed53", *CHEAP], [], status=0,
             check=("seed53", seed_stored("9007199254740993"))),
        Case("--seed 18446744073709551615 (largest)", ["run", "--seed", "18446744073709551615", "--scale", "0.02",
                                                       "--out", f"{T}/seedmax", *CHEAP], [], status=0,
             check=("seedmax", seed_stored("18446744073709551615"))),
        Case("--seed 18446744073709551616", ["run", "--seed", "18446744073709551616", *CHEAP],
             ["--seed", "18446744073709551616", "2^64"]),
        Case("--seed 1e3", ["run", "--seed", "1e3", *CHEAP], ["--seed", "1e3", "whole number"]),
        Case("--seed -5", ["run", "--seed", "-5", *CHEAP], ["--seed", "-5"]),
        Case("analyze --seed -1", ["analyze", f"{F}/stray_spike", "--seed", "-1", "-q"], ["--seed", "-1"]),
        run_cfg("rng_seed 1.5", f"{F}/seed_fraction.json", ["sim.rng_seed", "1.5"]),
        run_cfg("rng_seed 2^64", f"{F}/seed_too_large.json", ["sim.rng_seed", "integer"]),
        run_cfg("rng_seed -1", f"{F}/seed_negative.json", ["sim.rng_seed", "-1"]),
        run_cfg("local_num_threads 2^32", f"{F}/threads_overflow.json", ["sim.local_num_threads", "4294967296"]),
        # --- Earlier bad-input cases (test_cli, test_analyze_cli) -----------------
        run_cfg("unknown key", f"{F}/unknown_key.json", ["unknown_key.json", "bogus_key"]),
        run_cfg("malformed JSON", f"{F}/broken.json", ["broken.json", "JSON"]),
        run_cfg("bad value", f"{F}/bad_value.json", ["bg_input_type", "foo"]),
        run_cfg("empty file", f"{F}/empty.json", ["empty.json", "JSON"]),
        run_cfg("not an object", f"{F}/not_an_object.json", ["not_an_object.json", "object"]),
        run_cfg("invalid UTF-8", f"{F}/invalid_utf8.json", ["invalid_utf8.json"]),
        run_cfg("missing config file", f"{T}/nonexistent.json", ["nonexistent.json", "no such file"]),
        run_cfg("config is a folder without dictionaries", f"{T}/loops_none", ["loops_none"]),
        Case("--scale 0", ["run", "--scale", "0", *CHEAP], ["--scale", "0"]),
        Case("--scale -1", ["run", "--scale", "-1", *CHEAP], ["--scale", "-1"]),
        Case("--n-scaling 0", ["run", "--n-scaling", "0", *CHEAP], ["--n-scaling", "0"]),
        Case("--k-scaling 0", ["run", "--k-scaling", "0", *CHEAP], ["--k-scaling", "0"]),
        Case("--dt 0", ["run", "--dt", "0", "--scale", "0.02", *CHEAP], ["--dt", "0"]),
        Case("--dt -1", ["run", "--dt", "-1", "--scale", "0.02", *CHEAP], ["--dt", "-1"]),
        Case("--t-sim -5", ["run", "--scale", "0.02", "--t-sim", "-5"], ["--t-sim", "-5"]),
        Case("--t-presim -3", ["run", "--scale", "0.02", "--t-presim", "-3"], ["--t-presim", "-3"]),
        Case("--threads -3", ["run", "--threads", "-3", "--scale", "0.02", *CHEAP], ["--threads", "-3"]),
        Case("--threads 2000", ["run", "--threads", "2000", "--scale", "0.02", *CHEAP], ["--threads", "2000"]),
        Case("--drive foo", ["run", "--drive", "foo", *CHEAP], ["--drive", "foo"]),
        Case("--v0 bar", ["run", "--v0", "bar", *CHEAP], ["--v0", "bar"]),
        Case("--scale abc", ["run", "--scale", "abc", *CHEAP], ["--scale", "abc"]),
        Case("unknown flag", ["run", "--bogus", *CHEAP], ["--bogus"]),
        Case("network too large", ["run", "--scale", "10", *CHEAP], ["network too large"]),
        Case("unwritable output folder", ["run", "--scale", "0.02", "--out", "/proc/nope", *CHEAP], ["/proc/nope"]),
        Case("output folder is a file", ["run", "--scale", "0.02", "--out", f"{F}/broken.json", *CHEAP],
             ["broken.json"]),
        Case("bench --scale 0", ["bench", "--scale", "0", "--t-sim", "1"], ["--scale", "0"]),
        Case("bench network too large", ["bench", "--scale", "10", "--t-sim", "1"], ["network too large"]),
        Case("analyze missing folder", ["analyze", f"{T}/none", "-q"], ["none", "not a folder"]),
        Case("analyze: no table", ["analyze", str(HERE / "sessions"), "-q"], ["population_nodeids.dat", "missing"]),
        Case("analyze: malformed row", ["analyze", f"{F}/bad_row", "-q"], ["spike_recorder-1-0.dat:2:"]),
        Case("analyze: id outside the table", ["analyze", f"{F}/id_outside", "-q"], ["sender id 99"]),
        Case("analyze: no spikes", ["analyze", f"{F}/no_spikes", "-q"], ["hold no spikes"]),
        Case("analyze: time nan", ["analyze", f"{F}/time_nan", "-q"], ["spike_recorder-1-0.dat:1:"]),
        Case("analyze: time 1e999", ["analyze", f"{F}/time_overflow", "-q"], ["spike_recorder-1-0.dat:1:"]),
        Case("analyze: sender beyond int64", ["analyze", f"{F}/sender_overflow", "-q"], ["spike_recorder-1-0.dat:1:"]),
        Case("analyze: table descending", ["analyze", f"{F}/nodeids_descending", "-q"],
             ["population_nodeids.dat", "ascending"]),
        Case("analyze: table overlapping", ["analyze", f"{F}/nodeids_overlap", "-q"],
             ["population_nodeids.dat", "overlap"]),
        Case("analyze: table id 0", ["analyze", f"{F}/nodeids_zero", "-q"], ["population_nodeids.dat:1:", "0 4"]),
        Case("analyze: table id beyond int64", ["analyze", f"{F}/nodeids_int64_overflow", "-q"],
             ["population_nodeids.dat:1:"]),
        Case("analyze: table text", ["analyze", f"{F}/nodeids_text", "-q"], ["population_nodeids.dat:1:", "one two"]),
        Case("analyze empty interval", ["analyze", f"{F}/stray_spike", "--t-min", "300", "--t-max", "200", "-q"],
             ["is empty"]),
        Case("analyze --subsample 1", ["analyze", f"{F}/stray_spike", "--subsample", "1", "-q"], ["--subsample"]),
        Case("analyze: 10,001 populations", ["analyze", f"{T}/many_pops", "-q"],
             ["population_nodeids.dat", "10001 populations"]),
        Case("analyze: 112 million correlation pairs", ["analyze", f"{T}/nine_pops", "--subsample", "5000", "-q"],
             ["subsample", "5000", "pairs"]),
        Case("analyze --subsample 1000000", ["analyze", f"{F}/stray_spike", "--subsample", "1000000", "-q"],
             ["--subsample", "1000000"]),
    ]
    # Inputs the fuzzers once found: each must be refused cleanly (or read).
    for kind, sub in (("config", "config"), ("spikes", "spikes")):
        for f in sorted((FUZZ / sub).glob("*")) if (FUZZ / sub).is_dir() else []:
            if kind == "config":
                c.append(Case(f"fuzz config {f.name}", ["run", "--config", str(f), "--scale", "0.02", "--out",
                                                        f"{T}/fuzz-{f.name}", *CHEAP], [], status=None))
            else:
                # The spike fuzzer's input: the folder's files, NUL-separated.
                folder = tmp / f"fuzz-spikes-{f.name}"
                folder.mkdir(exist_ok=True)
                names = ["population_nodeids.dat", "spike_recorder-1-0.dat", "sim_dict.json"]
                for name, part in zip(names, f.read_bytes().split(b"\0", 2)):
                    (folder / name).write_bytes(part)
                c.append(Case(f"fuzz spikes {f.name}", ["analyze", str(folder), "--t-min", "0", "--subsample", "20",
                                                        "-q"], [], status=None))
    return c


def run_case(binary, case, tmp):
    def limits():
        if case.limit_as_mb:
            n = case.limit_as_mb << 20
            resource.setrlimit(resource.RLIMIT_AS, (n, n))
        if case.as_nobody and os.geteuid() == 0:
            os.setgid(65534)
            os.setuid(65534)

    start = time.monotonic()
    try:
        r = subprocess.run([binary, *case.args], capture_output=True, text=True, errors="replace",
                           timeout=TIME_LIMIT, preexec_fn=limits, cwd=tmp)
    except subprocess.TimeoutExpired:
        return f"no answer within {TIME_LIMIT:.0f} s (a hang)"
    seconds = time.monotonic() - start
    err = r.stderr
    if r.returncode < 0:
        return f"killed by signal {-r.returncode}\n{err[-2000:]}"
    if r.returncode == 3 or "internal error" in err:
        return f"internal error (exit {r.returncode}):\n{err[-2000:]}"
    if case.status is None:  # fuzz regression: any clean answer (0 or 2)
        return None if r.returncode in (0, 2) else f"exit {r.returncode}\n{err[-2000:]}"
    if r.returncode != case.status:
        return f"exit {r.returncode}, expected {case.status}\nstderr: {err[-2000:]}\nstdout: {r.stdout[-500:]}"
    if case.status == 2:
        if any(len(line) > 2000 for line in err.splitlines()):
            return f"an error line of {max(len(l) for l in err.splitlines())} characters (a value dumped whole?)"
        if "neurons " in r.stdout:
            return "a simulation ran"
    if case.keywords:
        lines = [line.lower() for line in err.splitlines()]
        if not any(all(k.lower() in line for k in case.keywords) for line in lines):
            return f"no stderr line names all of {case.keywords}:\n{err[-2000:]}"
    if case.check:
        out, check = case.check
        verdict = check(r, tmp / out)
        if verdict is not True:
            return verdict
    return None if seconds < TIME_LIMIT else f"took {seconds:.0f} s"


def main():
    binary = os.path.abspath(sys.argv[1])
    only = sys.argv[2] if len(sys.argv) > 2 else None
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="mc-hostile-"))
    failures = 0
    try:
        sock = generate(tmp)
        (tmp / "loops_none").mkdir()
        for case in cases(tmp):
            if only and only not in case.name:
                continue
            if case.skip:
                print(f"SKIP {case.name}: {case.skip}")
                continue
            if case.as_nobody and os.geteuid() != 0 and os.access(tmp / "locked", os.R_OK):
                print(f"SKIP {case.name}: cannot make a folder unreadable here")
                continue
            problem = run_case(binary, case, tmp)
            print(f"{'ok  ' if problem is None else 'FAIL'} {case.name}")
            if problem:
                failures += 1
                print("     " + problem.replace("\n", "\n     "))
        sock.close()
    finally:
        for p in (tmp / "locked", tmp / "locked.json", tmp / "unlisted"):
            if p.exists():
                p.chmod(0o755)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{failures} of the hostile inputs failed" if failures else "every hostile input was handled")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
