"""Sweeps and single steps. ``evaluate_many`` over 10**3 configurations x 10**4
steps beside numpy broadcasting, a Python loop of calls, and one long call over
as many values (the target: no more per value than the long call plus 1 µs per
configuration). The scalar call ``s(t)`` on a Python int beside the same formula
in plain Python."""

import math

import numpy as np
import pytest
from peers import T

import pysched

CONFIGS, STEPS = 1000, 10**4
RATES = np.linspace(0.9, 0.999, CONFIGS)
SWEEP = ["one long call", "evaluate_many", "loop of calls", "numpy broadcasting"]  # the long call first: the target
_long_call: dict = {}


def exponential(rate: float) -> dict:
    return {"kind": "keras.ExponentialDecay", "initial_learning_rate": 0.1, "decay_steps": 1000, "decay_rate": rate,
            "dtype": "float64"}


def prepare_sweep(contender: str):
    schedules = [pysched.schedule(exponential(rate)) for rate in RATES]
    steps = np.arange(STEPS, dtype=np.int64)
    if contender == "evaluate_many":
        return lambda: pysched.evaluate_many(schedules, steps)
    if contender == "loop of calls":
        out = np.empty((CONFIGS, STEPS))
        return lambda: [s(steps, out=row) for s, row in zip(schedules, out, strict=True)]
    if contender == "numpy broadcasting":
        return lambda: 0.1 * RATES[:, None] ** (steps / 1000)
    long_steps, out = np.arange(CONFIGS * STEPS, dtype=np.int64), np.empty(CONFIGS * STEPS)
    return lambda: schedules[0](long_steps, out=out)


@pytest.mark.parametrize("contender", SWEEP)
def test_sweep(benchmark, contender):
    call = prepare_sweep(contender)
    benchmark.group = f"sweep {CONFIGS} configs x {STEPS} steps"
    benchmark.pedantic(call, rounds=5, iterations=1, warmup_rounds=1)
    seconds = benchmark.stats.stats.min
    if contender == "one long call":
        _long_call["seconds"] = seconds
    benchmark.extra_info.update(sweep=contender, ns_per_value=seconds / (CONFIGS * STEPS) * 1e9)
    if contender == "evaluate_many" and "seconds" in _long_call:
        budget = _long_call["seconds"] + CONFIGS * 1e-6
        benchmark.extra_info["cost_vs_target"] = seconds / budget


SCALAR_STEP = 12345
SCALARS = {
    "keras exponential": (exponential(0.96), lambda t: 0.1 * 0.96 ** (t / 1000)),
    "seed lf": ({"kind": "seed.lf", "lr0": 0.01, "epochs": T, "lrf": 0.01},
                lambda t: 0.01 * (((1 + math.cos(t * math.pi / T)) / 2) * 0.99 + 0.01)),
    "torch cosine annealing (replayed)": ({"kind": "torch.CosineAnnealingLR", "lr": 0.1, "T_max": T},
                                          lambda t: 0.1 * (1 + math.cos(math.pi * t / T)) / 2),
}


@pytest.mark.parametrize("contender", ["pysched", "python"])
@pytest.mark.parametrize("name", SCALARS)
def test_scalar(benchmark, name, contender):
    spec, formula = SCALARS[name]
    call = pysched.schedule(spec) if contender == "pysched" else formula
    benchmark.group = f"scalar call {name}"
    benchmark(call, SCALAR_STEP)
    benchmark.extra_info.update(scalar=name, contender=contender, ns_per_call=benchmark.stats.stats.min * 1e9)
