#!/usr/bin/env bash
# The Debian package, end to end: builds it with CPack from a finished build
# (default build/release), checks it with lintian (no E: or W: lines; the
# justified overrides it ships are listed as O:), then installs it with dpkg,
# runs the installed /usr/bin/microcircuit and removes the package again,
# whatever the outcome. Installing needs root (CI) or password-less sudo;
# without either, or when a microcircuit package is already installed (we do
# not replace someone's installation), that part is skipped with a message.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/release}"
work=$(mktemp -d)
installed=0
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo -n"; fi

cleanup() {
  local ok=0
  if [ "$installed" -eq 1 ]; then
    echo "== removing the package"
    $sudo dpkg -r microcircuit >/dev/null || ok=1
    if [ -e /usr/bin/microcircuit ]; then ok=1; fi
    if [ -e /usr/lib/python3/dist-packages/microcircuit_live ]; then
      echo "FAIL: dpkg -r left /usr/lib/python3/dist-packages/microcircuit_live" >&2; ok=1
    fi
    [ $ok -eq 0 ] || echo "FAIL: dpkg -r microcircuit left it installed" >&2
  fi
  rm -rf "$work"
  return $ok
}
trap 'status=$?; cleanup || status=1; exit $status' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

echo "== building the package"
(cd "$work" && cpack -G DEB --config "$OLDPWD/$build/CPackConfig.cmake" >cpack.log) || {
  cat "$work/cpack.log"; fail "cpack"; }
debs=("$work"/microcircuit_*.deb)
[ -f "${debs[0]}" ] || fail "cpack made no microcircuit_*.deb"
deb="${debs[0]}"
echo "$(basename "$deb"): $(du -h "$deb" | cut -f1)"
dpkg-deb --field "$deb" Package Version Depends

echo "== lintian"
# As root lintian would complain about itself; the report is the same.
lintian --fail-on none --show-overrides "$deb" | tee "$work/lintian.txt"
if grep -E '^[EW]: ' "$work/lintian.txt" >/dev/null; then fail "lintian reports errors or warnings"; fi
contents=$(dpkg-deb --contents "$deb")
for f in ./usr/bin/microcircuit ./usr/share/man/man1/microcircuit.1.gz ./usr/share/doc/microcircuit/copyright \
         ./usr/share/doc/microcircuit/changelog.Debian.gz ./usr/share/doc/microcircuit/changelog.gz \
         ./usr/share/lintian/overrides/microcircuit; do
  grep -q " $f\$" <<<"$contents" || fail "the package lacks $f"
done
dpkg-deb --field "$deb" Description | grep -q ';' && fail "the description has ';' in it"
# The Python module, when the build made it (python/, needs pybind11-dev).
python_module=0
if ls "$build"/python/microcircuit_live/_core.*.so >/dev/null 2>&1; then
  python_module=1
  grep -q " ./usr/lib/python3/dist-packages/microcircuit_live/_core\..*\.so\$" <<<"$contents" ||
    fail "the package lacks the Python module"
fi

echo "== installing"
if [ -n "$sudo" ] && ! sudo -n true 2>/dev/null; then
  echo "SKIPPED: installing needs root or password-less sudo"; exit 0
fi
if dpkg-query -W -f='${Status}' microcircuit 2>/dev/null | grep -q "installed"; then
  echo "SKIPPED: a microcircuit package is already installed; not replacing it"; exit 0
fi
# One installing test at a time on a machine (dpkg itself would refuse a second).
exec 9>/tmp/microcircuit-package-test.lock
flock -w 1800 9 || fail "waited 30 minutes for another package test"
installed=1
$sudo dpkg -i "$deb" || fail "dpkg -i $(basename "$deb")"

expected=$("$build/app/microcircuit" --version)
got=$(/usr/bin/microcircuit --version)
echo "/usr/bin/microcircuit --version: $got"
[ "$got" = "$expected" ] || fail "installed --version '$got', build tree says '$expected'"
man -w microcircuit >/dev/null || fail "man finds no page microcircuit"
desktop-file-validate /usr/share/applications/io.github.microcircuit.microcircuit.desktop ||
  fail "desktop-file-validate"
appstreamcli validate --no-net /usr/share/metainfo/io.github.microcircuit.microcircuit.metainfo.xml ||
  fail "appstreamcli validate"

out="$work/run"
(cd "$work" && /usr/bin/microcircuit run --scale 0.02 --t-sim 100 --out "$out") || fail "installed run"
# Read the folder back with an independent reader.
python3 - "$out" "${got#microcircuit }" <<'EOF'
import json, pathlib, sys
out, version = pathlib.Path(sys.argv[1]), sys.argv[2]
sim = json.loads((out / "sim_dict.json").read_text())
assert sim["microcircuit_version"] == version, sim["microcircuit_version"]
assert sim["t_sim"] == 100, sim["t_sim"]
ids = [tuple(map(int, l.split())) for l in (out / "population_nodeids.dat").read_text().split("\n") if l]
files = sorted(out.glob("spike_recorder-*-0.dat"))
assert len(ids) == 8 and len(files) == 8, (ids, files)
spikes = 0
for f in files:
    for line in f.read_text().splitlines():
        if line.startswith("#") or line.startswith("sender"):
            continue
        sender, t = line.split("\t")
        assert ids[0][0] <= int(sender) <= ids[-1][1] and 0 <= float(t) <= 600.0, line
        spikes += 1
assert spikes > 0, "no spikes"
rates = (out / "rates.csv").read_text().splitlines()
assert rates[0] == "population,mean,std" and len(rates) == 9, rates
print(f"installed run: {ids[-1][1]} neurons, {spikes} spikes in 600 ms, version {version}")
EOF
if [ "$python_module" -eq 1 ]; then
  # Debian's interpreter finds the installed module without PYTHONPATH.
  # Byte-compiled files written by Python must go with the package (prerm).
  (cd "$work" && env -u PYTHONPATH -u PYTHONDONTWRITEBYTECODE /usr/bin/python3 - <<'EOF') || fail "Python module"
import microcircuit_live as mcl
assert mcl.__file__.startswith("/usr/lib/python3/dist-packages/"), mcl.__file__
sim = mcl.Simulation({"net": {"N_scaling": 0.02, "K_scaling": 0.1}})
sim.run(200.0)
assert len(sim.senders) > 0
print(f"installed Python module: {sim.total_neurons} neurons, {len(sim.senders)} spikes in 200 ms")
EOF
fi
echo "PASS: package builds, lintian clean, installs and runs"
