#!/usr/bin/env python3
"""sync_switch_search.py: Sync-Switch's switch point (Li et al., ICDCS 2021,
arXiv 2104.08364), found as its offline policy finds it, for every world of a
ranking suite; then writes the suite that runs Sync-Switch there.

Sync-Switch trains with BSP (sync) first and switches once to ASP (async). For
a recurring job its offline policy binary-searches the share of training done
in BSP: the smallest share whose converged accuracy still reaches BSP's own.
Here, in hsgd's simulator:

  - Sync-Switch is hybrid with --wait applied and --schedule
    list:seconds,0=N,T=1: K = N (every worker, each waiting for its update:
    sync) until second T, then K = 1 (async);
  - the share f is of the training window [t0, end], t0 = --sim-start-s (the
    fitted profiles' workers start at 15 s), T = t0 + f (end - t0);
  - the target is sync's final test accuracy (the last evaluation of the run),
    the mean over the search seeds; f meets it when Sync-Switch's final test
    accuracy, the mean over the same seeds, is at least the target;
  - the search starts at f = 1/2 and halves the interval PROBES times (meets:
    try less BSP; misses: more), so f is found to 1/2^PROBES; the answer is the
    smallest f that met the target (f = 1, sync itself, if none did);
  - the search seeds (101, 102: a previous run of the recurring job) are not the
    ranking's seeds (1-5), so the ranking tests the chosen T on fresh seeds.

  scripts/sync_switch_search.py --suite suites/ranking-mnist.toml \\
      --out results/ranking-mnist-syncswitch-search --write-suite suites/ranking-mnist-syncswitch.toml

Writes OUT/search.json and OUT/SEARCH.md (every probe, its runs' final
accuracies), OUT/runs/<world>/<probe>/seed<k>/ (each run's metrics.csv,
summary.json, config.toml), and the suite. Resumable: a finished run is not
run again. With --report-only it runs nothing and writes search.json and
SEARCH.md from the runs (into --report-out: the research scripts test does that).
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hsgd_results.accuracy import final_accuracy  # noqa: E402

SEARCH_SEEDS = (101, 102)
PROBES = 4


def slug(text):
    return re.sub(r"[^A-Za-z0-9.=+-]+", "-", text).strip("-").lower()


def flags(options):
    out = []
    for name, value in options.items():
        if isinstance(value, bool):
            if value:
                out.append(f"--{name}")
            continue
        out += [f"--{name}", str(value)]
    return out


PROFILE_START_S = {"paper-ray-mnist": 15.0, "paper-ray-cifar10": 0.0}  # src/hsgd/sim/profiles.cc


def profile_start(options):
    """Where training starts: --sim-start-s, or the profile's (paper-ray-mnist: 15 s; paper-ray-cifar10: 0)."""
    if "sim-start-s" in options:
        return float(options["sim-start-s"])
    return PROFILE_START_S.get(str(options.get("sim-profile", "")), 0.0)


class Search:
    def __init__(self, hsgd, out, jobs, report_only):
        self.hsgd, self.out, self.jobs, self.report_only = hsgd, out, jobs, report_only

    def run_all(self, runs):
        """runs: [(run_dir, options)]; runs what is missing, 'jobs' at a time."""
        todo = [(d, o) for d, o in runs if not os.path.exists(os.path.join(d, "config.toml"))]
        if todo and self.report_only:
            sys.exit(f"--report-only: {len(todo)} runs missing, e.g. {todo[0][0]}")

        def one(item):
            run_dir, options = item
            os.makedirs(os.path.dirname(run_dir), exist_ok=True)
            cmd = [self.hsgd, "train", *flags(options), "--threads", "1", "--out", run_dir, "--overwrite"]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode not in (0, 5):  # 5: diverged, kept as a result (its last evaluation counts)
                sys.exit(f"{' '.join(cmd)}\nfailed ({r.returncode}):\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
            return run_dir

        with concurrent.futures.ThreadPoolExecutor(max_workers=self.jobs) as pool:
            for run_dir in pool.map(one, todo):
                print(f"  done {run_dir}", file=sys.stderr)

    def world(self, name, options):
        workers = int(options["workers"])
        t0, end = profile_start(options), float(options["seconds"])
        base = os.path.join(self.out, "runs", slug(name))
        sync_runs = [(os.path.join(base, "sync", f"seed{s}"), {**options, "mode": "sync", "seed": s})
                     for s in SEARCH_SEEDS]
        self.run_all(sync_runs)
        sync_acc = {s: final_accuracy(d) for (d, _), s in zip(sync_runs, SEARCH_SEEDS)}
        target = sum(sync_acc.values()) / len(sync_acc)
        lo, hi, probes = 0.0, 1.0, []
        for _ in range(PROBES):
            f = (lo + hi) / 2
            t = round(t0 + f * (end - t0), 6)
            schedule = f"list:seconds,0={workers},{t:g}=1"
            runs = [(os.path.join(base, f"f={f:g}", f"seed{s}"),
                     {**options, "mode": "hybrid", "wait": "applied", "schedule": schedule, "seed": s})
                    for s in SEARCH_SEEDS]
            self.run_all(runs)
            acc = {s: final_accuracy(d) for (d, _), s in zip(runs, SEARCH_SEEDS)}
            mean = sum(acc.values()) / len(acc)
            meets = mean >= target
            probes.append({"f": f, "switch_s": t, "schedule": schedule, "final_accuracy": acc, "mean": mean,
                           "meets_target": meets})
            lo, hi = (lo, f) if meets else (f, hi)
        chosen = hi
        t = round(t0 + chosen * (end - t0), 6)
        return {"world": name, "training_window_s": [t0, end], "target_sync_final_accuracy": target,
                "sync_final_accuracy": sync_acc, "probes": probes, "chosen_f": chosen, "switch_s": t,
                "schedule": f"list:seconds,0={workers},{t:g}=1"}


def write_report(out, results, suite_path):
    with open(os.path.join(out, "search.json"), "w") as f:
        json.dump({"search_seeds": list(SEARCH_SEEDS), "probes": PROBES, "worlds": results}, f, indent=1)
        f.write("\n")
    md = ["# Sync-Switch's switch point, found by its offline binary search", "",
          f"Generated by `scripts/sync_switch_search.py` from `{suite_path}`. Sync-Switch (Li et al., ICDCS 2021) "
          "is sync (hybrid, K = every worker, `--wait applied`) until second T, then async (K = 1). Its offline "
          "policy searches the share f of training done in sync: the smallest f whose final test accuracy "
          "reaches sync's own. Here: the training window is [t0, 100 s] (t0: when the workers start), "
          f"T = t0 + f (100 − t0); seeds {', '.join(map(str, SEARCH_SEEDS))} (not the ranking's 1-5); "
          f"{PROBES} probes starting at f = 1/2, each halving the interval (meets: less sync; misses: more). "
          "Accuracies are the final evaluation's test accuracy, points, the mean over the search seeds.", ""]
    for w in results:
        md += [f"## {w['world']}", "",
               f"Target (sync's final accuracy): **{w['target_sync_final_accuracy']:.2f}** "
               f"(seeds: {', '.join(f'{v:.2f}' for v in w['sync_final_accuracy'].values())}).", "",
               "| probe | f | switch at (s) | final accuracy, per seed | mean | meets the target |",
               "|---:|---:|---:|---|---:|---|"]
        for i, p in enumerate(w["probes"], 1):
            md.append(f"| {i} | {p['f']:g} | {p['switch_s']:g} | "
                      f"{', '.join(f'{v:.2f}' for v in p['final_accuracy'].values())} | {p['mean']:.2f} | "
                      f"{'yes' if p['meets_target'] else 'no'} |")
        md += ["", f"Chosen: f = {w['chosen_f']:g}, switch at **{w['switch_s']:g} s**: `--schedule {w['schedule']}`.", ""]
    with open(os.path.join(out, "SEARCH.md"), "w") as f:
        f.write("\n".join(md))


def worlds_text(suite):
    """"five MNIST worlds": how many tables, of which data set."""
    n = len(suite["table"])
    count = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"][n] if n < 10 else str(n)
    data = {"mnist": "MNIST", "cifar10": "CIFAR-10"}.get(suite["options"]["data"], suite["options"]["data"])
    return f"{count} {data} world{'s' if n != 1 else ''}"


def write_suite(path, suite, results, source, search_out):
    name = os.path.splitext(os.path.basename(path))[0]
    lines = [f"# {name}: Sync-Switch (Li et al., ICDCS 2021: sync first, then async) in the",
             f"# worlds of {source}, each at the switch point its offline binary search found",
             f"# ({search_out}/SEARCH.md). Written by scripts/sync_switch_search.py:",
             "# do not edit by hand.",
             f'name = "{name}"',
             'description = "Issue 28 item 4: Sync-Switch (sync until T, then async; T by binary search) in '
             f'{worlds_text(suite)}"',
             "seeds = 5", 'modes = ["hybrid"]', 'diverged = "result"', "", "[options]"]
    for name, value in suite["options"].items():
        lines.append(f"{name} = {json.dumps(value)}")
    lines.append('wait = "applied"')
    for table, w in zip(suite["table"], results):
        opts = ", ".join(f"{k} = {json.dumps(v)}" for k, v in table.get("options", {}).items())
        lines += ["", "[[table]]", f"name = {json.dumps(table['name'])}", 'vary = ["schedule"]',
                  f"options = {{ {opts} }}", "[table.grid]", f"schedule = [{json.dumps(w['schedule'])}]"]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", required=True, help="the ranking suite whose tables are the worlds")
    parser.add_argument("--out", required=True)
    parser.add_argument("--write-suite", help="write the Sync-Switch suite here")
    parser.add_argument("--hsgd", default="build/hsgd")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--report-only", action="store_true", help="run nothing: rewrite the report from the runs")
    parser.add_argument("--report-out", help="write search.json and SEARCH.md here (default: --out)")
    args = parser.parse_args()
    with open(args.suite, "rb") as f:
        suite = tomllib.load(f)
    search = Search(args.hsgd, args.out, args.jobs, args.report_only)
    results = []
    for table in suite["table"]:
        options = {**suite["options"], **table.get("options", {})}
        options.pop("schedule", None)
        print(f"{table['name']}:", file=sys.stderr)
        results.append(search.world(table["name"], options))
    os.makedirs(args.report_out or args.out, exist_ok=True)
    write_report(args.report_out or args.out, results, args.suite)
    if args.write_suite:
        write_suite(args.write_suite, suite, results, args.suite, args.out)
    print(f"wrote {args.out}/search.json, SEARCH.md" + (f", {args.write_suite}" if args.write_suite else ""),
          file=sys.stderr)


if __name__ == "__main__":
    main()
