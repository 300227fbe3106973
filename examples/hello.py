#!/usr/bin/python3
"""Item 1 of docs/python.md: hsgd imports, and a first run in the simulator.

    .venv/bin/python examples/hello.py        (after scripts/setup.sh)
"""
import hsgd
from _common import arguments

args = arguments("hsgd from Python: a first simulated run")
run = hsgd.simulate(data="synthetic", model="mlp:64", mode="hybrid", workers=10, lr=0.05,
                    gradients=500 if args.quick else 5000, out=args.out)
print(run)
print(run.metrics.tail(3).to_string(index=False))
