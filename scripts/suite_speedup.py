#!/usr/bin/env python3
"""suite_speedup.py: real time of a suite's runs on two back ends, run for run.

  python3 scripts/suite_speedup.py BASELINE_DIR NEW_DIR [OLD_PLAN_RUNS_PER_SEED] [--json OUT.json]

Both folders are `hsgd experiment` results of the same suite (BASELINE e.g. with
--seeds 1 --set backend=torch). For every run folder present in both, it reads
summary.json's simulator.real_seconds (the run's real time, without process
start-up) and prints each run's time on both, the sum over the common runs and
their ratio. With OLD_PLAN_RUNS_PER_SEED (the runs per seed before sync and
async runs were shared, e.g. 12 for a 4-cell grid), it also estimates the old
plan's total per seed from the baseline's mean time per mode. It always prints
both suites' whole real time (experiment.json: real_seconds_total, with every
run, shared or not, and the runs at a time), and with --json writes all of it
to OUT.json.
"""
import json
import os
import sys
from collections import defaultdict


def run_times(root):
    out = {}
    runs = os.path.join(root, "runs")
    for cell in sorted(os.listdir(runs)):
        for run in sorted(os.listdir(os.path.join(runs, cell))):
            path = os.path.join(runs, cell, run, "summary.json")
            if os.path.isfile(path):
                with open(path) as f:
                    out[f"{cell}/{run}"] = json.load(f)["simulator"]["real_seconds"]
    return out


def suite_total(root):
    with open(os.path.join(root, "experiment.json")) as f:
        j = json.load(f)
    return j["real_seconds_total"], j["runs"]


def main(base_dir, new_dir, old_plan_per_seed=None, json_out=None):
    base, new = run_times(base_dir), run_times(new_dir)
    common = sorted(set(base) & set(new))
    for run in common:
        print(f"{run:60s} {base[run]:8.1f} s {new[run]:8.1f} s  {base[run] / new[run]:5.2f}x")
    tb, tn = sum(base[r] for r in common), sum(new[r] for r in common)
    print(f"{len(common)} runs in both: {tb:.1f} s vs {tn:.1f} s: {tb / tn:.2f}x")
    (wb, nb), (wn, nn) = suite_total(base_dir), suite_total(new_dir)
    print(f"whole suites: {wb:.1f} s ({nb} runs) vs {wn:.1f} s ({nn} runs): the new one takes {wn / wb:.3f} of the time")
    if json_out:
        with open(json_out, "w") as f:
            json.dump({"baseline": {"dir": base_dir, "real_seconds_total": wb, "runs": nb, "run_seconds": base},
                       "new": {"dir": new_dir, "real_seconds_total": wn, "runs": nn, "run_seconds": new},
                       "common_runs": len(common), "common_seconds": [tb, tn], "new_over_baseline": wn / wb},
                      f, indent=1)
    if old_plan_per_seed:
        by_mode = defaultdict(list)
        for r in common:
            by_mode[r.rsplit("/", 1)[1].split("-")[0]].append(base[r])
        hybrid = sum(by_mode["hybrid"]) / len(by_mode["hybrid"])
        cells = len(by_mode["hybrid"])
        rest = sum(by_mode["sync"]) / len(by_mode["sync"]) + sum(by_mode["async"]) / len(by_mode["async"])
        old = cells * (hybrid + rest)
        print(f"old plan ({old_plan_per_seed} runs per seed, {cells} cells): about {old:.1f} s per seed on the baseline")


if __name__ == "__main__":
    args = sys.argv[1:]
    json_out = None
    if "--json" in args:
        i = args.index("--json")
        if i + 1 >= len(args):
            sys.exit(__doc__)
        json_out = args[i + 1]
        del args[i:i + 2]
    if len(args) not in (2, 3):
        sys.exit(__doc__)
    main(args[0], args[1], int(args[2]) if len(args) == 3 else None, json_out)
