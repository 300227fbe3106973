#!/usr/bin/env bash
# bench_vs_pytorch.sh: forward+backward per minibatch, hsgd (C++) next to
# PyTorch (Debian python3-torch, the same LibTorch build) on this machine.
# Installs python3-torch when missing; it is needed for this comparison only.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh" >/dev/null
if ! dpkg-query -W -f='${Status}' python3-torch 2>/dev/null | grep -q "install ok installed"; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-torch >/dev/null
fi
models=("${@:-mnist-cnn}")
filter="$(IFS='|'; echo "FwdBwd/(${models[*]})")"
"${HSGD_BUILD_DIR:-$ROOT/build}/bench/hsgd_bench" --benchmark_filter="$filter" --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_min_time=2
# Same malloc thresholds as hsgd's tune_malloc_for_training(), through the environment.
MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=1073741824 /usr/bin/python3 "$ROOT/bench/pytorch_fwd_bwd.py" "${models[@]}"
