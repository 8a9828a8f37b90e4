"""Two Python threads sharing one large batch of evaluations (every family's
example spec over 10**6 steps, each call on one kernel thread) beside the same
batch on one thread: the kernel releases the GIL, so on two cores the two
threads should take close to half the serial time (issue 7). Values are
checked against the serial ones outside the timed region."""

import threading

import numpy as np
import pytest

import pysched

from examples import EXAMPLES, spec

STEPS = range(10**6)
_serial: dict = {}


def batch() -> list:
    """The calls of the batch, twice each family, in a fixed order, each into
    an output array allocated (and touched) outside the timed region."""
    schedules = [pysched.schedule(spec(kind)) for kind in sorted(EXAMPLES)] * 2
    outs = [np.ones(len(STEPS), dtype=s.dtype) for s in schedules]
    return [lambda s=s, out=out: s(STEPS, out=out, threads=1) for s, out in zip(schedules, outs, strict=True)]


def on_threads(calls: list, threads: int) -> list:
    """Run ``calls`` split between ``threads`` Python threads (every threads-th
    call to each); the results in the calls' order."""
    results = [None] * len(calls)

    def work(first: int) -> None:
        for index in range(first, len(calls), threads):
            results[index] = calls[index]()

    workers = [threading.Thread(target=work, args=(first,)) for first in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


@pytest.mark.parametrize("threads", [1, 2])
def test_threads(benchmark, threads):
    calls = batch()
    expected = [values.copy() for values in on_threads(calls, 1)]
    assert all(np.array_equal(got, want) for got, want in zip(on_threads(calls, threads), expected, strict=True))
    benchmark.group = f"one batch: {len(calls)} calls x {len(STEPS):,} steps"
    benchmark.pedantic(on_threads, args=(calls, threads), rounds=3, iterations=1, warmup_rounds=0)
    seconds = benchmark.stats.stats.min
    if threads == 1:
        _serial["seconds"] = seconds
    benchmark.extra_info.update(batch_threads=threads, calls=len(calls), steps=len(STEPS), seconds=seconds)
    if "seconds" in _serial:
        benchmark.extra_info["speedup"] = _serial["seconds"] / seconds
