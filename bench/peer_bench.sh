#!/usr/bin/env bash
# peer_bench.sh: hsgd against its peers in real time, side by side in one run
# (issue 24; docs/performance.md, "Against the peers"). MNIST, mnist-cnn,
# batch 64, lr 0.01, plain SGD (mean, no momentum), no injected delays:
#   (a) the obvious PyTorch-Python parameter server (bench/python_peers.py ps):
#       4 worker threads, one lock, evaluation in its main thread;
#   (b) single-process PyTorch at its fastest: 2 threads, NCHW and channels-last;
#   (c) hsgd --runtime single (2 threads) and --runtime threads (4 workers).
# Each is measured twice: training throughput (samples/s, no evaluation, a
# fixed budget) and wall time to 98% test accuracy (evaluations every 2 s of
# training on a seeded subset of 2,000 test images, the same size for every
# entrant; hsgd also evaluates its last parameters on all 10,000).
#
#   bash bench/peer_bench.sh OUT        # about 12 min; OUT must not exist
# Then: /usr/bin/python3 bench/peer_table.py OUT  (markdown table and peers.json)
# Run it with nothing else on the machine: it measures real time.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:?usage: peer_bench.sh OUT}"
[[ -e "$OUT" ]] && { echo "peer_bench.sh: $OUT exists; choose a new folder" >&2; exit 1; }
HSGD="${HSGD:-$ROOT/build/hsgd}"
PY=/usr/bin/python3                  # Debian's, with python3-torch 1.13 (the LibTorch hsgd links)
T="${HSGD_PEER_SECONDS:-30}"         # throughput budget, seconds
CAP="${HSGD_PEER_CAP_SECONDS:-240}"  # most seconds a run to 98% may take
# PyTorch gets the malloc settings hsgd sets for itself at start (docs/../shared stack notes:
# without them every step faults its activations in again, 2-6x slower on this machine).
export MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=1073741824
mkdir -p "$OUT"
"$ROOT/build/bench/hsgd_peak_flops" > "$OUT/peak.json"
{ grep -m1 "model name" /proc/cpuinfo; grep -m1 "^flags" /proc/cpuinfo; nproc; } > "$OUT/cpu.txt"
git -C "$ROOT" rev-parse HEAD > "$OUT/commit.txt" 2>/dev/null || true

step=0
steps=15
say() { step=$((step + 1)); printf '[peer_bench %2d/%d %s] %s\n' "$step" "$steps" "$(date +%T)" "$1"; }
py() { local name=$1; shift; say "$name"; "$PY" "$ROOT/bench/python_peers.py" "$@" --data "$ROOT/data/mnist" > "$OUT/$name.json"; }
hs() {
  local name=$1; shift; say "$name"
  local status=0
  "$HSGD" train --data mnist --data-root "$ROOT/data" --model mnist-cnn --batch-size 64 --lr 0.01 --delay none \
    --out "$OUT/$name" "$@" > "$OUT/$name.log" 2>&1 || status=$?
  [[ $status == 0 || $status == 4 ]] || { echo "peer_bench.sh: $name failed ($status): $(tail -n 2 "$OUT/$name.log")" >&2; exit 1; }
}
target=(--target-accuracy 0.98 --eval-every 2 --eval-samples 2000)
pytarget=(--target 0.98 --eval-every 2 --eval-samples 2000 --seconds "$CAP")

# Throughput: training only.
py torch-ps-async-throughput ps --mode async --seconds "$T" --eval-every 0
py torch-ps-hybrid-throughput ps --mode hybrid --seconds "$T" --eval-every 0
py torch-single-throughput single --threads 2 --seconds "$T" --eval-every 0
py torch-single-cl-throughput single --threads 2 --channels-last --seconds "$T" --eval-every 0
hs hsgd-single-throughput --runtime single --threads 2 --seconds "$T" --eval-every 1e9
hs hsgd-threads-async-throughput --runtime threads --workers 4 --mode async --seconds "$T" --eval-every 1e9
hs hsgd-threads-hybrid-throughput --runtime threads --workers 4 --mode hybrid --schedule step:S=300 --seconds "$T" \
  --eval-every 1e9
hs hsgd-threads-torch-async-throughput --runtime threads --workers 4 --mode async --backend torch --seconds "$T" \
  --eval-every 1e9
# Wall time to 98%.
py torch-ps-async-to-98 ps --mode async "${pytarget[@]}"
py torch-ps-hybrid-to-98 ps --mode hybrid "${pytarget[@]}"
py torch-single-cl-to-98 single --threads 2 --channels-last "${pytarget[@]}"
hs hsgd-single-to-98 --runtime single --threads 2 --seconds "$CAP" "${target[@]}"
hs hsgd-threads-async-to-98 --runtime threads --workers 4 --mode async --seconds "$CAP" "${target[@]}"
hs hsgd-threads-hybrid-to-98 --runtime threads --workers 4 --mode hybrid --schedule step:S=300 --seconds "$CAP" \
  "${target[@]}"
# Scaling: more workers than cores (samples/s on 2 cores).
for w in 1 2 8 25; do
  steps=$((steps + 1))
  hs "hsgd-threads-async-$w-workers-throughput" --runtime threads --workers "$w" --mode async --seconds 15 --eval-every 1e9
done
say "table"
"$PY" "$ROOT/bench/peer_table.py" "$OUT"
