#!/usr/bin/env bash
# main.sh: sets everything up (scripts/setup.sh) and runs the main job:
# single-worker training of mnist-cnn on MNIST for 2 epochs, with progress, the
# final test accuracy and whether it reached 98.5%. Extra arguments go to
# `hsgd train` and override the defaults below.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
cd "$ROOT"
exec "${HSGD_BUILD_DIR:-$ROOT/build}/hsgd" train --data mnist --model mnist-cnn --epochs 2 \
  --batch-size 64 --lr 0.01 --momentum 0.9 --threads 2 --eval-every 10 --target-accuracy 0.985 \
  --out runs/main "$@"
