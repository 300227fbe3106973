#!/usr/bin/env python3
"""robustness.py: is the map's pattern robust? (issue 28, item 3; suites/robust-mnist.toml;
docs/calibration.md, "Robustness of the map").

  python3 scripts/robustness.py results/robust-mnist

Reads RESULTS/runs.csv (each run's run-average test accuracy) and RESULTS/suite.toml.
A cell is one variant of the map's setup at one async load; per seed,
d = hybrid - async (points). Computes, as the suite file states before its runs:

  - the contrast of each variant: per seed, R - L, R the mean of d over the
    cells right of the line (load >= 1), L over those left of it; a paired
    t-test by seed, Holm-corrected over the variants;
  - every cell's d (mean, 95% CI, paired p) with Holm over all cells.

Writes RESULTS/ROBUSTNESS.md, RESULTS/robustness.csv (one row per cell and one
per variant's contrast) and RESULTS/figures/robustness.{png,svg}.
"""
import csv
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gnuplot_figure import render  # noqa: E402
from hsgd_results import cells, load, readers  # noqa: E402
from hsgd_results.accuracy import COLLAPSED_AT, collapsed as collapsed_run  # noqa: E402
from hsgd_results.stats import holm, summarize  # noqa: E402
from hsgd_results.text import fmt, fmt_p  # noqa: E402

NUMERIC = ("sim-ps-update-ms", "sim-ps-gradient-ms", "sim-compute-ms", "sim-latency-ms", "workers")


def variant(cell):
    """The one thing a cell changes from the base setup."""
    if cell.get("model", "ray-tiny") != "ray-tiny":
        return f"larger model ({cell['model']})"
    if cell.get("aggregation") == "mean":
        return "mean buffer"
    if "unit=updates" in cell.get("schedule", ""):
        return "schedule in updates"
    g, u = float(cell.get("sim-ps-gradient-ms", 0)), float(cell["sim-ps-update-ms"])
    return f"G/U = {g / u:.2g}" if g > 0 else "base"


def collapsed_runs(runs):
    """{variant: [collapsed runs, runs]} over both modes (a shared async run counts in each cell it serves)."""
    out = defaultdict(lambda: [0, 0])
    for run in runs:
        v = variant(cells.parse_cell(run["cell"]))
        out[v][0] += collapsed_run(run["final_test_accuracy"])
        out[v][1] += 1
    return out


def read_cells(runs, options):
    """{(variant, load): {seed: hybrid - async}} from runs.csv's rows and the suite's options."""
    by_run = defaultdict(dict)
    for run in runs:
        by_run[run["cell"]][(run["mode"], run["seed"])] = run["run_test_accuracy"]
    out = {}
    for key, runs in by_run.items():
        cell = cells.parse_cell(key)
        merged = {**options, **{k: (float(v) if k in NUMERIC else v) for k, v in cell.items()}}
        seeds = sorted(s for m, s in runs if m == "hybrid" and ("async", s) in runs)
        out[(variant(cell), round(load.run_load(merged), 3))] = {s: runs[("hybrid", s)] - runs[("async", s)]
                                                                 for s in seeds}
    return out


def contrasts(by_cell):
    """Per variant: summarize() of R - L by seed, and the Holm-adjusted p over the variants."""
    variants = sorted({v for v, _ in by_cell}, key=lambda v: (v != "base", v))
    rows = []
    for v in variants:
        right = [d for (w, l), d in by_cell.items() if w == v and l >= 1]
        left = [d for (w, l), d in by_cell.items() if w == v and l < 1]
        seeds = sorted(set.intersection(*(set(d) for d in right + left)))
        per_seed = [sum(d[s] for d in right) / len(right) - sum(d[s] for d in left) / len(left) for s in seeds]
        rows.append({"variant": v, **summarize(per_seed)})
    for r, p in zip(rows, holm([r["p"] for r in rows])):
        r["p_holm"] = p
    return rows


def cell_rows(by_cell):
    rows = [{"variant": v, "load": l, **summarize([d[s] for s in sorted(d)])} for (v, l), d in by_cell.items()]
    rows.sort(key=lambda r: (r["variant"] != "base", r["variant"], r["load"]))
    for r, p in zip(rows, holm([r["p"] for r in rows])):
        r["p_holm"] = p
    return rows


def write_csv(results, cell_stats, contrast_stats):
    with open(os.path.join(results, "robustness.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["kind", "variant", "async_load", "n", "mean", "ci95_low", "ci95_high", "p", "p_holm"])
        for r in cell_stats:
            w.writerow(["cell", r["variant"], f"{r['load']:g}"] + [f"{r[k]:.6g}" for k in
                                                                   ("n", "mean", "low", "high", "p", "p_holm")])
        for r in contrast_stats:
            w.writerow(["right-minus-left", r["variant"], ""] + [f"{r[k]:.6g}" for k in
                                                                 ("n", "mean", "low", "high", "p", "p_holm")])


def plot(results, cell_stats):
    figures = os.path.join(results, "figures")
    os.makedirs(figures, exist_ok=True)
    curves = []
    for v in dict.fromkeys(r["variant"] for r in cell_stats):
        path = os.path.join(figures, f"robustness-{len(curves)}.dat")
        with open(path, "w") as f:
            for r in cell_stats:
                if r["variant"] == v:
                    f.write(f"{r['load']:.6g} {r['mean']:.6g} {r['low']:.6g} {r['high']:.6g}\n")
        curves.append(f"'{path}' using 1:2:3:4 with yerrorlines title '{v}'")
    render(figures, "robustness", "900,560", [
        "set title 'hybrid - async (run-average test accuracy) against async load, 95% CI'",
        "set xlabel 'async load N (U + G) / (C + mean delay + 2 latency)'", "set ylabel 'points'",
        "set grid", "set key top left", "set arrow from 1, graph 0 to 1, graph 1 nohead dt 2",
        "plot " + ", ".join(curves)])


def verdict(r):
    if r["p_holm"] < 0.05:
        return "**holds**" if r["mean"] > 0 else "**reversed**"
    return "not shown"


def report(results, cell_stats, contrast_stats, collapsed):
    n = cell_stats[0]["n"]
    lines = ["# Robustness of the map (MNIST)", "",
             f"Generated by `scripts/robustness.py {results}` from `runs.csv` ({len(cell_stats)} cells, {n} seeds "
             "each). d = hybrid - async, run-average test accuracy in points. The contrast and the corrections "
             "were stated in `suite.toml` before the runs.", "",
             "**The pre-stated contrast**: per variant and seed, R - L (mean d over loads >= 1 minus mean d over "
             "loads < 1); paired t-test by seed, Holm over the variants.", "",
             "| variant | R - L [95% CI] | p | Holm p | the claim \"hybrid gains more right of the line\" |",
             "|---|---:|---:|---:|---|"]
    lines += [f"| {r['variant']} | {fmt(r['mean'], True)} [{fmt(r['low'], True)}, {fmt(r['high'], True)}] | "
              f"{fmt_p(r['p'])} | {fmt_p(r['p_holm'])} | {verdict(r)} |" for r in contrast_stats]
    loads = sorted({r["load"] for r in cell_stats})
    lines += ["", f"Every cell: d [95% CI] (* = Holm-corrected p < 0.05 over the {len(cell_stats)} cells).", "",
              "| variant | " + " | ".join(f"load {l:g}" for l in loads) + " |", "|---|" + "---:|" * len(loads)]
    for v in dict.fromkeys(r["variant"] for r in cell_stats):
        by_load = {r["load"]: r for r in cell_stats if r["variant"] == v}
        lines.append(f"| {v} | " + " | ".join(
            f"{fmt(by_load[l]['mean'], True)}{'*' if by_load[l]['p_holm'] < 0.05 else ''} "
            f"[{fmt(by_load[l]['low'], True)}, {fmt(by_load[l]['high'], True)}]" if l in by_load else ""
            for l in loads) + " |")
    held = sum(verdict(r) == "**holds**" for r in contrast_stats)
    lines += ["", f"The contrast holds (Holm) in {held} of {len(contrast_stats)} variants.", "",
              f"Runs that collapsed (final test accuracy at most {COLLAPSED_AT:g}%), both modes: " + ", ".join(
                  f"{v} {k} of {n}" for v, (k, n) in sorted(collapsed.items(), key=lambda kv: (kv[0] != "base", kv[0]))) + ".", "",
              "![hybrid - async against load](figures/robustness.png)", ""]
    return "\n".join(lines)


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    results = sys.argv[1]
    runs, (_, options) = readers.read_runs(results), readers.read_suite(results)
    by_cell = read_cells(runs, options)
    cell_stats, contrast_stats = cell_rows(by_cell), contrasts(by_cell)
    write_csv(results, cell_stats, contrast_stats)
    plot(results, cell_stats)
    md = report(results, cell_stats, contrast_stats, collapsed_runs(runs))
    with open(os.path.join(results, "ROBUSTNESS.md"), "w") as f:
        f.write(md)
    print(md, end="")


if __name__ == "__main__":
    main()
