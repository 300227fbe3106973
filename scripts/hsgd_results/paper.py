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
