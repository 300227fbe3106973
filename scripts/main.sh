#!/usr/bin/env bash
# main.sh: sets everything up (scripts/setup.sh) and runs the main job: an
# `hsgd compare` of sync, async and hybrid whose verdict can be trusted on this
# 2-core machine. It runs the paper's MNIST cluster in the simulator (virtual
# time, deterministic, so the machine's load cannot bias a mode): 25 workers,
# 100 virtual s, delays |N(0, 0.25)| s on half of the workers, 50 ms per
# minibatch, batch 32, S = 300, lr 0.01, summed gradients (suites/paper-mnist.toml,
# cell (300,32)), over 5 seeds. It prints per mode the test accuracy with a 95%
# CI, hybrid - async and hybrid - sync with a 95% CI and a paired p-value, and
# a one-line verdict; then the next steps.
# Extra arguments go to `hsgd compare` and replace the defaults below (hsgd
# refuses an option given twice). Each run writes a new folder
# runs/compare-<time>/ (hsgd never overwrites a run) with REPORT.md and figures.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
cd "$ROOT"
defaults=(--runtime sim --data mnist --model ray-tiny --workers 25 --seconds 100 --batch-size 32
          --schedule step:S=300 --lr 0.01 --aggregation sum --delay half-normal --delay-fraction 0.5
          --delay-scale 0.25 --sim-compute fixed --sim-compute-ms 50 --sim-latency-ms 1 --eval-every 2 --seeds 5)
args=()
for ((i = 0; i < ${#defaults[@]}; i += 2)); do
  option="${defaults[i]}"
  [[ " $* " == *" $option "* || " $* " == *" $option="* ]] || args+=("$option" "${defaults[i + 1]}")
done
status=0
"${HSGD_BUILD_DIR:-$ROOT/build}/hsgd" compare "${args[@]}" "$@" || status=$?
cat <<'EOF'

Next steps:
  build/hsgd experiment paper-mnist      # the paper's Table 1: 4 cells x 5 seeds in the simulator, 4-7 min;
                                         #   results/paper-mnist/REPORT.md with verdicts against the paper
  build/hsgd experiment                  # every suite (paper-cifar10 takes about an hour;
                                         #   bash scripts/reproduce.sh runs them all); docs/experiments.md
  build/hsgd compare --workers 4 --seconds 60 --seeds 3   # real time: worker threads on this machine's cores;
                                         #   it warns when the modes' throughput differs under the same K
  scripts/mpirun.sh -np 5 build/hsgd compare --runtime mpi --seconds 60 --seeds 3   # MPI ranks, one machine
                                         #   or many (README.md "MPI"; a Slurm cluster: docs/cluster.md)
EOF
exit "$status"
