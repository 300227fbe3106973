#!/usr/bin/python3
"""pytorch_fwd_bwd.py: the reference point for hsgd_bench's FwdBwd numbers.

Times zero_grad + forward + cross-entropy + backward of the same networks in
Debian's python3-torch (the same LibTorch 1.13 build), median over iterations.
Run through scripts/bench_vs_pytorch.sh, which sets the same malloc thresholds
hsgd sets in-process.
"""
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class MnistCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 5)
        self.conv2 = nn.Conv2d(32, 64, 5)
        self.fc1 = nn.Linear(1024, 512)
        self.fc2 = nn.Linear(512, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


class CifarCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.conv3 = nn.Conv2d(64, 64, 3)
        self.fc1 = nn.Linear(1024, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.conv3(x))
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


MODELS = {"mnist-cnn": (MnistCnn, (1, 28, 28)), "cifar-cnn": (CifarCnn, (3, 32, 32))}


def bench(name, batch, threads, iterations=200, warmup=10):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    cls, shape = MODELS[name]
    model = cls()
    x = torch.randn(batch, *shape)
    y = torch.randint(0, 10, (batch,))
    times = []
    for i in range(warmup + iterations):
        start = time.perf_counter()
        model.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        if i >= warmup:
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


if __name__ == "__main__":
    for name in sys.argv[1:] or ["mnist-cnn"]:
        for batch in (32, 64):
            for threads in (1, 2):
                print(f"pytorch {name} batch={batch} threads={threads}: {bench(name, batch, threads):.2f} ms")
