"""hsgd.ParameterServer: hsgd's parameter-server core as an object, for a
training loop of your own (docs/python.md).

    ps = hsgd.ParameterServer(params, mode="hybrid", schedule="step", workers=4, lr=0.05)
    version = ps.pull(buffer)                 # the parameters into your float32 buffer
    ...compute a gradient on `buffer`...
    ps.push(worker, version, grad)            # buffered; applied when K are in

params, grad and the buffer are float32 numpy arrays or CPU tensors of one
size, C-ordered: they are read and written in place, never copied on the
way; both calls release the GIL. Options are those of `hsgd train` (lr,
momentum, weight_decay, nesterov, mode, schedule, wait, aggregation,
staleness_lr, max_staleness, backup_workers, ssp_bound, k), checked by hsgd.
In sync mode, and in hybrid with wait="applied", push() returns once its
gradient has been applied; a worker that stops must call leave(worker) so
that the others do not wait for it.
"""
import numpy as np

from . import _options, schedules as _schedules
from ._native import native

_PS_OPTIONS = {"lr", "momentum", "weight_decay", "nesterov", "mode", "wait", "aggregation", "staleness_lr",
               "max_staleness", "backup_workers", "ssp_bound", "k"}


def _array(a, name, writable=False):
    """The float32 numpy view of a numpy array or a CPU tensor (no copy)."""
    if hasattr(a, "detach") and hasattr(a, "numpy"):  # a torch tensor
        if a.device.type != "cpu":
            raise ValueError(f"{name}: a tensor on {a.device}; the server reads CPU memory")
        a = a.detach().numpy()  # shares the tensor's memory
    if not isinstance(a, np.ndarray) or a.dtype != np.float32 or not a.flags.c_contiguous:
        kind = f"{a.dtype} array" if isinstance(a, np.ndarray) else type(a).__name__
        raise ValueError(f"{name}: a C-contiguous float32 array or CPU tensor is needed, not a {kind} "
                         "(np.ascontiguousarray(x, dtype=np.float32) makes one)")
    if writable and not a.flags.writeable:
        raise ValueError(f"{name}: the array is read-only")
    return a


class ParameterServer:
    def __init__(self, params, *, workers, mode="hybrid", schedule=None, lr=0.01, **options):
        unknown = set(options) - _PS_OPTIONS
        if unknown:
            raise ValueError(f"ParameterServer: unknown option(s) {', '.join(sorted(unknown))}; "
                             f"expected {', '.join(sorted(_PS_OPTIONS))}")
        options = dict(options, workers=workers, mode=mode, lr=lr)
        self._policy = _schedules.resolve(schedule)
        if self._policy.spec is not None:
            options["schedule"] = self._policy.spec
        pairs = _options.to_pairs(options)
        try:
            self._server = native.Server(_array(params, "params").reshape(-1), pairs)
        except BaseException:
            self.close()
            raise
        self.workers = workers

    def push(self, worker, version, grad):
        """Pushes `grad`, computed on the parameters of `version` (from pull()).
        Returns a PushResult: status ('applied', 'buffered', 'dropped'), reason, staleness, version."""
        return self._server.push(worker, version, _array(grad, "grad").reshape(-1))

    def pull(self, out):
        """Copies the parameters into `out` (float32, the model's size); returns their version."""
        return self._server.pull(_array(out, "out", writable=True).reshape(-1))

    def leave(self, worker):
        """The worker stops: it no longer counts towards K, so nobody waits for it."""
        self._server.leave(worker)

    def params(self):
        """A copy of the parameters."""
        return self._server.params()

    @property
    def version(self):
        """Updates applied so far."""
        return self._server.version

    @property
    def k(self):
        """K in force now."""
        return self._server.k

    @property
    def accounting(self):
        """received = applied + buffered + dropped (by reason); updates; balances."""
        return self._server.accounting()

    @property
    def staleness_histogram(self):
        """Gradients received by staleness; the last bin holds the rest."""
        return self._server.staleness_histogram

    @property
    def live_workers(self):
        return self._server.live_workers

    @property
    def num_params(self):
        return self._server.num_params

    @property
    def description(self):
        """The mode and its K, in words."""
        return self._server.description

    def close(self):
        """Forgets a Python K policy (also done when the object is collected)."""
        if self._policy is not None:
            self._policy.__exit__(None, None, None)
            self._policy = None

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self):
        return f"ParameterServer({self.num_params} parameters, {self.workers} workers, version {self.version}: {self.description})"
