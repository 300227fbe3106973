#!/usr/bin/env bash
# reproduce.sh: sets everything up (scripts/setup.sh), then runs the paper's
# suites and the open questions in the simulator, two runs at a time, writing
# each suite's report to results/<suite>/REPORT.md. Finished runs are kept:
# run it again to resume.
#   bash scripts/reproduce.sh                   # every suite (about 2 h on 2 cores)
#   bash scripts/reproduce.sh paper-mnist       # one or several suites
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
cd "$ROOT"
suites=("$@")
((${#suites[@]})) || suites=(paper-mnist paper-cifar10 paper-synthetic open-questions)
for s in "${suites[@]}"; do
  "${HSGD_BUILD_DIR:-$ROOT/build}/hsgd" experiment "$s" --out "results/$s"
done
