"""The server's load under async: how busy one server is when every gradient
is an update, N (U + G) / (C + mean delay + 2 latency); at 1 it saturates
(docs/calibration.md, "The map"). Options are a run's or a suite's, by name."""
import math


def mean_delay_s(options):
    """Mean injected delay per push over all workers (the run's distribution)."""
    kind, share, scale = options.get("delay", "half-normal"), options.get("delay-fraction", 0.5), options.get(
        "delay-scale", 0.25)
    per_delayed = {"half-normal": scale * math.sqrt(2 / math.pi), "exponential": scale, "fixed": scale, "none": 0.0}
    return share * per_delayed[kind]


def async_load(n, u, g, c, busy):
    """N (U + G) / (C + busy), all in ms."""
    return n * (u + g) / (c + busy)


def worker_busy_ms(options):
    """What a worker spends per gradient besides computing: the mean delay and two messages."""
    return mean_delay_s(options) * 1e3 + 2 * options.get("sim-latency-ms", 0.1)


def run_load(options):
    """The async load of one simulated run's options."""
    return async_load(options.get("workers", 25), options.get("sim-ps-update-ms", 0.0),
                      options.get("sim-ps-gradient-ms", 0.0), options.get("sim-compute-ms", 50.0),
                      worker_busy_ms(options))
