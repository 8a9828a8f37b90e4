"""The fuzz target: arbitrary bytes decoded into calls across pysched's Python-to-C boundary.

``one_input(data)`` reads ``data`` with atheris' ``FuzzedDataProvider`` and makes
one call: a schedule built from a decoded spec (any kind, parameters of the
family's declared types or of any type at all, nested compositions, deep
nesting, huge numbers, NaN, strings) evaluated at decoded steps (any dtype,
shape, stride, byte order, read-only, empty, large) with decoded ``out=``,
``threads=`` and ``precision=``; or ``evaluate_many``, ``Schedule.table``,
``pysched.lint``, or the command line's ``read_spec`` and ``parse_steps``.

Allowed outcomes: a value, checked (finite, the schedule's dtype, the steps'
shape, equal bit for bit to the scalar path at a few of the steps, each
``evaluate_many`` row equal to its schedule's own values), or ValueError or
TypeError (MemoryError for absurd sizes). Anything else escapes as a finding:
``Finding`` for a wrong value, or the unexpected exception itself.

Sizes are capped (steps arrays, ``table`` lengths, ``lint``'s training length)
so that an input runs in milliseconds; a schedule that replays a recursion
(torch's stepped forms, the seeds' stateful classes) has its steps below
2**27 folded under 2**20, since replaying up to the 2**27 bound takes seconds
by design. run.py runs this under libFuzzer; tests/test_fuzz_regressions.py
replays the corpus and the findings through it.
"""

from __future__ import annotations

import json
import math
import numbers
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

import pysched
from pysched import cli, lint
from pysched._family import Child, Children
from pysched._params import Bool, Choice, DictOf, Integer, ListOf, Real, String

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from examples import EXAMPLES  # noqa: E402

FAMILIES = pysched.families()
KINDS = sorted(FAMILIES)
COMPOSERS = ("pysched.scale", "pysched.clamp", "pysched.sequential")
MAX_STEP = 2**53
INTS = (0, 1, 2, 3, 7, 100, 1000, -1, -2, 2**20, 2**27, 2**27 + 1, 2**31 - 1, 2**31, 2**32, 2**53 - 1, 2**53,
        2**53 + 1, 2**62, 2**63 - 1, 2**63, 2**64 - 1, 2**64, -2**63, 10**30, 10**400)
FLOATS = (0.0, -0.0, 0.5, 1.0, -1.0, 2.0, 0.1, 0.999, 1e-300, 5e-324, 1.1754943508222875e-38, 1.401298464324817e-45,
          3.4028234663852886e38, 3.5e38, 1e308, 1.7976931348623157e308, 2.0**53, 2.0**53 + 2, 2.0**63, 1e30,
          math.nan, math.inf, -math.inf, 1.5, 3.0)
STRINGS = ("", "float32", "float64", "float16", "exact", "fast", "numpy", "torch", "kind", "linear", "cos",
           "triangular", "exp_range", "\x00", "é", "1e3", "100")
STEP_DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16",
               "float32", "float64", "longdouble", "complex64", "complex128", "object", "U4", "S4",
               "datetime64[s]", "timedelta64[s]")
LARGE = 2**16
"""The most steps an input evaluates (and the longest ``table`` or ``lint`` training)."""
FOLDED = 2**20
REPLAY_BOUND = 2**27


class Finding(AssertionError):
    """A wrong value or a wrong shape, dtype or type of result."""


def one_input(data: bytes) -> None:
    """Decode ``data`` into one call and check its outcome (the libFuzzer entry point)."""
    import atheris

    fdp = atheris.FuzzedDataProvider(data)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        run = ACTIONS[fdp.ConsumeIntInRange(0, len(ACTIONS) - 1)](fdp)  # decoding: any error here is the target's
        try:
            run()
        except MemoryError:
            pass
        except (ValueError, TypeError) as error:
            if not str(error):
                raise Finding(f"{type(error).__name__} without a message") from error


# ---------------------------------------------------------------- values


def any_value(fdp, depth: int = 0) -> Any:
    """A value of any type a JSON file, a config object or a careless caller might hold."""
    choice = fdp.ConsumeIntInRange(0, 13 if depth < 3 else 6)
    if choice == 0:
        return None
    if choice == 1:
        return fdp.ConsumeBool()
    if choice == 2:
        return an_int(fdp)
    if choice == 3:
        return a_float(fdp)
    if choice == 4:
        return a_string(fdp)
    if choice == 5:
        return numpy_scalar(fdp)
    if choice == 6:
        return complex(a_float(fdp), a_float(fdp))
    if choice == 7:
        return [any_value(fdp, depth + 1) for _ in range(fdp.ConsumeIntInRange(0, 4))]
    if choice == 8:
        return {a_string(fdp): any_value(fdp, depth + 1) for _ in range(fdp.ConsumeIntInRange(0, 3))}
    if choice == 9:
        return np.asarray([a_float(fdp) for _ in range(fdp.ConsumeIntInRange(0, 4))])
    if choice == 10:
        return a_spec(fdp, depth + 1)
    if choice == 11:
        return tuple(an_int(fdp) for _ in range(fdp.ConsumeIntInRange(0, 4)))
    if choice == 12:
        return fdp.ConsumeBytes(4)
    return object()


def pick(fdp, values: Sequence[Any]) -> Any:
    return fdp.PickValueInList(list(values))


def an_int(fdp) -> int:
    if fdp.ConsumeBool():
        return pick(fdp, INTS)
    return fdp.ConsumeInt(fdp.ConsumeIntInRange(1, 9))


def a_float(fdp) -> float:
    choice = fdp.ConsumeIntInRange(0, 2)
    if choice == 0:
        return pick(fdp, FLOATS)
    if choice == 1:
        return fdp.ConsumeFloat()
    return fdp.ConsumeFloatInRange(0.0, 1.0)


def a_string(fdp) -> str:
    if fdp.ConsumeBool():
        return pick(fdp, STRINGS + tuple(KINDS))
    return fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 12))


def numpy_scalar(fdp) -> np.generic:
    dtype = pick(fdp, ("float16", "float32", "float64", "int8", "int32", "int64", "uint64", "bool"))
    return np.asarray(a_float(fdp) if fdp.ConsumeBool() else an_int(fdp) % 2**64).astype(dtype)[()]


def param_value(fdp, param, depth: int) -> Any:
    """A value for ``param``: usually of its declared type, near its bounds; sometimes anything."""
    if fdp.ConsumeProbability() < 0.1:
        return any_value(fdp, depth)
    if isinstance(param, Child):
        return a_spec(fdp, depth + 1, param.kind)
    if isinstance(param, Children):
        return [a_spec(fdp, depth + 1, param.kind) for _ in range(fdp.ConsumeIntInRange(1, 3))]
    if isinstance(param, ListOf):
        items = [param_value(fdp, param.item, depth) for _ in range(fdp.ConsumeIntInRange(0, 5))]
        return sorted(items) if fdp.ConsumeBool() and _sortable(items) else items
    if isinstance(param, DictOf):
        return {_hashable(param_value(fdp, param.key, depth)): param_value(fdp, param.item, depth)
                for _ in range(fdp.ConsumeIntInRange(0, 4))}
    if isinstance(param, Bool):
        return fdp.ConsumeBool()
    if isinstance(param, Choice):
        return pick(fdp, param.choices) if param.choices and fdp.ConsumeBool() else a_string(fdp)
    if isinstance(param, String):
        return a_string(fdp)
    if isinstance(param, Real):
        return number_near_bounds(fdp, param)
    return any_value(fdp, depth)


def _sortable(items: list) -> bool:
    try:
        sorted(items)
    except (TypeError, ValueError):  # ValueError: numpy arrays compared
        return False
    return True


def _hashable(key: Any) -> Any:
    try:
        hash(key)
    except TypeError:
        return repr(key)
    return key


def number_near_bounds(fdp, param: Real) -> int | float:
    """A number of the parameter's kind: an edge value, a bound give or take one, or random."""
    bounds = [b for b in (param.gt, param.ge, param.lt, param.le) if b is not None]
    choice = fdp.ConsumeIntInRange(0, 2)
    if choice == 0 and bounds:
        value = pick(fdp, bounds) + pick(fdp, (-1, 0, 1, 0.5))
    elif choice == 1:
        value = an_int(fdp)
    else:
        value = a_float(fdp)
    return int(value) if isinstance(param, Integer) and isinstance(value, float) and math.isfinite(value) else value


def a_spec(fdp, depth: int = 0, kind: str = "") -> Any:
    """A spec (a dict with a kind, or a kind's parameters alone when ``kind`` is given), sometimes wrapped
    in layers of compositions, deep enough to pass the kernel's depth limit."""
    spec = _flat_spec(fdp, depth, kind)
    if kind or depth or fdp.ConsumeProbability() > 0.05:
        return spec
    for _ in range(pick(fdp, (1, 5, 8, 9, 20, 100, 1000))):
        spec = {"kind": "pysched.scale", "schedule": spec, "factor": 0.5}
    return spec


def _flat_spec(fdp, depth: int, kind: str) -> Any:
    if not kind and fdp.ConsumeProbability() < 0.03:
        return any_value(fdp, 3)
    chosen = kind or pick(fdp, KINDS)
    if depth > 3 and chosen in COMPOSERS:
        chosen = "optax.constant"
    family = FAMILIES[chosen]
    spec = dict(EXAMPLES[chosen]) if fdp.ConsumeBool() else {}
    for param in family.params:
        if fdp.ConsumeProbability() < 0.4:
            spec[param.name] = param_value(fdp, param, depth)
    if fdp.ConsumeProbability() < 0.2:
        spec["dtype"] = pick(fdp, ("float32", "float64", "float16", "int64", None, np.float32, 1))
    if fdp.ConsumeProbability() < 0.05:
        spec[a_string(fdp)] = any_value(fdp, depth + 1)
    if fdp.ConsumeProbability() < 0.05 and spec:
        del spec[pick(fdp, sorted(spec))]
    return spec if kind else {"kind": chosen, **spec}


# ---------------------------------------------------------------- steps, out buffers, options


def a_step(fdp, replays: bool) -> int:
    step = an_int(fdp)
    return step % FOLDED if replays and FOLDED <= step <= REPLAY_BOUND + FOLDED else step


def steps_value(fdp, replays: bool) -> Any:
    """Steps as a caller may pass them: an int, a numpy scalar, a list, a range or an array of any layout."""
    choice = fdp.ConsumeIntInRange(0, 5)
    if choice == 0:
        return a_step(fdp, replays)
    if choice == 1:
        return np.asarray(a_step(fdp, replays) % 2**64).astype(pick(fdp, STEP_DTYPES[:12]))[()]
    if choice == 2:
        return [a_step(fdp, replays) if fdp.ConsumeProbability() < 0.9 else any_value(fdp, 3)
                for _ in range(fdp.ConsumeIntInRange(0, 6))]
    if choice == 3:
        return steps_range(fdp, replays)
    return steps_array(fdp, replays)


def steps_range(fdp, replays: bool) -> range:
    start, stride = a_step(fdp, replays), pick(fdp, (1, 1, 2, 7, -1, 2**40, 2**62))
    length = fdp.ConsumeIntInRange(0, LARGE) if fdp.ConsumeBool() else pick(fdp, (0, 1, 2, 10))
    stop = start + stride * length if fdp.ConsumeBool() else a_step(fdp, replays)
    if replays and stop > FOLDED and stride > 0:
        stop = min(stop, start + stride * length)
    length = _shape(range(start, stop, stride))[0]
    if LARGE < length < 2**45:  # more would be a quick MemoryError; fewer a long evaluation
        stop = start + stride * (length % LARGE)
    return range(start, stop, stride)


def steps_array(fdp, replays: bool) -> np.ndarray:
    """An array of any dtype and shape, maybe non-contiguous, byte-swapped, read-only or broadcast."""
    dtype = np.dtype(pick(fdp, STEP_DTYPES))
    shape = tuple(fdp.ConsumeIntInRange(0, 4) for _ in range(fdp.ConsumeIntInRange(0, 3)))
    if fdp.ConsumeProbability() < 0.05:
        shape = (fdp.ConsumeIntInRange(0, LARGE),)
    size = math.prod(shape)
    values = [a_step(fdp, replays) for _ in range(min(size, 8))] or [0]
    raw = np.resize(np.asarray(values, dtype=object), size).reshape(shape)
    array = _cast(raw, dtype)
    return _laid_out(fdp, array)


def _cast(raw: np.ndarray, dtype: np.dtype) -> np.ndarray:
    if dtype.kind in "iub":
        return np.asarray([v % 2**64 for v in raw.ravel()], dtype=np.uint64).reshape(raw.shape).astype(dtype)
    if dtype.kind in "USMm":
        return np.asarray([v % 2**31 for v in raw.ravel()], dtype=np.int64).reshape(raw.shape).astype(dtype)
    if dtype.kind == "O":
        return raw
    return np.asarray([_float(v) for v in raw.ravel()], dtype=np.float64).reshape(raw.shape).astype(dtype)


def _float(step: int) -> float:
    return float(step) if abs(step) < 2**1000 else math.inf if step > 0 else -math.inf


def _laid_out(fdp, array: np.ndarray) -> np.ndarray:
    choice = fdp.ConsumeIntInRange(0, 6)
    if choice == 1 and array.dtype.kind not in "bOUSMm":
        array = array.astype(array.dtype.newbyteorder("S"))
    elif choice == 2:
        array = np.repeat(array, 2, axis=-1)[..., ::2] if array.ndim else array
    elif choice == 3:
        array = array.T
    elif choice == 4:
        array = np.broadcast_to(array, (2,) + array.shape)
    elif choice == 5:
        array = np.asfortranarray(array)
    if fdp.ConsumeBool() and array.flags.writeable:
        array.flags.writeable = False
    return array


def out_value(fdp, shape: tuple[int, ...], dtype: str) -> Any:
    """None mostly; else a right buffer or one of the wrong dtype, shape or layout, or no array at all."""
    choice = fdp.ConsumeIntInRange(0, 9)
    if choice < 4 or math.prod(shape) > LARGE:
        return None
    if choice == 4:
        return np.zeros(shape, dtype)
    if choice == 5:
        return np.zeros(shape, pick(fdp, ("float32", "float64", "int64", "float16", ">f8", "<f4")))
    if choice == 6:
        return np.zeros(shape + (1,), dtype)
    if choice == 7:
        return np.zeros(shape + (2,), dtype)[..., 0]
    if choice == 8:
        out = np.zeros(shape, dtype)
        out.flags.writeable = False
        return out
    return any_value(fdp, 3)


def threads_value(fdp) -> Any:
    choice = fdp.ConsumeIntInRange(0, 3)
    if choice == 0:
        return None
    if choice == 1:
        return fdp.ConsumeIntInRange(1, 8)
    if choice == 2:
        return pick(fdp, (0, -1, 64, 65, 2**63, True, 2.0, "2", np.int8(3), None))
    return any_value(fdp, 3)


def precision_value(fdp) -> Any:
    choice = fdp.ConsumeIntInRange(0, 3)
    if choice == 0:
        return None
    if choice < 3:
        return pick(fdp, ("exact", "fast"))
    return any_value(fdp, 3)


# ---------------------------------------------------------------- actions and their checks


def replays(s: pysched.Schedule | None) -> bool:
    """Whether ``s`` (or a schedule it composes) replays a recursion step by step; None (no schedule) may."""
    if s is None:
        return True
    shown = repr(s.to_dict())
    return "'closed_form': False" in shown or "'kind': 'seed." in shown


def call_schedule(fdp) -> Callable[[], None]:
    """``schedule(spec, precision=)(steps, out=, threads=, precision=)``, checked."""
    spec, built_in = a_spec(fdp), precision_value(fdp)
    built = _built(spec, built_in)
    steps = steps_value(fdp, replays(built))
    shape = _shape(steps)
    out = out_value(fdp, shape, built.dtype) if shape is not None and built is not None else None
    threads, precision = threads_value(fdp), precision_value(fdp)

    def run() -> None:
        s = pysched.schedule(spec, precision=built_in)
        check_values(s, steps, s(steps, out=out, threads=threads, precision=precision), out, precision)

    return run


def _shape(steps: Any) -> tuple[int, ...] | None:
    if isinstance(steps, range):  # len() fails past 2**63 steps
        return (max(0, -((steps.start - steps.stop) // steps.step)),)
    try:
        return np.shape(steps)
    except ValueError:
        return None


def check_values(s: pysched.Schedule, steps: Any, result: Any, out: Any, precision: Any) -> None:
    """The result's type, dtype, shape and finiteness, and a few values against the scalar path."""
    if isinstance(steps, (numbers.Number, np.generic)) and out is None:
        if type(result) is not float or not math.isfinite(result):
            raise Finding(f"{s!r} at {steps!r}: got {result!r}, not a finite float")
        expect_same(s, [steps], np.asarray([result]), precision)
        return
    if out is not None and result is not out:
        raise Finding(f"{s!r}: the result is not the out buffer")
    expected_shape = (len(steps),) if isinstance(steps, range) else np.shape(steps)
    if not isinstance(result, np.ndarray) or result.dtype != np.dtype(s.dtype) or result.shape != expected_shape:
        raise Finding(f"{s!r} at steps of shape {expected_shape}: got {type(result).__name__} "
                      f"{getattr(result, 'dtype', '')} {getattr(result, 'shape', '')}")
    if not np.isfinite(result).all():
        raise Finding(f"{s!r}: a non-finite value {result[~np.isfinite(result)][0]!r}")
    flat = list(steps) if isinstance(steps, range) else np.asarray(steps, dtype=object).ravel()
    expect_same(s, flat, result.ravel(), precision)


def expect_same(s: pysched.Schedule, flat_steps: Any, values: np.ndarray, precision: Any) -> None:
    """At the first, middle and last step, the value equals ``s(step)`` computed alone (exact precision)."""
    if precision == "fast" or (precision is None and s.precision == "fast") or not len(values):
        return
    for index in sorted({0, len(values) // 2, len(values) - 1}):
        alone = s(int(flat_steps[index]), precision="exact")
        if float(values[index]) != alone:
            raise Finding(f"{s!r}: step {int(flat_steps[index])} (index {index}) gives {values[index]!r} in bulk "
                          f"and {alone!r} alone")


def call_many(fdp) -> Callable[[], None]:
    """``evaluate_many(specs, steps, precision=, threads=)``; each row equals its schedule's own values."""
    specs = [a_spec(fdp) for _ in range(fdp.ConsumeIntInRange(0, 4))]
    built = [_built(spec) for spec in specs]
    specs = [s if s is not None and fdp.ConsumeBool() else spec for s, spec in zip(built, specs, strict=True)]
    steps = steps_value(fdp, any(replays(s) for s in built))
    precision, threads = precision_value(fdp), threads_value(fdp)

    def run() -> None:
        rows = pysched.evaluate_many(specs, steps, precision=precision, threads=threads)
        schedules = [pysched.schedule(spec) for spec in specs]
        dtype = "float64" if not schedules or any(s.dtype == "float64" for s in schedules) else "float32"
        if not isinstance(rows, np.ndarray) or rows.dtype != np.dtype(dtype) or rows.shape[:1] != (len(specs),):
            raise Finding(f"evaluate_many of {len(specs)} specs: got {getattr(rows, 'dtype', '')} "
                          f"{getattr(rows, 'shape', type(rows).__name__)}")
        for s, row in zip(schedules, rows, strict=True):
            alone = np.asarray(s(steps, precision=precision), dtype=dtype)
            if row.shape != alone.shape or row.tobytes() != alone.tobytes():
                raise Finding(f"evaluate_many's row of {s!r} differs from the schedule's own values")

    return run


def _built(spec: Any, precision: Any = None) -> pysched.Schedule | None:
    """The schedule of ``spec``, or None where building it is refused (an allowed outcome, met again in run)."""
    try:
        return pysched.schedule(spec, precision=precision)
    except (ValueError, TypeError, MemoryError):
        return None


def call_table(fdp) -> Callable[[], None]:
    """``Schedule.table(n, like=)`` with numpy (the frameworks' tensors are the adapters' tests)."""
    spec = a_spec(fdp)
    n = pick(fdp, (0, 1, 10, LARGE, -1, 2**53, 2**53 + 1, 2**64, 1.0, True, None, "3"))
    if replays(_built(spec)) and isinstance(n, int) and FOLDED < n <= REPLAY_BOUND:
        n = FOLDED
    like = pick(fdp, ("numpy", "numpy", "tensorflow", "", None, 1))

    def run() -> None:
        s = pysched.schedule(spec)
        check_values(s, range(n), s.table(n, like=like), None, None)

    return run


def call_lint(fdp) -> Callable[[], None]:
    """``pysched.lint(spec or schedule, total_steps)``: a list of findings."""
    spec, as_schedule = a_spec(fdp), fdp.ConsumeBool()
    total = pick(fdp, (1, 2, 100, 1000, LARGE, 0, -1, 2**53, 2.5, True, None))
    if total == 2**53 and _built(spec) is not None:
        total = FOLDED if replays(_built(spec)) else LARGE  # lint evaluates every step of training, by design

    def run() -> None:
        findings = lint.lint(pysched.schedule(spec) if as_schedule else spec, total)
        if not isinstance(findings, list) or not all(isinstance(f, lint.Finding) for f in findings):
            raise Finding(f"lint returned {findings!r}")

    return run


def call_cli_parsers(fdp) -> Callable[[], None]:
    """The command line's ``read_spec`` (JSON text, never a file or standard input) and ``parse_steps``."""
    if fdp.ConsumeBool():
        text = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 24))

        def run_steps() -> None:
            steps = cli.parse_steps(text)
            if not isinstance(steps, range) or steps.start < 0 or steps.step < 1:
                raise Finding(f"parse_steps({text!r}) gave {steps!r}")

        return run_steps
    text = "{" + fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 400)) if fdp.ConsumeBool() else \
        _json_text(fdp)
    return lambda: pysched.schedule(cli.read_spec(text))


def _json_text(fdp) -> str:
    """Hostile JSON: deep nesting, huge numbers, NaN, duplicate keys, or a spec of any value."""
    choice = fdp.ConsumeIntInRange(0, 3)
    if choice == 0:
        depth = pick(fdp, (10, 100, 1000, 100000))
        return "{" + '"a":[' * depth + "]" * depth + "}"
    if choice == 1:
        return '{"kind": "optax.constant", "value": ' + pick(
            fdp, ("1" * 5000, "1e400", "NaN", "-Infinity", "0.1", "1e-400")) + "}"
    if choice == 2:
        return '{"kind": "optax.constant", "value": 0.1, "value": 0.2}'
    spec = a_spec(fdp)
    try:
        return json.dumps(spec, default=repr, skipkeys=True)
    except RecursionError:  # a spec nested 1000 deep: JSON text of it is choice 0's job
        return "{}"


ACTIONS = (call_schedule, call_schedule, call_schedule, call_many, call_table, call_lint, call_cli_parsers)
