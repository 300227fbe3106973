#!/usr/bin/python3
"""Item 5 of docs/python.md: hsgd's parameter server inside your own training
loop. Four Python threads train a PyTorch MNIST CNN (mnist-cnn's 582k
parameters) through hsgd.ParameterServer, then through the same loop with the
server written the obvious way in Python (a lock and a list of gradients);
both print samples/s and the test accuracy.

The model's parameters and gradients are views into two flat float32
buffers, so pull() writes the weights in place and push() reads the
gradient in place: no copy on the way to or from the server.

    .venv/bin/python examples/parameter_server_loop.py [--quick] [--seconds 30]
"""
import threading
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import hsgd
from _common import arguments, mnist


class MnistCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 32, 5), nn.Conv2d(32, 64, 5)
        self.fc1, self.fc2 = nn.Linear(1024, 512), nn.Linear(512, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


def flat_views(model):
    """Points the model's parameters and gradients into two flat buffers."""
    params = list(model.parameters())
    n = sum(p.numel() for p in params)
    weights, grads = torch.empty(n), torch.zeros(n)
    offset = 0
    for p in params:
        k = p.numel()
        weights[offset:offset + k].copy_(p.data.reshape(-1))
        p.data = weights[offset:offset + k].view_as(p)
        p.grad = grads[offset:offset + k].view_as(p)
        offset += k
    return weights, grads


class PythonPS:
    """The obvious parameter server: a lock, a list of gradients, torch ops."""

    def __init__(self, params, k, lr):
        self.params, self.k, self.lr = params.clone(), k, lr
        self.grads, self.version, self.lock = [], 0, threading.Lock()

    def push(self, worker, version, grad):
        with self.lock:
            self.grads.append(grad.clone())
            if len(self.grads) >= self.k:
                self.params -= self.lr * torch.stack(self.grads).mean(0)
                self.grads.clear()
                self.version += 1

    def pull(self, out):
        with self.lock:
            out.copy_(self.params)
            return self.version


def train(server, workers, seconds, batch, data):
    x, y = data
    done = [0] * workers
    stop = time.perf_counter() + seconds

    def work(w):
        torch.manual_seed(w)
        model = MnistCnn()
        weights, grads = flat_views(model)
        rng = np.random.default_rng(w)
        while time.perf_counter() < stop:
            version = server.pull(weights)
            idx = rng.integers(0, len(y), size=batch)
            grads.zero_()
            F.cross_entropy(model(x[idx]), y[idx]).backward()
            server.push(w, version, grads)
            done[w] += batch

    threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - start)


def accuracy(params, xt, yt):
    model = MnistCnn()
    weights, _ = flat_views(model)
    weights.copy_(params)
    with torch.no_grad():
        return (model(xt).argmax(1) == yt).float().mean().item()


def main():
    args = arguments("hsgd.ParameterServer vs the obvious Python server, 4 threads", seconds=30.0, workers=4,
                     batch=32, lr=0.05)
    seconds = 3.0 if args.quick else args.seconds
    torch.set_num_threads(1)  # one core per worker thread: the threads are the parallelism
    x, y, xt, yt = mnist(limit_test=2000)
    norm = lambda a: (torch.from_numpy(a).float().div(255).sub(0.1307).div(0.3081)).unsqueeze(1)
    data, test = (norm(x), torch.from_numpy(y).long()), (norm(xt), torch.from_numpy(yt).long())
    torch.manual_seed(0)
    init, _ = flat_views(MnistCnn())
    print(f"{init.numel()} parameters, {args.workers} threads, async (K = 1), batch {args.batch}, {seconds:.0f} s each")

    ps = hsgd.ParameterServer(init, workers=args.workers, mode="async", lr=args.lr)
    rate_hsgd = train(ps, args.workers, seconds, args.batch, data)
    acc_hsgd = accuracy(torch.from_numpy(ps.params()), *test)
    print(f"hsgd.ParameterServer: {rate_hsgd:7.0f} samples/s, test accuracy {100 * acc_hsgd:.1f}%, "
          f"{ps.version} updates, accounting balances: {ps.accounting['balances']}")

    py = PythonPS(init, k=1, lr=args.lr)
    rate_py = train(py, args.workers, seconds, args.batch, data)
    acc_py = accuracy(py.params, *test)
    print(f"obvious Python server: {rate_py:7.0f} samples/s, test accuracy {100 * acc_py:.1f}%, {py.version} updates")
    print(f"hsgd / Python: {rate_hsgd / rate_py:.2f}x samples/s")


if __name__ == "__main__":
    main()
