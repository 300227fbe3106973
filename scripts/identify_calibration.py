#!/usr/bin/env python3
"""identify_calibration.py: what the paper's sync and async baselines do and do
not identify about its system (issue 28, item 2; docs/calibration.md, "An
identified calibration").

  python3 scripts/identify_calibration.py results/calibrate-mnist-identified mnist [--bootstrap 2000] [--seed 1]

Reads RESULTS/runs.csv (every run's final test accuracy and loss, per seed) and
RESULTS/suite.toml. A grid point is (U, G, C); at each, the targets are sync
and async at batch 32 and 64, each with two readings (accuracy, test loss),
against the paper's (scripts/hsgd_results/paper_readings.toml).

The loss is a likelihood, not a distance between means. The paper's reading
of a target is the mean of 5 runs of its system, read by eye. If the point
were the paper's system, that reading would be

  - free of collapses: a run that ends at chance (final accuracy at most
    15%: hsgd_results.accuracy.collapsed) would pull a 5-run mean down by about 16 points, and the
    paper's curves show no such drop. With q the point's collapse rate
    (Laplace: (collapsed + 1/2) / (seeds + 1)), 5 collapse-free runs have
    probability (1 - q)^5;
  - the mean of 5 collapse-free runs, read with an error of 1.5 points
    (0.03 of loss): normal around the point's collapse-free mean m with
    variance V = reading^2 + s^2 (1/5 + 1/n), s the seeds' spread, n their
    number (the second term is this grid's own uncertainty about m).

  deviance = -2 log likelihood = sum over targets of
      -2 * 5 log(1 - q)  +  sum over {accuracy, loss} of (y - m)^2 / V + log V

Points differ in deviance by twice a log-likelihood ratio, so a difference of
a few units is noise and one of tens is not.

The confidence region is a bootstrap: each replicate draws every run's seeds
again with replacement (within its point, mode and batch) and every reading
again from its reading error, refits, and records the best point. The region
is the smallest set of points that holds 95% of the replicates' best points;
the async load each implies is N (U + G) / (C + mean delay + 2 latency)
(scripts/hsgd_results/load.py). Writes RESULTS/identified.json,
RESULTS/IDENTIFIED.md, RESULTS/points.csv and RESULTS/figures/identified.{png,svg}.
"""
import argparse
import csv
import json
import math
import os
import random
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gnuplot_figure import render  # noqa: E402
from hsgd_results import cells, load, paper, readers  # noqa: E402
from hsgd_results.accuracy import COLLAPSED_AT, collapsed as collapsed_run  # noqa: E402

READING = {"accuracy": 1.5, "loss": 0.03}  # the precision of a reading by eye
PAPER_RUNS = 5  # the paper's curves are means of 5 runs
COVER = 0.95
AXES = (("U", "sim-ps-update-ms"), ("G", "sim-ps-gradient-ms"), ("C", "sim-compute-ms"))


def read_grid(results):
    """{point (U, G, C): {(batch, mode): [(accuracy, loss), one per seed]}} from runs.csv."""
    grid = defaultdict(lambda: defaultdict(list))
    for run in readers.read_runs(results):
        v = cells.parse_cell(run["cell"])
        point = tuple(float(v.get(option, 0)) for _, option in AXES)
        grid[point][(int(v["batch-size"]), run["mode"])].append(
            (run["final_test_accuracy"], run["final_test_loss"]))
    return grid


def mean_var(values):
    n = len(values)
    m = sum(values) / n
    return m, (sum((x - m) ** 2 for x in values) / (n - 1) if n > 1 else 0.0)


# The loss and the readings of it that the sensitivity table compares (the first is the fit's).
LOSSES = {
    "likelihood": "the deviance above",
    "likelihood, collapses not penalised": "the deviance without the (1 - q)^5 term",
    "likelihood, collapsed runs kept": "no run set apart: collapsed runs count in the mean and spread",
    "means (calibrate.py)": "sum of ((mean - reading) / reading error)^2: the earlier fits' loss",
}


def target_deviance(runs, reading, loss="likelihood"):
    """Deviance of one target: its runs [(accuracy, loss)] against the reading (accuracy, loss)."""
    if loss == "means (calibrate.py)":
        return sum(((reading[i] - mean_var([r[i] for r in runs])[0]) / READING[name]) ** 2
                   for i, name in enumerate(("accuracy", "loss")))
    collapsed = sum(collapsed_run(acc) for acc, _ in runs)
    q = (collapsed + 0.5) / (len(runs) + 1)
    kept = runs if loss == "likelihood, collapsed runs kept" else [r for r in runs if not collapsed_run(r[0])] or runs
    dev = -2 * PAPER_RUNS * math.log(1 - q) if loss == "likelihood" else 0.0
    for i, name in enumerate(("accuracy", "loss")):
        m, s2 = mean_var([r[i] for r in kept])
        var = READING[name] ** 2 + s2 * (1 / PAPER_RUNS + 1 / len(kept))
        dev += (reading[i] - m) ** 2 / var + math.log(var)
    return dev


def deviances(grid, targets, loss="likelihood"):
    """{point: deviance} over the points that hold every target."""
    return {point: sum(target_deviance(by_target[key], targets[key], loss) for key in targets)
            for point, by_target in grid.items() if all(by_target.get(key) for key in targets)}


def bootstrap(grid, targets, replicates, seed, loss="likelihood"):
    """How often each point is the best over replicates that redraw seeds and readings."""
    rng = random.Random(seed)
    wins = defaultdict(int)
    for _ in range(replicates):
        drawn = {p: {k: [rng.choice(runs) for _ in runs] for k, runs in by.items()} for p, by in grid.items()}
        readings = {k: (a + rng.gauss(0, READING["accuracy"]), l + rng.gauss(0, READING["loss"]))
                    for k, (a, l) in targets.items()}
        dev = deviances(drawn, readings, loss)
        wins[min(dev, key=dev.get)] += 1
    return wins


def fit(grid, targets, loss, replicates, seed):
    """The deviance of every point under `loss`, and its bootstrap's best points."""
    return deviances(grid, targets, loss), bootstrap(grid, targets, replicates, seed, loss)


def sensitivity(fits, replicates, options):
    """Per loss: the best point, its load, and the 95% region's load range and share right of the line."""
    rows = []
    for loss, (dev, wins) in fits.items():
        best = min(dev, key=dev.get)
        chosen, _ = region(wins, replicates)
        loads = [point_load(p, options) for p in chosen]
        rows.append({"loss": loss, "meaning": LOSSES[loss], "best": {"U_ms": best[0], "G_ms": best[1], "C_ms": best[2]},
                     "best_async_load": point_load(best, options), "region_points": len(chosen),
                     "region_async_load_range": [min(loads), max(loads)],
                     "share_right_of_line": sum(n for p, n in wins.items() if point_load(p, options) >= 1) / replicates})
    return rows


def region(wins, replicates):
    """The fewest points, most frequent first, that hold COVER of the replicates' best points."""
    chosen, held = [], 0
    for point, n in sorted(wins.items(), key=lambda kv: (-kv[1], kv[0])):
        if held >= COVER * replicates:
            break
        chosen.append(point)
        held += n
    return chosen, held / replicates


def point_load(point, options):
    u, g, c = point
    return load.async_load(options.get("workers", 25), u, g, c, load.worker_busy_ms(options))


def subset_best(grid, targets, keep):
    sub = {k: v for k, v in targets.items() if keep(k)}
    dev = deviances(grid, sub)
    best = min(dev, key=dev.get)
    return best, dev[best]


def name(point):
    u, g, c = point
    return f"U = {u:g}, G = {g:g}, C = {c:g} ms"


def write_points(results, dev, wins, loads, collapse):
    with open(os.path.join(results, "points.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["U_ms", "G_ms", "C_ms", "async_load", "deviance", "bootstrap_best_share", "collapsed_runs"])
        for p in sorted(dev, key=dev.get):
            w.writerow([f"{p[0]:g}", f"{p[1]:g}", f"{p[2]:g}", f"{loads[p]:.4f}", f"{dev[p]:.4f}",
                        f"{wins.get(p, 0) / max(1, sum(wins.values())):.4f}", collapse[p]])


def plot(results, dev, loads, region_points):
    figures = os.path.join(results, "figures")
    os.makedirs(figures, exist_ok=True)
    data = os.path.join(figures, "identified.dat")
    best = min(dev.values())
    with open(data, "w") as f:
        for p in sorted(dev):
            f.write(f"{loads[p]:.6g} {dev[p] - best + 1:.6g} {1 if p in region_points else 0} {1 if p[1] > 0 else 0}\n")
    render(figures, "identified", "900,560", [
        "set title 'Calibration: every grid point, its deviance from the best against its async load'",
        "set xlabel 'async load N (U + G) / (C + mean delay + 2 latency)'",
        "set ylabel 'deviance - best deviance + 1 (log scale)'",
        "set logscale y", "set grid", "set key top right",
        "set arrow from 1, graph 0 to 1, graph 1 nohead dt 2",
        f"plot '{data}' using 1:($4 == 0 ? $2 : 1/0) with points pt 6 ps 1.3 title 'G = 0', "
        f"'{data}' using 1:($4 == 1 ? $2 : 1/0) with points pt 4 ps 1.3 title 'G = U', "
        f"'{data}' using 1:($3 == 1 ? $2 : 1/0) with points pt 7 ps 0.9 lc rgb 'red' title '95% bootstrap region'"])


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("results")
    ap.add_argument("dataset")
    ap.add_argument("--bootstrap", type=int, default=2000, help="replicates, in [100, 100000]")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if not 100 <= a.bootstrap <= 100000:
        raise SystemExit("identify_calibration.py: --bootstrap must be in [100, 100000]")
    if a.dataset not in paper.readings():
        raise SystemExit(f"identify_calibration.py: dataset '{a.dataset}' unknown; expected one of "
                         f"{sorted(paper.readings())}")
    return a


def point_json(p, **extra):
    return {"U_ms": p[0], "G_ms": p[1], "C_ms": p[2], **extra}


def summary(a, grid, targets, fits, options):
    """identified.json's content: the likelihood fit, its region, and the other losses beside it."""
    dev, wins = fits["likelihood"]
    best, ranked = min(dev, key=dev.get), sorted(dev, key=dev.get)
    chosen, held = region(wins, a.bootstrap)
    loads = {p: point_load(p, options) for p in dev}
    collapse = {p: sum(collapsed_run(acc) for runs in grid[p].values() for acc, _ in runs) for p in dev}
    right = [p for p in ranked if loads[p] >= 1]
    space = {short: sorted({p[i] for p in dev}) for i, (short, _) in enumerate(AXES)}
    subsets = {"batch 32 only": lambda k: k[0] == 32, "batch 64 only": lambda k: k[0] == 64,
               "async only": lambda k: k[1] == "async", "sync only": lambda k: k[1] == "sync"}
    span = lambda i: [min(p[i] for p in chosen), max(p[i] for p in chosen)]
    out = {
        "dataset": a.dataset, "search_space_ms": space, "points": len(dev),
        "seeds_per_target": sorted({len(r) for by in grid.values() for r in by.values()}),
        "loss": "deviance: -2 log likelihood of the paper's readings (docstring of scripts/identify_calibration.py)",
        "best": point_json(best, deviance=dev[best], async_load=loads[best], on_grid_edge={
            s: best[i] in (space[s][0], space[s][-1]) for i, (s, _) in enumerate(AXES)}),
        "ten_best": [point_json(p, deviance=dev[p], delta=dev[p] - dev[best], async_load=loads[p])
                     for p in ranked[:10]],
        "bootstrap": {"replicates": a.bootstrap, "seed": a.seed, "cover": COVER, "held": held,
                      "region": [point_json(p, share=wins[p] / a.bootstrap, async_load=loads[p]) for p in chosen],
                      "async_load_range": [min(loads[p] for p in chosen), max(loads[p] for p in chosen)],
                      "share_right_of_line": sum(n for p, n in wins.items() if loads[p] >= 1) / a.bootstrap,
                      "U_ms_range": span(0), "G_ms_range": span(1), "C_ms_range": span(2)},
        "best_right_of_line": None if not right else point_json(
            right[0], deviance=dev[right[0]], delta=dev[right[0]] - dev[best], async_load=loads[right[0]]),
        "alternatives": {k: point_json(p, async_load=loads[p])
                         for k, (p, _) in ((k, subset_best(grid, targets, keep)) for k, keep in subsets.items())},
        "sensitivity": sensitivity(fits, a.bootstrap, options),
        "collapsed_runs_by_C_ms": {f"{c:g}": [sum(collapse[p] for p in dev if p[2] == c),
                                             sum(len(r) for p in dev if p[2] == c for r in grid[p].values())]
                                   for c in space["C"]},
    }
    return out, loads, collapse, chosen


def main():
    a = parse_args()
    targets = paper.targets(a.dataset)
    _, options = readers.read_suite(a.results)
    grid = read_grid(a.results)
    if not deviances(grid, targets):
        raise SystemExit(f"identify_calibration.py: {a.results}/runs.csv has no point with every target")
    fits = {loss: fit(grid, targets, loss, a.bootstrap, a.seed) for loss in LOSSES}
    out, loads, collapse, chosen = summary(a, grid, targets, fits, options)
    with open(os.path.join(a.results, "identified.json"), "w") as f:
        json.dump(out, f, indent=1)
    dev, wins = fits["likelihood"]
    write_points(a.results, dev, wins, loads, collapse)
    plot(a.results, dev, loads, set(chosen))
    md = report(out, a.results)
    with open(os.path.join(a.results, "IDENTIFIED.md"), "w") as f:
        f.write(md)
    print(md, end="")


def side(lo, hi):
    if hi < 1:
        return "left of the line (async load below 1) everywhere in the region: the paper's system cannot be past it"
    if lo >= 1:
        return "right of the line (async load at least 1) everywhere in the region"
    return "on both sides of the line: these baselines cannot say whether async saturated the paper's server"


def report(out, results):
    b, boot = out["best"], out["bootstrap"]
    lo, hi = boot["async_load_range"]
    edges = [s for s, e in b["on_grid_edge"].items() if e]
    lines = [f"# An identified calibration: {out['dataset']}", "",
             f"Generated by `scripts/identify_calibration.py {results} {out['dataset']}` from `runs.csv` "
             f"({out['points']} grid points, {out['seeds_per_target']} seeds per target). Loss: {out['loss']}.", "",
             "Search space (ms): " + ", ".join(f"{s} {v}" for s, v in out["search_space_ms"].items()) + ".", "",
             f"**Best point: U = {b['U_ms']:g}, G = {b['G_ms']:g}, C = {b['C_ms']:g} ms** (deviance "
             f"{b['deviance']:.1f}, async load {b['async_load']:.2f}); "
             + (f"on the grid's edge in {', '.join(edges)}." if edges else "inside the grid on every axis."), "",
             f"**95% bootstrap region** ({boot['replicates']} replicates redrawing seeds and readings; the "
             f"{len(boot['region'])} most frequent best points hold {100 * boot['held']:.1f}% of them): "
             f"U {boot['U_ms_range'][0]:g}-{boot['U_ms_range'][1]:g} ms, G {boot['G_ms_range'][0]:g}-"
             f"{boot['G_ms_range'][1]:g} ms, C {boot['C_ms_range'][0]:g}-{boot['C_ms_range'][1]:g} ms; "
             f"**implied async load {lo:.2f}-{hi:.2f}**: {side(lo, hi)}.", "",
             f"In {100 * boot['share_right_of_line']:.1f}% of the replicates the best point is right of the line."]
    r = out["best_right_of_line"]
    if r:
        lines += ["", f"The best point right of the line is U = {r['U_ms']:g}, G = {r['G_ms']:g}, C = {r['C_ms']:g} ms "
                  f"(async load {r['async_load']:.2f}), deviance {r['deviance']:.1f}: {r['delta']:+.1f} from the best."]
    lines += ["", "| point in the region | share of replicates | async load |", "|---|---:|---:|"]
    lines += [f"| U = {p['U_ms']:g}, G = {p['G_ms']:g}, C = {p['C_ms']:g} ms | {100 * p['share']:.1f}% | "
              f"{p['async_load']:.2f} |" for p in boot["region"]]
    lines += ["", "Ten best points by deviance:", "", "| U (ms) | G (ms) | C (ms) | deviance | minus the best | async load |",
              "|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {p['U_ms']:g} | {p['G_ms']:g} | {p['C_ms']:g} | {p['deviance']:.1f} | +{p['delta']:.1f} | "
              f"{p['async_load']:.2f} |" for p in out["ten_best"]]
    lines += ["", "The best point when only part of the targets is fitted:", "",
              "| targets | best point | async load |", "|---|---|---:|"]
    lines += [f"| {k} | U = {p['U_ms']:g}, G = {p['G_ms']:g}, C = {p['C_ms']:g} ms | {p['async_load']:.2f} |"
              for k, p in out["alternatives"].items()]
    lines += ["", "How the answer depends on the loss (each with its own bootstrap, same replicates):", "",
              "| loss | what it is | best point | its async load | 95% region: points, async load | "
              "replicates right of the line |", "|---|---|---|---:|---|---:|"]
    for r in out["sensitivity"]:
        b_ = r["best"]
        lo_, hi_ = r["region_async_load_range"]
        lines.append(f"| {r['loss']} | {r['meaning']} | U = {b_['U_ms']:g}, G = {b_['G_ms']:g}, C = {b_['C_ms']:g} ms | "
                     f"{r['best_async_load']:.2f} | {r['region_points']}, {lo_:.2f}-{hi_:.2f} | "
                     f"{100 * r['share_right_of_line']:.1f}% |")
    lines += ["", f"Collapsed runs (final accuracy at most {COLLAPSED_AT:g}%) by C: " + ", ".join(
        f"{c} ms {k} of {n}" for c, (k, n) in out["collapsed_runs_by_C_ms"].items()) + ".", ""]
    lines += ["![deviance against load](figures/identified.png)", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
