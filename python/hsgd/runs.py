"""hsgd.train, hsgd.simulate and hsgd.compare: runs driven from Python
through the same session as the command line (`hsgd train`, `hsgd compare`),
in this process. Options are the program's, as keywords (batch_size= is
--batch-size; a flag is True), checked by hsgd itself before any data is
loaded or any folder is created: a bad one raises ValueError with the
program's message. See docs/python.md."""
import contextlib
import json
import os
import signal
import sys
import time
from pathlib import Path

from . import _options, data as _data, model as _model, schedules as _schedules
from ._native import native

# Exit statuses (src/hsgd/common/exit_status.h).
FINISHED, FAILED, INTERNAL_ERROR, TARGET_NOT_REACHED, DIVERGED = 0, 1, 3, 4, 5
SIGNAL_BASE = 128


class RunFailed(RuntimeError):
    """A run that started and failed; .result holds what it wrote."""

    def __init__(self, message, result=None):
        super().__init__(message)
        self.result = result


def _read_json(path):
    with open(path) as f:
        return json.load(f)


class Run:
    """One run's results folder: summary (dict), metrics (DataFrame), config."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.summary = _read_json(self.folder / "summary.json")

    @property
    def status(self):
        """finished, terminated, diverged or failed."""
        return self.summary.get("status")

    @property
    def metrics(self):
        import pandas as pd
        return pd.read_csv(self.folder / "metrics.csv")

    @property
    def config(self):
        return (self.folder / "config.toml").read_text()

    @property
    def final_accuracy(self):
        return self.summary.get("final", {}).get("test_accuracy")

    def __repr__(self):
        acc = self.final_accuracy
        acc_text = f", final test accuracy {100 * acc:.2f}%" if isinstance(acc, (int, float)) else ""
        return f"Run('{self.folder}', {self.status}{acc_text})"


class Comparison:
    """An `hsgd compare` results folder: the runs, the statistics and the verdict."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.summary = _read_json(self.folder / "compare.json")

    @property
    def statistics(self):
        return self.summary.get("statistics") or {}

    @property
    def verdict(self):
        return self.statistics.get("verdict")

    @property
    def runs(self):
        """One row per run (compare.csv)."""
        import pandas as pd
        return pd.read_csv(self.folder / "compare.csv")

    def run(self, mode, seed):
        return Run(self.folder / "runs" / "base" / f"{mode}-seed{seed}")

    @property
    def metrics(self):
        """Every run's metrics.csv in one DataFrame, with mode and seed columns."""
        import pandas as pd
        frames = [self.run(r.mode, r.seed).metrics.assign(mode=r.mode, seed=r.seed)
                  for r in self.runs.itertuples()]
        return pd.concat(frames, ignore_index=True)

    @property
    def report(self):
        return self.folder / "REPORT.md"

    def __repr__(self):
        return f"Comparison('{self.folder}', verdict={self.verdict!r})"


@contextlib.contextmanager
def _output_shown(shown):
    """When not `shown`, sends this process's stdout and stderr (the C++ side's too) to /dev/null."""
    if shown:
        yield
        return
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved + [devnull]:
            os.close(fd)


def _command_args(command, model, data, schedule_spec, model_sample_shape, options):
    if str(options.get("runtime", "")) == "mpi":
        raise ValueError("--runtime mpi: an MPI run spans processes started by mpirun; run it with "
                         "scripts/mpirun.sh -np N build/hsgd train --runtime mpi ... (docs/cluster.md)")
    data_spec = _data.spec_of(data)
    options = dict(options)
    if data_spec is not None:
        options["data"] = data_spec
    model_spec = _model.spec_of(model, data_spec, model_sample_shape)
    if model_spec is not None:
        options["model"] = model_spec
    if schedule_spec is not None:
        options["schedule"] = schedule_spec
    return [command] + _options.to_argv(options)


def _run_command(args, progress, log):
    native.set_progress_shown(bool(progress))
    try:
        with _output_shown(log):
            return native.run_command(args)
    finally:
        native.set_progress_shown(True)


def _raise_for(outcome, folder_has, started):
    """Raises for a command that did not end with a result; returns the folder otherwise.
    A run that failed once it had begun wrote its summary (at or after
    `started`, a time.time()): RunFailed, with its files. A failure before
    that (bad options, bad data, an existing run in the folder): ValueError."""
    status, error, out = outcome["status"], outcome["error"], outcome["out_dir"]
    folder = Path(out) if out else None
    if status == SIGNAL_BASE + signal.SIGINT or status == SIGNAL_BASE + signal.SIGTERM:
        e = KeyboardInterrupt(f"hsgd: the run was terminated; its files are in {folder}")
        e.folder = folder
        raise e
    if status == INTERNAL_ERROR:
        raise RuntimeError(f"hsgd: internal error: {error}")
    written = folder is not None and (folder / folder_has).exists() and \
        (folder / folder_has).stat().st_mtime >= started - 1e-3
    if status == FAILED and not written:
        raise ValueError(error or "hsgd: the command failed")
    if not written:
        raise RuntimeError(f"hsgd: the command ended with status {status} and wrote no {folder_has}")
    if status == FAILED:
        reason = error or _read_json(folder / folder_has).get("stop_reason", "")
        raise RunFailed(f"hsgd: the run failed: {reason} (its files are in {folder})", folder)
    return folder


def train(*, model=None, data=None, schedule=None, progress=True, log=True, model_sample_shape=None, **options):
    """One training run, as `hsgd train` with the same options as keywords.

    model: a model name ("mnist-cnn", "mlp:256", ...) or a torch.nn.Module.
    data: a data spec ("mnist", "csv:a.csv,b.csv", ...) or
          (x_train, y_train, x_test, y_test[, classes]) as numpy arrays or tensors.
    schedule: a spec, a schedule object of hsgd.schedules, or your own K policy (a callable).
    progress: the progress line; log: everything the run prints.
    Returns a Run (summary, metrics, folder). A run that diverged returns; one
    that failed raises RunFailed; Ctrl-C ends it as terminated, writes its
    files and raises KeyboardInterrupt."""
    with _schedules.resolve(schedule) as held:
        args = _command_args("train", model, data, held.spec, model_sample_shape, options)
        started = time.time()
        outcome = _run_command(args, progress, log)
    return Run(_raise_for(outcome, "summary.json", started))


def simulate(**kwargs):
    """train(runtime="sim", ...): the deterministic virtual-time simulator."""
    kwargs.setdefault("runtime", "sim")
    return train(**kwargs)


def compare(*, seeds=5, modes=("sync", "async", "hybrid"), figures=True, model=None, data=None, schedule=None,
            progress=True, log=True, model_sample_shape=None, **options):
    """`hsgd compare`: each mode over `seeds` seeds, paired by seed, with 95%
    CIs, paired tests and a verdict. Returns a Comparison."""
    if not isinstance(seeds, int) or isinstance(seeds, bool):
        raise ValueError(f"--seeds = {seeds!r}: must be a whole number in [1, 1000]")
    modes_text = modes if isinstance(modes, str) else ",".join(modes)
    with _schedules.resolve(schedule) as held:
        args = _command_args("compare", model, data, held.spec, model_sample_shape, options)
        args += ["--seeds", str(seeds), "--modes", modes_text] + ([] if figures else ["--no-figures"])
        started = time.time()
        outcome = _run_command(args, progress, log)
    return Comparison(_raise_for(outcome, "compare.json", started))
