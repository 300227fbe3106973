"""hsgd.ParameterServer: the core's arithmetic, modes, waits and accounting
from Python, on numpy arrays and tensors without copies."""
import threading

import numpy as np
import pytest

import hsgd


def test_async_applies_every_push_with_sgd():
    params = np.ones(5, dtype=np.float32)
    ps = hsgd.ParameterServer(params, workers=2, mode="async", lr=0.5)
    out = np.empty(5, dtype=np.float32)
    assert ps.pull(out) == 0
    r = ps.push(0, 0, np.full(5, 2.0, dtype=np.float32))
    assert (r.status, r.staleness, r.version) == ("applied", 0, 1)
    assert ps.pull(out) == 1
    np.testing.assert_array_equal(out, np.zeros(5, dtype=np.float32))  # 1 - 0.5 * 2
    r = ps.push(1, 0, np.ones(5, dtype=np.float32))
    assert r.staleness == 1
    assert ps.accounting["balances"] and ps.accounting["received"] == 2
    assert ps.staleness_histogram[:2] == [1, 1]


def test_tensors_are_read_and_written_in_place():
    torch = pytest.importorskip("torch")
    ps = hsgd.ParameterServer(torch.zeros(4), workers=1, mode="async", lr=1.0)
    ps.push(0, 0, torch.ones(4))
    out = torch.empty(4)
    ps.pull(out)
    assert out.tolist() == [-1.0] * 4


def test_hybrid_buffers_k_gradients_and_applies_their_mean():
    ps = hsgd.ParameterServer(np.zeros(2, dtype=np.float32), workers=4, mode="hybrid", schedule="constant:2",
                              lr=1.0)
    assert ps.push(0, 0, np.array([1, 1], dtype=np.float32)).status == "buffered"
    assert ps.push(1, 0, np.array([3, 3], dtype=np.float32)).status == "applied"
    np.testing.assert_array_equal(ps.params(), [-2, -2])
    assert ps.k == 2 and ps.version == 1


def test_sync_waits_for_the_round_and_leave_releases_it():
    ps = hsgd.ParameterServer(np.zeros(3, dtype=np.float32), workers=3, mode="sync", lr=1.0)
    results = []
    threads = [threading.Thread(target=lambda w=w: results.append(ps.push(w, 0, np.ones(3, dtype=np.float32))))
               for w in range(2)]
    for t in threads:
        t.start()
    threads[0].join(0.3)
    assert ps.version == 0 and len(results) < 2  # waiting for worker 2
    ps.leave(2)
    for t in threads:
        t.join(5)
    assert ps.version == 1 and [r.status for r in results] == ["applied", "applied"]  # both waited for it
    assert ps.live_workers == 2


def test_bad_arrays_and_versions_are_refused():
    ps = hsgd.ParameterServer(np.zeros(3, dtype=np.float32), workers=2, mode="async")
    with pytest.raises(ValueError, match="float32"):
        ps.push(0, 0, np.zeros(3))  # float64
    with pytest.raises(ValueError, match="4 values; the server holds 3"):
        ps.push(0, 0, np.zeros(4, dtype=np.float32))
    with pytest.raises(ValueError, match="worker 2 is out of range"):
        ps.push(2, 0, np.zeros(3, dtype=np.float32))
    with pytest.raises(ValueError, match="newer than the server"):
        ps.push(0, 5, np.zeros(3, dtype=np.float32))
    with pytest.raises(ValueError, match="--lr"):
        hsgd.ParameterServer(np.zeros(3, dtype=np.float32), workers=2, lr=-1)
    with pytest.raises(ValueError, match="unknown option"):
        hsgd.ParameterServer(np.zeros(3, dtype=np.float32), workers=2, batch_size=3)
    r = ps.push(0, 0, np.array([np.nan, 0, 0], dtype=np.float32))
    assert (r.status, r.reason) == ("dropped", "non-finite")


def test_a_python_policy_drives_the_objects_k():
    ps = hsgd.ParameterServer(np.zeros(1, dtype=np.float32), workers=3, mode="hybrid", lr=1.0,
                              schedule=lambda s: 1 if s.gradients < 2 else 3)
    g = np.ones(1, dtype=np.float32)
    assert ps.push(0, 0, g).status == "applied"     # gradients = 1: K = 1
    assert ps.push(1, 1, g).status == "buffered"    # gradients = 2: K = 3
    assert ps.push(2, 1, g).status == "buffered"
    assert ps.push(0, 1, g).status == "applied"
    assert ps.k == 3
    ps.close()


def test_many_threads_keep_the_accounting_balanced():
    n = 1000
    ps = hsgd.ParameterServer(np.zeros(n, dtype=np.float32), workers=4, mode="hybrid", schedule="step:S=50", lr=0.01)

    def worker(w):
        buf = np.empty(n, dtype=np.float32)
        g = np.full(n, 0.1, dtype=np.float32)
        for _ in range(200):
            v = ps.pull(buf)
            ps.push(w, v, g)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    a = ps.accounting
    assert a["received"] == 800 and a["balances"]
    assert a["applied"] + a["buffered"] == 800
