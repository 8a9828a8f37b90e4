"""Verified conversion: a schedule as a framework's own native scheduler,
proven step by step.

``convert(spec, "torch")`` writes the target framework's constructor call that
reproduces the schedule (Keras ``PiecewiseConstantDecay`` boundaries b become
torch ``MultiStepLR`` milestones b + 1), runs it the way the framework applies
it, and compares every step of the horizon with pysched's values, in the
schedule's dtype. Where the target has no native equivalent, the code uses
pysched's adapter (for tf1, a ``tf.numpy_function`` over pysched), and the
proof is of that.
"""

from __future__ import annotations

import importlib
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..._anatomy import marks
from ..._schedule import Schedule
from ..._schedule import schedule as as_schedule
from ..._ulp import ulp_distance

TARGETS = ("torch", "keras", "tf1", "optax")
DEFAULT_HORIZON = 10_000
MARGIN = 1.2
"""The default horizon's reach past the schedule's last boundary."""
MIN_HORIZON = 300
MAX_HORIZON = 100_000


@dataclass(frozen=True)
class Proof:
    """pysched's values against the native object's over steps 0 .. steps-1,
    compared in ``dtype`` (the schedule's; ``native_dtype`` is what the target
    computed in). ``first_difference`` is (step, pysched's value, the native
    value) at the first step where they differ, or None."""

    steps: int
    dtype: str
    native_dtype: str
    max_ulp: int
    max_relative_difference: float
    differing_steps: int
    first_difference: tuple[int, float, float] | None


@dataclass(frozen=True)
class Conversion:
    """A schedule converted to ``target``: ``code`` is a runnable Python
    snippet building the target's object, ``native`` whether that object is
    the framework's own scheduler (else pysched's adapter), ``proof`` how its
    values compare with pysched's, ``note`` where it is known to differ."""

    kind: str
    target: str
    code: str
    native: bool
    proof: Proof
    note: str = ""

    @property
    def exact(self) -> bool:
        """A native equivalent with every step of the horizon at 0 ULP."""
        return self.native and self.proof.max_ulp == 0

    def report(self) -> str:
        """The code, the verdict and the per-step proof, for people."""
        proof = self.proof
        verdict = ("exact: the native equivalent matches bit for bit" if self.exact else
                   "NOT exact: the closest native equivalent, with its measured difference" if self.native else
                   f"no native equivalent in {self.target}: pysched's adapter")
        computed = "" if proof.native_dtype == proof.dtype else f"; {self.target} computes in {proof.native_dtype}"
        lines = [f"{self.kind} -> {self.target}: {verdict}", "", self.code,
                 f"proof over steps 0..{proof.steps - 1}, compared in {proof.dtype}{computed}:",
                 f"  max ULP {proof.max_ulp}, max relative difference {proof.max_relative_difference:.3g}, "
                 f"differing steps {proof.differing_steps} / {proof.steps}"]
        if proof.first_difference is not None:
            step, ours, theirs = proof.first_difference
            lines.append(f"  first differing step {step}: pysched {ours!r}, {self.target} {theirs!r}")
        if self.note:
            lines.append(f"note: {self.note}")
        return "\n".join(lines) + "\n"


def convert(schedule: Mapping[str, Any] | Schedule, target: str, *, steps: int | None = None) -> Conversion:
    """Convert a spec or Schedule to ``target`` ("torch", "keras", "tf1" or
    "optax") and prove it over ``steps`` steps (default: 1.2 times the step of
    its last boundary, at least 300, at most 100,000; 10,000 when it has none).
    Raises ImportError when the target framework is not installed."""
    module = _target_module(target)
    s = as_schedule(schedule, precision="exact")
    horizon = default_horizon(s) if steps is None else _checked_steps(steps)
    spec = s.to_dict()
    make = module.EQUIVALENTS.get(s.kind)
    equivalent = None if make is None else make(spec, horizon)
    if equivalent is None:
        code, note = module.adapter_program(spec), f"{target} has no native scheduler reproducing {s.kind}"
    else:
        code, note = module.program(equivalent), equivalent.note
    expected = s(range(horizon))  # first: where the mirrored framework fails, pysched raises and says where
    proof = prove(expected, module.values(code, horizon))
    return Conversion(s.kind, target, code, equivalent is not None, proof, note)


def default_horizon(schedule: Mapping[str, Any] | Schedule) -> int:
    """Steps enough to pass every boundary of the schedule: 1.2 times its last
    mark (where a warmup, hold or decay ends, a switch step, the first stairs or
    restarts: what ``pysched show`` lists), nested schedules included."""
    last = max((mark.step for mark in marks(as_schedule(schedule))), default=0)
    if last <= 0:
        return DEFAULT_HORIZON
    return int(min(MAX_HORIZON, max(MIN_HORIZON, math.ceil(MARGIN * last))))


def prove(expected: np.ndarray, native: np.ndarray) -> Proof:
    """Compare the native values, rounded to the expected values' dtype, step by step."""
    theirs = native.astype(expected.dtype)
    ulps = ulp_distance(expected, theirs)
    wide_ours, wide_theirs = expected.astype(np.float64), theirs.astype(np.float64)
    scale = np.maximum(np.abs(wide_ours), np.abs(wide_theirs))
    with np.errstate(invalid="ignore"):
        relative = np.where(scale > 0, np.abs(wide_ours - wide_theirs) / np.where(scale > 0, scale, 1), 0.0)
    differing = np.flatnonzero(ulps != 0)
    first = None if differing.size == 0 else int(differing[0])
    return Proof(steps=len(expected), dtype=str(expected.dtype), native_dtype=str(native.dtype),
                 max_ulp=int(ulps.max(initial=0)), max_relative_difference=float(np.nanmax(relative, initial=0.0)),
                 differing_steps=int(differing.size),
                 first_difference=None if first is None else (first, float(expected[first]), float(theirs[first])))


def _target_module(target: Any):
    if target not in TARGETS:
        raise ValueError(f"convert: target must be one of {', '.join(TARGETS)}, got {target!r}")
    return importlib.import_module(f".{target}", __name__)


def _checked_steps(steps: Any) -> int:
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral):
        raise TypeError(f"convert: steps must be a positive integer, got {steps!r}")
    if not 1 <= steps <= MAX_HORIZON * 10:
        raise ValueError(f"convert: steps must be in [1, {MAX_HORIZON * 10}], got {steps!r}")
    return int(steps)
