"""K schedules and policies: how many gradients the server buffers before it
applies one update (K = 1 is async, K = workers is sync).

`schedule=` of hsgd.train, hsgd.compare and hsgd.ParameterServer takes

* a spec string, as --schedule takes it: "step", "constant:4", "adaptive", ...
* a built-in schedule object below (Step(), Constant(4), ...): the same spec,
  run by the C++ core; obj.k(state) asks it from Python too;
* your own policy: any callable taking a ScheduleState and returning K (a
  whole number in [1, workers]), or an object with a k(state) method. The
  server asks it once per gradient received and when a worker dies, and keeps
  its answer until the next decision (docs/python.md, ps/k_policy.h). In the
  simulator it runs deterministically; in the threads runtime it is called
  with the GIL held, from the thread that holds the server.

ScheduleState fields: gradients, updates, seconds, live_workers, k,
arrival_gap, gradient_s, update_s, utilisation (see help(ScheduleState)).
"""
import itertools
import re
import threading

from ._native import native

ScheduleState = native.ScheduleState


class Builtin:
    """A --schedule spec run by the C++ core."""

    def __init__(self, spec):
        self.spec = spec

    def k(self, state, lr=0.01, workers=25):
        """K for `state`, as the server computes it for a run of `workers` workers at learning rate `lr`."""
        return native.BuiltinSchedule(self.spec, lr, workers).k(state)

    def describe(self, lr=0.01, workers=25):
        return native.BuiltinSchedule(self.spec, lr, workers).describe()

    def __repr__(self):
        return f"{type(self).__name__}({self.spec!r})"


def _pairs(**kw):
    return ",".join(f"{k}={v}" for k, v in kw.items() if v is not None)


class Constant(Builtin):
    def __init__(self, k):
        super().__init__(f"constant:{k}")


class Step(Builtin):
    """The paper's step function: K = min(Kmax, K0 + floor(x / S)), S = c / lr unless given."""

    def __init__(self, S=None, c=None, K0=None, Kmax=None, unit=None):
        rest = _pairs(S=S, c=c, K0=K0, Kmax=Kmax, unit=unit)
        super().__init__("step" + (":" + rest if rest else ""))


class Linear(Builtin):
    def __init__(self, unit, from_k, to_k, over):
        super().__init__(f"linear:{unit},from={from_k},to={to_k},over={over}")


class Points(Builtin):
    """K = Ki of the last Pi <= x (list:UNIT,P1=K1,...)."""

    def __init__(self, unit, points):
        super().__init__(f"list:{unit}," + ",".join(f"{p}={k}" for p, k in points))


class Adaptive(Builtin):
    def __init__(self):
        super().__init__("adaptive")


_names = itertools.count(1)
_lock = threading.Lock()


class Registered:
    """A Python policy registered with the C++ core for as long as it is held
    (a context manager): its spec is policy:NAME."""

    def __init__(self, policy):
        fn = policy.k if hasattr(policy, "k") and not callable(policy) else policy
        if not callable(fn):
            raise ValueError(f"schedule: {policy!r} is neither a spec, a schedule object nor a callable")
        base = getattr(policy, "__name__", None) or type(policy).__name__
        base = re.sub(r"[^A-Za-z0-9_.-]", "_", base)[:48] or "policy"
        with _lock:
            name = base
            while native.policy_registered(name):
                name = f"{base}-{next(_names)}"
            native.register_policy(name, fn)
        self.name = name
        self.spec = f"policy:{name}"

    def close(self):
        native.unregister_policy(self.name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _NoPolicy:
    spec = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass


def resolve(schedule):
    """A context manager whose .spec is the --schedule text of `schedule`
    (None: the default), registering a Python policy while it is held."""
    if schedule is None:
        return _NoPolicy()
    if isinstance(schedule, str):
        holder = _NoPolicy()
        holder.spec = schedule
        return holder
    if isinstance(schedule, Builtin):
        holder = _NoPolicy()
        holder.spec = schedule.spec
        return holder
    return Registered(schedule)
