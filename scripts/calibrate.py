#!/usr/bin/env python3
"""calibrate.py: fits the simulator's serial-server costs to the paper's sync
and async baselines, from the results of a calibration suite.

  python3 scripts/calibrate.py results/calibrate-mnist mnist

Reads RESULTS/modes.csv (hsgd_results.readers; written by `hsgd experiment`/`hsgd report`): for every
grid point (the cost axes the suite varies, of U = sim-ps-update-ms,
G = sim-ps-gradient-ms, C = sim-compute-ms, D = sim-dispatch-ms,
E = sim-driver-eval-ms, N = sim-driver-eval-every) and batch size, the final (t = 100 s) test accuracy and test loss of sync and
async, mean over the seeds. The fit loss of a grid point is

  sum over batch in {32, 64}, mode in {sync, async} of
      ((accuracy - paper) / 1.5 points)^2 + ((test loss - paper) / 0.03)^2

(1.5 points and 0.03: about the precision of a reading by eye). Hybrid is not
used: it is the prediction. The paper's readings are those of Figures 4-7 at
t = 100 s (scripts/hsgd_results/paper_readings.toml); the two figures of one batch
size (S = 300 and S = 500) show the same sync and async runs' setting, so
their readings are averaged.

Writes RESULTS/calibration.json (search space, best point, residuals, the ten
best points) and RESULTS/CALIBRATION.md, and the fitted curves against the
readings as RESULTS/figures/calibration.{png,svg} (gnuplot).
"""
import json
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gnuplot_figure import render  # noqa: E402
from hsgd_results import cells, paper, readers  # noqa: E402

READINGS = paper.readings()  # Figures 4-7 at t = 100 s (hsgd_results/paper_readings.toml)
ACCURACY_SCALE, LOSS_SCALE = 1.5, 0.03
# The cost axes a calibration suite may vary (short name, option, JSON name); a
# point is the values of those its grid varies, in this order.
FIT_AXES = [("U", "sim-ps-update-ms", "ps_update_ms"), ("G", "sim-ps-gradient-ms", "ps_gradient_ms"),
            ("C", "sim-compute-ms", "compute_ms"), ("D", "sim-dispatch-ms", "dispatch_ms"),
            ("E", "sim-driver-eval-ms", "driver_eval_ms"), ("N", "sim-driver-eval-every", "driver_eval_every")]
AXES = {option: short for short, option, _ in FIT_AXES}
AXES["batch-size"] = "batch"


def parse_cell(cell):
    values = {}
    for name, value in cells.parse_cell(cell).items():
        if name not in AXES:
            raise SystemExit(f"calibrate.py: unexpected axis '{name}' in cell '{cell}'")
        values[AXES[name]] = float(value)
    return values


def read_finals(results):
    """The grid's axes, and point -> {(batch, mode): (accuracy, loss, n, cell)} from modes.csv."""
    finals = defaultdict(dict)
    axes = None
    for row in readers.read_modes(results):
        if row["over"] != "final" or row["metric"] not in ("test_accuracy", "test_loss"):
            continue
        v = parse_cell(row["cell"])
        if axes is None:
            axes = [a for a in FIT_AXES if a[0] in v]
        point, key = tuple(v[a[0]] for a in axes), (int(v["batch"]), row["mode"])
        entry = finals[point].setdefault(key, {"cell": row["cell"], "n": int(row["n"])})
        entry[row["metric"]] = float(row["mean"])
    return axes or [], finals


def fit(finals, targets):
    ranked = []
    for point, cells in finals.items():
        if not all(k in cells for k in targets):
            continue
        loss, residuals = 0.0, {}
        for key, (acc_p, loss_p) in targets.items():
            acc, tl = cells[key]["test_accuracy"], cells[key]["test_loss"]
            loss += ((acc - acc_p) / ACCURACY_SCALE) ** 2 + ((tl - loss_p) / LOSS_SCALE) ** 2
            residuals[f"{key[1]} batch {key[0]}"] = {
                "accuracy": acc, "paper_accuracy": acc_p, "accuracy_residual": acc - acc_p,
                "test_loss": tl, "paper_test_loss": loss_p, "test_loss_residual": tl - loss_p,
                "cell": cells[key]["cell"], "seeds": cells[key]["n"]}
        ranked.append((loss, point, residuals))
    ranked.sort(key=lambda r: r[0])
    return ranked


def plot(results, best_residuals, targets, name):
    """Fitted mean curves (sync, async; both batches) with the paper's readings at 100 s."""
    figures = os.path.join(results, "figures")
    os.makedirs(figures, exist_ok=True)
    readings = os.path.join(figures, "calibration-readings.csv")
    with open(readings, "w") as f:
        f.write("time_s,paper_accuracy\n")
        for (batch, mode), (acc, _) in sorted(targets.items()):
            f.write(f"100,{acc}\n")
    curves = []
    for label, r in sorted(best_residuals.items()):
        mode, batch = label.split(" batch ")
        path = os.path.join(results, "curves", f"{r['cell']}-{mode}.csv")
        curves.append(f"'{path}' using 1:3 skip 1 with lines lw 2 title '{mode}, batch {batch} (hsgd, fitted)'")
    curves.append(f"'{readings}' using 1:2 skip 1 with points pt 7 ps 1.5 title 'paper, t = 100 s (Figures 4-7)'")
    render(figures, "calibration", "900,560", [
        "set datafile separator ','",
        f"set title 'Calibration ({name}): fitted sync and async against the paper'",
        "set xlabel 'virtual time (s)'",
        "set ylabel 'test accuracy (%)'",
        "set key bottom right",
        "set grid",
        "plot " + ", ".join(curves)])


def unit(axis):
    return " ms" if axis[1].endswith("-ms") else ""


def grid_ranges(finals):
    """Final accuracy of each mode over the whole grid, and how often sync ends above async."""
    acc = defaultdict(list)
    sync_above = cells = 0
    for point, entries in finals.items():
        for (batch, mode), e in entries.items():
            acc[mode].append(e["test_accuracy"])
        for batch in {b for b, _ in entries}:
            if (batch, "sync") in entries and (batch, "async") in entries:
                cells += 1
                sync_above += entries[(batch, "sync")]["test_accuracy"] > entries[(batch, "async")]["test_accuracy"]
    return {"accuracy_range": {m: [min(v), max(v)] for m, v in sorted(acc.items())},
            "sync_above_async": [sync_above, cells]}


def main(results, dataset):
    if dataset not in READINGS:
        raise SystemExit(f"calibrate.py: dataset '{dataset}' unknown; expected one of {sorted(READINGS)}")
    targets = paper.targets(dataset)
    axes, finals = read_finals(results)
    ranked = fit(finals, targets)
    if not ranked:
        raise SystemExit(f"calibrate.py: {results}/modes.csv has no grid point with sync and async at batch 32 and 64")
    best_loss, best, residuals = ranked[0]
    space = defaultdict(set)
    for point in finals:
        for (short, _, _), value in zip(axes, point):
            space[short].add(value)
    named = lambda point: {f"{short}_{name}": value for (short, _, name), value in zip(axes, point)}
    out = {
        "dataset": dataset,
        "loss": "sum over batch 32/64 and sync/async of ((acc - paper)/1.5)^2 + ((test loss - paper)/0.03)^2",
        "search_space": {f"{short}_{name}": sorted(space[short]) for short, _, name in axes},
        "best": {**named(best), "loss": best_loss},
        "residuals": residuals,
        "ranking": [{**{a[0]: v for a, v in zip(axes, p)}, "loss": l} for l, p, _ in ranked[:10]],
        "points": len(ranked),
        "grid": grid_ranges(finals),
    }
    with open(os.path.join(results, "calibration.json"), "w") as f:
        json.dump(out, f, indent=2)
    lines = [f"# Calibration: {dataset}", "",
             f"Generated by `scripts/calibrate.py` from `modes.csv` (final values at t = 100 s, mean over seeds).",
             f"Fit loss: {out['loss']}. Hybrid is not used in the fit.", "",
             "Search space: " + ", ".join(f"{short} (`{option}`) {sorted(space[short])}" for short, option, _ in axes) +
             f"; {len(ranked)} points.", "",
             "**Best: " + ", ".join(f"{a[0]} = {v:g}{unit(a)}" for a, v in zip(axes, best)) +
             f"** (loss {best_loss:.2f}).", "",
             "| target | hsgd accuracy | paper | residual | hsgd test loss | paper | residual |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for label, r in sorted(residuals.items()):
        lines.append(f"| {label} | {r['accuracy']:.2f} | {r['paper_accuracy']:.2f} | {r['accuracy_residual']:+.2f} | "
                     f"{r['test_loss']:.3f} | {r['paper_test_loss']:.3f} | {r['test_loss_residual']:+.3f} |")
    g = out["grid"]
    lines += ["", "Over the whole grid: final accuracy " + ", ".join(
        f"{m} {lo:.2f}-{hi:.2f}%" for m, (lo, hi) in g["accuracy_range"].items()) +
        f"; sync ends above async in {g['sync_above_async'][0]} of {g['sync_above_async'][1]} cells."]
    lines += ["", "Ten best points:", "",
              "| " + " | ".join(f"{a[0]}{' (ms)' if unit(a) else ''}" for a in axes) + " | loss |",
              "|" + "---:|" * (len(axes) + 1)]
    lines += ["| " + " | ".join(f"{v:g}" for v in p) + f" | {l:.2f} |" for l, p, _ in ranked[:10]]
    plot(results, residuals, targets, dataset)
    lines += ["", "![fitted curves](figures/calibration.png)"]
    with open(os.path.join(results, "CALIBRATION.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
