#!/usr/bin/python3
"""Item 2 of docs/python.md: hsgd.train and hsgd.compare with the program's
options as keywords; the results as a dict, a DataFrame and a verdict.

    .venv/bin/python examples/train_and_compare.py [--quick]
"""
import hsgd
from _common import arguments

args = arguments("train once, then compare sync, async and hybrid over seeds", seeds=5)
options = dict(runtime="sim", data="mnist", model="lenet5", workers=25, batch_size=32, lr=0.05,
               seconds=20 if args.quick else 300, eval_every=2 if args.quick else 10, sim_compute_ms=300,
               sim_ps_update_ms=20)
if args.quick:
    options.update(data="synthetic", model="mlp:32", seconds=5, eval_every=1)

run = hsgd.train(mode="hybrid", schedule=hsgd.Step(), progress=not args.quick, **options)
print(run)
print("accounting:", run.summary["accounting"])
print(run.metrics[["time_s", "k", "staleness_mean", "test_accuracy"]].tail().to_string(index=False))

cmp = hsgd.compare(seeds=2 if args.quick else args.seeds, figures=not args.quick, progress=not args.quick,
                   out=args.out, **options)
print(cmp.runs[["mode", "seed", "status", "final_test_accuracy", "mean_test_accuracy"]].to_string(index=False))
curves = cmp.metrics.groupby(["mode", "time_s"])["test_accuracy"].mean().unstack("mode")  # mean over seeds
print(curves.tail(3).to_string())
print("verdict:", cmp.verdict)
print("report:", cmp.report)
