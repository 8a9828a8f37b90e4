"""The C kernel's entry points, called directly: every bad argument is a status code."""

import math
import os

import numpy as np
import pytest

import pysched
from pysched._kernel import ffi, lib

from examples import EXAMPLES, spec

NULL = ffi.NULL


KEEP_ALIVE = []  # the parameter arrays the test descriptors point into


def descriptor(kind=lib.PSK_KERAS_EXPONENTIAL_DECAY, dtype=lib.PSK_FLOAT32, real=(0.1, 1000.0, 0.96),
               integer=(0, 0), precision=lib.PSK_EXACT):
    arrays = (ffi.new("double[]", list(real)), ffi.new("int64_t[]", list(integer)))
    KEEP_ALIVE.append(arrays)
    return ffi.new("psk_schedule *", {"kind": kind, "dtype": dtype, "precision": precision, "n_real": len(real),
                                      "real": arrays[0], "n_int": len(integer), "integer": arrays[1]})


def evaluate(s, steps, out=None, out_dtype=lib.PSK_FLOAT32, out_len=None):
    steps = np.asarray(steps, dtype=np.int64)
    out = np.zeros(len(steps), np.float32 if out_dtype == lib.PSK_FLOAT32 else np.float64) if out is None else out
    bad = ffi.new("int64_t *", -1)
    status = lib.psk_eval(s, ffi.from_buffer("int64_t[]", steps), len(steps), ffi.from_buffer(out), out_dtype,
                          len(out) if out_len is None else out_len, bad)
    return status, bad[0], out


def test_a_valid_call():
    s = descriptor()
    status, _, out = evaluate(s, [0, 1000])
    assert status == lib.PSK_OK and out[0] == np.float32(0.1)


@pytest.mark.parametrize("change, status", [
    ({"kind": 0}, lib.PSK_E_KIND),
    ({"kind": lib.PSK_KIND_COUNT}, lib.PSK_E_KIND),
    ({"kind": -7}, lib.PSK_E_KIND),
    ({"dtype": 2}, lib.PSK_E_DTYPE),
    ({"precision": 2}, lib.PSK_E_PRECISION),
    ({"precision": -1}, lib.PSK_E_PRECISION),
    ({"real": (0.1, 1000.0)}, lib.PSK_E_PARAM_COUNT),
    ({"integer": (0, 0, 0)}, lib.PSK_E_PARAM_COUNT),
    ({"real": (0.1, 0.0, 0.96)}, lib.PSK_E_PARAM),
    ({"real": (0.1, 1000.0, math.nan)}, lib.PSK_E_PARAM),
    ({"real": (math.inf, 1000.0, 0.96)}, lib.PSK_E_PARAM),
    ({"integer": (2, 0)}, lib.PSK_E_PARAM),
], ids=str)
def test_bad_descriptors(change, status):
    s = descriptor(**change)
    assert lib.psk_check(s) == status
    assert evaluate(s, [0])[0] == status
    assert lib.psk_has_fast_path(s) == 0


@pytest.mark.parametrize("kind, field", [
    (lib.PSK_KERAS_EXPONENTIAL_DECAY, "n_real"),
    (lib.PSK_KERAS_EXPONENTIAL_DECAY, "n_int"),
    (lib.PSK_KERAS_PIECEWISE_CONSTANT_DECAY, "n_real"),  # a family whose counts vary
    (lib.PSK_KERAS_PIECEWISE_CONSTANT_DECAY, "n_int"),
    (lib.PSK_KERAS_EXPONENTIAL_DECAY, "n_children"),
], ids=str)
def test_negative_counts_are_wrong_counts(kind, field):
    s = descriptor(kind=kind, real=(0.1, 0.01), integer=(1000,)) if kind != lib.PSK_KERAS_EXPONENTIAL_DECAY \
        else descriptor()
    assert lib.psk_check(s) == lib.PSK_OK
    setattr(s, field, -1)
    assert lib.psk_check(s) == lib.PSK_E_PARAM_COUNT
    assert evaluate(s, [0])[0] == lib.PSK_E_PARAM_COUNT


def scaled(child, times):
    """child wrapped in `times` pysched.scale nodes (factor 2): a composition `times` deep."""
    for _ in range(times):
        KEEP_ALIVE.append(child)  # a struct field does not keep its pointee alive
        node = descriptor(kind=lib.PSK_PYSCHED_SCALE, real=(2.0,), integer=())
        node.children, node.n_children = child, 1
        child = node
    return child


def test_composition_depth_is_bounded():
    deepest = scaled(descriptor(), lib.PSK_MAX_DEPTH)
    status, _, out = evaluate(deepest, [0])
    assert status == lib.PSK_OK and out[0] == np.float32(0.1) * 2**lib.PSK_MAX_DEPTH
    too_deep = scaled(descriptor(), lib.PSK_MAX_DEPTH + 1)
    assert lib.psk_check(too_deep) == lib.PSK_E_DEPTH
    assert evaluate(too_deep, [0])[0] == lib.PSK_E_DEPTH


def test_a_descriptor_that_contains_itself_is_too_deep():
    loop = descriptor(kind=lib.PSK_PYSCHED_SCALE, real=(2.0,), integer=())
    loop.children, loop.n_children = loop, 1
    assert lib.psk_check(loop) == lib.PSK_E_DEPTH
    assert evaluate(loop, [0])[0] == lib.PSK_E_DEPTH


def test_a_bad_child_fails_its_parent():
    parent = scaled(descriptor(kind=lib.PSK_KIND_COUNT), 1)
    assert lib.psk_check(parent) == lib.PSK_E_KIND
    parent = scaled(descriptor(), 1)
    parent.children = NULL
    assert lib.psk_check(parent) == lib.PSK_E_NULL


def test_has_fast_path_reads_a_valid_descriptor():
    assert lib.psk_has_fast_path(descriptor()) == 1
    assert lib.psk_has_fast_path(descriptor(precision=lib.PSK_FAST)) == 1
    assert lib.psk_has_fast_path(descriptor(kind=lib.PSK_KERAS_INVERSE_TIME_DECAY)) == 0


def test_null_pointers():
    assert lib.psk_check(NULL) == lib.PSK_E_NULL
    s = descriptor()
    s.real = NULL
    assert lib.psk_check(s) == lib.PSK_E_NULL
    s = descriptor()
    out = np.zeros(1, np.float32)
    assert lib.psk_eval(s, NULL, 1, ffi.from_buffer(out), lib.PSK_FLOAT32, 1, NULL) == lib.PSK_E_NULL
    steps = np.zeros(1, np.int64)
    assert lib.psk_eval(s, ffi.from_buffer("int64_t[]", steps), 1, NULL, lib.PSK_FLOAT32, 1, NULL) == lib.PSK_E_NULL
    assert lib.psk_eval(s, NULL, 0, NULL, lib.PSK_FLOAT32, 0, NULL) == lib.PSK_OK


def test_lengths_and_buffers():
    s = descriptor()
    assert evaluate(s, [0, 1, 2], out_len=2)[0] == lib.PSK_E_LENGTH
    steps = np.zeros(1, np.int64)
    out = np.zeros(1, np.float32)
    assert lib.psk_eval(s, ffi.from_buffer("int64_t[]", steps), -1, ffi.from_buffer(out), lib.PSK_FLOAT32, 1,
                        NULL) == lib.PSK_E_LENGTH
    assert evaluate(s, [0], out_dtype=7)[0] == lib.PSK_E_DTYPE
    s64 = descriptor(dtype=lib.PSK_FLOAT64)
    assert evaluate(s64, [0], out=np.zeros(1, np.float32), out_dtype=lib.PSK_FLOAT32)[0] == lib.PSK_E_DTYPE
    assert evaluate(s, [0, 5], out_dtype=lib.PSK_FLOAT64)[0] == lib.PSK_OK  # float32 values widen exactly


def test_a_negative_output_length():
    assert evaluate(descriptor(), [0], out_len=-1)[0] == lib.PSK_E_LENGTH
    assert evaluate(descriptor(), [], out_len=-1)[0] == lib.PSK_E_LENGTH


def test_a_failing_step_without_bad_index():
    steps, out = np.array([0, -1], np.int64), np.zeros(2, np.float32)
    assert lib.psk_eval(descriptor(), ffi.from_buffer("int64_t[]", steps), 2, ffi.from_buffer(out), lib.PSK_FLOAT32,
                        2, NULL) == lib.PSK_E_STEP
    steps = np.array([0, 200], np.int64)
    assert lib.psk_eval(descriptor(real=(0.1, 1.0, 2.0)), ffi.from_buffer("int64_t[]", steps), 2,
                        ffi.from_buffer(out), lib.PSK_FLOAT32, 2, NULL) == lib.PSK_E_NONFINITE


@pytest.mark.parametrize("step", [-1, lib.PSK_MAX_STEP + 1, -(2**63)])
def test_bad_steps_name_their_index(step):
    s = descriptor()
    status, bad, _ = evaluate(s, [0, 1, step])
    assert (status, bad) == (lib.PSK_E_STEP, 2)


def test_non_finite_results_name_their_index():
    s = descriptor(real=(0.1, 1.0, 2.0))
    status, bad, _ = evaluate(s, [0, 10, 200])
    assert (status, bad) == (lib.PSK_E_NONFINITE, 2)


def test_eval_at_is_eval_at_one_step():
    value = ffi.new("double *")
    assert lib.psk_eval_at(descriptor(), 2500, value) == lib.PSK_OK
    assert value[0] == evaluate(descriptor(), [2500])[2][0]
    assert lib.psk_eval_at(descriptor(), -1, value) == lib.PSK_E_STEP
    assert lib.psk_eval_at(descriptor(), 0, NULL) == lib.PSK_E_NULL
    assert lib.psk_eval_at(NULL, 0, value) == lib.PSK_E_NULL
    assert lib.psk_eval_at(descriptor(kind=0), 0, value) == lib.PSK_E_KIND


@pytest.mark.parametrize("threads", [0, -1, lib.PSK_MAX_THREADS + 1])
def test_eval_threads_refuses_a_bad_thread_count(threads):
    out = np.zeros(1, np.float32)
    steps = np.zeros(1, np.int64)
    assert lib.psk_eval_threads(descriptor(), ffi.from_buffer("int64_t[]", steps), 1, ffi.from_buffer(out),
                                lib.PSK_FLOAT32, 1, threads, NULL) == lib.PSK_E_THREADS


def test_eval_range_checks_its_progression():
    out = np.zeros(4, np.float32)
    bad = ffi.new("int64_t *", -1)

    def call(first, stride, n, out_len=4):
        return lib.psk_eval_range(descriptor(), first, stride, n, ffi.from_buffer(out), lib.PSK_FLOAT32, out_len,
                                  1, bad)

    assert call(0, 1000, 4) == lib.PSK_OK and out[3] == evaluate(descriptor(), [3000])[2][0]
    for threads in (0, lib.PSK_MAX_THREADS + 1):
        assert lib.psk_eval_range(descriptor(), 0, 1, 4, ffi.from_buffer(out), lib.PSK_FLOAT32, 4, threads,
                                  bad) == lib.PSK_E_THREADS
    assert lib.psk_eval_range(descriptor(precision=2), 0, 1, 4, ffi.from_buffer(out), lib.PSK_FLOAT32, 4, 1,
                              bad) == lib.PSK_E_PRECISION
    assert call(0, 0, 4) == lib.PSK_E_LENGTH
    assert call(0, 1, -1) == lib.PSK_E_LENGTH
    assert call(0, 1, 4, out_len=3) == lib.PSK_E_LENGTH
    assert (call(-1, 1, 4), bad[0]) == (lib.PSK_E_STEP, 0)
    assert (call(lib.PSK_MAX_STEP - 1, 1, 4), bad[0]) == (lib.PSK_E_STEP, 2)
    assert (call(0, 2**62, 4), bad[0]) == (lib.PSK_E_STEP, 1)


def test_eval_many_checks_rows_and_sizes():
    good = descriptor()
    bad = descriptor(kind=99)
    rows = ffi.new("psk_schedule[]", 2)
    rows[0], rows[1] = good[0], bad[0]
    steps = np.arange(3, dtype=np.int64)
    out = np.zeros(6, np.float32)
    bad_row, bad_index = ffi.new("int64_t *", -1), ffi.new("int64_t *", -1)
    args = (ffi.from_buffer("int64_t[]", steps), 3, ffi.from_buffer(out), lib.PSK_FLOAT32)
    assert lib.psk_eval_many(rows, 2, *args, 6, bad_row, bad_index) == lib.PSK_E_KIND and bad_row[0] == 1
    rows[1] = good[0]
    assert lib.psk_eval_many(rows, 2, *args, 5, bad_row, bad_index) == lib.PSK_E_LENGTH
    assert lib.psk_eval_many(rows, 2**62, *args, 6, bad_row, bad_index) == lib.PSK_E_LENGTH
    assert lib.psk_eval_many(NULL, 2, *args, 6, bad_row, bad_index) == lib.PSK_E_NULL
    assert lib.psk_eval_many(rows, 2, *args, 6, NULL, NULL) == lib.PSK_OK
    assert lib.psk_eval_many(rows, -1, *args, 6, bad_row, bad_index) == lib.PSK_E_LENGTH
    assert lib.psk_eval_many(rows, 2, args[0], -3, *args[2:], 6, bad_row, bad_index) == lib.PSK_E_LENGTH
    assert lib.psk_eval_many(rows, 2, *args, -6, bad_row, bad_index) == lib.PSK_E_LENGTH
    for threads in (0, 65):
        assert lib.psk_eval_many_threads(rows, 2, *args, 6, threads, bad_row, bad_index) == lib.PSK_E_THREADS


def test_every_status_has_a_message():
    codes = [getattr(lib, name) for name in dir(lib) if name.startswith("PSK_E_")]
    messages = {ffi.string(lib.psk_strerror(code)).decode() for code in codes}
    assert len(messages) == len(codes) and "unknown status" not in messages
    assert ffi.string(lib.psk_strerror(-1)) == ffi.string(lib.psk_strerror(1000)) == b"unknown status"


# How many random descriptors the fuzz tests below try, as a fraction of their full count
# (tests/sanitize/run.sh memcheck runs them at a twentieth under valgrind).
FUZZ_SCALE = float(os.environ.get("PYSCHED_KERNEL_FUZZ_SCALE", "1"))
EXTREME_REALS = (0.0, -0.0, 1.0, -1.0, 0.5, 3.0, 1e-300, 1e300, -1e300, 2.0**31, 2.0**63, math.nan, math.inf)
EXTREME_INTS = (0, 1, -1, 2, 7, 2**31 - 1, 2**31, 2**53, 2**63 - 1, -(2**63))
FUZZ_STEPS = np.array([0, 1, 2, 3, 100, 4097, 3, 0], dtype=np.int64)


def random_descriptor(rng, depth=0):
    """Any kind, any counts, extreme numbers, sometimes children: what a buggy caller might pass."""
    real = [EXTREME_REALS[i] for i in rng.integers(len(EXTREME_REALS), size=rng.integers(0, 7))]
    integer = [EXTREME_INTS[i] for i in rng.integers(len(EXTREME_INTS), size=rng.integers(0, 7))]
    s = descriptor(kind=int(rng.integers(0, lib.PSK_KIND_COUNT + 1)), dtype=int(rng.integers(0, 3)), real=real,
                   integer=integer, precision=int(rng.integers(0, 3)))
    if depth < 2 and rng.random() < 0.3:
        children = ffi.new("psk_schedule[]", int(rng.integers(1, 4)))
        for i in range(len(children)):
            children[i] = random_descriptor(rng, depth + 1)[0]
        KEEP_ALIVE.append(children)
        s.children, s.n_children = children, len(children)
    return s


def mutated(original, rng):
    """A valid descriptor's counts and kinds, with some numbers swapped for extremes."""
    def pick(values, extremes):
        return [extremes[rng.integers(len(extremes))] if rng.random() < 0.3 else v for v in values]

    real = pick([original.real[i] for i in range(original.n_real)], EXTREME_REALS)
    integer = pick([original.integer[i] for i in range(original.n_int)], EXTREME_INTS)
    s = descriptor(kind=original.kind, dtype=original.dtype, real=real, integer=integer,
                   precision=int(rng.integers(0, 2)))
    if original.n_children:
        children = ffi.new("psk_schedule[]", original.n_children)
        for i in range(original.n_children):
            children[i] = mutated(original.children[i], rng)[0]
        KEEP_ALIVE.append(children)
        s.children, s.n_children = children, original.n_children
    return s


def assert_status_is_honest(s):
    status, bad, out = evaluate(s, FUZZ_STEPS, out_dtype=lib.PSK_FLOAT64)
    if status == lib.PSK_OK:
        assert np.isfinite(out).all()
    elif status in (lib.PSK_E_NONFINITE, lib.PSK_E_RAISES):
        assert 0 <= bad < len(FUZZ_STEPS)
    return status


def test_no_descriptor_crashes_the_kernel():
    rng = np.random.default_rng(2026)
    statuses = {assert_status_is_honest(random_descriptor(rng)) for _ in range(round(5_000 * FUZZ_SCALE))}
    assert {lib.PSK_E_KIND, lib.PSK_E_DTYPE, lib.PSK_E_PARAM_COUNT} <= statuses


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_no_extreme_parameter_crashes_a_family(kind):
    rng = np.random.default_rng(sorted(EXAMPLES).index(kind))
    schedule = pysched.schedule(spec(kind))  # owns the descriptor's memory
    valid = schedule._descriptor.struct
    statuses = {assert_status_is_honest(mutated(valid, rng)) for _ in range(round(2_000 * FUZZ_SCALE))}
    assert lib.PSK_OK in statuses
