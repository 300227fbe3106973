"""K policies written in Python: the step twin equals --schedule step bit for
bit in the simulator; a policy sees the server's load and runs in the threads
runtime; a bad answer fails the run with the policy's name."""
import math

import pytest

import hsgd
from conftest import SMALL


def test_a_python_step_policy_equals_schedule_step_bit_for_bit(tmp_path):
    workers, S = SMALL["workers"], 100

    def step(state):
        return min(workers, 1 + math.floor(state.gradients / S))

    builtin = hsgd.simulate(mode="hybrid", schedule=f"step:S={S}", out=str(tmp_path / "builtin"), progress=False,
                            **{k: v for k, v in SMALL.items() if k != "runtime"})
    policy = hsgd.simulate(mode="hybrid", schedule=step, out=str(tmp_path / "policy"), progress=False,
                           **{k: v for k, v in SMALL.items() if k != "runtime"})
    assert (tmp_path / "builtin" / "metrics.csv").read_bytes() == (tmp_path / "policy" / "metrics.csv").read_bytes()
    assert policy.summary["config"]["schedule"] == "policy:step"
    assert policy.metrics["k"].iloc[-1] == workers
    assert not hsgd.schedules.native.policy_registered("step")  # forgotten after the run


def test_the_builtin_objects_are_the_specs_they_name(tmp_path):
    assert hsgd.Step(S=100).spec == "step:S=100"
    state = hsgd.ScheduleState()
    state.gradients = 250
    assert hsgd.Step(S=100).k(state, workers=6) == 3
    assert hsgd.Constant(4).k(state) == 4
    run = hsgd.simulate(mode="hybrid", schedule=hsgd.Step(S=100), out=str(tmp_path / "r"), progress=False,
                        **{k: v for k, v in SMALL.items() if k != "runtime"})
    assert run.summary["config"]["schedule"] == "step:S=100"


class LoadPolicy:
    """Grows K by one whenever the measured load passes 0.5."""

    def __init__(self):
        self.seen = []

    def k(self, state):
        self.seen.append((state.gradients, state.utilisation, state.live_workers))
        return min(state.live_workers, state.k + 1) if state.utilisation > 0.5 else state.k


@pytest.mark.parametrize("runtime", ["sim", "threads"])
def test_a_policy_object_sees_the_load_and_runs_in_both_runtimes(tmp_path, runtime):
    policy = LoadPolicy()
    extra = dict(sim_ps_update_ms=8, sim_ps_gradient_ms=1) if runtime == "sim" else dict(threads=1)
    options = dict(SMALL, runtime=runtime, mode="hybrid", **extra)
    run = hsgd.train(schedule=policy, out=str(tmp_path / "r"), progress=False, **options)
    assert run.status == "finished"
    assert len(policy.seen) >= 600  # once per gradient, and once at the start
    assert policy.seen[-1][2] == SMALL["workers"]
    if runtime == "sim":  # the simulated server is saturated: the policy saw it and grew K
        assert max(u for _, u, _ in policy.seen) > 0.5
        assert run.metrics["k"].max() > 1


def test_a_bad_answer_fails_the_run_naming_the_policy(tmp_path):
    def zero(state):
        return 0 if state.gradients > 100 else 1

    with pytest.raises(hsgd.RunFailed, match="K policy 'zero' returned K = 0 after 101 gradients") as failed:
        hsgd.simulate(mode="hybrid", schedule=zero, out=str(tmp_path / "r"), log=False,
                      **{k: v for k, v in SMALL.items() if k != "runtime"})
    assert hsgd.Run(failed.value.result).status == "failed"

    def broken(state):
        raise KeyError("oops")

    with pytest.raises(hsgd.RunFailed, match="K policy 'broken' raised KeyError: 'oops'"):
        hsgd.simulate(mode="hybrid", schedule=broken, out=str(tmp_path / "r2"), log=False,
                      **{k: v for k, v in SMALL.items() if k != "runtime"})
