#!/usr/bin/env python3
"""perf_table.py: Markdown tables of the back ends' speed from Google Benchmark JSON.

  python3 scripts/perf_table.py docs/perf/model_bench.json [PEAK.json]

With PEAK.json (build/bench/hsgd_peak_flops's output), a second table gives
each forward+backward's FLOP rate (the FLOPS counter, from
training_flops_per_sample) as a share of the measured peak.

Reads a --benchmark_out file of build/bench/hsgd_bench run with repetitions
(medians are used) and prints, per benchmark family and shape, the median time
of each back end and each one's speed-up over LibTorch (`torch`).
"""
import json
import re
import sys
from collections import defaultdict


def medians(path):
    with open(path) as f:
        data = json.load(f)
    out = {}
    for b in data["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        out[b["run_name"]] = (b["real_time"], b["time_unit"], b.get("FLOPS"))
    return out


def main(path, peak_path=None):
    rows = defaultdict(dict)  # (family, model, shape) -> backend -> ms
    flops = {}  # (model, shape, backend) -> FLOP/s
    for name, (time, unit, rate) in medians(path).items():
        m = re.match(r"(FwdBwd|Evaluate)/([^/]+)/([^/]+)(/.*)?$", name)
        if not m:
            continue
        family, model, backend, shape = m.group(1), m.group(2), m.group(3), (m.group(4) or "")
        shape = shape.replace("/real_time", "").strip("/").replace("batch:", "batch ").replace("/threads:", ", threads ")
        scale = {"ms": 1.0, "us": 1e-3, "ns": 1e-6}[unit]
        rows[(family, model, shape)][backend] = time * scale
        if rate:
            flops[(model, shape, backend)] = rate
    # fast: --backend fast (hand-written kernels); fast-direct / fast-gemm: every
    # convolution on one kind of kernel (nn/fast_network.h); dnnl: oneDNN;
    # auto: what --backend auto runs. The last columns: the fastest back end
    # of the row, and auto's speed-up over LibTorch in its faster layout.
    present = {b for t in rows.values() for b in t}
    order = ["auto", "torch", "torch-channels-last", "fast", "fast-direct", "fast-gemm", "dnnl"]
    backends = [b for b in order if b in present]
    print("| what | model | shape | " + " | ".join(f"{b} (ms)" for b in backends) + " | fastest | auto vs best torch |")
    print("|---|---|---|" + "---|" * len(backends) + "---|---|")
    for (family, model, shape), t in sorted(rows.items()):
        cells = [f"{t[b]:.3f}" if b in t else "" for b in backends]
        fastest = min((b for b in backends if b in t and b != "auto"), key=lambda b: t[b])
        torch_best = min(t[b] for b in ("torch", "torch-channels-last") if b in t) if "torch" in t else None
        ratio = f"{torch_best / t['auto']:.2f}x" if torch_best and "auto" in t else ""
        print(f"| {family} | {model} | {shape} | " + " | ".join(cells) + f" | {fastest} | {ratio} |")
    if peak_path:
        with open(peak_path) as f:
            peak = json.load(f)
        one, all_ = max(peak["gflops_avx2_one_thread"], peak["gflops_avx512_one_thread"]), peak["peak_gflops_measured"]
        print(f"\n| model | shape | auto GFLOP/s | share of the measured peak ({one:.0f} GFLOP/s one thread, "
              f"{all_:.0f} two) |\n|---|---|---|---|")
        for (model, shape, backend), rate in sorted(flops.items()):
            if backend != "auto" or model not in ("mnist-cnn", "cifar-cnn"):
                continue
            p = one if shape.endswith("threads 1") else all_
            print(f"| {model} | {shape} | {rate / 1e9:.1f} | {100 * rate / 1e9 / p:.0f}% |")


if __name__ == "__main__":
    main(*sys.argv[1:3])
