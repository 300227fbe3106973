"""The paper's readings (paper_readings.toml, beside this file)."""
import os
import tomllib

_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "paper_readings.toml")


def readings():
    """{dataset: {batch (int): {mode: [(accuracy, test loss), ...]}}}, one pair per figure."""
    with open(_FILE, "rb") as f:
        data = tomllib.load(f)
    return {dataset: {int(batch): {mode: [tuple(r) for r in pairs] for mode, pairs in modes.items()}
                      for batch, modes in batches.items()}
            for dataset, batches in data.items()}


def targets(dataset):
    """{(batch, mode): (accuracy, test loss)}: the readings of one data set, the two
    figures of one batch size (S = 300 and S = 500: the same sync and async setting) averaged."""
    out = {}
    for batch, modes in readings()[dataset].items():
        for mode, pairs in modes.items():
            out[(batch, mode)] = (sum(r[0] for r in pairs) / len(pairs), sum(r[1] for r in pairs) / len(pairs))
    return out
