#!/usr/bin/env python3
"""compare_tables.py: does a re-run of a suite reach the same verdicts, cell by cell?

  python3 scripts/compare_tables.py OLD_RESULTS_DIR NEW_RESULTS_DIR [--markdown]

Reads tables.csv of both (written by `hsgd experiment`/`hsgd report`) and, for
every (table, cell, comparison, metric, over) row, checks that the mean has the
same sign, that the two 95% intervals overlap and that the significance verdict
is the same. Prints one line per row (or a Markdown table) and a summary; exit
status 1 if any row has another sign or non-overlapping intervals.
"""
import csv
import sys


def rows(path):
    with open(path, newline="") as f:
        return {(r["table"], r["cell"], r["comparison"], r["metric"], r["over"]): r for r in csv.DictReader(f)}


def sign(x):
    return (x > 0) - (x < 0)


def main(old_dir, new_dir, markdown):
    old, new = rows(old_dir + "/tables.csv"), rows(new_dir + "/tables.csv")
    missing = sorted(set(old) ^ set(new))
    bad = 0
    if markdown:
        print("| cell | comparison | metric | old mean [95% CI] | new mean [95% CI] | same sign | CIs overlap | same verdict |")
        print("|---|---|---|---|---|---|---|---|")
    for key in sorted(set(old) & set(new)):
        o, n = old[key], new[key]
        om, nm = float(o["mean"]), float(n["mean"])
        same_sign = sign(om) == sign(nm)
        overlap = float(o["ci95_low"]) <= float(n["ci95_high"]) and float(n["ci95_low"]) <= float(o["ci95_high"])
        same_verdict = o["significant"] == n["significant"]
        bad += not (same_sign and overlap)
        fmt = lambda r: f"{float(r['mean']):+.4g} [{float(r['ci95_low']):+.4g}, {float(r['ci95_high']):+.4g}]"
        yn = lambda b: "yes" if b else "**no**"
        if markdown:
            print(f"| {o['label'] or key[1]} | {key[2]} | {key[3]} ({key[4]}) | {fmt(o)} | {fmt(n)} | {yn(same_sign)} | {yn(overlap)} | {yn(same_verdict)} |")
        else:
            print(f"{key[1]} {key[2]} {key[3]}/{key[4]}: old {fmt(o)} new {fmt(n)} sign {same_sign} overlap {overlap} verdict {same_verdict}")
    total = len(set(old) & set(new))
    print(f"\n{total} rows compared, {bad} with another sign or disjoint intervals, {len(missing)} rows in only one of them")
    return 1 if bad or missing else 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--markdown"]
    if len(args) != 2:
        sys.exit(__doc__)
    sys.exit(main(args[0], args[1], "--markdown" in sys.argv))
