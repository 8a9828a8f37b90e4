"""The harness's ULP distance and mismatch messages."""

import numpy as np
import pytest

from conformance.cases import Case, Steps
from conformance.compare import compare
from conformance.runner import OracleRun
from conformance.ulp import FAR, ulp_distance


def f32(*values):
    return np.array(values, dtype=np.float32)


def f64(*values):
    return np.array(values, dtype=np.float64)


def test_signed_zeros_are_the_same_float():
    assert ulp_distance(f64(0.0, -0.0), f64(-0.0, 0.0)).tolist() == [0, 0]
    assert ulp_distance(f32(-0.0), f32(0.0)).tolist() == [0]


def test_adjacent_floats_are_one_apart_in_their_own_dtype():
    one32, one64 = np.float32(1), 1.0
    assert ulp_distance(f32(one32), f32(np.nextafter(one32, np.float32(2)))).tolist() == [1]
    assert ulp_distance(f32(one32), f32(np.nextafter(one32, np.float32(0)))).tolist() == [1]
    assert ulp_distance(f64(one64), f64(np.nextafter(one64, 2.0))).tolist() == [1]
    # the float32 neighbour of 1 is 2**29 float64 ULPs away
    assert ulp_distance(f64(1.0), f64(float(np.nextafter(one32, np.float32(2))))).tolist() == [2**29]


def test_distance_counts_across_zero_and_subnormals():
    tiny32 = np.float32(1.4e-45)
    assert ulp_distance(f32(-tiny32), f32(tiny32)).tolist() == [2]
    assert ulp_distance(f64(-5e-324), f64(5e-324)).tolist() == [2]
    assert ulp_distance(f32(0.0), f32(np.finfo(np.float32).tiny)).tolist() == [2**23]


def test_infinities_and_nan():
    assert ulp_distance(f64(np.inf, np.nan, np.nan), f64(np.inf, np.nan, 1.0)).tolist() == [0, 0, FAR]
    assert ulp_distance(f32(1.0), f32(np.nan)).tolist() == [FAR]
    assert ulp_distance(f32(np.finfo(np.float32).max), f32(np.inf)).tolist() == [1]


def test_float32_and_float64_do_not_mix():
    with pytest.raises(TypeError, match="one float32 or float64 dtype, got float32 and float64"):
        ulp_distance(f32(1.0), f64(1.0))
    with pytest.raises(TypeError):
        ulp_distance(np.array([1], dtype=np.int64), np.array([1], dtype=np.int64))


CASE = Case({"kind": "seed.lf", "lr0": 0.01, "epochs": 30, "lrf": 0.01}, "torch", Steps(100), "test")


def test_compare_reports_the_first_difference_numpy_style():
    import pysched

    truth = pysched.schedule(CASE.spec)(np.arange(100))
    nudged = truth.copy()
    nudged[[40, 60]] = np.nextafter(nudged[[40, 60]], 1.0)
    result = compare(CASE, OracleRun(values=nudged))
    assert result.verdict == "fail"
    assert (result.max_ulp, result.differing) == (1, 2)
    assert result.first == {"step": 40, "pysched": truth[40], "oracle": nudged[40], "ulp": 1}
    assert result.message.startswith("Mismatched steps: 2 / 100 (2%)\nMax ULP: 1 (tolerance 0)")
    assert f"  60: {float(truth[60])!r} vs {float(nudged[60])!r}, 1 ULP" in result.message
    assert "Reproduce: pysched.schedule({'kind': 'seed.lf'" in result.message
    assert compare(CASE, OracleRun(values=truth)).verdict == "pass"


def test_compare_fails_on_a_dtype_mismatch_and_passes_unavailable_through():
    import pysched

    truth = pysched.schedule(CASE.spec)(np.arange(100)).astype(np.float32)
    assert "pysched gives float64, the oracle float32" in compare(CASE, OracleRun(values=truth)).message
    assert compare(CASE, OracleRun(unavailable="missing framework: torch")).verdict == "unavailable"


def test_a_tolerance_needs_a_reason():
    with pytest.raises(ValueError, match="a tolerance above 0 ULP needs a written reason"):
        Case(CASE.spec, "torch", Steps(10), "loose", ulp=2)
