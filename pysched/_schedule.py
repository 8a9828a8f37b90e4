"""The public objects: ``schedule()``, ``Schedule``, ``evaluate_many()``, ``families()``."""

from __future__ import annotations

import copy
import numbers
import sys
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from . import _native
from ._family import FAMILIES, Family, Params, resolve_spec
from ._native import MAX_STEP
from ._params import describe

FAST_TOLERANCE = {"float64": 1e-15, "float32": 1e-6}


class Schedule:
    """A learning-rate schedule: a pure function from an integer step to a rate.

    Build one with ``pysched.schedule(spec)``. Calling it on an int gives a
    Python float; on an array-like of ints, an array of the same shape whose
    dtype is ``schedule.dtype``.

    Its ``precision`` is ``"exact"`` (the default: the mirrored framework's
    values, bit for bit) or ``"fast"``: the families written in stages
    (``has_fast_path``) then compute their pow or cos with pysched's own
    vectorised functions, and every value is within ``FAST_TOLERANCE[dtype]``
    (1e-15 for float64, 1e-6 for float32) of the exact one, relative to the
    largest exact value over the steps evaluated (measured over 10**7 steps of
    every family in tests/test_fast.py); the other families compute exactly
    either way. The conformance harness only ever uses exact precision.
    """

    __slots__ = ("_family", "_params", "_dtype", "_precision", "_descriptor", "_descriptors")

    def __init__(self, family: Family, params: Params, dtype: str, precision: str,
                 descriptor: _native.Descriptor):
        self._family = family
        self._params = params
        self._dtype = dtype
        self._precision = precision
        self._descriptor = descriptor
        self._descriptors = {precision: descriptor}

    @property
    def kind(self) -> str:
        return self._family.kind

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def family(self) -> Family:
        return self._family

    @property
    def precision(self) -> str:
        return self._precision

    @property
    def has_fast_path(self) -> bool:
        """Whether ``precision="fast"`` changes how this schedule is computed."""
        return self._descriptor.has_fast_path

    def _descriptor_in(self, precision: str) -> _native.Descriptor:
        """The kernel descriptor of this schedule in a checked precision, built once."""
        if precision not in self._descriptors:
            native = resolve_spec(self.to_dict())[3]
            self._descriptors[precision] = _native.Descriptor(self.kind, native, precision)
        return self._descriptors[precision]

    def to_dict(self) -> dict[str, Any]:
        """The spec with every default filled in; ``schedule(s.to_dict())`` equals ``s``."""
        return copy.deepcopy({"kind": self.kind, **self._params, "dtype": self._dtype})

    def __call__(self, steps: Any, *, out: np.ndarray | None = None, threads: int | None = None,
                 precision: str | None = None) -> float | np.ndarray:
        """The rate at ``steps``; with ``out`` (a C-contiguous, writable array
        of ``steps``'s shape and the schedule's dtype), written into it and
        returned, with no other array allocated when the steps are int64.
        Closed forms split long arrays between ``threads`` threads (default:
        one per CPU); the values do not depend on it. ``precision`` overrides
        the schedule's for this call."""
        descriptor = self._descriptor if precision is None else \
            self._descriptor_in(_checked_precision(precision, self.kind))
        if type(steps) is int and out is None and 0 <= steps <= MAX_STEP:
            return _native.evaluate_at(descriptor, steps)
        if type(steps) is range and steps.step > 0:
            if out is not None:
                _check_out(out, (len(steps),), self._dtype, self.kind)
            return _native.evaluate_range(descriptor, steps, self._dtype, out, _thread_count(threads, self.kind))
        array, is_scalar = as_steps(steps, self.kind)
        if out is not None:
            _check_out(out, array.shape, self._dtype, self.kind)
        values = _native.evaluate(descriptor, array.ravel(), self._dtype,
                                  None if out is None else out.reshape(-1), _thread_count(threads, self.kind))
        if out is not None:
            return out
        return float(values[0]) if is_scalar else values.reshape(array.shape)

    def table(self, n: int, *, like: str = "numpy") -> Any:
        """The first ``n`` learning rates, ``s(range(n))``, as one contiguous
        numpy array, or a ``"torch"`` or ``"jax"`` tensor sharing or copying it
        (JAX holds float64 as float32 unless jax_enable_x64): a device-side
        table a compiled training loop can index."""
        from .adapters.tensors import LIKES, as_tensor

        if like not in LIKES:
            raise ValueError(f"{self.kind}: like must be one of {', '.join(LIKES)}, got {like!r}")
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
            raise ValueError(f"{self.kind}: n must be a non-negative integer, got {n!r}")
        return as_tensor(self(range(int(n))), like)

    def to_torch(self, optimizer: Any) -> Any:
        """A ``torch.optim.lr_scheduler.LRScheduler`` on ``optimizer`` giving this schedule's values."""
        from .adapters.torch import to_torch

        return to_torch(self, optimizer)

    def to_keras(self, package: str = "keras") -> Any:
        """A ``LearningRateSchedule`` giving this schedule's values, of Keras 3
        (``package="keras"``, the default) or of tf_keras (``"tf_keras"``, Keras 2)."""
        from .adapters.keras import to_keras

        return to_keras(self, package)

    def to_optax(self) -> Any:
        """An optax schedule (``count -> lr``, also under ``jax.jit``) giving this schedule's values."""
        from .adapters.optax import to_optax

        return to_optax(self)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Schedule) and self.to_dict() == other.to_dict()
                and self._precision == other._precision)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self):
        return _restore, (self.to_dict(), self._precision)

    def __repr__(self) -> str:
        precision = "" if self._precision == "exact" else f", precision={self._precision!r}"
        return f"pysched.schedule({self.to_dict()!r}{precision})"


def schedule(spec: Mapping[str, Any] | Schedule | None = None, /, *, precision: str | None = None,
             **params: Any) -> Schedule:
    """Build a schedule from a spec: ``schedule({"kind": ..., ...})`` or
    ``schedule(kind=..., ...)``, in ``"exact"`` (the default) or ``"fast"``
    precision (see ``Schedule``); a Schedule keeps its own unless told."""
    if spec is not None and params:
        raise TypeError("pass a spec or keyword parameters, not both")
    if spec is None:
        spec = params
    if isinstance(spec, Schedule):
        if precision is None or _checked_precision(precision, spec.kind) == spec.precision:
            return spec
        return _restore(spec.to_dict(), precision)
    precision = "exact" if precision is None else _checked_precision(precision, "schedule")
    family, checked, dtype, native = resolve_spec(spec)
    return Schedule(family, checked, dtype, precision, _native.Descriptor(family.kind, native, precision))


def _restore(spec: Mapping[str, Any], precision: str) -> Schedule:
    return schedule(spec, precision=precision)


def _checked_precision(precision: Any, label: str) -> str:
    if not isinstance(precision, str):
        raise TypeError(f"{label}: precision must be 'exact' or 'fast', got {precision!r}")
    if precision not in _native.PRECISIONS:
        raise ValueError(f"{label}: precision must be 'exact' or 'fast', got {precision!r}")
    return precision


def families() -> dict[str, Family]:
    """Every kind, with its parameters, defaults, dtype, oracle and documentation."""
    return dict(sorted(FAMILIES.items()))


def evaluate_many(specs: Iterable[Mapping[str, Any] | Schedule], steps: Any, *,
                  precision: str | None = None, threads: int | None = None) -> np.ndarray:
    """Evaluate many schedules at the same steps in one kernel call.

    Returns an array of shape ``(len(specs),) + shape(steps)``: one row per spec.
    Its dtype is float64 if any schedule's is, else float32 (float32 values
    widen to float64 exactly). ``precision``, if given, overrides each
    schedule's (a spec's is exact). Whole rows go to each of up to ``threads``
    threads (default: one per CPU); the values do not depend on it.
    """
    threads = _thread_count(threads, "evaluate_many")
    if precision is not None:
        precision = _checked_precision(precision, "evaluate_many")
    schedules = [schedule(spec) for spec in specs]
    array, _ = as_steps(steps, "evaluate_many")
    dtype = "float64" if not schedules or any(s.dtype == "float64" for s in schedules) else "float32"
    descriptors = [s._descriptor_in(precision or s.precision) for s in schedules]
    rows = _native.evaluate_many(descriptors, array.ravel(), dtype, threads)
    return rows.reshape((len(schedules),) + array.shape)


def as_steps(steps: Any, label: str) -> tuple[np.ndarray, bool]:
    """Steps as a contiguous int64 array, and whether they came as a scalar.

    Integers of any width, and floats that are whole numbers, are steps; bools,
    NaN, fractions and anything else are not. The kernel checks the range.
    """
    is_scalar = isinstance(steps, (numbers.Number, np.generic))
    array = np.asarray(steps)
    if isinstance(steps, (list, tuple)) and array.dtype.kind in "iu":
        array = np.asarray(steps, dtype=object)  # numpy would take True for 1 silently
    if array.dtype.kind in "iu" and array.dtype != np.uint64:
        return np.asarray(array, dtype=np.int64, order="C"), is_scalar
    if array.dtype.kind in "uf" or array.dtype == object:
        return _whole_numbers(array, label), is_scalar
    raise TypeError(f"{label}: steps must be integers, got {_first_item(array)}")


def _thread_count(threads: Any, label: str) -> int:
    if threads is None:
        return _native.DEFAULT_THREADS
    if isinstance(threads, bool) or not isinstance(threads, numbers.Integral):
        raise TypeError(f"{label}: threads must be an integer, got {threads!r}")
    if not 1 <= threads <= _native.MAX_THREADS:
        raise ValueError(f"{label}: threads must be in [1, {_native.MAX_THREADS}], got {threads}")
    return int(threads)


def _check_out(out: Any, shape: tuple[int, ...], dtype: str, label: str) -> None:
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{label}: out must be a numpy array, got {type(out).__name__}")
    if out.dtype != np.dtype(dtype):
        raise TypeError(f"{label}: out must have dtype {dtype}, got {out.dtype}")
    if out.shape != shape:
        raise ValueError(f"{label}: out must have the steps' shape {shape}, got {out.shape}")
    if not out.flags.c_contiguous or not out.flags.writeable:
        raise ValueError(f"{label}: out must be C-contiguous and writable")


def _whole_numbers(array: np.ndarray, label: str) -> np.ndarray:
    """Unsigned, float or object steps, checked before they become int64."""
    flat = array.ravel()
    if array.dtype == object:
        for index, value in enumerate(flat):
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
                _reject(TypeError, "must be integers", label, value, index)
    if array.dtype.kind != "u":
        as_float = _as_float(flat, label)
        whole = np.isfinite(as_float) & (as_float == np.floor(as_float))
        if not whole.all():
            index = int(np.argmin(whole))
            _reject(ValueError, "must be integers", label, flat[index], index)
    in_range = (flat >= 0) & (flat <= _native.MAX_STEP)
    if not in_range.all():
        index = int(np.argmin(in_range))
        _reject(ValueError, "must be in [0, 2**53]", label, flat[index], index)
    return flat.astype(np.int64).reshape(array.shape)


def _as_float(flat: np.ndarray, label: str) -> np.ndarray:
    """The steps as float64; a Python int too large for float64 is out of range."""
    try:
        return flat.astype(np.float64)
    except OverflowError:
        index = next(i for i, value in enumerate(flat) if abs(value) > sys.float_info.max)
        _reject(ValueError, "must be in [0, 2**53]", label, flat[index], index)


def _reject(error: type[Exception], rule: str, label: str, value: Any, index: int) -> None:
    raise error(f"{label}: steps {rule}, got {describe(_python(value))} at index {index}")


def _python(value: Any) -> Any:
    """A numpy scalar as the Python value it holds, for messages."""
    return value.item() if isinstance(value, np.generic) else value


def _first_item(array: np.ndarray) -> str:
    return f"{describe(_python(array.ravel()[0]))} at index 0" if array.size else f"an empty {array.dtype} array"
