"""ULP distances between arrays of one floating dtype.

The distance between two floats is how many representable floats lie between
them, plus one: adjacent floats are 1 apart, +0.0 and -0.0 are 0 apart, two NaNs
are 0 apart and a NaN is as far as possible from any number.
"""

from __future__ import annotations

import numpy as np

FAR = np.iinfo(np.uint64).max
"""The distance from NaN to a number."""

_UNSIGNED = {np.dtype(np.float32): np.uint32, np.dtype(np.float64): np.uint64}


def ordered(values: np.ndarray) -> np.ndarray:
    """Map floats to uint64 keys that count representable floats: monotone, with
    adjacent floats on adjacent keys, and -0.0 on the key of +0.0."""
    values = np.asarray(values)
    bits = values.view(_UNSIGNED[values.dtype]).astype(np.uint64)
    sign = np.uint64(1) << np.uint64(values.dtype.itemsize * 8 - 1)
    magnitude = bits & ~sign
    return np.where(bits & sign, sign - magnitude, sign + magnitude)


def ulp_distance(actual: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Elementwise ULP distance, as uint64, between two arrays of the same float dtype."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    if actual.dtype != expected.dtype or actual.dtype not in _UNSIGNED:
        raise TypeError(f"ULP distance needs one float32 or float64 dtype, got {actual.dtype} and {expected.dtype}")
    a, e = ordered(actual), ordered(expected)
    distance = np.where(a > e, a - e, e - a)
    a_nan, e_nan = np.isnan(actual), np.isnan(expected)
    distance = np.where(a_nan & e_nan, np.uint64(0), distance)
    return np.where(a_nan ^ e_nan, np.uint64(FAR), distance)
