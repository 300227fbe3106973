"""Shared by the examples: the MNIST files of the project's data/ folder
(scripts/setup.sh fetches them) as numpy arrays, and a --quick flag that the
test suite gives each example (a few seconds of training)."""
import argparse
import os
from pathlib import Path

import numpy as np

DATA_ROOT = Path(os.environ.get("HSGD_DATA_ROOT", Path(__file__).resolve().parents[1] / "data"))


def read_idx(path):
    raw = Path(path).read_bytes()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims).copy()  # writable, for torch


def mnist(limit_train=None, limit_test=None):
    """(x_train, y_train, x_test, y_test): uint8 images (N, 28, 28) and labels."""
    d = DATA_ROOT / "mnist"
    x = read_idx(d / "train-images-idx3-ubyte")[:limit_train]
    y = read_idx(d / "train-labels-idx1-ubyte")[:limit_train]
    xt = read_idx(d / "t10k-images-idx3-ubyte")[:limit_test]
    yt = read_idx(d / "t10k-labels-idx1-ubyte")[:limit_test]
    return x, y, xt, yt


def arguments(description, **defaults):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="a few seconds of training (the test suite's budget)")
    parser.add_argument("--out", default=None, help="results folder (default runs/<command>-<time>)")
    for name, value in defaults.items():
        parser.add_argument("--" + name.replace("_", "-"), type=type(value), default=value)
    return parser.parse_args()
