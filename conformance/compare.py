"""Comparing pysched with an oracle's trace, step by step, in ULPs of the oracle's dtype."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

import pysched

from .cases import Case
from .runner import OracleRun
from .ulp import ulp_distance

SHOWN = 5
"""How many mismatching steps a message lists."""


@dataclass
class Curves:
    """What pysched and the oracle gave at each compared step, one row per param
    group (kept for the report's pictures, never written to its JSON)."""

    steps: np.ndarray
    pysched: np.ndarray
    oracle: np.ndarray
    oracle_fails_at: np.ndarray       # steps where the oracle fails (not in ``steps``)


@dataclass
class Result:
    """One case's verdict, with what the report needs to say why."""

    case: Case
    verdict: str                      # pass, fail, error (the oracle or pysched broke), unavailable
    steps_checked: int = 0
    max_ulp: int | None = None
    differing: int = 0
    first: dict | None = None         # the first differing step, both values and the distance
    message: str = ""
    versions: dict = field(default_factory=dict)
    oracle_failures: int = 0          # steps where the oracle fails, and pysched must raise
    first_failure: int | None = None
    curves: Curves | None = None


def compare(case: Case, run: OracleRun, stop: int | None = None) -> Result:
    if run.unavailable:
        return Result(case, "unavailable", message=run.unavailable)
    fails_at_steps = run.values is not None and not np.isfinite(run.values).all()
    if case.raises or case.known and not fails_at_steps:
        return _expected_failure(case, run)
    if run.error:
        return Result(case, "error", message=run.error, versions=run.versions)
    steps = case.steps.array(stop)
    groups = case.groups or (None,)
    expected = run.values.reshape(len(groups), -1)
    finite = np.isfinite(expected).all(axis=0)
    valid, failing = steps[finite], steps[~finite]
    specs = [case.spec if lr is None else {**case.spec, "lr": lr} for lr in groups]
    try:
        actual = pysched.evaluate_many(specs, valid)
    except (ValueError, TypeError) as error:
        return Result(case, "fail", len(valid), message=f"pysched raised where the oracle did not: {error}",
                      versions=run.versions)
    result = _distances(case, np.tile(valid, len(groups)), actual.ravel(), expected[:, finite].ravel())
    result.versions = run.versions
    if result.max_ulp is not None:
        result.curves = Curves(valid, actual, expected[:, finite], failing)
    if case.differs:
        return _expected_difference(result, case)
    if len(failing):
        result.oracle_failures, result.first_failure = len(failing), int(failing[0])
        if case.known:
            result.message += (f"\nAs expected, the oracle fails at {len(failing)} steps from {int(failing[0])} "
                               f"({case.known}); pysched follows the other oracle there.")
        else:
            _check_failure(result, case, failing, run)
    return result


def _expected_failure(case: Case, run: OracleRun) -> Result:
    """The oracle must fail; with ``raises`` pysched must refuse the spec too,
    with ``known`` it follows another oracle and must accept it. (A ``known``
    oracle that fails at some steps only is compared at the others.)"""
    result = Result(case, "fail", versions=run.versions)
    if not run.error:
        result.message = f"the oracle was expected to fail ({case.raises or case.known}) and did not"
        return result
    try:
        pysched.schedule(case.spec)
        refused = ""
    except (ValueError, TypeError) as error:
        refused = str(error)
    if case.raises and not refused:
        result.message = f"the oracle fails ({case.raises}); pysched accepted the spec instead of raising"
    elif case.known and refused:
        result.message = f"pysched should follow the other oracle here, but raised: {refused}"
    else:
        result.verdict = "pass"
        result.message = f"as expected, the oracle fails ({case.raises or case.known})" + (
            f"; pysched raises: {refused}" if refused else "; pysched follows the other oracle")
    return result


def _expected_difference(result: Result, case: Case) -> Result:
    """The oracle must differ from pysched (a documented framework defect)."""
    if result.differing == 0:
        result.verdict = "fail"
        result.message = f"the oracle was expected to differ ({case.differs}) and did not"
    else:
        result.verdict = "pass"
        result.message = f"As expected, the oracle differs: {case.differs}\n{result.message}"
    return result


def _distances(case: Case, steps: np.ndarray, actual: np.ndarray, expected: np.ndarray) -> Result:
    if actual.dtype != expected.dtype:
        return Result(case, "fail", len(steps),
                      message=f"pysched gives {actual.dtype}, the oracle {expected.dtype}")
    ulps = ulp_distance(actual, expected)
    differing = np.flatnonzero(ulps)
    max_ulp = int(ulps.max()) if len(ulps) else 0
    verdict = "pass" if max_ulp <= case.ulp else "fail"
    result = Result(case, verdict, len(steps), max_ulp, len(differing))
    if len(differing):
        i = differing[0]
        result.first = {"step": int(steps[i]), "pysched": float(actual[i]), "oracle": float(expected[i]),
                        "ulp": int(ulps[i])}
        result.message = mismatch_message(case, steps, actual, expected, ulps, differing)
    return result


FAILURE_SAMPLES = 25
"""How many of the steps where the oracle fails are checked one by one."""


def _check_failure(result: Result, case: Case, failing: np.ndarray, run: OracleRun) -> None:
    """Where the oracle fails, pysched must raise ValueError (SPEC section 5):
    checked at the first and last failing steps and evenly between."""
    schedule = pysched.schedule(case.spec)
    picks = np.unique(np.linspace(0, len(failing) - 1, FAILURE_SAMPLES).round().astype(int)) if len(failing) else []
    for step in failing[picks]:
        try:
            value = schedule(int(step))
        except ValueError:
            continue
        result.verdict = "fail"
        result.message += (f"\nThe oracle fails at {len(failing)} steps from {int(failing[0])} "
                           f"({run.failure or 'inf or NaN'}); pysched returned {value!r} at step {int(step)} "
                           "instead of raising.")
        return
    result.steps_checked += len(picks)


def mismatch_message(case: Case, steps, actual, expected, ulps, differing) -> str:
    """A numpy-style account of where pysched and the oracle part."""
    lines = [
        f"Mismatched steps: {len(differing)} / {len(steps)} ({100 * len(differing) / len(steps):.3g}%)",
        f"Max ULP: {int(ulps.max())} (tolerance {case.ulp})",
        "First mismatches (step: pysched vs oracle, ULP):",
    ]
    for i in differing[:SHOWN]:
        lines.append(f"  {int(steps[i])}: {float(actual[i])!r} vs {float(expected[i])!r}, {int(ulps[i])} ULP")
    lines.append(f"Reproduce: pysched.schedule({case.spec!r})({int(steps[differing[0]])})")
    return "\n".join(lines)
