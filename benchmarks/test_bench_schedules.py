"""Every benchmarked schedule (peers.py) at every size, pysched's exact path
(on one thread and on two) beside numpy, torch tensor ops, the framework's own schedule on a tensor
(Keras or TF under tf.function, optax under jax.jit), the framework stepped one
update at a time, and the fill limit (writing one constant into the same
preallocated array), all in one run.

Each row records ns per value, values per second, its speed-up over numpy and
its cost relative to the fill limit (both timed in this run), and how far its
values are from pysched's exact ones (checked outside the timed region).

    pytest benchmarks --benchmark-only --benchmark-json=results.json
    python benchmarks/render.py results.json      # table.md and chart.png
"""

import numpy as np
import pytest
from contenders import LOOP_SIZE, SIZES, best_seconds, correctness, names, prepare
from libm_loops import LOOPS
from peers import BENCHES

import pysched

CASES = [(name, contender, n) for name, bench in BENCHES.items() for contender in names(name, bench)
         for n in SIZES if contender != "loop" or n == LOOP_SIZE]
_reference_seconds: dict = {}


def reference_seconds(name: str, contender: str, n: int) -> float:
    """numpy's and the fill limit's best time for a schedule and size, once per run."""
    key = (name, contender, n)
    if key not in _reference_seconds:
        call, _ = prepare(name, BENCHES[name], contender, np.arange(n, dtype=np.int64))
        _reference_seconds[key] = best_seconds(call)
    return _reference_seconds[key]


@pytest.mark.parametrize("name, contender, n", CASES, ids=[f"{name}-{c}-{n}" for name, c, n in CASES])
def test_schedule(benchmark, name, contender, n):
    bench = BENCHES[name]
    steps = np.arange(n, dtype=np.int64)
    try:
        call, info = prepare(name, bench, contender, steps)
    except ImportError as missing:
        pytest.skip(f"{contender} is not installed: {missing}")
    if contender != "fill":
        info.update(correctness(bench, call(), pysched.schedule(bench.spec)(steps)))
    benchmark.group = f"{name} n={n}"
    if contender == "loop":
        benchmark.pedantic(call, rounds=3, iterations=1, warmup_rounds=1)
    else:
        benchmark(call)
    seconds = benchmark.stats.stats.min
    benchmark.extra_info.update(
        info, schedule=name, kind=bench.spec["kind"], dtype=bench.dtype, contender=contender, n=n,
        ns_per_value=seconds / n * 1e9, values_per_second=n / seconds,
        speedup_vs_numpy=reference_seconds(name, "numpy", n) / seconds,
        **({"cost_vs_libm": seconds / reference_seconds(name, "libm", n)} if name in LOOPS else {}),
        cost_vs_fill=seconds / reference_seconds(name, "fill", n))
