#!/usr/bin/env python3
"""beyond_ranking.py: the report of issue 14. Ranks every method of the
`beyond` suites (async, sync, the paper's step schedules, adaptive K, SSP,
backup workers) per data set and world (free server, cost per update), from
the runs' metrics files: run-average test accuracy per seed, mean and 95% CI
over seeds, and paired tests (by seed) against the best method, against the
best fixed schedule (every method but adaptive) and, for adaptive, against
each of the paper's step schedules.

  scripts/beyond_ranking.py --out results/beyond-ranking \
      --data mnist=results/beyond,results/beyond-ssp,results/beyond-backup \
      --data cifar10=results/beyond-cifar10,results/beyond-cifar10-ssp,results/beyond-cifar10-backup

Writes ranking.csv, RANKING.md and figures/ranking-<data>.{png,svg}. Before
anything is written, the paired differences hybrid - async are recomputed
for every cell of each results folder's tables.csv (computed by `hsgd
report`) and must agree, so these statistics are hsgd's.
"""
import argparse
import csv
import glob
import os
import sys
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gnuplot_figure import render  # noqa: E402
from hsgd_results.accuracy import run_average_accuracy  # noqa: E402
from hsgd_results.readers import real_minutes  # noqa: E402
from hsgd_results.stats import paired, summarize  # noqa: E402
from hsgd_results.text import fmt, fmt_p  # noqa: E402

GOAL_POINTS = 0.5  # adaptive within this many points of the best method


# ---- runs --------------------------------------------------------------------

def method_of(request):
    mode = request["mode"]
    if mode == "sync" and int(request.get("backup-workers", 0)) > 0:
        return f"sync, backup b={request['backup-workers']}"
    if mode == "hybrid":
        schedule = request["schedule"]
        return "hybrid, adaptive" if schedule == "adaptive" else "hybrid, " + schedule.replace("step:", "step ")
    if mode == "ssp":
        return f"SSP s={request['ssp-bound']}"
    return mode


def world_of(request):
    cost = float(request.get("sim-ps-update-ms", 0))
    return "free server" if cost == 0 else f"{cost:g} ms per update"


def read_runs(folders):
    """{world: {method: {seed: accuracy}}} over the folders' runs."""
    runs = {}
    for folder in folders:
        for request_path in sorted(glob.glob(os.path.join(folder, "runs", "*", "*", "request.toml"))):
            with open(request_path, "rb") as f:
                request = tomllib.load(f)
            seeds = runs.setdefault(world_of(request), {}).setdefault(method_of(request), {})
            seed = int(request["seed"])
            if seed in seeds:
                sys.exit(f"{request_path}: a second run of seed {seed} of the same method and world")
            seeds[seed] = run_average_accuracy(os.path.dirname(request_path))
    return runs


def check_against_hsgd_report(folder, runs):
    """hybrid - async per cell of `folder`'s tables.csv must match the runs' own."""
    path = os.path.join(folder, "tables.csv")
    checked = 0
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if (row["comparison"], row["metric"], row["over"]) != ("hybrid-async", "test_accuracy", "run"):
                continue
            world = "free server" if "sim-ps-update-ms=" not in row["cell"] else \
                world_of({"sim-ps-update-ms": row["cell"].split("sim-ps-update-ms=")[1].split("_")[0]})
            schedule = row["cell"].split("schedule=")[1].replace("step-S=", "step:S=")
            method = method_of({"mode": "hybrid", "schedule": schedule})
            mine = paired(runs[world][method], runs[world]["async"])
            for key, column in (("mean", "mean"), ("low", "ci95_low"), ("high", "ci95_high"), ("p", "p_value")):
                if abs(mine[key] - float(row[column])) > 1e-3 * max(1.0, abs(mine[key])):
                    sys.exit(f"{path}: {row['cell']}: hsgd report's {column} {row[column]} != {mine[key]:.6g} here")
            checked += 1
    return checked


# ---- the ranking -------------------------------------------------------------

def rank_world(methods):
    """Rows sorted by mean accuracy, with the paired tests of issue 14."""
    stats = {m: summarize(list(seeds.values())) for m, seeds in methods.items()}
    # Ties (adaptive is async to the bit where K stays 1) rank the fixed method first.
    order = sorted(methods, key=lambda m: (-stats[m]["mean"], m == "hybrid, adaptive"))
    best = order[0]
    fixed = [m for m in order if m != "hybrid, adaptive"]
    best_fixed = fixed[0]
    rows = []
    for rank, m in enumerate(order, 1):
        vs_best = paired(methods[m], methods[best]) if m != best else None
        vs_fixed = paired(methods[m], methods[best_fixed]) if m != best_fixed else None
        rows.append({"rank": rank, "method": m, **stats[m], "vs_best": vs_best, "vs_best_fixed": vs_fixed})
    return rows, best, best_fixed


def p_clause(p):
    """"= 0.044" or "< 0.001", after a "p"."""
    text = fmt_p(p)
    return text if text.startswith("<") else "= " + text


def fmt_diff(d):
    if d is None:
        return "—", "—"
    return f"{fmt(d['mean'], True)} [{fmt(d['low'], True)}, {fmt(d['high'], True)}]", fmt_p(d["p"])


def goal_lines(data, world, methods, best_fixed):
    """The goal of issue 14 for adaptive in one world, as measured."""
    if "hybrid, adaptive" not in methods:
        return []
    adaptive = methods["hybrid, adaptive"]
    gap = paired(adaptive, methods[best_fixed])
    within = gap["mean"] >= -GOAL_POINTS
    lines = [f"- {data}, {world}: adaptive − the best other method ({best_fixed}) = {fmt(gap['mean'], True)} points "
             f"[{fmt(gap['low'], True)}, {fmt(gap['high'], True)}]: "
             + ("identical runs: goal met." if gap["mean"] == 0 and gap["high"] == 0 else
                "ahead: goal met." if gap["mean"] >= 0 else
                f"within {GOAL_POINTS} points: goal met." if within else f"**not** within {GOAL_POINTS} points: goal missed.")]
    for step in sorted(m for m in methods if m.startswith("hybrid, step")):
        d = paired(adaptive, methods[step])
        significant = d["p"] < 0.05
        verdict = ("**significantly worse**: goal missed" if significant and d["mean"] < 0 else
                   "significantly better" if significant else "no significant difference")
        lines.append(f"  adaptive − {step.replace('hybrid, ', '')} = {fmt(d['mean'], True)} "
                     f"[{fmt(d['low'], True)}, {fmt(d['high'], True)}], p {p_clause(d['p'])}: {verdict}.")
    return lines


def write_outputs(out, tables, goals, sources):
    os.makedirs(os.path.join(out, "figures"), exist_ok=True)
    with open(os.path.join(out, "ranking.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["data", "world", "rank", "method", "n", "mean", "ci95_low", "ci95_high",
                    "minus_best", "minus_best_low", "minus_best_high", "minus_best_p",
                    "minus_best_fixed", "minus_best_fixed_low", "minus_best_fixed_high", "minus_best_fixed_p"])
        for (data, world), (rows, _, _) in tables.items():
            for r in rows:
                diffs = []
                for d in (r["vs_best"], r["vs_best_fixed"]):
                    diffs += ["", "", "", ""] if d is None else [f"{d[k]:.6g}" for k in ("mean", "low", "high", "p")]
                w.writerow([data, world, r["rank"], r["method"], r["n"], f"{r['mean']:.6g}", f"{r['low']:.6g}",
                            f"{r['high']:.6g}", *diffs])
    md = ["# Beyond the paper: every method ranked, per data set and world", "",
          "Generated by `scripts/beyond_ranking.py` from the runs' `metrics.csv` (run-average test accuracy, "
          "points; mean and 95% CI over seeds; differences paired by seed with a two-sided t-test). "
          "*Best fixed* is the best method other than adaptive K. The paired hybrid − async differences were "
          "checked against each folder's `tables.csv` from `hsgd report`.", "",
          "Sources (real time of their runs): " + "; ".join(
              f"{data}: {', '.join('`' + f + '`' for f in fs)} ({real_minutes(fs):.1f} min)"
              for data, fs in sources.items()), "",
          "## Goal of issue 14: adaptive within 0.5 points of the best, never significantly worse than a step "
          "schedule", "", *goals, ""]
    for (data, world), (rows, best, best_fixed) in tables.items():
        md += [f"## {data}, {world}", "", f"Best: **{best}**; best fixed: **{best_fixed}**.", "",
               "| rank | method | n | accuracy [95% CI] | − best [95% CI] | p | − best fixed [95% CI] | p |",
               "|---:|---|---:|---|---|---:|---|---:|"]
        for r in rows:
            vb, pb = fmt_diff(r["vs_best"])
            vf, pf = fmt_diff(r["vs_best_fixed"])
            md.append(f"| {r['rank']} | {r['method']} | {r['n']} | {fmt(r['mean'])} [{fmt(r['low'])}, "
                      f"{fmt(r['high'])}] | {vb} | {pb} | {vf} | {pf} |")
        md += ["", f"![{data}, ranking](figures/ranking-{data}.png)", ""]
    with open(os.path.join(out, "RANKING.md"), "w") as f:
        f.write("\n".join(md))


def plot(out, data, worlds):
    """One panel per world: each method's mean with its 95% CI, best on top."""
    figures = os.path.join(out, "figures")
    commands = [f"set multiplot layout 1,{len(worlds)}", "set xlabel 'run-average test accuracy (%), 95% CI'",
                "set grid xtics", "set key off", "set offsets 0,0,0.5,0.5", "set ytics font ',9'"]
    for world, rows in worlds:
        data_file = os.path.join(figures, f"ranking-{data}-{world.replace(' ', '-')}.dat")
        with open(data_file, "w") as f:
            for i, r in enumerate(reversed(rows)):
                f.write(f"{i} {r['mean']:.6g} {r['low']:.6g} {r['high']:.6g} \"{r['method']}\"\n")
        commands += [f"set title '{data}, {world}'",
                     f"plot '{data_file}' using 2:1:3:4:ytic(5) with xerrorbars pt 7 lc rgb '#1f77b4'"]
    commands.append("unset multiplot")
    render(figures, f"ranking-{data}", "1200,420", commands)
    for world, _ in worlds:
        os.remove(os.path.join(figures, f"ranking-{data}-{world.replace(' ', '-')}.dat"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--data", action="append", required=True, help="NAME=FOLDER,FOLDER,...")
    args = parser.parse_args()
    tables, goals, sources = {}, [], {}
    for spec in args.data:
        data, _, folders = spec.partition("=")
        folders = [f for f in folders.split(",") if f]
        sources[data] = folders
        runs = read_runs(folders)
        checked = check_against_hsgd_report(folders[0], runs)
        print(f"{data}: {checked} hybrid - async cells agree with hsgd report", file=sys.stderr)
        for world in sorted(runs, key=lambda w: (w != "free server", w)):
            rows, best, best_fixed = rank_world(runs[world])
            tables[(data, world)] = (rows, best, best_fixed)
            goals += goal_lines(data, world, runs[world], best_fixed)
    write_outputs(args.out, tables, goals, sources)
    for data in sources:
        plot(args.out, data, [(w, rows) for (d, w), (rows, _, _) in tables.items() if d == data])
    print(f"wrote {args.out}/RANKING.md, ranking.csv, figures/", file=sys.stderr)


if __name__ == "__main__":
    main()
