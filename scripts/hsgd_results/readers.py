"""Readers of a results folder's files (experiment/results_folder.h, the report's CSV files)."""
import csv
import json
import math
import os
import tomllib

METRICS = ("test_accuracy", "test_loss", "train_loss")


def _rows(results, name):
    path = os.path.join(results, name)
    if not os.path.isfile(path):
        raise SystemExit(f"{path}: missing; `hsgd report {results}` writes it")
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def read_runs(results):
    """runs.csv: one dict per run: cell, mode, seed (int), diverged (bool), and
    run_<metric> / final_<metric> (float) for test_accuracy (points), test_loss, train_loss."""
    runs = []
    for row in _rows(results, "runs.csv"):
        run = {"cell": row["cell"], "mode": row["mode"], "seed": int(row["seed"]), "diverged": row["diverged"] == "1"}
        for over in ("run", "final"):
            for metric in METRICS:
                run[f"{over}_{metric}"] = float(row[f"{over}_{metric}"])
        runs.append(run)
    return runs


def read_modes(results):
    """modes.csv: per table, cell, mode, metric and over (run, final): n, mean, stddev and 95% CI over the seeds."""
    return _rows(results, "modes.csv")


def read_tables(results):
    """tables.csv: per table, cell, comparison (hybrid - async, ...), metric and over: the paired statistics."""
    return _rows(results, "tables.csv")


def p_value(row):
    """A tables.csv row's paired p-value as a float (NaN where the report wrote none)."""
    return float(row["p_value"]) if row["p_value"] not in ("", "nan") else math.nan


def read_suite(results):
    """suite.toml as run, and its [options]."""
    with open(os.path.join(results, "suite.toml"), "rb") as f:
        suite = tomllib.load(f)
    return suite, suite.get("options", {})


def real_minutes(folders):
    """Minutes of real time the suites in `folders` took (their experiment.json)."""
    total = 0.0
    for folder in folders:
        with open(os.path.join(folder, "experiment.json")) as f:
            total += json.load(f)["real_seconds_total"]
    return total / 60
