"""ULP distances between floats of one dtype, for pysched's own comparisons:
``pysched.trace.compare`` and the proofs of ``pysched.adapters.convert``.

(The conformance harness measures pysched with its own ruler,
conformance/ulp.py, on purpose.)
"""

from __future__ import annotations

import numpy as np

FAR = np.iinfo(np.int64).max
"""The distance between NaN and a number, and the largest distance given."""

_SIGNED = {np.dtype(np.float32): np.int32, np.dtype(np.float64): np.int64}


def ordered(values: np.ndarray) -> np.ndarray:
    """Floats as int64 keys in the same order, one apart for adjacent floats
    (+0 and -0 both 0): the bits, with negative floats' magnitudes negated."""
    signed = _SIGNED[values.dtype]
    bits = values.view(signed).astype(np.int64)
    return np.where(bits < 0, np.iinfo(signed).min - bits, bits)


def ulp_distance(actual: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """How many floats of their shared dtype (float32 or float64) lie between
    each pair, as int64 (at most FAR); two NaNs are 0 apart, NaN and a number FAR."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    if actual.dtype != expected.dtype or actual.dtype not in _SIGNED:
        raise TypeError(f"ulp_distance needs two arrays of one dtype, float32 or float64; "
                        f"got {actual.dtype} and {expected.dtype}")
    keys = ordered(actual), ordered(expected)
    low, high = np.minimum(*keys).astype(np.uint64), np.maximum(*keys).astype(np.uint64)
    with np.errstate(over="ignore"):  # wraps modulo 2**64, exact: float64's extremes are less apart
        distance = np.minimum(high - low, np.uint64(FAR)).astype(np.int64)
    nan_actual, nan_expected = np.isnan(actual), np.isnan(expected)
    return np.where(nan_actual | nan_expected, np.where(nan_actual & nan_expected, 0, FAR), distance)
