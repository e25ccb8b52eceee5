#!/usr/bin/env bash
# Installs the Debian 12 packages microcircuit needs (only those missing).
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev qt6-svg-dev libgl-dev
  libtbb-dev nlohmann-json3-dev libcli11-dev
  libhdf5-dev # SONATA spike reports (HDF5)
  libfftw3-dev # power spectra (analyze --spectra)
  libavformat-dev libavcodec-dev libswscale-dev libavutil-dev # videos (File → Record video, render)
  ffmpeg # ffprobe checks the videos in the tests
  xvfb xauth libgl1-mesa-dri
  linux-perf # profiles of the window and the engine (docs/performance.md, "GUI speed")
  # release checks (tests/test_release.py, scripts/test_package.sh)
  hdf5-tools python3-h5py # independent readers of SONATA reports in the tests
  python3 python3-yaml python3-jsonschema lintian man-db desktop-file-utils appstream
  slurmctld slurmd slurm-client munge # a one-node Slurm cluster for sweeps (tests/test_slurm.sh)
  g++-aarch64-linux-gnu qemu-user # the ARM64 cross-build and its test (scripts/test_aarch64.sh)
  clang libclang-rt-14-dev # libFuzzer for the input readers (scripts/fuzz.sh)
  # the Python module microcircuit_live (python/), its tests and its notebook
  pybind11-dev python3-dev python3-numpy python3-matplotlib python3-pytest
  python3-nbconvert python3-ipykernel jupyter-nbconvert
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
