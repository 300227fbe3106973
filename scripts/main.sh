#!/usr/bin/env bash
# main.sh: sets everything up (scripts/setup.sh) and runs the main job: a
# short `hsgd compare` of sync, async and hybrid on MNIST (mnist-cnn, 4 worker
# threads, 40 s each, the paper's delays), printing the comparison table.
# Extra arguments go to `hsgd compare` and replace the defaults below (hsgd
# refuses an option given twice). Each run writes a new folder
# runs/compare-<time>/ (hsgd never overwrites a run).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
cd "$ROOT"
defaults=(--data mnist --model mnist-cnn --workers 4 --seconds 40 --batch-size 64 --lr 0.01 --momentum 0.9
          --schedule step:S=300 --eval-every 5)
args=()
for ((i = 0; i < ${#defaults[@]}; i += 2)); do
  option="${defaults[i]}"
  [[ " $* " == *" $option "* || " $* " == *" $option="* ]] || args+=("$option" "${defaults[i + 1]}")
done
exec "${HSGD_BUILD_DIR:-$ROOT/build}/hsgd" compare "${args[@]}" "$@"
