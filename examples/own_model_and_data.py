#!/usr/bin/python3
"""Item 3 of docs/python.md: your own torch.nn.Module and your own arrays.
The module is scripted and trained through hsgd's TorchScript path; the
arrays go through hsgd's readers (every label and shape checked).

    .venv/bin/python examples/own_model_and_data.py [--quick]
"""
import numpy as np
import torch
from torch import nn

import hsgd
from _common import arguments, mnist


class SmallNet(nn.Module):
    """Five classes of MNIST digits (0-4) with a small CNN."""

    def __init__(self, classes=5):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 8, 5), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(8, 16, 5), nn.ReLU(), nn.MaxPool2d(2))
        self.head = nn.Linear(16 * 4 * 4, classes)

    def forward(self, x):
        return self.head(self.features(x).flatten(1))


args = arguments("your model and your data", runtime="sim")
x, y, xt, yt = mnist(limit_train=6000 if args.quick else None, limit_test=1000 if args.quick else None)
keep, keep_t = y < 5, yt < 5
data = (x[keep], y[keep], xt[keep_t], yt[keep_t])  # numpy arrays: uint8 images (N, 28, 28), labels 0..4

budget = dict(gradients=300) if args.quick else dict(seconds=120 if args.runtime == "sim" else 60)
run = hsgd.train(runtime=args.runtime, model=SmallNet(), data=data, mode="hybrid", workers=4, batch_size=32,
                 lr=0.05, eval_every=0.5 if args.quick else 5, out=args.out, progress=not args.quick, **budget)
m = run.metrics
print(run)
print(f"test loss {m['test_loss'].iloc[0]:.3f} -> {m['test_loss'].iloc[-1]:.3f}, "
      f"accuracy {100 * m['test_accuracy'].iloc[-1]:.1f}% on {run.summary['data']['classes']} classes")
