#!/usr/bin/env python3
"""ranking.py: the report of issue 28, item 4. Ranks every switching policy
(async, sync, constant K, the paper's step schedules, adaptive K, GBA,
Sync-Switch, SSP, backup workers) per world, from the runs' metrics files:
run-average test accuracy per seed, mean and 95% CI over seeds, and paired
t-tests (by seed) of every method against the world's best, Holm-corrected
within each world over those comparisons (scripts/hsgd_results/stats.py).

  scripts/ranking.py --out results/ranking-mnist-report \\
      --data mnist=results/ranking-mnist,results/ranking-mnist-ssp,results/ranking-mnist-backup,results/ranking-mnist-syncswitch \\
      --search results/ranking-mnist-syncswitch-search

Writes ranking.csv, RANKING.md and figures/ranking-<data>.{png,svg}. Before
anything is written, the paired differences hybrid - async are recomputed
for every cell of the first folder's tables.csv (computed by `hsgd report`)
and must agree, so these statistics are hsgd's.
"""
import argparse
import csv
import glob
import json
import math
import os
import sys
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gnuplot_figure import render  # noqa: E402
from hsgd_results.accuracy import COLLAPSED_AT, collapsed as collapsed_run, final_accuracy, run_average_accuracy  # noqa: E402
from hsgd_results.readers import real_minutes  # noqa: E402
from hsgd_results.stats import holm, paired, summarize  # noqa: E402
from hsgd_results.text import fmt, fmt_p  # noqa: E402

ALPHA = 0.05
PROFILE_C_MS = {"paper-ray-mnist": 500.0, "paper-ray-cifar10": 500.0}  # the profiles' C (src/hsgd/sim/profiles.cc)
MEAN_DELAY_S = 0.5 * 0.25 * math.sqrt(2 / math.pi)  # half the workers, |N(0, 0.25)| s: the suites' delays


# ---- runs --------------------------------------------------------------------

KNOB_FREE = ("async", "sync", "hybrid, adaptive", "GBA")  # methods with nothing to tune per world


def method_of(request):
    mode = request["mode"]
    if mode == "sync" and int(request.get("backup-workers", 0)) > 0:
        return f"sync, backup b={request['backup-workers']}"
    if mode == "ssp":
        return f"SSP s={request['ssp-bound']}"
    if mode == "gba":
        return "GBA"
    if mode == "hybrid":
        schedule = request["schedule"]
        if schedule == "adaptive":
            return "hybrid, adaptive"
        if schedule.startswith("constant:"):
            return f"constant K={schedule.split(':')[1]}"
        if schedule.startswith("list:seconds") and request.get("wait") == "applied":
            return f"Sync-Switch (sync to {schedule.rsplit(',', 1)[1].split('=')[0]} s)"
        return "hybrid, " + schedule.replace("step:", "step ")
    return mode


def world_of(request):
    """(sort key, name) of the run's world, from its server and worker costs."""
    u = float(request.get("sim-ps-update-ms", 0))
    profile = request.get("sim-profile", "")
    c = float(request.get("sim-compute-ms", PROFILE_C_MS.get(profile, 0)))
    n = int(request["workers"])
    load = n * u / 1000 / (c / 1000 + MEAN_DELAY_S)
    if not profile:
        name = "free server" if u == 0 else f"{u:g} ms per update"
        return (0, u, c), f"{name} (C = {c:g} ms)"
    kind = "fitted" if c >= 500 else "saturated"
    return (1 if kind == "fitted" else 2, u, -c), f"{kind}: U = {u:g} ms, C = {c / 1000:g} s (async load {load:.2f})"


def read_runs(folders):
    """{world: {method: {seed: accuracy}}}, the worlds' sort keys, adaptive's final K per world and seed, and
    {world: {method: seeds that collapsed}}."""
    runs, keys, adaptive_k, collapsed = {}, {}, {}, {}
    for folder in folders:
        for request_path in sorted(glob.glob(os.path.join(folder, "runs", "*", "*", "request.toml"))):
            with open(request_path, "rb") as f:
                request = tomllib.load(f)
            key, world = world_of(request)
            keys[world] = key
            method = method_of(request)
            seeds = runs.setdefault(world, {}).setdefault(method, {})
            seed = int(request["seed"])
            if seed in seeds:
                sys.exit(f"{request_path}: a second run of seed {seed} of {method} in {world}")
            run_dir = os.path.dirname(request_path)
            seeds[seed] = run_average_accuracy(run_dir)
            final = final_accuracy(run_dir)
            if collapsed_run(final):
                collapsed.setdefault(world, {}).setdefault(method, []).append(seed)
            if method == "hybrid, adaptive":
                with open(os.path.join(run_dir, "summary.json")) as f:
                    adaptive_k.setdefault(world, {})[seed] = json.load(f)["adaptive"]["k"]
    return runs, keys, adaptive_k, collapsed


def check_against_hsgd_report(folder, runs):
    """hybrid - async per cell of `folder`'s tables.csv must match the runs' own."""
    by_cell = {}
    for request_path in glob.glob(os.path.join(folder, "runs", "*", "hybrid-seed*", "request.toml")):
        with open(request_path, "rb") as f:
            request = tomllib.load(f)
        by_cell[os.path.basename(os.path.dirname(os.path.dirname(request_path)))] = request
    checked = 0
    with open(os.path.join(folder, "tables.csv"), newline="") as f:
        for row in csv.DictReader(f):
            if (row["comparison"], row["metric"], row["over"]) != ("hybrid-async", "test_accuracy", "run"):
                continue
            request = by_cell[row["cell"]]
            world = world_of(request)[1]
            mine = paired(runs[world][method_of(request)], runs[world]["async"])
            for key, column in (("mean", "mean"), ("low", "ci95_low"), ("high", "ci95_high"), ("p", "p_value")):
                if abs(mine[key] - float(row[column])) > 1e-3 * max(1.0, abs(mine[key])):
                    sys.exit(f"{folder}/tables.csv: {row['cell']}: hsgd report's {column} {row[column]} != "
                             f"{mine[key]:.6g} here")
            checked += 1
    return checked


# ---- the ranking -------------------------------------------------------------

def rank_world(methods, collapsed):
    """Rows sorted by mean accuracy, each paired with the best; Holm over the world's comparisons."""
    stats = {m: summarize(list(seeds.values())) for m, seeds in methods.items()}
    # Ties (adaptive is async to the bit where K stays 1) rank the simpler method first.
    order = sorted(methods, key=lambda m: (-stats[m]["mean"], m == "hybrid, adaptive", m))
    best = order[0]
    diffs = {m: paired(methods[m], methods[best]) for m in order[1:]}
    adjusted = dict(zip(order[1:], holm([diffs[m]["p"] for m in order[1:]])))
    rows = []
    for rank, m in enumerate(order, 1):
        d = diffs.get(m)
        identical = d is not None and d["mean"] == 0 and d["low"] == 0 and d["high"] == 0
        if d is None:
            verdict = "best"
        elif identical:
            verdict = "identical runs"
        elif adjusted[m] < ALPHA:
            verdict = "worse (Holm)"
        else:
            verdict = "not separable"
        rows.append({"rank": rank, "method": m, **stats[m], "vs_best": d, "holm_p": adjusted.get(m, math.nan),
                     "verdict": verdict, "collapsed": len(collapsed.get(m, [])),
                     "vs_async": paired(methods[m], methods["async"]) if m != "async" and "async" in methods else None})
    return rows, best


def fmt_diff(d):
    if d is None:
        return "—"
    return f"{fmt(d['mean'], True)} [{fmt(d['low'], True)}, {fmt(d['high'], True)}]"


def pick(rows):
    """What a user should pick in a world: the best by mean; every method the
    Holm-corrected tests do not separate from it; and the recommendation: the
    best method with nothing to tune per world (KNOB_FREE) among those, or the
    best itself where no such method ties it."""
    tied = [r["method"] for r in rows[1:] if r["verdict"] in ("identical runs", "not separable")]
    candidates = [rows[0]["method"]] + tied
    knob_free = [m for m in candidates if m in KNOB_FREE]
    return rows[0]["method"], tied, (knob_free[0] if knob_free else rows[0]["method"])


def family(rows, prefix):
    return [r for r in rows if r["method"].startswith(prefix)]


def adaptive_against_steps(methods):
    """adaptive − each of the paper's step schedules, paired by seed, Holm over those comparisons."""
    steps = sorted(m for m in methods if m.startswith("hybrid, step"))
    if "hybrid, adaptive" not in methods or not steps:
        return []
    diffs = [paired(methods["hybrid, adaptive"], methods[m]) for m in steps]
    adjusted = holm([d["p"] for d in diffs])
    return [(m.replace("hybrid, ", ""), d, a) for m, d, a in zip(steps, diffs, adjusted)]


def summary_lines(world, rows, adaptive_k):
    """The plain findings of one world: where adaptive and the hybrid schedules stand."""
    by = {r["method"]: r for r in rows}
    best = rows[0]
    out = []
    if "hybrid, adaptive" in by:
        r = by["hybrid, adaptive"]
        ks = adaptive_k.get(world, {})
        k_text = (f" (final K by seed: {', '.join(str(ks[s]) for s in sorted(ks))})" if ks else "")
        if r is best:
            out.append(f"adaptive is the best method{k_text}.")
        else:
            out.append(f"adaptive ranks {r['rank']} of {len(rows)}{k_text}: {fmt_diff(r['vs_best'])} points against "
                       f"{best['method']}, Holm p {fmt_p(r['holm_p'])}: "
                       + {"identical runs": "identical runs.", "not separable": "not separable from the best.",
                          "worse (Holm)": "**significantly worse** than the best."}[r["verdict"]])
    steps = family(rows, "hybrid, step")
    if steps:
        s = min(steps, key=lambda r: r["rank"])
        if s is best:
            out.append(f"The paper's {s['method'].replace('hybrid, ', '')} is the best method.")
        else:
            out.append(f"The paper's best step schedule ({s['method'].replace('hybrid, ', '')}) ranks {s['rank']}: "
                       f"{fmt_diff(s['vs_best'])}, Holm p {fmt_p(s['holm_p'])}"
                       + (" (**significantly worse**)." if s["verdict"] == "worse (Holm)" else "."))
    return out


def search_lines(search):
    if not search:
        return []
    with open(os.path.join(search, "search.json")) as f:
        s = json.load(f)
    lines = [f"Sync-Switch's switch points (`{search}/SEARCH.md`: its offline binary search, {s['probes']} probes on "
             f"seeds {', '.join(map(str, s['search_seeds']))}, target sync's final accuracy):", ""]
    for w in s["worlds"]:
        lines.append(f"- {w['world']}: sync until {w['switch_s']:g} s (f = {w['chosen_f']:g} of the training "
                     f"window; target {w['target_sync_final_accuracy']:.2f}).")
    return lines + [""]


def write_outputs(out, tables, sources, search, adaptive_k, against_steps):
    os.makedirs(os.path.join(out, "figures"), exist_ok=True)
    with open(os.path.join(out, "ranking.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["data", "world", "rank", "method", "n", "mean", "ci95_low", "ci95_high",
                    "minus_best", "minus_best_low", "minus_best_high", "minus_best_p", "minus_best_p_holm", "verdict", "collapsed_seeds"])
        for (data, world), (rows, _) in tables.items():
            for r in rows:
                d = r["vs_best"]
                diffs = ["", "", "", "", ""] if d is None else \
                    [f"{d[k]:.6g}" for k in ("mean", "low", "high", "p")] + [f"{r['holm_p']:.6g}"]
                w.writerow([data, world, r["rank"], r["method"], r["n"], f"{r['mean']:.6g}", f"{r['low']:.6g}",
                            f"{r['high']:.6g}", *diffs, r["verdict"], r["collapsed"]])
    md = ["# Every switching policy in one ranking (issue 28, item 4)", "",
          "Generated by `scripts/ranking.py` from the runs' `metrics.csv`: run-average test accuracy, points; mean "
          "and 95% CI over 5 seeds; every method's difference to the world's best paired by seed (two-sided t), "
          f"and its p-value **Holm-corrected within the world** over the comparisons with the best (α = {ALPHA}). "
          "*not separable*: the corrected test does not separate it from the best; *identical runs*: the same "
          "run to the bit (adaptive keeps K = 1 where the server is free). The paired hybrid − async "
          "differences were checked against `hsgd report`'s `tables.csv`.", "",
          "Methods: async; sync; sync with b = 3 and 12 backup workers (Chen et al. 2016); SSP with s = 3 and 10 "
          "(Ho et al. 2013); hybrid with a constant K = 2, 3, 4, 6, 8 (workers never wait, as adaptive); the "
          "paper's step schedules S = 300 and 500; adaptive K (docs/aggregation.md); **GBA** (`--mode gba`: K = 25 "
          "workers' gradients, the synchronous global batch, from any workers, none waiting; a gradient more than "
          "1 update stale weighted 1 / (1 + staleness − 1): a reading of Su et al. 2022, not the authors' code, "
          "docs/aggregation.md); **Sync-Switch** (Li et al. 2021: sync until T, then async, T by its offline binary "
          "search).", "",
          "Sources (real time of their runs): " + "; ".join(
              f"{data}: {', '.join('`' + f + '`' for f in fs)} ({real_minutes(fs):.1f} min)"
              for data, fs in sources.items()), "", *search_lines(search)]
    md += ["## Which policy to pick, where", "",
           "Per world: the best method by mean; the methods the Holm-corrected paired tests cannot separate from "
           "it; **the pick**: among those, the best method with nothing to tune per world (async, sync, adaptive, "
           "GBA), or the best itself where none of them ties it (a constant K, a step S, a bound or a switch point "
           "has to be found per world, and the best constant K moves between worlds); where adaptive and the "
           "paper's best step schedule stand against the best (Holm); and adaptive − async, the single "
           "comparison the issue asks about (paired t, uncorrected).", "",
           "| world | best | not separable from it (Holm) | pick | adaptive − best [95% CI], Holm p | "
           "best step − best [95% CI], Holm p | adaptive − async [95% CI], p |",
           "|---|---|---|---|---|---|---|"]
    for (data, world), (rows, best) in tables.items():
        chosen, tied, recommended = pick(rows)
        by = {r["method"]: r for r in rows}
        ad = by.get("hybrid, adaptive")
        steps = family(rows, "hybrid, step")
        st = min(steps, key=lambda r: r["rank"]) if steps else None

        def cell(r):
            if r is None:
                return "—"
            if r["vs_best"] is None:
                return "best"
            return f"{fmt_diff(r['vs_best'])}, {fmt_p(r['holm_p'])}"
        va = ad["vs_async"] if ad else None
        md.append(f"| {data}, {world} | {chosen} | {'; '.join(tied) if tied else 'none'} | **{recommended}** | "
                  f"{cell(ad)} | {cell(st)}{' (' + st['method'].replace('hybrid, ', '') + ')' if st else ''} | "
                  f"{fmt_diff(va) + ', ' + fmt_p(va['p']) if va else '—'} |")
    md.append("")
    for (data, world), (rows, best) in tables.items():
        vs_steps = "; ".join(f"adaptive − {m} = {fmt_diff(d)}, Holm p {fmt_p(a)}"
                             for m, d, a in against_steps.get((data, world), []))
        md += [f"## {data}, {world}", "", f"Best: **{best}**. " + " ".join(summary_lines(world, rows, adaptive_k))
               + (f" Against the paper's step schedules (paired, Holm over the two): {vs_steps}." if vs_steps else ""),
               "",
               "| rank | method | n | accuracy [95% CI] | − best [95% CI] | p | Holm p | verdict | collapsed |",
               "|---:|---|---:|---|---|---:|---:|---|---:|"]
        for r in rows:
            d = r["vs_best"]
            md.append(f"| {r['rank']} | {r['method']} | {r['n']} | {fmt(r['mean'])} [{fmt(r['low'])}, "
                      f"{fmt(r['high'])}] | {fmt_diff(d)} | {fmt_p(d['p']) if d else '—'} | "
                      f"{fmt_p(r['holm_p']) if d else '—'} | {r['verdict']} | {r['collapsed']} |")
        md += ["", f"*collapsed*: seeds whose final test accuracy is at most {COLLAPSED_AT:g}% (chance: 11.35% on MNIST, "
               "10% on CIFAR-10): the run never learns (on MNIST the small network's ReLUs die early: "
               "docs/calibration.md, third result)."]
        md.append("")
    for data in sources:
        md += [f"![{data}, ranking](figures/ranking-{data}.png)", ""]
    with open(os.path.join(out, "RANKING.md"), "w") as f:
        f.write("\n".join(md))


def plot(out, data, worlds):
    """One panel per world: each method's mean with its 95% CI, best on top."""
    figures = os.path.join(out, "figures")
    cols = 3
    rows_n = (len(worlds) + cols - 1) // cols
    commands = [f"set multiplot layout {rows_n},{cols}", "set xlabel 'run-average test accuracy (%), 95% CI'",
                "set grid xtics", "set key off", "set offsets 0,0,0.5,0.5", "set ytics font ',8'",
                "set title font ',10'"]
    files = []
    for i, (world, rows) in enumerate(worlds):
        data_file = os.path.join(figures, f"ranking-{data}-{i}.dat")
        files.append(data_file)
        with open(data_file, "w") as f:
            for j, r in enumerate(reversed(rows)):
                f.write(f"{j} {r['mean']:.6g} {r['low']:.6g} {r['high']:.6g} \"{r['method']}\"\n")
        commands += [f"set title '{world}'",
                     f"plot '{data_file}' using 2:1:3:4:ytic(5) with xerrorbars pt 7 lc rgb '#1f77b4'"]
    commands.append("unset multiplot")
    render(figures, f"ranking-{data}", f"1800,{520 * rows_n}", commands)
    for data_file in files:
        os.remove(data_file)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--data", action="append", required=True, help="NAME=FOLDER,FOLDER,...")
    parser.add_argument("--search", help="the Sync-Switch search folder (scripts/sync_switch_search.py)")
    parser.add_argument("--no-figures", action="store_true")
    args = parser.parse_args()
    tables, sources, all_k, against_steps = {}, {}, {}, {}
    for spec in args.data:
        data, _, folders = spec.partition("=")
        folders = [f for f in folders.split(",") if f]
        sources[data] = folders
        runs, keys, adaptive_k, collapsed = read_runs(folders)
        all_k.update(adaptive_k)
        checked = check_against_hsgd_report(folders[0], runs)
        print(f"{data}: {checked} hybrid - async cells agree with hsgd report", file=sys.stderr)
        for world in sorted(runs, key=lambda w: keys[w]):
            tables[(data, world)] = rank_world(runs[world], collapsed.get(world, {}))
            against_steps[(data, world)] = adaptive_against_steps(runs[world])
    write_outputs(args.out, tables, sources, args.search, all_k, against_steps)
    if not args.no_figures:
        for data in sources:
            plot(args.out, data, [(w, rows) for (d, w), (rows, _) in tables.items() if d == data])
    print(f"wrote {args.out}/RANKING.md, ranking.csv" + ("" if args.no_figures else ", figures/"), file=sys.stderr)


if __name__ == "__main__":
    main()
