"""Evaluation is pure: the same bits again, from any thread, in any batch."""

import os
import sys
import threading
import time

import numpy as np
import pytest

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


MANY_STEPS = np.arange(5 * 32768 + 11)
FAILING = [  # a failure in a later chunk than another, and two kinds of failure in one array
    ({"kind": "keras.ExponentialDecay", "initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 1.001},
     np.arange(200_000)),
    ({"kind": "torch.OneCycleLR", "max_lr": 1.0, "total_steps": 150_000}, np.arange(200_000)),
    ({"kind": "torch.OneCycleLR", "max_lr": 1.0, "total_steps": 150_000}, np.arange(200_000)[::-1].copy()),
    # a composition split between threads: its first child overflows late, its second from its first step
    ({"kind": "pysched.sequential", "boundaries": [100_000], "schedules": [
        {"kind": "keras.ExponentialDecay", "initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 1.01},
        {"kind": "keras.ExponentialDecay", "initial_learning_rate": 1e38, "decay_steps": 1, "decay_rate": 10.0}]},
     np.arange(200_000)[::-1].copy()),
]


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_any_thread_count_gives_the_serial_bits(kind):
    schedule = pysched.schedule(spec(kind))
    serial = _outcome(schedule, MANY_STEPS, 1)
    for threads in (2, 3, 7, 64):
        assert _same(_outcome(schedule, MANY_STEPS, threads), serial), f"{threads} threads"


@pytest.mark.parametrize("spec_, steps", FAILING,
                         ids=["overflow", "raises past total_steps", "raises, reversed", "composition, reversed"])
def test_threads_report_the_serial_failure(spec_, steps):
    schedule = pysched.schedule(spec_)
    serial = _outcome(schedule, steps, 1)
    assert isinstance(serial, str)
    for threads in (2, 5):
        assert _outcome(schedule, steps, threads) == serial


@pytest.mark.parametrize("threads, error, message", [
    (0, ValueError, r"threads must be in \[1, 64\], got 0"),
    (65, ValueError, r"threads must be in \[1, 64\], got 65"),
    (True, TypeError, "threads must be an integer, got True"),
    (2.0, TypeError, "threads must be an integer, got 2.0"),
])
def test_a_bad_thread_count_is_refused(threads, error, message):
    with pytest.raises(error, match=f"seed.lf: {message}"):
        pysched.schedule(spec("seed.lf"))(MANY_STEPS, threads=threads)


SWEEP_STEPS = np.arange(0, 3_000_000, 37)


def test_evaluate_many_gives_the_serial_bits_on_any_thread_count():
    specs = [spec(kind) for kind in sorted(EXAMPLES)]
    serial = pysched.evaluate_many(specs, SWEEP_STEPS, threads=1)
    for threads in (2, 3, 7, 64):
        assert pysched.evaluate_many(specs, SWEEP_STEPS, threads=threads).tobytes() == serial.tobytes()


def test_evaluate_many_reports_the_serial_failure_on_any_thread_count():
    """The first failing row, as a serial run meets it, whichever thread had it."""
    overflowing = spec("keras.ExponentialDecay", decay_rate=1e30, staircase=False, dtype="float64")
    specs = [spec("seed.lf")] * 40 + [overflowing] * 3 + [spec("seed.lf")] * 20
    outcomes = set()
    for threads in (1, 2, 5):
        with pytest.raises(ValueError) as failure:
            pysched.evaluate_many(specs, SWEEP_STEPS, threads=threads)
        outcomes.add(str(failure.value))
    assert len(outcomes) == 1 and "(row 40)" in outcomes.pop()


def _outcome(schedule, steps, threads):
    try:
        return schedule(steps, threads=threads)
    except ValueError as failure:
        return str(failure)


def _same(a, b):
    return a == b if isinstance(a, str) or isinstance(b, str) else a.tobytes() == b.tobytes()


RUN_SPECS = [
    {"kind": "keras.ExponentialDecay", "initial_learning_rate": 0.1, "decay_steps": 1000, "decay_rate": 0.96,
     "staircase": True},
    {"kind": "keras.ExponentialDecay", "initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.999999,
     "staircase": True, "execution": "graph"},
    {"kind": "keras.ExponentialDecay", "initial_learning_rate": 0.1, "decay_steps": 7.5, "decay_rate": 0.9999999,
     "staircase": True, "dtype": "float64"},
    {"kind": "keras.PiecewiseConstantDecay", "boundaries": [0, 10, 2**24 + 1, 2**40],
     "values": [1.0, 0.5, 0.2, 0.1, 0.0]},
    {"kind": "tf1.piecewise_constant", "boundaries": [5, 6, 7], "values": [0.4, 0.3, 0.2, 0.1]},
    {"kind": "seed.exponential_decay", "learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5, "staircase": True},
]
RUN_STEPS = np.concatenate([np.arange(20_000), 2**24 - 5000 + np.arange(10_000), 2**40 - 3 + np.arange(7),
                            2**53 - 100 + np.arange(101)])


@pytest.mark.parametrize("spec_", RUN_SPECS, ids=lambda spec_: spec_["kind"])
def test_runs_filled_once_are_the_values_computed_one_by_one(spec_):
    schedule = pysched.schedule(spec_)
    backwards = schedule(RUN_STEPS[::-1].copy())[::-1]  # descending steps never share a run
    assert schedule(RUN_STEPS).tobytes() == backwards.tobytes()
    assert schedule(RUN_STEPS[::3].copy()).tobytes() == backwards[::3].tobytes()


RANGES = [range(0, 5 * 32768 + 11), range(7, 300_000, 3), range(2**53 - 100_000, 2**53 + 1, 7), range(5, 5)]


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_a_range_gives_the_values_of_its_array(kind):
    schedule = pysched.schedule(spec(kind))
    for steps in RANGES:
        as_array = _outcome(schedule, np.arange(steps.start, steps.stop, steps.step), 1)
        for threads in (1, 3):
            assert _same(_outcome(schedule, steps, threads), as_array), (steps, threads)


@pytest.mark.parametrize("spec_, steps", FAILING,
                         ids=["overflow", "raises past total_steps", "raises, reversed", "composition, reversed"])
def test_a_range_fails_as_its_array_does(spec_, steps):
    schedule = pysched.schedule(spec_)
    direction = 1 if steps[-1] >= steps[0] else -1  # a descending range is read as its array
    as_range = range(int(steps[0]), int(steps[-1]) + direction, direction)
    assert _outcome(schedule, as_range, 2) == _outcome(schedule, steps, 1)


@pytest.mark.parametrize("steps, message", [
    (range(-5, 3), "got -5 at index 0"),
    (range(2**53 - 2, 2**53 + 3), "got 9007199254740993 at index 3"),
    (range(0, 10**30), "got 9007199254740993 at index 9007199254740993"),
])
def test_a_range_beyond_the_exact_steps_is_refused(steps, message):
    with pytest.raises(ValueError, match=rf"seed.lf: steps must be in \[0, 2\*\*53\], {message}"):
        pysched.schedule(spec("seed.lf"))(steps)


# ---- the GIL is released during evaluation (issue 7, item 5) -------------------------------------------------------

LONG_CALL = {"kind": "torch.CosineAnnealingLR", "lr": 0.1, "T_max": 1000, "closed_form": False}


def _progress_during(call):
    """How many times a Python thread counted while ``call`` ran on another.

    The forced switch interval is set beyond the test's length, so a thread
    holding the GIL keeps it until it releases it itself: the counting thread
    (which releases it at each count, in sleep(0)) counts during the call only
    if the call releases the GIL."""
    counter, done = [0], threading.Event()

    def count():
        while not done.is_set():
            counter[0] += 1
            time.sleep(0)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)
    counting = threading.Thread(target=count)
    try:
        counting.start()
        while counter[0] < 10:  # the counter runs
            time.sleep(0)
        before = counter[0]
        call()
        after = counter[0]
    finally:
        done.set()
        counting.join()
        sys.setswitchinterval(interval)
    return after - before


def test_a_python_thread_runs_while_the_kernel_evaluates():
    """10**8 replayed steps in one scalar call, and 10**8 closed-form steps in
    one array call; a builtin that holds the GIL as long is the control."""
    replayed = pysched.schedule(LONG_CALL)
    closed = pysched.schedule(spec("seed.lf"))
    out = np.empty(10**8)
    assert _progress_during(lambda: sum(range(10**7))) == 0
    assert _progress_during(lambda: replayed(10**8)) > 100
    assert _progress_during(lambda: closed(range(10**8), out=out, threads=1)) > 100


# ---- 8 threads, every family, for a minute: the serial bits (issue 7, item 5) --------------------------------------

SOAK_SECONDS = float(os.environ.get("PYSCHED_THREAD_SECONDS", "60"))
SOAK_STEPS = np.concatenate([np.arange(3000), np.random.default_rng(8).integers(0, 2**34, size=3000)])
SOAK_RANGE = range(5, 40_000, 3)


def _soak_tasks():
    """Every family as an array, a range and a scalar call, in exact and fast
    precision and on 1 or 2 kernel threads; sweeps; calls that fail."""
    tasks = []
    for i, kind in enumerate(sorted(EXAMPLES)):
        exact, fast = pysched.schedule(spec(kind)), pysched.schedule(spec(kind), precision="fast")
        tasks += [(f"{kind} array", lambda s=exact, t=1 + i % 2: s(SOAK_STEPS, threads=t)),
                  (f"{kind} fast", lambda s=fast: s(SOAK_STEPS, threads=1)),
                  (f"{kind} range", lambda s=exact, t=2 - i % 2: s(SOAK_RANGE, threads=t)),
                  (f"{kind} scalar", lambda s=exact: np.array([s(int(step)) for step in SOAK_STEPS[::500]]))]
    specs = [spec(kind) for kind in sorted(EXAMPLES)]
    tasks += [("evaluate_many", lambda: pysched.evaluate_many(specs, SOAK_STEPS[:2000], threads=2)),
              ("evaluate_many fast", lambda: pysched.evaluate_many(specs, SOAK_RANGE, precision="fast", threads=1))]
    for i, (failing, steps) in enumerate(FAILING):
        failing_schedule = pysched.schedule(failing)
        tasks.append((f"failing {i}", lambda s=failing_schedule, steps=steps: s(steps, threads=1)))
    return tasks


def _run(task):
    try:
        return task()
    except ValueError as failure:
        return str(failure)


def test_eight_threads_for_a_minute_give_the_serial_bits(capsys):
    tasks = _soak_tasks()
    serial = [_run(call) for _, call in tasks]
    deadline = time.monotonic() + SOAK_SECONDS
    compared, mismatches, start = [0] * 8, [], threading.Barrier(8)

    def work(thread):
        order = np.random.default_rng(thread).permutation(len(tasks))
        start.wait()
        while time.monotonic() < deadline:
            for index in order:
                if not _same(_run(tasks[index][1]), serial[index]):
                    mismatches.append((thread, tasks[index][0]))
                compared[thread] += 1

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with capsys.disabled():  # the size of the test, in every run's output
        print(f"\n8 threads, {SOAK_SECONDS:g} s: {sum(compared):,} evaluations of {len(tasks)} calls compared "
              f"with the serial run, {len(mismatches)} differed")
    assert not mismatches, mismatches[:10]
    assert min(compared) >= len(tasks)
