#!/usr/bin/python3
"""peer_table.py OUT: the table of bench/peer_bench.sh's results, computed from
its files (the Python peers' JSON, hsgd's summary.json), with the ratios the
issue's acceptance asks for. Writes OUT/peers.json and prints markdown."""
import json
import os
import sys


def load(out, name):
    """(samples/s, wall s to 98% or None, final whole-test accuracy or None) of one entrant's run."""
    path = os.path.join(out, name + ".json")
    if os.path.exists(path):
        with open(path) as f:
            r = json.load(f)
        last = r["evaluations"][-1]["test_accuracy"] if r["evaluations"] else None
        return r["samples_per_second"], r["target_reached_wall_seconds"], last
    path = os.path.join(out, name, "summary.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        s = json.load(f)
    wall = s.get("target_reached_wall_seconds", -1)
    whole = s.get("final_whole_test_set", {}).get("test_accuracy", s["final"]["test_accuracy"])
    return s["samples_per_second"], (wall if wall >= 0 else None), whole


ENTRANTS = [
    ("PyTorch-Python PS, async (4 threads, one lock)", "torch-ps-async"),
    ("PyTorch-Python PS, hybrid step S=300", "torch-ps-hybrid"),
    ("single-process PyTorch, 2 threads, NCHW", "torch-single"),
    ("single-process PyTorch, 2 threads, channels-last", "torch-single-cl"),
    ("hsgd --runtime single --threads 2", "hsgd-single"),
    ("hsgd --runtime threads, 4 workers, async", "hsgd-threads-async"),
    ("hsgd --runtime threads, 4 workers, hybrid step S=300", "hsgd-threads-hybrid"),
    ("hsgd --runtime threads, 4 workers, async, --backend torch", "hsgd-threads-torch-async"),
]


def fmt(v, digits=0):
    return "" if v is None else f"{v:,.{digits}f}"


def main():
    out = sys.argv[1]
    rows, table = {}, []
    for label, key in ENTRANTS:
        t = load(out, key + "-throughput")
        r = load(out, key + "-to-98")
        rows[key] = {"label": label, "samples_per_second": t[0] if t else None,
                     "wall_seconds_to_98": r[1] if r else None, "final_accuracy": r[2] if r else None}
        table.append(f"| {label} | {fmt(rows[key]['samples_per_second'])} | {fmt(rows[key]['wall_seconds_to_98'], 1)} |")
    scaling = {}
    for w in (1, 2, 4, 8, 25):
        name = "hsgd-threads-async-throughput" if w == 4 else f"hsgd-threads-async-{w}-workers-throughput"
        r = load(out, name)
        scaling[w] = r[0] if r else None
    sps = {k: v["samples_per_second"] for k, v in rows.items()}
    wall = {k: v["wall_seconds_to_98"] for k, v in rows.items()}
    fastest_torch = max(x for x in (sps["torch-single"], sps["torch-single-cl"]) if x is not None)

    def ratio(a, b):
        return None if a is None or b is None else a / b

    ratios = {
        "threads_async_vs_python_ps_samples": ratio(sps["hsgd-threads-async"], sps["torch-ps-async"]),
        "threads_async_vs_fastest_pytorch_samples": ratio(sps["hsgd-threads-async"], fastest_torch),
        "single_vs_fastest_pytorch_samples": ratio(sps["hsgd-single"], fastest_torch),
        "threads_async_vs_python_ps_wall_to_98": ratio(wall["hsgd-threads-async"], wall["torch-ps-async"]),
        "threads_hybrid_vs_python_ps_wall_to_98": ratio(wall["hsgd-threads-hybrid"], wall["torch-ps-hybrid"]),
    }
    with open(os.path.join(out, "peak.json")) as f:
        peak = json.load(f)
    with open(os.path.join(out, "cpu.txt")) as f:
        cpu = f.read().split("\n")
    result = {"entrants": rows, "ratios": ratios, "workers_scaling_samples_per_second": scaling, "peak": peak,
              "cpu": cpu[0], "flags": cpu[1]}
    with open(os.path.join(out, "peers.json"), "w") as f:
        json.dump(result, f, indent=2)
    print("| entrant | samples/s (training only) | wall s to 98% |\n|---|---|---|")
    print("\n".join(table))
    print("\n| ratio | value |\n|---|---|")
    for k, v in ratios.items():
        print(f"| {k} | {fmt(v, 2)} |")
    print("\n| workers (threads runtime, async, 2 cores) | " + " | ".join(str(w) for w in scaling) + " |")
    print("|---" * (len(scaling) + 1) + "|")
    print("| samples/s | " + " | ".join(fmt(v) for v in scaling.values()) + " |")
    print(f"\nCPU: {cpu[0].split(':', 1)[-1].strip()}, measured FMA peak {peak['peak_gflops_measured']} GFLOP/s "
          f"({peak['threads']} threads)")


if __name__ == "__main__":
    main()
