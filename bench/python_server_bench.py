#!/usr/bin/python3
"""python_server_bench.py: what hsgd's parameter server costs from Python
(issue 26; docs/python.md, "Measured"), side by side in one run:

  (a) one push + pull of a mnist-cnn-sized gradient (582,026 floats), async
      (every push applies an SGD step), called from Python on numpy arrays,
      against the same pair in the C++ core alone (the same server, a mutex
      and a memcpy: hsgd._hsgd.core_push_pull_seconds), rounds interleaved,
      median per pair;
  (b) examples/parameter_server_loop.py's loop, 4 Python threads training the
      PyTorch mnist-cnn on MNIST through hsgd.ParameterServer and through the
      obvious Python server (a lock, a list of gradients, torch ops),
      alternated, samples/s.

    PYTHONPATH=build/python /usr/bin/python3 bench/python_server_bench.py OUT.json [--seconds 20] [--rounds 2]

Run it with nothing else on the machine. Prints a table; writes OUT.json with
the CPU, its flags and every measurement.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("MALLOC_MMAP_THRESHOLD_", "33554432")
import numpy as np

import hsgd
from hsgd._native import native

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))
N = 582026  # mnist-cnn's parameters


def cpu():
    info = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((l.split(":", 1)[1].strip() for l in info if l.startswith("model name")), "?")
    flags = next((l.split(":", 1)[1].split() for l in info if l.startswith("flags")), [])
    keep = [f for f in flags if f in ("avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni", "amx_tile")]
    return {"model": model, "flags": keep, "cores": os.cpu_count(), "python": platform.python_version()}


def python_pairs(iterations):
    ps = hsgd.ParameterServer(np.full(N, 0.5, dtype=np.float32), workers=1, mode="async", lr=0.001)
    grad, out = np.full(N, 0.001, dtype=np.float32), np.empty(N, dtype=np.float32)
    start = time.perf_counter()
    for _ in range(iterations):
        ps.push(0, ps.version, grad)
        ps.pull(out)
    return (time.perf_counter() - start) / iterations


def push_pull(rounds=9, iterations=400):
    python_pairs(50), native.core_push_pull_seconds(N, 50)  # warm up
    py, core = [], []
    for _ in range(rounds):
        py.append(python_pairs(iterations))
        core.append(native.core_push_pull_seconds(N, iterations))
    p, c = statistics.median(py), statistics.median(core)
    return {"floats": N, "rounds": rounds, "iterations": iterations, "python_us": [x * 1e6 for x in py],
            "core_us": [x * 1e6 for x in core], "python_median_us": p * 1e6, "core_median_us": c * 1e6,
            "overhead": p / c - 1}


def loops(seconds, rounds):
    import torch
    import parameter_server_loop as ex
    from _common import mnist

    torch.set_num_threads(1)
    x, y, _, _ = mnist()
    data = ((torch.from_numpy(x).float().div(255).sub(0.1307).div(0.3081)).unsqueeze(1), torch.from_numpy(y).long())
    torch.manual_seed(0)
    init, _ = ex.flat_views(ex.MnistCnn())
    rates = {"hsgd": [], "python": []}
    for _ in range(rounds):
        ps = hsgd.ParameterServer(init, workers=4, mode="async", lr=0.05)
        rates["hsgd"].append(ex.train(ps, 4, seconds, 32, data))
        rates["python"].append(ex.train(ex.PythonPS(init, k=1, lr=0.05), 4, seconds, 32, data))
    return {"threads": 4, "batch": 32, "seconds": seconds, "samples_per_s": rates,
            "ratio": statistics.median(rates["hsgd"]) / statistics.median(rates["python"])}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if os.path.exists(args.out):
        sys.exit(f"python_server_bench.py: {args.out} exists; choose a new file")
    result = {"cpu": cpu(), "command": " ".join(sys.argv)}
    result["push_pull"] = pp = push_pull()
    print(f"CPU: {result['cpu']['model']} ({' '.join(result['cpu']['flags'])}), {result['cpu']['cores']} cores")
    print(f"push + pull of {N} floats: Python {pp['python_median_us']:.1f} us, C++ core {pp['core_median_us']:.1f} us "
          f"(+{100 * pp['overhead']:.1f}%)")
    result["loop"] = lp = loops(args.seconds, args.rounds)
    print(f"4-thread PyTorch loop: hsgd {statistics.median(lp['samples_per_s']['hsgd']):.0f} samples/s, obvious Python "
          f"{statistics.median(lp['samples_per_s']['python']):.0f} samples/s ({lp['ratio']:.2f}x)")
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
