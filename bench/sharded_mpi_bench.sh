#!/usr/bin/env bash
# sharded_mpi_bench.sh [SECONDS] [REPEATS] [OUT.json]: the server side of a
# model large enough that one server rank is the bottleneck (issue 27, item
# 7): MNIST, mlp:4096,4096 (about 20M parameters, 80 MB a copy), async,
# batch 1 (so the workers wait on the server), 2 worker ranks, --servers 1
# against --servers 2 under scripts/mpirun.sh, interleaved REPEATS times
# (default 2), SECONDS of training each (default 20). From each run's
# summary.json: gradients per second of training, and each server rank's
# bytes in and out and peak RSS. Prints the CPU and its flags beside the
# numbers; writes OUT.json (default docs/perf/sharded_mpi.json).
set -euo pipefail
seconds=${1:-20}
repeats=${2:-2}
out=${3:-docs/perf/sharded_mpi.json}
root="$(cd "$(dirname "$0")/.." && pwd)"
hsgd="$root/build/hsgd"
work="$(mktemp -d "${TMPDIR:-/tmp}/hsgd-sharded-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
flags="$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|avx512f|avx512_bf16|fma)$' | tr '\n' ' ')"
echo "CPU: $cpu ($(nproc) cores; $flags)"
runs=()
for r in $(seq "$repeats"); do
  for s in 1 2; do
    dir="$work/s$s-r$r"
    echo "run $r, --servers $s ($seconds s of training) ..."
    "$root/scripts/mpirun.sh" -np $((s + 2)) "$hsgd" train --runtime mpi --servers "$s" --data mnist \
      --data-root "$root/data" --model mlp:4096,4096 --mode async --batch-size 1 --lr 0.01 --delay none \
      --seconds "$seconds" --eval-every 1000 --eval-samples 100 --out "$dir" > "$dir.log" 2>&1 ||
      { cat "$dir.log" >&2; exit 1; }
    runs+=("$s:$dir/summary.json")
  done
done
/usr/bin/python3 - "$out" "$cpu" "$flags" "${runs[@]}" <<'PY'
import json, statistics, sys
out, cpu, flags, runs = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4:]
rows = []
for spec in runs:
    servers, path = spec.split(":", 1)
    s = json.load(open(path))
    grads = s["final"]["gradients"] if "final" in s else s["accounting"]["received"] // int(servers)
    ranks = s["server_ranks"]
    rows.append({"servers": int(servers), "gradients": grads, "train_seconds": s["train_seconds"],
                 "gradients_per_s": grads / s["train_seconds"], "server_ranks": ranks,
                 "worker_peak_rss_mb": [r["peak_rss_mb"] for r in s["ranks"]]})
summary = {}
for n in sorted({r["servers"] for r in rows}):
    rates = [r["gradients_per_s"] for r in rows if r["servers"] == n]
    summary[str(n)] = {"gradients_per_s_mean": statistics.mean(rates), "gradients_per_s": rates}
ratio = summary["2"]["gradients_per_s_mean"] / summary["1"]["gradients_per_s_mean"]
json.dump({"cpu": cpu, "flags": flags, "model": "mlp:4096,4096", "data": "mnist", "mode": "async", "batch_size": 1,
           "workers": 2, "runs": rows, "summary": summary, "servers_2_over_1": ratio}, open(out, "w"), indent=1)
for n, v in summary.items():
    print(f"--servers {n}: {v['gradients_per_s_mean']:.2f} gradients/s (runs: "
          + ", ".join(f"{x:.2f}" for x in v["gradients_per_s"]) + ")")
print(f"--servers 2 / --servers 1: {ratio:.2f}x")
print("worker ranks' peak RSS (MB): " + "; ".join(f"S={r['servers']}: " + ", ".join(f"{m:.0f}" for m in r["worker_peak_rss_mb"])
                                              for r in rows))
for r in rows:
    for k in r["server_ranks"]:
        print(f"  S={r['servers']} rank {k['rank']}: {k.get('params')} params, in {k.get('bytes_in', 0) / 1e9:.2f} GB, "
              f"out {k.get('bytes_out', 0) / 1e9:.2f} GB, peak RSS {k['peak_rss_mb']:.0f} MB")
print(f"written: {out}")
PY
