"""hsgd: data-parallel SGD with a parameter server, from asynchronous to
synchronous (the C++ core, from Python). See docs/python.md.

    import hsgd
    run = hsgd.train(runtime="sim", data="mnist", model="mnist-cnn", mode="hybrid", workers=25, seconds=60)
    run.summary, run.metrics, run.folder
    hsgd.compare(runtime="sim", seeds=5, ...).verdict
    hsgd.ParameterServer(params, workers=4, mode="hybrid", schedule="step", lr=0.05)
"""
from ._native import native as _native
from .runs import Comparison, Run, RunFailed, compare, simulate, train
from .schedules import Adaptive, Constant, Linear, Points, ScheduleState, Step
from .server import ParameterServer
from . import data, model, schedules

__version__ = "0.1.0"

__all__ = ["train", "simulate", "compare", "Run", "Comparison", "RunFailed", "ParameterServer", "ScheduleState",
           "Constant", "Step", "Linear", "Points", "Adaptive", "schedules", "data", "model"]
