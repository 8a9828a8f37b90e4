"""Drivers run the oracles for real, one framework per process.

``python -m conformance.drivers.<driver> CASES.json OUT`` runs each case's
oracle at the case's steps and writes ``OUT.npz`` (the values, exact) and
``OUT.json`` (versions, failures). A driver module defines ``ORACLES``, a map
from oracle name to ``run(spec, steps) -> Trace``, and ``versions()``.

Every oracle records the learning rate an update actually applied: plain SGD
on a zeroed variable with gradient -1 leaves ``0 - lr * -1 = lr`` in it, bit
for bit.
"""

from __future__ import annotations

import json
import platform
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

MISSING_FRAMEWORK = 3
"""Exit status of a driver whose framework is not installed."""


@dataclass
class Trace:
    """An oracle's values at the requested steps: NaN where it fails (raises,
    or returns inf or NaN, which pysched refuses), with ``failure`` saying how."""

    values: np.ndarray
    failure: str = ""


def drive(steps: np.ndarray, update: Callable[[int], float], jump: Callable[[int], None] | None,
          start: int = 0, run: Callable[[int], list] | None = None) -> list:
    """Values at sorted ``steps``: one ``update(step)`` per step from ``start``
    (or ``run(n)`` for n consecutive updates at once); a gap is crossed with
    ``jump(step)`` (a resume), which stateful oracles do not have."""
    values, counter = [], start
    for first, count in consecutive_runs(steps):
        if first != counter:
            if jump is None:
                raise ValueError(f"a stateful oracle cannot jump from step {counter} to {first}")
            jump(first)
        values.extend(run(count) if run else [update(step) for step in range(first, first + count)])
        counter = first + count
    return values


def consecutive_runs(steps: np.ndarray) -> list[tuple[int, int]]:
    """Sorted steps as (first, count) runs of consecutive steps."""
    runs: list[tuple[int, int]] = []
    for step in map(int, steps):
        if runs and runs[-1][0] + runs[-1][1] == step:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((step, 1))
    return runs


def spec_args(spec: dict, *names: str) -> dict:
    """The spec's values of the named framework arguments that it gives."""
    return {name: spec[name] for name in names if name in spec}


def platform_versions() -> dict:
    libc, libc_version = platform.libc_ver()
    return {"python": platform.python_version(), "numpy": np.__version__, "libc": f"{libc} {libc_version}",
            "machine": platform.machine()}


def serve(oracles: dict[str, Callable[[dict, np.ndarray], Trace]], versions: Callable[[], dict]) -> None:
    """Run the cases of argv[1] and write argv[2].npz and argv[2].json."""
    cases_path, out = sys.argv[1], sys.argv[2]
    with open(cases_path) as f:
        cases = json.load(f)
    arrays, info = {}, {"versions": {**platform_versions(), **versions()}, "cases": {}}
    for index, case in enumerate(cases):
        steps = np.array(case["steps"], dtype=np.int64)
        try:
            trace = oracles[case["oracle"]](case["spec"], steps)
        except Exception:
            info["cases"][case["id"]] = {"error": traceback.format_exc()}
            continue
        arrays[f"case{index}"] = np.asarray(trace.values)
        info["cases"][case["id"]] = {"array": f"case{index}", "failure": trace.failure}
    np.savez(out + ".npz", **arrays)
    with open(out + ".json", "w") as f:
        json.dump(info, f, indent=1)


def require(*modules: str) -> None:
    """Exit with MISSING_FRAMEWORK unless every module imports."""
    import importlib

    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError as error:
            print(f"missing framework: {module} ({error})", file=sys.stderr)
            sys.exit(MISSING_FRAMEWORK)
