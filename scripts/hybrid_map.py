#!/usr/bin/env python3
"""hybrid_map.py: the map of where hybrid pays, from the results of a map suite.

  python3 scripts/hybrid_map.py results/map-mnist [--mark NAME:U_MS:C_MS[:G_MS] ...]

A map suite (suites/map-*.toml) runs async and hybrid over a grid of the
server's cost per update U (sim-ps-update-ms) and the workers' compute time
per minibatch C (sim-compute-ms). `hsgd experiment` writes tables.csv: per
cell, hybrid - async of the run-average test accuracy over the seeds (mean,
95% CI, paired p-value). This script reads it and the suite's options
(suite.toml) and writes

  RESULTS/map.csv            U, C, n, mean, CI, p, significant, p Holm-corrected over
                             the map's cells and whether that is below 0.05, and the
                             server's load under async, N (U + G) / (C + mean delay + 2 latency)
  RESULTS/MAP.md             the same as a table, how many cells go each way (a
                             cell is claimed only after Holm), and the rank test of
                             the cells right of the line against those left of it
  RESULTS/figures/map.{png,svg}
                             the heat map (points of accuracy; * = Holm-corrected
                             p < 0.05, o = p < 0.05 before correction only), the line where async saturates the server
                             (load = 1), and the marked points (--mark: a fitted
                             profile, a measured real system)

Every number comes from tables.csv and suite.toml; nothing is typed in.
"""
import argparse
import csv
import itertools
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gnuplot_figure import render  # noqa: E402
from hsgd_results import readers  # noqa: E402
from hsgd_results.stats import holm  # noqa: E402
from hsgd_results.cells import parse_cell  # noqa: E402
from hsgd_results.load import async_load, worker_busy_ms  # noqa: E402

AXIS_U, AXIS_C = "sim-ps-update-ms", "sim-compute-ms"


def read_options(results):
    return readers.read_suite(results)


def read_map(results, metric):
    rows = []
    for row in readers.read_tables(results):
        if row["comparison"] != "hybrid-async" or row["metric"] != metric or row["over"] != "run":
            continue
        cell = parse_cell(row["cell"])
        if AXIS_U not in cell or AXIS_C not in cell:
            raise SystemExit(f"hybrid_map.py: cell '{row['cell']}' does not vary {AXIS_U} and {AXIS_C}")
        rows.append({"U_ms": float(cell[AXIS_U]), "C_ms": float(cell[AXIS_C]), "n": int(row["n"]),
                     "mean": float(row["mean"]), "ci95_low": float(row["ci95_low"]),
                     "ci95_high": float(row["ci95_high"]),
                     "p_value": readers.p_value(row),
                     "significant": row["significant"] == "yes"})
    if not rows:
        raise SystemExit(f"hybrid_map.py: {results}/tables.csv has no hybrid-async {metric} rows")
    for r, adjusted in zip(rows, holm([r["p_value"] for r in rows])):
        r["p_holm"], r["significant_holm"] = adjusted, adjusted < 0.05
    return rows


def mark(r):
    """* when the cell survives Holm's correction, o when only its uncorrected p is below 0.05."""
    return "*" if r["significant_holm"] else ("o" if r["significant"] else "")


def rank_test(right, left):
    """Exact one-sided p of the Mann-Whitney rank sum: are the cell means right of the line
    larger than those left of it? (every split of the pooled means into groups of these sizes)."""
    pooled = sorted(right + left)
    rank = lambda v: sum(x < v for x in pooled) + (sum(x == v for x in pooled) + 1) / 2
    ranks = [rank(v) for v in pooled]
    observed = sum(rank(v) for v in right)
    splits = list(itertools.combinations(ranks, len(right)))
    return sum(sum(c) >= observed - 1e-9 for c in splits) / len(splits)


def with_load(rows, options):
    n = options.get("workers", 25)
    g = options.get("sim-ps-gradient-ms", 0.0)
    busy = worker_busy_ms(options)
    for r in rows:
        r["async_server_load"] = async_load(n, r["U_ms"], g, r["C_ms"], busy)
    return n, g, busy


def position(value, grid):
    """Where `value` falls on the categorical axis of `grid` (linear between neighbours), or None outside."""
    if value < grid[0] or value > grid[-1]:
        return None
    for i in range(len(grid) - 1):
        if grid[i] <= value <= grid[i + 1]:
            return i + (value - grid[i]) / (grid[i + 1] - grid[i])
    return float(len(grid) - 1)


def write_csv(results, rows):
    path = os.path.join(results, "map.csv")
    fields = ["U_ms", "C_ms", "n", "mean", "ci95_low", "ci95_high", "p_value", "significant", "p_holm",
              "significant_holm", "async_server_load"]
    with open(path, "w") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for r in sorted(rows, key=lambda r: (r["C_ms"], r["U_ms"])):
            w.writerow({k: (f"{r[k]:.6g}" if isinstance(r[k], float) else r[k]) for k in fields})
    return path


def plot(results, rows, marks, n, g, busy, title):
    us, cs = sorted({r["U_ms"] for r in rows}), sorted({r["C_ms"] for r in rows})
    figures = os.path.join(results, "figures")
    os.makedirs(figures, exist_ok=True)
    data = os.path.join(figures, "map-cells.dat")
    with open(data, "w") as f:
        for r in rows:
            label = f"{r['mean']:+.2f}{mark(r)}"
            f.write(f"{us.index(r['U_ms'])} {cs.index(r['C_ms'])} {r['mean']:.6g} \"{label}\"\n")
    line = os.path.join(figures, "map-saturation.dat")
    with open(line, "w") as f:  # async's load = 1: U = (C + busy) / N - G, at fine steps of C
        steps = 200
        for k in range(steps + 1):
            c = cs[0] + (cs[-1] - cs[0]) * k / steps
            x, y = position((c + busy) / n - g, us), position(c, cs)
            if x is not None and y is not None:
                f.write(f"{x:.4f} {y:.4f}\n")
    points = os.path.join(figures, "map-marks.dat")
    with open(points, "w") as f:
        for name, u, c, _ in marks:
            x, y = position(u, us), position(c, cs)
            if x is not None and y is not None:
                f.write(f"{x:.4f} {y:.4f} \"{name}\"\n")
    span = max(0.5, max(abs(r["mean"]) for r in rows))
    layers = [f"'{data}' using 1:2:3 with image notitle",
              f"'{data}' using 1:($2 + 0.22):4 with labels font ',10' notitle",
              f"'{line}' using 1:2 with lines lw 3 lc rgb 'black' dt 2 "
              f"title 'async saturates the server: N (U + G) = C + mean delay'"]
    if os.path.getsize(points) > 0:
        layers.append(f"'{points}' using 1:2 with points pt 7 ps 2 lc rgb '#006400' title 'marked points'")
        layers.append(f"'{points}' using 1:2:3 with labels offset 0,-1.2 font ',9' tc rgb '#006400' notitle")
    render(figures, "map", "960,640", [
        f"set title \"{title}\"",
        "set xlabel 'server cost per update U (ms of virtual time)'",
        "set ylabel 'compute time per minibatch C (ms of virtual time)'",
        "set cblabel 'hybrid - async, run-average test accuracy (points)'",
        "set xtics (" + ", ".join(f"'{u:g}' {i}" for i, u in enumerate(us)) + ")",
        "set ytics (" + ", ".join(f"'{c:g}' {i}" for i, c in enumerate(cs)) + ")",
        f"set xrange [-0.5:{len(us) - 0.5}]",
        f"set yrange [-0.5:{len(cs) - 0.5}]",
        "set palette defined (-1 '#2166ac', 0 '#f7f7f7', 1 '#b2182b')",
        f"set cbrange [-{span:.3f}:{span:.3f}]",
        "set key outside bottom center horizontal",
        "set bmargin 7",
        "plot " + ", ".join(layers)])


def write_markdown(results, rows, marks, title, n, g, busy):
    """MAP.md: the table behind the figure, and how many cells go each way."""
    us, cs = sorted({r["U_ms"] for r in rows}), sorted({r["C_ms"] for r in rows})
    cell = {(r["U_ms"], r["C_ms"]): r for r in rows}
    lines = [f"# {title}", "",
             "Generated by `scripts/hybrid_map.py` from `tables.csv` (hybrid - async, run-average test accuracy, "
             "points; mean over seeds [95% CI], * = paired p < 0.05 after Holm's correction over the map's "
             f"{len(rows)} cells, o = p < 0.05 before it only) and `suite.toml`. Times are virtual.", "",
             "| C (ms) \\ U (ms) | " + " | ".join(f"{u:g}" for u in us) + " |",
             "|---|" + "---:|" * len(us)]
    for c in cs:
        entries = []
        for u in us:
            r = cell.get((u, c))
            entries.append("" if r is None else
                           f"{r['mean']:+.2f}{mark(r)} [{r['ci95_low']:+.2f}, {r['ci95_high']:+.2f}]")
        lines.append(f"| {c:g} | " + " | ".join(entries) + " |")
    better = [r for r in rows if r["significant_holm"] and r["mean"] > 0]
    worse = [r for r in rows if r["significant_holm"] and r["mean"] < 0]
    uncorrected = sum(r["significant"] for r in rows)
    saturated = [r for r in rows if r["async_server_load"] >= 1]
    others = [r for r in rows if r not in saturated]
    lines += ["", f"{len(rows)} cells, {rows[0]['n']} seeds each. After Holm's correction over the {len(rows)} cells: "
              f"hybrid significantly better in {len(better)}, significantly worse in {len(worse)}, no significant "
              f"difference in {len(rows) - len(better) - len(worse)} ({uncorrected} cells have p < 0.05 before it).",
              f"Async saturates the server (load N (U + G) / (C + mean delay + 2 latency) >= 1) in {len(saturated)} cells; "
              f"hybrid is significantly better (Holm) in {sum(r in better for r in saturated)} of them and in "
              f"{sum(r in better for r in others)} of the {len(others)} others."]
    if saturated and others:
        right, left = [r["mean"] for r in saturated], [r["mean"] for r in others]
        lines.append(f"The map as a whole: hybrid - async is {min(right):+.2f} to {max(right):+.2f} right of the line "
                     f"and {min(left):+.2f} to {max(left):+.2f} left of it; an exact rank test (Mann-Whitney, "
                     f"one-sided: larger right of the line) gives p = {rank_test(right, left):.4g}.")
    if marks:
        inside = lambda u, c: us[0] <= u <= us[-1] and cs[0] <= c <= cs[-1]
        lines += ["", "Marked points (async's server load as above):", ""]
        for name, u, c, g_mark in marks:
            load = async_load(n, u, g_mark, c, busy)
            where = "on the map" if inside(u, c) else "outside the grid, not drawn"
            lines.append(f"- {name}: U = {u:g} ms, G = {g_mark:g} ms, C = {c:g} ms, load {load:.3g} ({where})")
    lines += ["", "![map](figures/map.png)", ""]
    with open(os.path.join(results, "MAP.md"), "w") as f:
        f.write("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results")
    ap.add_argument("--metric", default="test_accuracy")
    ap.add_argument("--mark", action="append", default=[], metavar="NAME:U_MS:C_MS[:G_MS]",
                    help="a point to mark on the map (a fitted profile, a measured system); G defaults to the suite's")
    args = ap.parse_args()
    suite, options = read_options(args.results)
    rows = read_map(args.results, args.metric)
    n, g, busy = with_load(rows, options)
    marks = []
    for m in args.mark:
        name, *values = m.split(":")
        if len(values) not in (2, 3):
            raise SystemExit(f"hybrid_map.py: --mark {m}: expected NAME:U_MS:C_MS[:G_MS]")
        u, c, g_mark = (float(v) for v in values + ["nan"] * (3 - len(values)))
        marks.append((name, u, c, g if math.isnan(g_mark) else g_mark))
    path = write_csv(args.results, rows)
    title = (f"{suite.get('name', args.results)}: where hybrid pays ({options.get('data', '?')}, "
             f"{options.get('model', '?')}, {n} workers, * = Holm p < 0.05)")
    plot(args.results, rows, marks, n, g, busy, title)
    write_markdown(args.results, rows, marks, title, n, g, busy)
    sig_plus = sum(r["significant_holm"] and r["mean"] > 0 for r in rows)
    sig_minus = sum(r["significant_holm"] and r["mean"] < 0 for r in rows)
    print(f"{path}: {len(rows)} cells; after Holm hybrid significantly better in {sig_plus}, worse in {sig_minus}")


if __name__ == "__main__":
    main()
