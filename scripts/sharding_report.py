#!/usr/bin/env python3
"""sharding_report.py: sharding against hybrid, from the results of the sharding suite.

  python3 scripts/sharding_report.py results/sharding-mnist

The suite (suites/sharding-mnist.toml) runs async and hybrid with S = 1, 2
and 4 server shards (--servers) at points where async saturates one server.
`hsgd experiment` writes runs.csv: one row per run with its run-average and
final test accuracy. This script groups the runs by point (the cell less
`servers`), pairs them by seed (a seed fixes the weights, the data order and
the delays in every run) and writes

  RESULTS/sharding.csv   per point, mode and S: n, mean, 95% CI, diverged runs;
                         and per point each comparison below: mean difference,
                         95% CI, paired p-value
  RESULTS/SHARDING.md    the same as tables, and per point which remedy wins

The comparisons, all of the run-average test accuracy in points:
  sharding        async S=2 - async S=1, async S=4 - async S=1
  hybrid          hybrid S=1 - async S=1
  remedy          async S=2 - hybrid S=1 (> 0: sharding beats hybrid)
  combined        hybrid S=2 - async S=2, hybrid S=4 - async S=4 (> 0: hybrid still pays on shards)
Every number comes from runs.csv and suite.toml; nothing is typed in.
"""
import argparse
import csv
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hsgd_results import readers  # noqa: E402
from hsgd_results.cells import parse_cell  # noqa: E402
from hsgd_results.stats import summarize  # noqa: E402

SERVERS = "servers"
METRIC = "run_test_accuracy"
COMPARISONS = [  # (name, (mode, S), (mode, S))
    ("sharding", ("async", 2), ("async", 1)),
    ("sharding", ("async", 4), ("async", 1)),
    ("hybrid", ("hybrid", 1), ("async", 1)),
    ("remedy", ("async", 2), ("hybrid", 1)),
    ("remedy", ("async", 4), ("hybrid", 1)),
    ("combined", ("hybrid", 2), ("async", 2)),
    ("combined", ("hybrid", 4), ("async", 4)),
]


def point_of(cell):
    """The cell's options less `servers`, and its S."""
    values = parse_cell(cell)
    servers = int(values.pop(SERVERS, "1"))
    return "_".join(f"{k}={v}" for k, v in values.items()), servers


def read_points(results):
    """{point: {(mode, S): {seed: run}}} from runs.csv (a run shared by two cells counted once per cell)."""
    points = {}
    for run in readers.read_runs(results):
        point, servers = point_of(run["cell"])
        seeds = points.setdefault(point, {}).setdefault((run["mode"], servers), {})
        seeds[run["seed"]] = run
    return points


def async_load(point, servers, options, table_options):
    """The load of each shard under async: N ((U + G) / S + F) / (C + mean delay + 2 latency); 1 = saturated.
    U and G are shared between the shards by bytes, the fixed cost per update F is paid by each in full."""
    values = {**options, **table_options, **{k: float(v) for k, v in parse_cell(point).items()}}
    delay = values.get("delay-fraction", 0.5) * values.get("delay-scale", 0.25) * math.sqrt(2 / math.pi)
    busy_ms = values.get("sim-compute-ms", 500) + delay * 1e3 + 2 * values.get("sim-latency-ms", 0.1)
    per_update = (values.get("sim-ps-update-ms", 0) + values.get("sim-ps-gradient-ms", 0)) / servers + values.get(
        "sim-ps-update-fixed-ms", 0)
    return values.get("workers", 25) * per_update / busy_ms


def table_options_of(suite, point):
    """The [[table]] options of the table whose cells hold this point."""
    keys = set(parse_cell(point))
    for table in suite.get("table", []):
        if keys <= set(table.get("vary", [])):
            return table.get("options", {})
    return {}


def paired(a, b):
    seeds = sorted(set(a) & set(b))
    if seeds != sorted(a) or seeds != sorted(b):
        sys.exit(f"sharding_report.py: the seeds differ ({sorted(a)} vs {sorted(b)})")
    return summarize([a[s][METRIC] - b[s][METRIC] for s in seeds])


def fmt(v, sign=False):
    return "nan" if not math.isfinite(v) else (f"{v:+.2f}" if sign else f"{v:.2f}")


def fmt_p(p):
    return "nan" if not math.isfinite(p) else ("< 0.001" if p < 0.001 else f"{p:.3f}")


def analyse(points, suite, options):
    levels, diffs = [], []
    for point, groups in points.items():
        table_options = table_options_of(suite, point)
        for (mode, servers), seeds in sorted(groups.items()):
            s = summarize([r[METRIC] for r in seeds.values()])
            levels.append({"point": point, "mode": mode, "servers": servers, **s,
                           "diverged": sum(r["diverged"] for r in seeds.values()),
                           "async_load_per_shard": async_load(point, servers, options, table_options)})
        for name, a, b in COMPARISONS:
            if a in groups and b in groups:
                d = paired(groups[a], groups[b])
                diffs.append({"point": point, "comparison": name, "a": f"{a[0]} S={a[1]}", "b": f"{b[0]} S={b[1]}", **d})
    return levels, diffs


def verdict(point, levels, diffs):
    """Which remedy wins at this point, in words, from the numbers."""
    here = [l for l in levels if l["point"] == point]
    best = max(here, key=lambda l: l["mean"])
    tied = [l for l in here if l is not best and paired_tie(point, l, best, diffs)]
    text = f"best: {best['mode']} S={best['servers']} ({fmt(best['mean'])}%)"
    if tied:
        text += "; within noise of it (paired p >= 0.05 where compared): " + ", ".join(
            f"{l['mode']} S={l['servers']}" for l in tied)
    return text


def paired_tie(point, a, b, diffs):
    for d in diffs:
        if d["point"] != point:
            continue
        names = {d["a"], d["b"]}
        if names == {f"{a['mode']} S={a['servers']}", f"{b['mode']} S={b['servers']}"}:
            return d["p"] >= 0.05
    return False


def write_csv(path, levels, diffs):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["point", "kind", "what", "n", "mean", "ci95_low", "ci95_high", "p_value", "diverged",
                    "async_load_per_shard"])
        for l in levels:
            w.writerow([l["point"], "level", f"{l['mode']} S={l['servers']}", l["n"], f"{l['mean']:.4f}",
                        f"{l['low']:.4f}", f"{l['high']:.4f}", "", l["diverged"], f"{l['async_load_per_shard']:.3f}"])
        for d in diffs:
            w.writerow([d["point"], d["comparison"], f"{d['a']} - {d['b']}", d["n"], f"{d['mean']:.4f}",
                        f"{d['low']:.4f}", f"{d['high']:.4f}", f"{d['p']:.6g}", "", ""])


def diff_of(diffs, point, a, b):
    for d in diffs:
        if d["point"] == point and d["a"] == a and d["b"] == b:
            return d
    return None


def in_words(d):
    """A paired difference as the report reads it: its sign only where p < 0.05."""
    if d is None:
        return "not run"
    p = fmt_p(d["p"])
    p = p if p.startswith("<") else "= " + p
    if not (d["p"] < 0.05):
        return f"{fmt(d['mean'], True)} (not significant, p {p})"
    return f"**{fmt(d['mean'], True)}** (p {p})"


def summary_lines(levels, diffs):
    """One row per point: what each remedy gains over async on one server, and against each other."""
    lines = ["## Summary", "",
             "Run-average test accuracy, points, paired by seed; bold where p < 0.05.", "",
             "| point | async load, 1 server | sharding: async S=2 - S=1 | async S=4 - S=1 | hybrid: hybrid - async, "
             "1 server | sharding vs hybrid: async S=2 - hybrid S=1 | both: hybrid - async on 2 shards | best |",
             "|---|---:|---|---|---|---|---|---|"]
    for point in dict.fromkeys(l["point"] for l in levels):
        load = next(l["async_load_per_shard"] for l in levels if l["point"] == point and l["servers"] == 1)
        best = max((l for l in levels if l["point"] == point), key=lambda l: l["mean"])
        cols = [in_words(diff_of(diffs, point, a, b)) for a, b in (
            ("async S=2", "async S=1"), ("async S=4", "async S=1"), ("hybrid S=1", "async S=1"),
            ("async S=2", "hybrid S=1"), ("hybrid S=2", "async S=2"))]
        lines.append(f"| {point} | {load:.2f} | " + " | ".join(cols) +
                     f" | {best['mode']} S={best['servers']} ({fmt(best['mean'])}) |")
    return lines + [""]


ASSUMPTION = [
    "What the simulator assumes (docs/simulator.md, \"Sharded server\"): a shard's cost per update U and per",
    "gradient is its share of the one server's by bytes, and each shard has its own link: sharding's best",
    "case. A cost per update that does not shrink with the bytes (F, `sim-ps-update-fixed-ms`: a per-call",
    "overhead, as in a Python server) is paid in full by every shard; the last points put half and all of",
    "U = 40 ms there.",
]


def write_markdown(path, results, levels, diffs):
    lines = ["# Sharding against hybrid", "",
             f"Computed by `scripts/sharding_report.py {results}` from `runs.csv` (run-average test accuracy,",
             "points; 5 seeds unless n says otherwise; differences paired by seed, mean and 95% CI, two-sided",
             "paired t-test). `load` is each shard's async load N (U / S + F) / (C + mean delay + 2 latency):",
             "above 1 async saturates it.", ""] + ASSUMPTION + [""] + summary_lines(levels, diffs)
    for point in dict.fromkeys(l["point"] for l in levels):
        lines += [f"## {point}", "", "| mode | S | load | mean | 95% CI | diverged |", "|---|---:|---:|---:|---|---:|"]
        for l in (l for l in levels if l["point"] == point):
            lines.append(f"| {l['mode']} | {l['servers']} | {l['async_load_per_shard']:.2f} | {fmt(l['mean'])} | "
                         f"[{fmt(l['low'])}, {fmt(l['high'])}] | {l['diverged']}/{l['n']} |")
        lines += ["", "| comparison | difference | 95% CI | p |", "|---|---:|---|---:|"]
        for d in (d for d in diffs if d["point"] == point):
            lines.append(f"| {d['comparison']}: {d['a']} - {d['b']} | {fmt(d['mean'], True)} | "
                         f"[{fmt(d['low'], True)}, {fmt(d['high'], True)}] | {fmt_p(d['p'])} |")
        lines += ["", verdict(point, levels, diffs), ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("results")
    args = parser.parse_args()
    suite, options = readers.read_suite(args.results)
    levels, diffs = analyse(read_points(args.results), suite, options)
    write_csv(os.path.join(args.results, "sharding.csv"), levels, diffs)
    write_markdown(os.path.join(args.results, "SHARDING.md"), args.results, levels, diffs)
    print(f"wrote {args.results}/sharding.csv and SHARDING.md")


if __name__ == "__main__":
    main()
