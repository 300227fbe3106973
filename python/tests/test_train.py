"""hsgd.train / simulate / compare from Python: the same runs as the
program, bit for bit; bad options refused before anything is written; your
own torch.nn.Module and numpy data; Ctrl-C ends a run as terminated."""
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import hsgd
from conftest import SMALL, ROOT


def test_simulate_gives_the_same_metrics_as_the_program_bit_for_bit(tmp_path, hsgd_bin):
    options = dict(SMALL, mode="hybrid", schedule="step:S=100")
    run = hsgd.train(out=str(tmp_path / "py"), progress=False, **options)
    args = [str(hsgd_bin), "train", "--out", str(tmp_path / "cli")]
    for key, value in options.items():
        args += ["--" + key.replace("_", "-"), str(value)]
    subprocess.run(args, check=True, capture_output=True)
    assert run.status == "finished"
    assert (tmp_path / "py" / "metrics.csv").read_bytes() == (tmp_path / "cli" / "metrics.csv").read_bytes()
    assert run.metrics["gradients"].iloc[-1] == 600
    assert run.summary["accounting"] == json.loads((tmp_path / "cli" / "summary.json").read_text())["accounting"]
    assert "schedule = \"step:S=100\"" in run.config
    again = hsgd.train(config=str(run.folder / "config.toml"), out=str(tmp_path / "again"), progress=False)
    assert (again.folder / "metrics.csv").read_bytes() == (run.folder / "metrics.csv").read_bytes()


@pytest.mark.parametrize("options, fragment", [
    (dict(lr=-1), "--lr"),
    (dict(workers=0), "--workers"),
    (dict(mode="fastest"), "--mode"),
    (dict(schedule="step:c=-1"), "--schedule"),
    (dict(no_such_option=3), "--no-such-option"),
])
def test_a_bad_option_raises_value_error_and_creates_no_folder(tmp_path, options, fragment):
    out = tmp_path / "run"
    with pytest.raises(ValueError, match=fragment):
        hsgd.train(out=str(out), log=False, **dict(SMALL, **options))
    assert not out.exists() and not (tmp_path / "run.partial").exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "cache"] or not any(tmp_path.iterdir())


def test_an_existing_run_is_not_overwritten(tmp_path):
    hsgd.train(out=str(tmp_path / "r"), progress=False, **SMALL)
    with pytest.raises(ValueError, match="overwrite"):
        hsgd.train(out=str(tmp_path / "r"), log=False, **SMALL)


def three_class_arrays(n=900, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=n)
    centres = np.array([[2, 0, 0, 1], [0, 2, 0, -1], [0, 0, 2, 0]], dtype=np.float64)
    x = centres[y] + rng.normal(scale=0.7, size=(n, 4))
    return x[: n * 4 // 5], y[: n * 4 // 5], x[n * 4 // 5:], y[n * 4 // 5:]


def test_numpy_data_of_three_classes_trains(tmp_path):
    run = hsgd.simulate(data=three_class_arrays(), model="mlp:16", workers=4, batch_size=16, lr=0.1,
                        gradients=400, eval_every=0.5, sim_compute_ms=10, out=str(tmp_path / "r"), progress=False)
    assert run.summary["data"]["classes"] == 3
    m = run.metrics
    assert m["test_accuracy"].iloc[-1] > 0.8
    assert m["test_loss"].iloc[-1] < m["test_loss"].iloc[0]


def test_bad_arrays_are_refused_by_name(tmp_path):
    x_train, y_train, x_test, y_test = three_class_arrays()
    y_bad = y_train.copy()
    y_bad[7] = -2
    with pytest.raises(ValueError, match=r"y_train\[7\] = -2"):
        hsgd.simulate(data=(x_train, y_bad, x_test, y_test), out=str(tmp_path / "r"), log=False)
    x_bad = x_train.copy()
    x_bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="x_train holds NaN"):
        hsgd.simulate(data=(x_bad, y_train, x_test, y_test), out=str(tmp_path / "r"), log=False)
    with pytest.raises(ValueError, match="labels for"):
        hsgd.simulate(data=(x_train, y_train[:-1], x_test, y_test), out=str(tmp_path / "r"), log=False)
    assert not (tmp_path / "r").exists()


def small_cnn():
    import torch
    from torch import nn

    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 4, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 4 * 4, 3))


def image_arrays(n=600, seed=1):
    """Three classes of 12x12 images: a bright row band, column band or corner."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=n)
    x = rng.integers(0, 60, size=(n, 1, 12, 12)).astype(np.uint8)
    x[y == 0, :, 4:7, :] += 150
    x[y == 1, :, :, 4:7] += 150
    x[y == 2, :, :5, :5] += 150
    return x[:500], y[:500], x[500:], y[500:]


@pytest.mark.parametrize("runtime", ["sim", "threads"])
def test_a_torch_module_defined_here_trains(tmp_path, runtime):
    budget = dict(gradients=300) if runtime == "sim" else dict(gradients=300, threads=1)
    run = hsgd.train(runtime=runtime, model=small_cnn(), data=image_arrays(), workers=3, batch_size=16, lr=0.05,
                     eval_every=0.25 if runtime == "sim" else 0.5, out=str(tmp_path / "r"), progress=False, **budget)
    assert run.status == "finished"
    assert run.summary["config"]["model"].startswith("torchscript:")
    m = run.metrics
    assert m["test_loss"].iloc[-1] < 0.8 * m["test_loss"].iloc[0]


def test_compare_returns_statistics_and_a_verdict(tmp_path):
    cmp = hsgd.compare(seeds=2, figures=False, out=str(tmp_path / "c"), progress=False, log=False, **SMALL)
    assert len(cmp.runs) == 6
    assert set(cmp.runs["mode"]) == {"sync", "async", "hybrid"}
    assert cmp.verdict
    assert cmp.run("hybrid", 2).status == "finished"
    m = cmp.metrics
    assert set(m["mode"]) == {"sync", "async", "hybrid"} and set(m["seed"]) == {1, 2}
    assert (m.groupby(["mode", "seed"])["gradients"].max() >= 600).all()


CTRL_C = """
import sys, hsgd
try:
    hsgd.train(runtime="threads", data="synthetic:features=20,classes=4,samples=3000", model="mlp:32", workers=2,
               seconds=120, threads=1, out=sys.argv[1], progress=False)
except KeyboardInterrupt as e:
    print("KeyboardInterrupt", e.folder)
"""


def test_ctrl_c_ends_the_run_as_terminated_with_its_files(tmp_path):
    out = tmp_path / "r"
    proc = subprocess.Popen([sys.executable, "-c", CTRL_C, str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=dict(os.environ))
    deadline = time.time() + 60
    while not (tmp_path / "r.partial" / "config.toml").exists() and time.time() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert "KeyboardInterrupt" in stdout, stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "terminated"
    assert (out / "metrics.csv").exists()


def test_log_false_prints_nothing_and_progress_false_only_drops_the_progress_line(tmp_path, capfd):
    hsgd.train(out=str(tmp_path / "quiet"), log=False, **SMALL)
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    hsgd.train(out=str(tmp_path / "no-progress"), progress=False, **SMALL)
    out, err = capfd.readouterr()
    assert "final test accuracy" in out and "ETA" not in err
    hsgd.train(out=str(tmp_path / "progress"), **SMALL)
    out, err = capfd.readouterr()
    assert "ETA" in err  # the program's progress line, as the command line shows it
