"""Each contender of a benchmarked schedule, ready to time: inputs and outputs
allocated, frameworks traced or compiled, before the timed region. Also the
values a contender gives, checked against pysched's exact ones outside it."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import numpy as np
from libm_loops import LOOPS, loop
from peers import Bench

import pysched
from conformance.ulp import ulp_distance

SIZES = [int(n) for n in os.environ.get("PYSCHED_BENCH_SIZES", "1000,10000,100000,1000000,10000000").split(",")]
LOOP_SIZE = 1000  # the framework stepped one update at a time: its cost per value does not depend on n
FILL_VALUE = 0.1


def names(name: str, bench: Bench) -> list[str]:
    has_fast_path = getattr(pysched.schedule(bench.spec), "has_fast_path", False)  # False at an older A/B base
    fast = ["pysched-fast", "pysched-fast2"] if has_fast_path else []
    return ["pysched", "pysched2", *fast, *(["libm"] if name in LOOPS else []), "numpy", "torch",
            *bench.native, *(["loop"] if bench.loop else []), "fill"]


def prepare(name: str, bench: Bench, contender: str, steps: np.ndarray) -> tuple[Callable[[], object], dict]:
    """The call to time and what to record about it."""
    dtype = bench.dtype
    if contender == "libm":
        return loop(name, steps, dtype), {}
    if contender.startswith("pysched"):
        precision = "fast" if "fast" in contender else "exact"
        schedule = pysched.schedule(bench.spec, **({"precision": "fast"} if precision == "fast" else {}))
        out = np.empty(steps.size, dtype=dtype)
        threads, progression = 2 if contender.endswith("2") else 1, range(steps.size)  # steps are 0 .. n-1
        return (lambda: schedule(progression, out=out, threads=threads),
                {"threads": threads, "steps": "range", "precision": precision})
    if contender == "numpy":
        if bench.numpy_best is not None:
            out = np.empty(steps.size, dtype=dtype)
            return lambda: bench.numpy_best(steps, out), {"form": bench.numpy_best.__name__}
        return lambda: bench.formula(np, steps.astype(dtype)), {"form": "one expression"}
    if contender == "torch":
        import torch

        tensor, torch_dtype = torch.from_numpy(steps), getattr(torch, dtype)
        return lambda: bench.formula(torch, tensor.to(torch_dtype)), {}
    if contender == "loop":
        return bench.loop(steps.size), {}
    if contender == "fill":
        out = np.empty(steps.size, dtype=dtype)
        return lambda: out.fill(FILL_VALUE), {}
    builder = bench.native[contender]()
    call = builder(steps)
    return call, ({"compile_seconds": builder.compile_seconds} if hasattr(builder, "compile_seconds") else {})


def correctness(bench: Bench, values: object, exact: np.ndarray) -> dict:
    """How far a contender's values are from pysched's exact ones."""
    got = np.asarray(values).ravel()
    info = {"contender_dtype": str(got.dtype)}
    got = got.astype(exact.dtype)
    if got.shape != exact.shape:
        return {**info, "max_ulp": None, "note": f"{got.size} values for {exact.size} steps"}
    if not got.size:
        return {**info, "max_ulp": 0, "max_relative_error": 0.0, "differing_fraction": 0.0}
    error = np.abs(got.astype(np.float64) - exact)
    return {**info, "max_ulp": int(ulp_distance(got, exact).max()),
            "max_relative_error": float(np.max(error / np.where(exact == 0, 1.0, np.abs(exact)))),
            "max_scale_relative_error": float(np.max(error) / max(float(np.max(np.abs(exact))), 1e-300)),
            "differing_fraction": float(np.mean(got != exact))}


def best_seconds(call: Callable[[], object], budget: float = 0.3, rounds: int = 3) -> float:
    """The minimum time of ``call`` over at least ``rounds`` runs and ``budget`` seconds."""
    best, deadline, done = float("inf"), time.perf_counter() + budget, 0
    while done < rounds or time.perf_counter() < deadline:
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
        done += 1
    return best
