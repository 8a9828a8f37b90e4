"""The families with a numpy formula (numpy_formulas.py) at 10**3, 10**5 and
10**6 steps: pysched, the numpy formula a user would write, and (at 10**3) the
framework stepped the way schedules are previewed today. Each row records values/s and its speed-up over numpy, timed in
the same run; correctness is checked outside the timed region and recorded.

    pytest benchmarks --benchmark-only     (benchmarks are not in the test run)
"""

import time

import numpy as np
import pytest

import pysched
from conformance.ulp import ulp_distance

from examples import EXAMPLES, spec
from framework_loops import preview_loop
from numpy_formulas import FORMULAS

SIZES = [10**3, 10**5, 10**6]
FRAMEWORK_SIZE = 10**3
KINDS = sorted(FORMULAS)
_numpy_seconds: dict = {}


def numpy_seconds(kind: str, steps: np.ndarray) -> float:
    """numpy's best time for this family and size, measured once per run."""
    key = (kind, len(steps))
    if key not in _numpy_seconds:
        formula, params = FORMULAS[kind], EXAMPLES[kind]
        best = float("inf")
        deadline = time.perf_counter() + 0.5
        while time.perf_counter() < deadline or best == float("inf"):
            start = time.perf_counter()
            formula(steps, **params)
            best = min(best, time.perf_counter() - start)
        _numpy_seconds[key] = best
    return _numpy_seconds[key]


def record(benchmark, kind, n, values, reference):
    seconds = benchmark.stats.stats.min
    benchmark.extra_info["values_per_second"] = n / seconds
    benchmark.extra_info["speedup_vs_numpy"] = numpy_seconds(kind, np.arange(n)) / seconds
    got, want = np.asarray(values, dtype=reference.dtype), reference
    benchmark.extra_info["max_ulp_vs_pysched"] = int(ulp_distance(got, want).max()) if n else 0


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("kind", KINDS)
def test_pysched(benchmark, kind, n):
    benchmark.group = f"{kind} n={n}"
    schedule = pysched.schedule(spec(kind))
    steps = np.arange(n)
    values = benchmark(schedule, steps)
    record(benchmark, kind, n, values, values)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("kind", KINDS)
def test_numpy(benchmark, kind, n):
    benchmark.group = f"{kind} n={n}"
    steps = np.arange(n)
    values = benchmark(FORMULAS[kind], steps, **EXAMPLES[kind])
    record(benchmark, kind, n, values, pysched.schedule(spec(kind))(steps))


@pytest.mark.parametrize("kind", KINDS)
def test_framework(benchmark, kind):
    benchmark.group = f"{kind} n={FRAMEWORK_SIZE}"
    name, preview = preview_loop(spec(kind), FRAMEWORK_SIZE)
    benchmark.extra_info["framework"] = name
    values = benchmark.pedantic(preview, rounds=3, iterations=1, warmup_rounds=1)
    record(benchmark, kind, FRAMEWORK_SIZE, values, pysched.schedule(spec(kind))(np.arange(FRAMEWORK_SIZE)))
