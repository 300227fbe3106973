#!/usr/bin/env bash
# rerun_check.sh: re-runs committed runs of an experiment's results folder from
# their request.toml and compares the new metrics.csv with the committed one:
# the whole file, and the counting columns alone (time_s .. epoch: gradients,
# updates, K, staleness, samples), which do not depend on the CPU's
# floating-point kernels. Simulator runs are deterministic, so on the machine
# that made them the whole files match; on another CPU (the committed results
# came from an AMD EPYC with AVX2) the losses may differ in their last digits.
#
#   scripts/rerun_check.sh results/paper-mnist [RUNS=3] [HSGD=build/hsgd]
# Exit status 1 when a counting column differs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="${1:?usage: rerun_check.sh RESULTS_DIR [RUNS] [HSGD]}"
runs="${2:-3}"
hsgd="${3:-$ROOT/build/hsgd}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
status=0
i=0
while IFS= read -r request && ((i < runs)); do
  run="$(dirname "$request")"
  i=$((i + 1))
  "$hsgd" train --config "$request" --out "$scratch/$i" --threads 1 --data-root "$ROOT/data" > "$scratch/$i.log" 2>&1 \
    || { echo "$run: the re-run failed (log: $(tail -n 2 "$scratch/$i.log"))"; status=1; continue; }
  whole=differs counts=differ
  cmp -s "$run/metrics.csv" "$scratch/$i/metrics.csv" && whole=identical
  cmp -s <(cut -d, -f1-9 "$run/metrics.csv") <(cut -d, -f1-9 "$scratch/$i/metrics.csv") && counts=identical
  echo "$run: metrics.csv $whole; counting columns $counts"
  [[ $counts == identical ]] || status=1
done < <(find "$results/runs" -name request.toml | sort)
exit $status
