"""The only module that touches the compiled kernel (cffi's ``lib``).

It turns a family's ``Native`` descriptor into a ``psk_schedule`` struct, hands
the kernel contiguous int64 steps and a fresh output array, and turns status
codes into exceptions. cffi releases the GIL for the duration of each call.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ._family import Native
from ._kernel import ffi, lib

MAX_STEP: int = lib.PSK_MAX_STEP
MAX_THREADS: int = lib.PSK_MAX_THREADS
MAX_DEPTH: int = lib.PSK_MAX_DEPTH
DEFAULT_THREADS: int = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1,
                           MAX_THREADS)
_DTYPE_CODES = {"float32": lib.PSK_FLOAT32, "float64": lib.PSK_FLOAT64}
PRECISIONS = {"exact": lib.PSK_EXACT, "fast": lib.PSK_FAST}


def kernel_kind(name: str) -> int:
    """The C constant ``PSK_<name>``; a family naming no such kind is a bug."""
    try:
        return getattr(lib, "PSK_" + name)
    except AttributeError:
        raise RuntimeError(f"the kernel has no schedule kind PSK_{name}") from None


class Descriptor:
    """A ``psk_schedule``, the parameter arrays it points into and its children
    (a child built without a dtype has its parent's; every child has its
    parent's precision)."""

    __slots__ = ("label", "raises", "struct", "_real", "_integer", "_children", "_child_structs")

    def __init__(self, label: str, native: Native, precision: str = "exact"):
        self.label, self.raises = label, "; ".join(native.reasons_to_raise())
        self._real = ffi.new("double[]", [float(x) for x in native.real])
        self._integer = ffi.new("int64_t[]", [int(x) for x in native.integer])
        self._children = [Descriptor(label, replace(child, dtype=child.dtype or native.dtype), precision)
                          for child in native.children]
        self._child_structs = ffi.new("psk_schedule[]", len(self._children))
        for i, child in enumerate(self._children):
            self._child_structs[i] = child.struct[0]
        self.struct = ffi.new("psk_schedule *", {
            "kind": kernel_kind(native.kind),
            "dtype": _DTYPE_CODES[native.dtype],
            "precision": PRECISIONS[precision],
            "n_real": len(native.real),
            "real": self._real,
            "n_int": len(native.integer),
            "integer": self._integer,
            "n_children": len(self._children),
            "children": self._child_structs,
        })
        status = lib.psk_check(self.struct)
        if status != lib.PSK_OK:
            raise _error(status, label, None, None)

    @property
    def has_fast_path(self) -> bool:
        """Whether fast precision changes how the kernel computes this schedule."""
        return bool(lib.psk_has_fast_path(self.struct))


def evaluate(descriptor: Descriptor, steps: np.ndarray, dtype: str, out: np.ndarray | None = None,
             threads: int = 1) -> np.ndarray:
    """Values of one schedule at contiguous int64 ``steps``, into ``out`` (a
    checked 1-D array) or a new 1-D array, on up to ``threads`` threads."""
    if out is None:
        out = np.empty(steps.size, dtype=dtype)
    bad_index = ffi.new("int64_t *", -1)
    status = lib.psk_eval_threads(
        descriptor.struct, ffi.from_buffer("int64_t[]", steps), steps.size,
        ffi.from_buffer(out, require_writable=True), _DTYPE_CODES[dtype], out.size, threads, bad_index,
    )
    if status != lib.PSK_OK:
        raise _error(status, descriptor.label, steps, bad_index[0], out, descriptor.raises)
    return out


class _RangeSteps:
    """A range's steps as _error reads them."""

    def __init__(self, steps: range):
        self.steps, self.size = steps, (steps.stop - steps.start + steps.step - 1) // steps.step

    def __getitem__(self, index: int) -> int:
        return self.steps[index]


def evaluate_range(descriptor: Descriptor, steps: range, dtype: str, out: np.ndarray | None, threads: int
                   ) -> np.ndarray:
    """Values of one schedule at the steps of an increasing range, which is
    never written out as an array."""
    empty = steps.start >= steps.stop  # len() overflows on ranges past 2**63
    if not empty and not 0 <= steps[0] <= steps[-1] <= MAX_STEP:
        index = 0 if not 0 <= steps[0] <= MAX_STEP else (MAX_STEP - steps[0]) // steps.step + 1
        raise _error(lib.PSK_E_STEP, descriptor.label, _RangeSteps(steps), index)
    if out is None:
        out = np.empty(len(steps), dtype=dtype)
    bad_index = ffi.new("int64_t *", -1)
    status = lib.psk_eval_range(descriptor.struct, 0 if empty else steps.start, min(steps.step, MAX_STEP + 1),
                                len(steps), ffi.from_buffer(out, require_writable=True), _DTYPE_CODES[dtype],
                                out.size, threads, bad_index)
    if status != lib.PSK_OK:
        raise _error(status, descriptor.label, _RangeSteps(steps), bad_index[0], out, descriptor.raises)
    return out


_scratch = threading.local()  # one output double per thread for scalar calls (the GIL is released in them)
_eval_at = lib.psk_eval_at


def evaluate_at(descriptor: Descriptor, step: int) -> float:
    """The value of one schedule at one step in [0, MAX_STEP], as a Python float."""
    try:
        value = _scratch.value
    except AttributeError:
        value = _scratch.value = ffi.new("double *")
    status = _eval_at(descriptor.struct, step, value)
    if status:
        raise _error(status, descriptor.label, np.array([step]), 0, np.array([value[0]]), descriptor.raises)
    return value[0]


def evaluate_many(descriptors: Sequence[Descriptor], steps: np.ndarray, dtype: str, threads: int = 1) -> np.ndarray:
    """Values of many schedules at the same steps, one row each, in one kernel
    call, whole rows to each of up to ``threads`` threads."""
    structs = ffi.new("psk_schedule[]", len(descriptors))
    for row, descriptor in enumerate(descriptors):
        structs[row] = descriptor.struct[0]
    out = np.empty((len(descriptors), steps.size), dtype=dtype)
    bad_row = ffi.new("int64_t *", -1)
    bad_index = ffi.new("int64_t *", -1)
    status = lib.psk_eval_many_threads(
        structs, len(descriptors), ffi.from_buffer("int64_t[]", steps), steps.size,
        ffi.from_buffer(out, require_writable=True), _DTYPE_CODES[dtype], out.size, threads,
        bad_row, bad_index,
    )
    if status != lib.PSK_OK:
        row = bad_row[0]
        if not 0 <= row < len(descriptors):
            raise _error(status, "evaluate_many", steps, bad_index[0])
        descriptor = descriptors[row]
        raise _error(status, f"{descriptor.label} (row {row})", steps, bad_index[0], out[row], descriptor.raises)
    return out


def _error(status: int, label: str, steps, index, out=None, raises: str = "") -> Exception:
    step = int(steps[index]) if steps is not None and 0 <= index < steps.size else None
    if status == lib.PSK_E_STEP and step is not None:
        return ValueError(f"{label}: steps must be in [0, 2**53], got {step} at index {index}")
    if status == lib.PSK_E_RAISES and step is not None:
        return ValueError(f"{label}: the mirrored framework raises at step {step} ({raises})")
    if status == lib.PSK_E_REPLAY and step is not None:
        return ValueError(f"{label}: step {step} is beyond the stepped form's reach: it replays every step "
                          f"that changes the learning rate, at most 2**27 of them (closed forms have no limit)")
    if status == lib.PSK_E_NONFINITE and out is not None and step is not None:
        return ValueError(
            f"{label}: the learning rate at step {step} is {out[index]}; the mirrored "
            "code gives inf or NaN there (or fails, like Python's OverflowError), so pysched raises"
        )
    if status == lib.PSK_E_NOMEM:
        return MemoryError(f"{label}: the kernel ran out of memory")
    message = ffi.string(lib.psk_strerror(status)).decode()
    return ValueError(f"{label}: the kernel rejected the call: {message} (status {status})")
