#!/usr/bin/python3
"""python_peers.py: the peers hsgd's real-time benchmark measures itself against
(bench/peer_bench.sh, docs/performance.md "Against the peers"), on MNIST with
mnist-cnn (hsgd's catalog network, rebuilt in torch.nn):

  ps      a parameter server written the obvious way in PyTorch-Python: the
          server's parameters and gradient buffer under one lock, N worker
          threads (pull, forward+backward on their shard, push), the main thread
          evaluating every --eval-every seconds while the workers go on;
          async (K = 1) or hybrid (hsgd's step schedule: K = min(N, 1 + floor(g / S)),
          the mean of the buffer applied);
  single  single-process PyTorch at its fastest: one model, --threads intra-op
          threads, channels-last or not, evaluation inline.

Prints one JSON object: samples/s of training, and the wall-clock and training
time at which the test accuracy first reached --target.
Run it with Debian's /usr/bin/python3 (its python3-torch is the LibTorch hsgd links).
"""
import argparse
import json
import os
import struct
import threading
import time

import numpy as np
import torch
import torch.nn.functional as F

from pytorch_fwd_bwd import MnistCnn  # hsgd's mnist-cnn in torch.nn, beside this file


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_mnist(folder):
    def images(name):
        x = torch.from_numpy(read_idx(os.path.join(folder, name)).astype(np.float32) / 255.0)
        return ((x - 0.1307) / 0.3081).unsqueeze(1)  # hsgd's MNIST normalisation

    def labels(name):
        return torch.from_numpy(read_idx(os.path.join(folder, name)).astype(np.int64))

    return (images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte"),
            images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte"))


def evaluate(model, x, y, channels_last=False):
    correct = 0
    with torch.no_grad():
        for start in range(0, len(y), 250):
            xb = x[start:start + 250]
            if channels_last:
                xb = xb.contiguous(memory_format=torch.channels_last)
            correct += (model(xb).argmax(1) == y[start:start + 250]).sum().item()
    return correct / len(y)


class Batches:
    """Minibatches of one shard, reshuffled every epoch from a seeded generator."""

    def __init__(self, x, y, indices, batch, seed):
        self.x, self.y, self.indices, self.batch = x, y, indices, batch
        self.gen = torch.Generator().manual_seed(seed)
        self.order, self.pos = None, len(indices)

    def next(self):
        if self.pos + self.batch > len(self.indices):
            self.order = self.indices[torch.randperm(len(self.indices), generator=self.gen)]
            self.pos = 0
        idx = self.order[self.pos:self.pos + self.batch]
        self.pos += self.batch
        return self.x[idx], self.y[idx]


class ParameterServer:
    """The obvious way: one lock around the parameters and the gradient buffer."""

    def __init__(self, model, lr, workers, mode, step):
        self.lock = threading.Lock()
        self.params = [p.detach().clone() for p in model.parameters()]
        self.buffer = [torch.zeros_like(p) for p in self.params]
        self.lr, self.workers, self.mode, self.step = lr, workers, mode, step
        self.buffered = self.received = self.updates = 0

    def k(self):
        return 1 if self.mode == "async" else min(self.workers, 1 + self.received // self.step)

    def pull(self, into):
        with self.lock:
            with torch.no_grad():
                for dst, src in zip(into, self.params):
                    dst.copy_(src)

    def push(self, grads):
        with self.lock:
            with torch.no_grad():
                for b, g in zip(self.buffer, grads):
                    b.add_(g)
                self.buffered += 1
                self.received += 1
                if self.buffered >= self.k():
                    for p, b in zip(self.params, self.buffer):
                        p.sub_(b, alpha=self.lr / self.buffered)
                        b.zero_()
                    self.buffered = 0
                    self.updates += 1


def run_ps(args, data):
    x_train, y_train, x_test, y_test = data
    torch.manual_seed(args.seed)
    server = ParameterServer(MnistCnn(), args.lr, args.workers, args.mode, args.step)
    shards = torch.randperm(len(y_train), generator=torch.Generator().manual_seed(args.seed)).chunk(args.workers)
    stop = threading.Event()
    samples = [0] * args.workers

    def worker(w):
        model = MnistCnn()
        params = list(model.parameters())
        batches = Batches(x_train, y_train, shards[w], args.batch, args.seed * 1000 + w)
        while not stop.is_set():
            server.pull(params)
            xb, yb = batches.next()
            model.zero_grad()
            F.cross_entropy(model(xb), yb).backward()
            server.push([p.grad for p in params])
            samples[w] += len(yb)

    eval_model = MnistCnn()
    threads = [threading.Thread(target=worker, args=(w,)) for w in range(args.workers)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    result = watch(args, start, lambda: sum(samples), lambda: snapshot_accuracy(server, eval_model, x_test, y_test))
    stop.set()
    for t in threads:
        t.join()
    result.update(gradients=server.received, updates=server.updates)
    return result


def snapshot_accuracy(server, model, x, y):
    server.pull(list(model.parameters()))
    return evaluate(model, x, y)


def watch(args, start, samples, accuracy):
    """The main thread: evaluates every --eval-every seconds of wall time while training goes on."""
    evaluations, reached = [], None
    next_eval = args.eval_every if args.eval_every > 0 else float("inf")
    while True:
        now = time.perf_counter() - start
        if now >= args.seconds or reached is not None:
            break
        time.sleep(max(0.0, min(next_eval, args.seconds) - now))
        if args.eval_every > 0 and time.perf_counter() - start >= next_eval:
            seen = samples()
            acc = accuracy()
            t = time.perf_counter() - start
            evaluations.append({"time_s": next_eval, "wall_s": t, "samples": seen, "test_accuracy": acc})
            if acc >= args.target:
                reached = t
            next_eval += args.eval_every
    wall = time.perf_counter() - start
    return {"wall_seconds": wall, "samples": samples(), "samples_per_second": samples() / wall,
            "target_reached_wall_seconds": reached, "evaluations": evaluations}


def run_single(args, data):
    x_train, y_train, x_test, y_test = data
    torch.manual_seed(args.seed)
    model = MnistCnn()
    if args.channels_last:
        model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=args.lr)
    batches = Batches(x_train, y_train, torch.arange(len(y_train)), args.batch, args.seed)
    start = time.perf_counter()
    train_time, samples, evaluations, reached = 0.0, 0, [], None
    next_eval = args.eval_every if args.eval_every > 0 else float("inf")
    while train_time < args.seconds and reached is None:
        t0 = time.perf_counter()
        xb, yb = batches.next()
        if args.channels_last:
            xb = xb.contiguous(memory_format=torch.channels_last)
        opt.zero_grad()
        F.cross_entropy(model(xb), yb).backward()
        opt.step()
        train_time += time.perf_counter() - t0
        samples += len(yb)
        if train_time >= next_eval:  # inline, off the training clock
            acc = evaluate(model, x_test, y_test, args.channels_last)
            evaluations.append({"time_s": train_time, "wall_s": time.perf_counter() - start, "samples": samples,
                                "test_accuracy": acc})
            if acc >= args.target:
                reached = time.perf_counter() - start
            next_eval += args.eval_every
    return {"wall_seconds": time.perf_counter() - start, "train_seconds": train_time, "samples": samples,
            "samples_per_second": samples / train_time, "target_reached_wall_seconds": reached,
            "evaluations": evaluations}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["ps", "single"])
    p.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "data", "mnist"))
    p.add_argument("--mode", choices=["async", "hybrid"], default="async")
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--step", type=int, default=300, help="hybrid: S, gradients per step of K")
    p.add_argument("--seconds", type=float, default=30, help="budget: wall (ps) or training (single) seconds")
    p.add_argument("--eval-every", type=float, default=2, help="seconds between evaluations; 0 = none")
    p.add_argument("--eval-samples", type=int, default=0, help="test images evaluated (a seeded subset); 0 = all")
    p.add_argument("--target", type=float, default=0.98)
    p.add_argument("--threads", type=int, default=1, help="torch's intra-op threads")
    p.add_argument("--channels-last", action="store_true")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    for name, low, high in [("workers", 1, 256), ("batch", 1, 4096), ("threads", 1, 64), ("step", 1, 10**9)]:
        if not low <= getattr(args, name) <= high:
            p.error(f"--{name} {getattr(args, name)}: expected {low}..{high}")
    if not (0 < args.lr <= 10 and 0 < args.seconds <= 86400 and args.eval_every >= 0 and args.eval_samples >= 0):
        p.error("--lr in (0, 10], --seconds in (0, 86400], --eval-every >= 0, --eval-samples >= 0")
    torch.set_num_threads(args.threads)
    data = list(load_mnist(args.data))
    if 0 < args.eval_samples < len(data[3]):
        keep = torch.randperm(len(data[3]), generator=torch.Generator().manual_seed(args.seed))[:args.eval_samples]
        data[2], data[3] = data[2][keep], data[3][keep]
    result = run_ps(args, data) if args.what == "ps" else run_single(args, data)
    result.update(what=args.what, mode=args.mode if args.what == "ps" else "sgd", workers=args.workers,
                  threads=args.threads, channels_last=args.channels_last, batch=args.batch, lr=args.lr,
                  test_images=len(data[3]), torch=torch.__version__)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
