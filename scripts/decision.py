#!/usr/bin/python3
"""decision.py: the decision a user of hybrid SGD needs, from `hsgd compare`
folders (scripts/main.sh runs two: a free server and a saturated one).

  /usr/bin/python3 scripts/decision.py FOLDER [FOLDER ...]

For each folder: the server's load under async, N (U + G) / (C + mean delay
+ 2 latency), from its config.toml (hsgd_results.load), and hybrid - async of
the test accuracy averaged over the run, its 95% CI and paired p-value, from
its compare.json (the C++ statistics), with the reference difference when the
comparison was given one. Every number is read or computed from those files.
"""
import json
import os
import sys
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hsgd_results.load import run_load  # noqa: E402


def world(folder):
    with open(os.path.join(folder, "config.toml"), "rb") as f:
        options = tomllib.load(f)
    with open(os.path.join(folder, "compare.json")) as f:
        stats = json.load(f)["statistics"]
    d = stats["hybrid_minus_async"]["run"]["test_accuracy"]
    return {"folder": folder, "load": run_load(options), "u": options.get("sim-ps-update-ms", 0.0),
            "c": options.get("sim-compute-ms", 50.0), "d": d, "reference": stats.get("reference")}


def reading(d):
    """What the interval says, in words."""
    if d["n"] < 2:
        return "one seed: no interval"
    if d["ci95_low"] > 0:
        return "hybrid better"
    if d["ci95_high"] < 0:
        return "async better"
    return "no significant difference"


def main(folders):
    worlds = [world(f) for f in folders]
    print("\nThe decision: hybrid - async, test accuracy averaged over the run, points, paired by seed")
    print(f"  {'folder':<34} {'U ms':>5} {'C ms':>5} {'async load':>10}  {'hybrid - async [95% CI]':<26} {'p':>6}  reading")
    for w in worlds:
        d = w["d"]
        ci = f"{d['mean']:+.2f} [{d['ci95_low']:+.2f}, {d['ci95_high']:+.2f}]"
        p = "n/a" if d["p_value"] is None else f"{d['p_value']:.3f}"
        print(f"  {w['folder'][-34:]:<34} {w['u']:>5g} {w['c']:>5g} {w['load']:>10.2f}  {ci:<26} {p:>6}  {reading(d)}")
        if w["reference"]:
            r = w["reference"]
            print(f"  {'':<34} the reference difference {r['hybrid_minus_async']:+.3f} (--reference-difference) "
                  f"is {'outside' if r['excluded'] else 'inside'} this interval")
    print("  async load = N (U + G) / (C + mean delay + 2 latency): at 1 async's server is busy all the time\n"
          "  (docs/calibration.md maps hybrid - async over U and C; each folder here is one point of that map)")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
