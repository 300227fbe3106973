#!/bin/bash
# research_scripts_test.sh SOURCE_DIR SCRATCH: runs scripts/calibrate.py,
# scripts/hybrid_map.py, scripts/sharding_report.py, scripts/realtime_vs_sim.py,
# scripts/decision.py, scripts/sync_switch_search.py (--report-only) and
# scripts/ranking.py (on the
# scripts/hsgd_results package) on copies of
# committed results folders in SCRATCH, and checks that their tables come out
# byte for byte as committed.
set -euo pipefail
src=$1 out=$2
rm -rf "$out"
mkdir -p "$out/results"
cp -r "$src/results/calibrate-mnist" "$src/results/map-mnist" "$src/results/sharding-mnist" "$out/results/"
mkdir -p "$out/results/calibrate-mnist-identified"
cp "$src/results/calibrate-mnist-identified/"{runs.csv,suite.toml} "$out/results/calibrate-mnist-identified/"
mkdir -p "$out/results/robust-mnist"
cp "$src/results/robust-mnist/"{runs.csv,suite.toml} "$out/results/robust-mnist/"
cp -r "$src/results/network-mnist" "$out/results/"
cd "$out"
python3 "$src/scripts/robustness.py" results/robust-mnist > /dev/null
python3 "$src/scripts/holm_table.py" results/network-mnist > /dev/null
for f in robust-mnist/ROBUSTNESS.md robust-mnist/robustness.csv network-mnist/HOLM.md network-mnist/holm.csv; do
  cmp "results/$f" "$src/results/$f" || { echo "$f differs" >&2; exit 1; }
done
python3 "$src/scripts/identify_calibration.py" results/calibrate-mnist-identified mnist --bootstrap 2000 > /dev/null
for f in IDENTIFIED.md identified.json points.csv; do
  cmp "results/calibrate-mnist-identified/$f" "$src/results/calibrate-mnist-identified/$f" || { echo "$f differs" >&2; exit 1; }
done
python3 "$src/scripts/calibrate.py" results/calibrate-mnist mnist > /dev/null
python3 "$src/scripts/hybrid_map.py" results/map-mnist --mark "fitted paper profile:0:500" \
  --mark "hsgd threads, ray-tiny (measured):0.00038:0.138:0.00038" \
  --mark "hsgd mpi, ray-tiny (measured, G = push + pull round trip):0.00038:0.138:0.0134" > /dev/null
python3 "$src/scripts/sharding_report.py" results/sharding-mnist > /dev/null
(cd "$src/results/realtime-vs-sim" && python3 "$src/scripts/realtime_vs_sim.py" --out "$out/realtime.md" \
  $(cat pairs.txt)) > /dev/null
cmp realtime.md "$src/results/realtime-vs-sim/REALTIME.md" || { echo "REALTIME.md differs" >&2; exit 1; }
decision=$(python3 "$src/scripts/decision.py" "$src/results/realtime-vs-sim/sim-U40")  # whole output: grep -q would close the pipe early
grep -q "sim-U40 .* 40 .* 0.14 .*hybrid better" <<< "$decision" || { echo "decision.py: $decision" >&2; exit 1; }
for f in calibrate-mnist/CALIBRATION.md calibrate-mnist/calibration.json map-mnist/MAP.md map-mnist/map.csv \
    sharding-mnist/SHARDING.md sharding-mnist/sharding.csv; do
  cmp "results/$f" "$src/results/$f" || { echo "$f differs from results/$f" >&2; exit 1; }
done
# Issue 28, item 4: Sync-Switch's search and the ranking of every switching policy, read in place.
(cd "$src" && python3 scripts/sync_switch_search.py --suite suites/ranking-mnist.toml \
  --out results/ranking-mnist-syncswitch-search --report-only --report-out "$out/search") 2> /dev/null
(cd "$src" && python3 scripts/ranking.py --out "$out/ranking" --search results/ranking-mnist-syncswitch-search \
  --data mnist=results/ranking-mnist,results/ranking-mnist-ssp,results/ranking-mnist-backup,results/ranking-mnist-syncswitch) \
  2> /dev/null
for f in search/SEARCH.md search/search.json; do
  cmp "$f" "$src/results/ranking-mnist-syncswitch-search/${f#search/}" || { echo "$f differs" >&2; exit 1; }
done
for f in ranking/RANKING.md ranking/ranking.csv; do
  cmp "$f" "$src/results/ranking-mnist-report/${f#ranking/}" || { echo "$f differs" >&2; exit 1; }
done
test -s ranking/figures/ranking-mnist.png
(cd "$src" && python3 scripts/sync_switch_search.py --suite suites/ranking-cifar10.toml \
  --out results/ranking-cifar10-syncswitch-search --report-only --report-out "$out/search-cifar10") 2> /dev/null
(cd "$src" && python3 scripts/ranking.py --out "$out/ranking-cifar10" --search results/ranking-cifar10-syncswitch-search \
  --data cifar10=results/ranking-cifar10,results/ranking-cifar10-ssp,results/ranking-cifar10-backup,results/ranking-cifar10-syncswitch) \
  2> /dev/null
for f in SEARCH.md search.json; do
  cmp "search-cifar10/$f" "$src/results/ranking-cifar10-syncswitch-search/$f" || { echo "cifar10 $f differs" >&2; exit 1; }
done
for f in RANKING.md ranking.csv; do
  cmp "ranking-cifar10/$f" "$src/results/ranking-cifar10-report/$f" || { echo "cifar10 $f differs" >&2; exit 1; }
done
python3 - "$src/scripts" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from hsgd_results import cells, paper, stats
w = stats.welch([1, 2, 3, 4, 5], [2, 4, 6, 8, 10])  # Welch's t: -1.897 on 5.88 df
assert abs(w["mean"] + 3) < 1e-12 and abs(w["df"] - 5.882352941) < 1e-6 and abs(w["p"] - 0.10753) < 1e-4
assert cells.parse_cell("schedule=step-S=300_batch-size=32") == {"schedule": "step-S=300", "batch-size": "32"}
assert paper.readings()["mnist"][32]["sync"] == [(86, 0.44), (88.5, 0.37)]
h = stats.holm([0.01, 0.04, 0.03, 0.005, float("nan")])  # Holm: sorted p times m - i + 1, monotone, NaN left out
assert all(abs(a - b) < 1e-12 for a, b in zip(h[:4], [0.03, 0.06, 0.06, 0.02])) and h[4] != h[4]
PY
echo "research scripts: tables regenerate byte for byte"
