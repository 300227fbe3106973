"""Arrays given as data= reach the model exactly (docs/data.md, "What is
stored how"): float tables and float images are kept as float32 and
standardised once, in double precision, as documented; the floats the model
sees (hsgd.data.batch: the training code's own batches) equal a reference
computed here, bit for bit. uint8 images stay uint8."""
import numpy as np
import pytest

import hsgd

# Values no 8-bit (or decimal-printing) path would keep: many digits, extremes, subnormals, -0.
HARD = np.array([0.1, -0.0, 1e-45, 3.4028235e38, -3.4028235e38, 16777217.0, 1 / 3, 2.5e-39, 123456.789,
                 6.02214076e23, -1e-7, 7.0], dtype=np.float64)


def sequential_sum(v):
    """Left-to-right double sum, the order hsgd adds in (numpy's sum is pairwise; cumsum is not)."""
    return np.cumsum(v, dtype=np.float64)[-1]


def standardised(train32, test32, axis_groups):
    """The reference of docs/data.md: per group, mean and sd of the train values in double, in storage
    order; each value becomes float32((x - mean) / sd)."""
    out = []
    groups = axis_groups(train32)
    stats = []
    for g in groups:
        vals = g.astype(np.float64)
        mean = sequential_sum(vals) / vals.size
        d = vals - mean
        sd = np.sqrt(sequential_sum(d * d) / vals.size)
        stats.append((mean, sd if sd != 0 else 1.0))
    for x in (train32, test32):
        z = np.empty(x.shape, dtype=np.float32)
        for k, (mean, sd) in enumerate(stats):
            z[(slice(None), k)] = ((x[:, k].astype(np.float64) - mean) / sd).astype(np.float32)
        out.append(z)
    return out


def table(n, seed):
    rng = np.random.default_rng(seed)
    x = np.column_stack([np.resize(HARD, n), rng.normal(size=n) * 1e6, rng.random(n) * 1e-3])
    return x, rng.integers(0, 3, size=n)


def same_bits(a, b):
    return np.array_equal(np.ascontiguousarray(a, np.float32).view(np.uint32),
                          np.ascontiguousarray(b, np.float32).view(np.uint32))


def test_a_float_table_reaches_the_batch_exactly():
    x_train, y_train = table(60, 1)
    x_test, y_test = table(17, 2)
    spec = hsgd.data.arrays(x_train, y_train, x_test, y_test)
    assert spec.startswith("csv:")
    ref_train, ref_test = standardised(x_train.astype(np.float32), x_test.astype(np.float32),
                                       lambda x: [x[:, j] for j in range(x.shape[1])])
    for split, ref, y in (("train", ref_train, y_train), ("test", ref_test, y_test)):
        images, labels = hsgd.data.batch(spec, range(len(y)), split=split)
        assert images.dtype == np.float32 and images.shape == (len(y), 1, 1, 3)
        assert same_bits(images.reshape(len(y), 3), ref), split
        assert np.array_equal(labels, y)


def test_float_images_reach_the_batch_exactly_and_uint8_ones_stay_uint8():
    rng = np.random.default_rng(3)
    x = rng.random((30, 2, 3, 3)).astype(np.float32)  # a ToTensor() set: floats in [0, 1], two channels
    x[0, 0, 0, 0], x[1, 1, 2, 2] = 1e-45, 0.1
    y = rng.integers(0, 2, size=30)
    spec = hsgd.data.arrays(x[:20], y[:20], x[20:], y[20:])
    ref_train, ref_test = standardised(x[:20], x[20:], lambda a: [a[:, c] for c in range(a.shape[1])])
    for split, ref, idx in (("train", ref_train, [3, 0, 19]), ("test", ref_test, [9, 0])):
        images, _ = hsgd.data.batch(spec, idx, split=split)
        assert same_bits(images, ref[idx]), split
    u8 = (x * 255).astype(np.uint8)
    spec8 = hsgd.data.arrays(u8[:20], y[:20], u8[20:], y[20:])
    assert ",classes" not in spec8 and spec8.startswith("idx:")
    images8, _ = hsgd.data.batch(spec8, [0])
    assert images8.shape == (1, 2, 3, 3)


def test_the_cache_is_keyed_by_content_and_written_once(tmp_path):
    x_train, y_train = table(20, 4)
    a = hsgd.data.arrays(x_train, y_train, x_train, y_train)
    b = hsgd.data.arrays(x_train.copy(), y_train, x_train, y_train)
    assert a == b
    x_train[0, 1] = np.nextafter(np.float32(x_train[0, 1]), np.float32(np.inf), dtype=np.float32)
    assert hsgd.data.arrays(x_train, y_train, x_train, y_train) != a  # one float32 ulp makes another file


def test_values_beyond_a_float32_and_bad_indices_are_refused():
    x, y = table(10, 5)
    x[4, 2] = 1e39
    with pytest.raises(ValueError, match=r"x_train holds NaN or infinite values, or ones beyond a float32"):
        hsgd.data.arrays(x, y, x[:3], y[:3])
    x, y = table(10, 5)
    spec = hsgd.data.arrays(x, y, x, y)
    with pytest.raises(ValueError, match="index 10 is beyond the train set's 10 samples"):
        hsgd.data.batch(spec, [10])
