"""Evaluation is pure: the same bits again, from any thread, in any batch."""

import threading

import numpy as np

import pysched

from examples import EXAMPLES, spec

STEPS = np.random.default_rng(7).integers(0, 2**40, size=200_000)
STEPS[:50_000] = np.arange(50_000)


def test_two_threads_at_once_give_identical_bits():
    schedules = [pysched.schedule(spec(kind)) for kind in sorted(EXAMPLES)]
    expected = [s(STEPS) for s in schedules]
    results = {}
    start = threading.Barrier(2)

    def work(name):
        start.wait()
        results[name] = [[s(STEPS) for s in schedules] for _ in range(3)]

    threads = [threading.Thread(target=work, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name in ("a", "b"):
        for rounds in results[name]:
            for got, want in zip(rounds, expected, strict=True):
                assert got.tobytes() == want.tobytes()


def test_tensorflow_families_leave_the_thread_floating_point_state_alone():
    """They flush denormals as TF does, inside the call only."""
    tiny = 1e-310
    before = pysched.schedule(spec("seed.lf", lr0=tiny))(0)
    pysched.schedule(spec("keras.ExponentialDecay"))(np.arange(10))
    assert pysched.schedule(spec("seed.lf", lr0=tiny))(0) == before == tiny
    assert np.float64(tiny) * 0.5 != 0.0
