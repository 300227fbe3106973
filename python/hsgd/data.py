"""Your data as arrays: `data=(x_train, y_train, x_test, y_test)` (numpy
arrays or torch tensors) becomes a data set hsgd reads through its own
readers, with every check they make (docs/data.md).

    images (N, H, W) or (N, C, H, W)   uint8 (IDX bytes, kept as uint8), or
                                        finite floats (a torchvision
                                        ToTensor() set): float32 IDX files,
                                        kept as float32, standardised per
                                        channel when hsgd loads them
    tables (N, F)                      any finite numbers: a CSV file of their
                                        float32 values written with 9
                                        significant digits (%.9g, which reads
                                        back as the same float32), standardised
                                        by hsgd as CSV tables are
    labels (N,)                        whole numbers in [0, 255]; the class
                                        count is the largest + 1 unless
                                        `classes` says it

Floats are rounded to float32 once, by numpy, and nothing is quantised:
`batch(spec, indices)` shows the floats the model sees (docs/data.md).

The files go to the cache (hsgd._files: $HSGD_CACHE or ~/.cache/hsgd), named
by their contents, so the run's config.toml repeats it from the command line.
"""
import struct

import numpy as np

from . import _files
from ._native import native

# Part of every cached file's name: files written by the 8-bit era (floats
# quantised) are never taken for today's, which keep float32.
_FORMAT = b"float32-v2"


def _numpy(a, name):
    if hasattr(a, "detach") and hasattr(a, "cpu"):  # a torch tensor
        a = a.detach().cpu().numpy()
    if not isinstance(a, np.ndarray):
        try:
            a = np.asarray(a)
        except Exception as e:
            raise ValueError(f"data: {name} is a {type(a).__name__}, not an array: {e}") from None
    if a.dtype.kind not in "uif" and a.dtype != np.bool_:
        raise ValueError(f"data: {name} has dtype {a.dtype}; expected numbers")
    return a


def _labels(y, n, name):
    y = _numpy(y, name)
    if y.ndim != 1:
        raise ValueError(f"data: {name} has shape {y.shape}; labels are one per sample, shape ({n},)")
    if y.shape[0] != n:
        raise ValueError(f"data: {name} has {y.shape[0]} labels for {n} samples")
    if y.dtype.kind == "f":
        bad = np.flatnonzero(~np.isfinite(y) | (y != np.round(y)))
        if bad.size:
            raise ValueError(f"data: {name}[{bad[0]}] = {y[bad[0]]!r} is not a whole number")
    bad = np.flatnonzero((y < 0) | (y > 255))
    if bad.size:
        raise ValueError(f"data: {name}[{bad[0]}] = {y[bad[0]]!r} is out of range [0, 255] (a label is one byte)")
    return y.astype(np.uint8)


def _float32(x, name):
    """x as float32 (numpy's rounding, once), refusing NaN, infinite values and ones beyond a float32."""
    with np.errstate(over="ignore"):
        f = np.ascontiguousarray(x, dtype=np.float32)
    bad = np.flatnonzero(~np.isfinite(f.reshape(-1)))
    if bad.size:
        v = x.reshape(-1)[bad[0]]
        raise ValueError(f"data: {name} holds NaN or infinite values, or ones beyond a float32's +-3.4e38: "
                         f"{v!r} at flat index {bad[0]}")
    return f


def _images(x, name):
    if x.dtype == np.uint8:
        return x
    if x.dtype.kind == "f":
        return _float32(x, name)
    bad = np.flatnonzero((x.reshape(-1) < 0) | (x.reshape(-1) > 255))
    if bad.size:
        raise ValueError(f"data: {name} value {x.reshape(-1)[bad[0]]!r} at flat index {bad[0]} is not a pixel in [0, 255]")
    return x.astype(np.uint8)


def _idx_bytes(a):
    """IDX bytes: unsigned bytes (type 0x08), or big-endian float32 (0x0D) for float arrays."""
    if a.dtype == np.float32:
        a, kind = np.ascontiguousarray(a, dtype=">f4"), 0x0D
    else:
        a, kind = np.ascontiguousarray(a, dtype=np.uint8), 0x08
    header = struct.pack(">BBBB", 0, 0, kind, a.ndim) + struct.pack(f">{a.ndim}I", *a.shape)
    return header, a


def _write_idx(path, a):
    header, body = _idx_bytes(a)

    def write(f):
        f.write(header)
        f.write(memoryview(body).cast("B"))

    return _files.write_once(path, write)


def _write_csv(path, x, y):
    """x (float32) with 9 significant digits: each reads back as the same float32."""
    def write(f):
        cols = x.shape[1]
        f.write((",".join(f"f{i}" for i in range(cols)) + ",label\n").encode())
        rows = np.column_stack([x.astype(np.float64), y.astype(np.float64)])  # float32 -> float64 is exact
        fmt = ",".join(["%.9g"] * cols + ["%d"])
        np.savetxt(f, rows, fmt=fmt, delimiter=",")

    return _files.write_once(path, write)


def arrays(x_train, y_train, x_test, y_test, classes=None):
    """The --data spec of four arrays, written to the cache (see the module's text)."""
    x_train, x_test = _numpy(x_train, "x_train"), _numpy(x_test, "x_test")
    y_train = _labels(y_train, x_train.shape[0] if x_train.ndim else 0, "y_train")
    y_test = _labels(y_test, x_test.shape[0] if x_test.ndim else 0, "y_test")
    if x_train.ndim != x_test.ndim or x_train.shape[1:] != x_test.shape[1:]:
        raise ValueError(f"data: x_train has samples of shape {x_train.shape[1:]}, x_test of {x_test.shape[1:]}")
    if x_train.shape[0] == 0 or x_test.shape[0] == 0:
        raise ValueError("data: x_train and x_test must hold at least one sample each")
    if classes is not None and not (isinstance(classes, int) and 2 <= classes <= 256):
        raise ValueError(f"data: classes = {classes!r}; expected a whole number in [2, 256]")
    suffix = f",classes={classes}" if classes is not None else ""
    if x_train.ndim == 2:  # a table
        x_train, x_test = _float32(x_train, "x_train"), _float32(x_test, "x_test")
        key = _files.digest(_FORMAT, x_train.tobytes(), y_train.tobytes(), x_test.tobytes(), y_test.tobytes(),
                            x_train.shape)
        folder = _files.cache_dir() / "data" / f"table-{key}"
        train = _write_csv(folder / "train.csv", x_train, y_train)
        test = _write_csv(folder / "test.csv", x_test, y_test)
        return f"csv:{train},{test},label=label{suffix}"
    if x_train.ndim not in (3, 4):
        raise ValueError(f"data: x_train has shape {x_train.shape}; expected images (N, H, W) or (N, C, H, W), "
                         "or a table (N, F)")
    xs = [_images(x_train, "x_train"), _images(x_test, "x_test")]
    key = _files.digest(_FORMAT, *(a.tobytes() for a in xs), y_train.tobytes(), y_test.tobytes(), x_train.shape,
                        x_test.shape, xs[0].dtype.str)
    folder = _files.cache_dir() / "data" / f"images-{key}"
    paths = [_write_idx(folder / "train-images-idx3-ubyte", xs[0]), _write_idx(folder / "train-labels-idx1-ubyte", y_train),
             _write_idx(folder / "t10k-images-idx3-ubyte", xs[1]), _write_idx(folder / "t10k-labels-idx1-ubyte", y_test)]
    return "idx:" + ",".join(str(p) for p in paths) + suffix


def batch(data, indices, split="train", data_root=None):
    """The floats the model sees for the samples at `indices` of the train
    (or test) set of `data` (a spec or arrays, as data= takes): an array
    (len(indices), C, H, W) of float32, and their labels. The same readers,
    standardisation and batch code as training (docs/data.md)."""
    if split not in ("train", "test"):
        raise ValueError(f"batch: split = {split!r}; expected 'train' or 'test'")
    return native.data_batch(spec_of(data), data_root or "", split, [int(i) for i in indices])


def spec_of(data):
    """A --data spec from what data= was given: a spec string, or arrays."""
    if data is None or isinstance(data, str):
        return data
    if hasattr(data, "__fspath__"):
        return "idx:" + data.__fspath__()
    if isinstance(data, dict):
        return arrays(**data)
    if isinstance(data, (tuple, list)) and len(data) in (4, 5):
        return arrays(*data)
    raise ValueError("data: expected a spec string ('mnist', 'csv:train.csv,test.csv', ...), "
                     "(x_train, y_train, x_test, y_test[, classes]) or a dict of them")
