"""Running the oracles: one driver process per framework, the cases' traces back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .cases import Case
from .drivers import MISSING_FRAMEWORK
from .progress import Progress

ROOT = Path(__file__).resolve().parent.parent

# Each driver's environment: TensorFlow quiet, and the Keras it is meant to see.
# These are defaults: a variable set in the caller's environment wins (KERAS_BACKEND=jax
# runs the keras3 driver on JAX).
DRIVER_ENV = {
    "keras3": {"KERAS_BACKEND": "tensorflow", "TF_USE_LEGACY_KERAS": "0", "JAX_PLATFORMS": "cpu"},
    "tf_keras": {"TF_USE_LEGACY_KERAS": "1"},
    "tf1": {},
    "torch": {},
    "python": {},
    "optax": {"JAX_PLATFORMS": "cpu"},
}
COMMON_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "", "PYTHONHASHSEED": "0"}


@dataclass
class OracleRun:
    """What an oracle gave for one case: a trace, or why there is none."""

    values: np.ndarray | None = None
    failure: str = ""
    error: str = ""          # the driver raised on this case
    unavailable: str = ""    # the framework is not installed
    versions: dict = field(default_factory=dict)


def run_oracles(cases: list[Case], stop: int | None = None, jobs: int = 2,
                progress: Progress | None = None) -> dict[str, OracleRun]:
    """Run every case's oracle, grouped by driver, ``jobs`` drivers at a time,
    telling ``progress`` as each driver starts and ends."""
    by_driver: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        by_driver[case.driver].append(case)
    runs: dict[str, OracleRun] = {}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for driver_runs in pool.map(lambda item: _run_driver(item[0], item[1], stop, progress), by_driver.items()):
            runs.update(driver_runs)
    return runs


def _run_driver(driver: str, cases: list[Case], stop: int | None, progress: Progress | None) -> dict[str, OracleRun]:
    if progress:
        progress.started_driver(driver)
    runs = _driver_runs(driver, cases, stop)
    if progress:
        progress.finished_driver(driver, len(cases))
    return runs


def _driver_runs(driver: str, cases: list[Case], stop: int | None) -> dict[str, OracleRun]:
    with tempfile.TemporaryDirectory(prefix=f"pysched-{driver}-") as tmp:
        cases_path, out = Path(tmp, "cases.json"), Path(tmp, "out")
        cases_path.write_text(json.dumps([
            {"id": c.id, "spec": c.job(), "oracle": c.oracle,
             "steps": c.steps.array(stop).tolist()} for c in cases
        ]))
        env = {**COMMON_ENV, **DRIVER_ENV[driver], **os.environ,
               "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        done = subprocess.run([sys.executable, "-m", f"conformance.drivers.{driver}", str(cases_path), str(out)],
                              env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode == MISSING_FRAMEWORK:
            return {c.id: OracleRun(unavailable=done.stderr.strip().splitlines()[-1]) for c in cases}
        if done.returncode != 0:
            message = f"driver {driver} exited with {done.returncode}:\n{done.stderr[-4000:]}"
            return {c.id: OracleRun(error=message) for c in cases}
        info = json.loads(Path(f"{out}.json").read_text())
        arrays = np.load(f"{out}.npz")
        return {c.id: _oracle_run(info["cases"][c.id], arrays, info["versions"]) for c in cases}


def _oracle_run(case_info: dict, arrays, versions: dict) -> OracleRun:
    if "error" in case_info:
        return OracleRun(error=case_info["error"], versions=versions)
    return OracleRun(values=arrays[case_info["array"]], failure=case_info["failure"], versions=versions)
