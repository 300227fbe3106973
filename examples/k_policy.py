#!/usr/bin/python3
"""Item 4 of docs/python.md: a K policy written in Python. The server asks it
at every gradient, telling it the measured load; this one keeps the server
below 80% busy (like --schedule adaptive) but also lets K fall again when the
load drops, which the built-in never does. Run in the simulator (exactly
reproducible) and in the threads runtime.

    .venv/bin/python examples/k_policy.py [--quick]
"""
import math

import hsgd
from _common import arguments


class KeepServerBelow:
    def __init__(self, target=0.8):
        self.target = target
        self.decisions = []

    def k(self, state):
        if state.arrival_gap <= 0:  # nothing measured yet
            return state.k
        spare = self.target * state.arrival_gap - state.gradient_s
        want = state.live_workers if spare <= 0 else max(1, math.ceil(state.update_s / spare))
        want = min(want, state.live_workers)
        if want != state.k:
            self.decisions.append((round(state.seconds, 2), state.k, want, round(state.utilisation, 2)))
        return want


args = arguments("a K policy in Python, in the simulator and the threads runtime")
for runtime in ("sim", "threads"):
    policy = KeepServerBelow()
    options = dict(runtime=runtime, data="synthetic", model="mlp:64", mode="hybrid", workers=8, lr=0.05)
    if runtime == "sim":
        options.update(sim_compute_ms=40, sim_ps_update_ms=12, sim_ps_gradient_ms=1,
                       seconds=10 if args.quick else 120)
    else:
        options.update(seconds=2 if args.quick else 20, threads=1)
    run = hsgd.train(schedule=policy, progress=not args.quick, **options)
    print(f"{runtime}: {run}; K changes (time, from, to, load): {policy.decisions[:8]}")
