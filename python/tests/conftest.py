"""pytest setup for python/tests: the hsgd package from the build (ctest sets
PYTHONPATH; by hand: PYTHONPATH=build/python /usr/bin/python3 -m pytest
python/tests), a private cache, and the program for side-by-side runs."""
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HSGD_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def hsgd_bin():
    path = Path(os.environ.get("HSGD_BIN", ROOT / "build" / "hsgd"))
    if not path.exists():
        pytest.skip(f"{path} is not built")
    return path


# A small, fast configuration: the paper's synthetic data with an MLP in the simulator.
SMALL = dict(runtime="sim", data="synthetic:features=20,classes=4,samples=3000,seed=2", model="mlp:32",
             workers=6, batch_size=32, lr=0.05, gradients=600, eval_every=0.5, sim_compute_ms=10)
