#!/usr/bin/python3
"""realtime_vs_sim.py: settings run by `hsgd compare` in real time and in the
simulator, side by side (issue 28 item 1: does the simulator's hybrid -
async hold in real time?).

  /usr/bin/python3 scripts/realtime_vs_sim.py [--out OUT.md] REAL SIM [REAL SIM ...]

Each pair is one setting: a real-time comparison and its simulated twin. The
async load of a pair, N (U + G) / (C + mean delay + 2 latency), is computed
from the twin's config.toml (hsgd_results.load).

From each folder's compare.csv (one row per run: mode, seed, run-averaged test
accuracy, gradients, updates, training seconds): per mode the run-averaged
test accuracy and the gradients and updates per second of training (mean and
95% CI over seeds); per runtime hybrid - async paired by seed (mean, 95% CI,
p); and real - sim of hybrid - async with Welch's 95% CI (the runtimes are
independent samples). "Agree" means that interval includes 0. Every number
is computed here from those files (hsgd_results.stats: the report's Student's t).
"""
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tomllib

from hsgd_results import stats  # noqa: E402
from hsgd_results.load import run_load  # noqa: E402


def runs(folder):
    with open(os.path.join(folder, "compare.csv")) as f:
        return [r for r in csv.DictReader(f) if r["status"] == "finished"]


def per_mode(rows, mode, value):
    return {int(r["seed"]): value(r) for r in rows if r["mode"] == mode}


def ci(s, digits=2, signed=True):
    f = f"{{:{'+' if signed else ''}.{digits}f}}"
    return f"{f.format(s['mean'])} [{f.format(s['low'])}, {f.format(s['high'])}]"


def hybrid_minus_async(rows):
    acc = lambda r: 100 * float(r["mean_test_accuracy"])
    h, a = per_mode(rows, "hybrid", acc), per_mode(rows, "async", acc)
    seeds = sorted(set(h) & set(a))
    return [h[s] - a[s] for s in seeds]


def load_of(folder):
    with open(os.path.join(folder, "config.toml"), "rb") as f:
        return run_load(tomllib.load(f))


def table(real_folder, sim_folder):
    """The pair's section, and its row of the summary."""
    lines = [f"| runtime | mode | seeds | test accuracy, run average (%) | gradients/s | updates/s |",
             "|---|---|---:|---|---|---|"]
    diffs = {}
    for name, folder in (("real time", real_folder), ("simulator", sim_folder)):
        rows = runs(folder)
        for mode in ("async", "hybrid"):
            mine = [r for r in rows if r["mode"] == mode]
            acc = stats.summarize([100 * float(r["mean_test_accuracy"]) for r in mine])
            grads = stats.summarize([float(r["gradients"]) / float(r["train_seconds"]) for r in mine])
            ups = stats.summarize([float(r["updates"]) / float(r["train_seconds"]) for r in mine])
            lines.append(f"| {name} | {mode} | {acc['n']} | {ci(acc, signed=False)} | {ci(grads, 1, False)} | "
                         f"{ci(ups, 1, False)} |")
        diffs[name] = hybrid_minus_async(rows)
    lines += ["", "| runtime | hybrid - async (points) [95% CI] | p |", "|---|---|---:|"]
    for name, d in diffs.items():
        s = stats.summarize(d)
        lines.append(f"| {name} | {ci(s)} | {s['p']:.3f} |")
    lines += ["", "Per seed, run-average test accuracy (%), async / hybrid:", "",
              "| seed | real time | simulator |", "|---:|---|---|"]
    acc = lambda r: 100 * float(r["mean_test_accuracy"])
    by = {name: {m: per_mode(runs(f), m, acc) for m in ("async", "hybrid")}
          for name, f in (("real time", real_folder), ("simulator", sim_folder))}
    for seed in sorted(by["real time"]["async"]):
        cells = [f"{by[n]['async'].get(seed, float('nan')):.2f} / {by[n]['hybrid'].get(seed, float('nan')):.2f}"
                 for n in ("real time", "simulator")]
        lines.append(f"| {seed} | {cells[0]} | {cells[1]} |")
    w = stats.welch(diffs["real time"], diffs["simulator"])
    agree = w["low"] <= 0 <= w["high"]
    lines += ["", f"real - sim of hybrid - async: {ci(w)} points (Welch, df {w['df']:.1f}, p = {w['p']:.3f}): "
                  f"{'they agree (the interval includes 0)' if agree else 'they disagree (the interval excludes 0)'}"]
    load = load_of(sim_folder)
    real, sim = stats.summarize(diffs["real time"]), stats.summarize(diffs["simulator"])
    row = {"name": os.path.basename(os.path.normpath(real_folder)), "load": load, "real": real, "sim": sim, "w": w,
           "agree": agree}
    head = f"## {real_folder} against {sim_folder} (async load {load:.2f})"
    return head + "\n\n" + "\n".join(lines) + "\n", row


def report(pairs):
    """The summary (real-time p-values Holm-corrected over the real-time points), then each pair's section."""
    sections, rows = zip(*(table(real, sim) for real, sim in pairs))
    adjusted = stats.holm([r["real"]["p"] for r in rows])
    summary = ["| real-time folder | async load | real: hybrid - async | real: Holm p | sim: hybrid - async | "
               "real - sim (Welch) | agree |", "|---|---:|---|---:|---|---|---|"]
    summary += [f"| {r['name']} | {r['load']:.2f} | {ci(r['real'])} | {p:.3f} | {ci(r['sim'])} | {ci(r['w'])} | "
                f"{'yes' if r['agree'] else 'no'} |" for r, p in zip(rows, adjusted)]
    summary += ["", f"Holm p: the real-time hybrid - async tests corrected over these {len(rows)} points. "
                f"They agree with the simulator at {sum(r['agree'] for r in rows)} of {len(rows)} points "
                "(Welch's interval of real - sim includes 0; not corrected, which would only widen it)."]
    return "\n".join(summary) + "\n\n" + "\n".join(sections)


def main(argv):
    out = None
    if argv[:1] == ["--out"]:
        if len(argv) < 2:
            sys.exit(__doc__)
        out, argv = argv[1], argv[2:]
    if not argv or len(argv) % 2:
        sys.exit(__doc__)
    text = report(list(zip(argv[0::2], argv[1::2])))
    sys.stdout.write(text)
    if out:
        with open(out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main(sys.argv[1:])
