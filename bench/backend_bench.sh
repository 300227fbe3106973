#!/usr/bin/env bash
# backend_bench.sh: every back end of every catalog model (forward+backward at
# batch 32 and 64 on 1 and 2 threads, and evaluation), on this CPU's own code
# paths and again with oneDNN and OpenBLAS held to AVX2 (DNNL_MAX_CPU_ISA,
# OPENBLAS_CORETYPE; the hand-written kernels' clones are AVX2 at most anyway,
# and LibTorch's ATen kernels are AVX2 in Debian's build), so one machine
# measures the choice --backend auto makes on both CPU kinds
# (docs/performance.md, "Which back end auto picks").
#
#   bash bench/backend_bench.sh OUT_PREFIX    # writes OUT_PREFIX-native.json, OUT_PREFIX-avx2.json
# Then: python3 scripts/perf_table.py OUT_PREFIX-native.json
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${1:?usage: backend_bench.sh OUT_PREFIX}"
run() {
  "$ROOT/build/bench/hsgd_bench" --benchmark_filter='(FwdBwd|Evaluate)/' --benchmark_repetitions=3 \
    --benchmark_enable_random_interleaving=true --benchmark_min_time=0.2 --benchmark_report_aggregates_only=true \
    --benchmark_out="$1" --benchmark_out_format=json > /dev/null
}
echo "native: $(grep -m1 'model name' /proc/cpuinfo)"
run "$prefix-native.json"
echo "oneDNN and OpenBLAS held to AVX2"
DNNL_MAX_CPU_ISA=AVX2 ONEDNN_MAX_CPU_ISA=AVX2 OPENBLAS_CORETYPE=Haswell run "$prefix-avx2.json"
