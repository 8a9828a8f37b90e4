"""Fast precision against exact, over 10**7 steps of every family: within
FAST_TOLERANCE of the exact values (relative to the largest of them), the
same bits where a family has no fast path, and a fast path that is taken
where it has one."""

import numpy as np
import pytest

import pysched
from conformance.ulp import ulp_distance

from examples import EXAMPLES, spec

STEPS = range(10**7)

# The staged families, with horizons that fill the 10**7 steps, in both dtypes
# where the family has both; the steepest run into the range where fast pow
# does not apply (results below e**-708) and the exact path takes over.
LONG_HORIZONS = [
    spec("keras.ExponentialDecay", decay_steps=100_000, staircase=False),
    spec("keras.ExponentialDecay", decay_steps=100_000, staircase=False, dtype="float64"),
    spec("keras.ExponentialDecay", decay_steps=5_000, decay_rate=0.5, staircase=False, dtype="float64"),
    spec("keras.ExponentialDecay", decay_steps=100_000, staircase=False, execution="graph"),
    spec("tf1.natural_exp_decay", decay_steps=1_000_000),
    spec("keras.CosineDecay", decay_steps=9_000_000, warmup_steps=1_000_000, alpha=0.01),
    spec("keras.CosineDecay", decay_steps=9_000_000, warmup_steps=1_000_000, alpha=0.01, dtype="float64"),
    {"kind": "keras.CosineDecay", "initial_learning_rate": 0.1, "decay_steps": 8_000_000, "execution": "graph"},
    spec("tf1.linear_cosine_decay", decay_steps=8_000_000, num_periods=2.0),
    spec("od.exponential_decay_with_burnin", learning_rate_decay_steps=100_000, burnin_steps=10_000,
         min_learning_rate=1e-4),
    spec("od.cosine_decay_with_warmup", total_steps=9_000_000, warmup_steps=100_000, hold_base_rate_steps=100_000),
    spec("hf.cosine_with_warmup", num_warmup_steps=100_000, num_training_steps=5_000_000),
    spec("hf.cosine_with_warmup", num_warmup_steps=100_000, num_training_steps=5_000_000, dtype="float32"),
    spec("seed.lf", epochs=5_000_000),
    spec("optax.exponential_decay", transition_steps=100_000, staircase=False, transition_begin=1_000),
    spec("optax.cosine_decay", decay_steps=8_000_000),
    spec("optax.cosine_decay", decay_steps=8_000_000, exponent=1),
    spec("optax.warmup_cosine_decay", warmup_steps=500_000, decay_steps=9_000_000, end_value=0.001),
]
FAST_KINDS = {s["kind"] for s in LONG_HORIZONS} - {"optax.warmup_cosine_decay"}


def tolerance(schedule) -> float:
    """FAST_TOLERANCE of the schedule's dtype, or float32's if any part of it is float32."""
    return pysched.FAST_TOLERANCE["float32" if "'float32'" in repr(schedule.to_dict()) else "float64"]


def measure(specification):
    """Exact and fast values over STEPS, and the fast ones' error relative to the largest exact value."""
    exact = pysched.schedule(specification)
    fast = pysched.schedule(specification, precision="fast")
    expected, actual = exact(STEPS), fast(STEPS)
    scale = float(np.max(np.abs(expected)))
    error = float(np.max(np.abs(actual.astype(np.float64) - expected))) / scale if scale else 0.0
    return exact, expected, actual, error


def report(expected, actual, error) -> str:
    ulps = ulp_distance(actual, expected)
    return (f"scale-relative error {error:.3g}, max {int(ulps.max())} ULP, "
            f"{np.count_nonzero(ulps)} of {ulps.size} values differ")


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_every_family_is_within_the_fast_tolerance(kind):
    exact, expected, actual, error = measure(spec(kind))
    if exact.has_fast_path:
        assert error <= tolerance(exact), report(expected, actual, error)
    else:
        assert actual.tobytes() == expected.tobytes()


POW_KINDS = {"keras.ExponentialDecay", "tf1.natural_exp_decay", "od.exponential_decay_with_burnin",
             "optax.exponential_decay"}


@pytest.mark.parametrize("specification", LONG_HORIZONS, ids=lambda s: f"{s['kind']}-{s.get('dtype', '')}")
def test_a_fast_path_is_taken_and_within_the_tolerance(specification):
    exact, expected, actual, error = measure(specification)
    assert exact.has_fast_path
    assert error <= tolerance(exact), report(expected, actual, error)
    if specification["kind"] in POW_KINDS:  # fast pow is within a few ULP everywhere, not only of the largest value
        assert ulp_distance(actual, expected).max() <= 2, report(expected, actual, error)
    if exact.dtype == "float64":  # a float's fast pow and cos, in double, round as libm's mostly do
        assert np.count_nonzero(actual != expected) > 0, "fast precision gave the exact bits: no fast path taken"


def test_the_staged_kinds_and_compositions_of_them_have_a_fast_path():
    with_fast_path = {kind for kind in EXAMPLES if pysched.schedule(spec(kind)).has_fast_path}
    # these lower to staged keras and hf kinds; the compositions have a staged child in EXAMPLES
    lowered = {"tf1.exponential_decay", "tf1.cosine_decay", "seed.exponential_decay", "seed.cosine_warmup"}
    compositions = {"pysched.scale", "optax.join", "optax.warmup_cosine_decay", "optax.warmup_exponential_decay",
                    "optax.sgdr"}
    assert with_fast_path == FAST_KINDS | lowered | compositions
    staged_child = {"kind": "keras.CosineDecay", "initial_learning_rate": 0.1, "decay_steps": 100}
    assert pysched.schedule(kind="pysched.clamp", schedule=staged_child, max_value=0.05).has_fast_path


def test_fast_pow_hands_its_out_of_range_steps_to_the_exact_path():
    """0.5**(t/50) is below e**-708 from t = 51,000 and 0 from t = 53,750."""
    specification = spec("keras.ExponentialDecay", decay_steps=50, decay_rate=0.5, staircase=False, dtype="float64")
    steps = np.arange(50_000, 60_000)
    exact = pysched.schedule(specification)(steps)
    fast = pysched.schedule(specification, precision="fast")(steps)
    assert exact[-1] == 0.0
    assert fast[1_000:].tobytes() == exact[1_000:].tobytes()


def test_fast_cos_hands_arguments_past_2_20_to_the_exact_path():
    """hf's cosine climbs on past the training steps and clamps at 0 with
    max(0, x), which would turn a NaN into 0 if the block did not pass it on."""
    specification = spec("hf.cosine_with_warmup", num_warmup_steps=0, num_training_steps=1)
    steps = np.arange(2**20, 2**20 + 1000) * 7
    exact = pysched.schedule(specification)(steps)
    fast = pysched.schedule(specification, precision="fast")(steps)
    assert np.count_nonzero(exact) > 0
    assert fast.tobytes() == exact.tobytes()


def test_precision_per_call_per_schedule_and_per_sweep():
    specification = LONG_HORIZONS[1]
    steps = np.arange(0, 10**7, 997)
    exact, fast = pysched.schedule(specification), pysched.schedule(specification, precision="fast")
    assert fast.precision == "fast" and exact.precision == "exact"
    assert exact(steps, precision="fast").tobytes() == fast(steps).tobytes()
    assert fast(steps, precision="exact").tobytes() == exact(steps).tobytes()
    assert fast(12_345) == exact(12_345, precision="fast")
    rows = pysched.evaluate_many([specification, fast], steps)
    assert rows[0].tobytes() == exact(steps).tobytes() and rows[1].tobytes() == fast(steps).tobytes()
    rows = pysched.evaluate_many([specification, fast], steps, precision="exact")
    assert rows[1].tobytes() == exact(steps).tobytes()


def test_precision_is_part_of_the_schedule():
    specification = LONG_HORIZONS[0]
    fast = pysched.schedule(specification, precision="fast")
    assert fast != pysched.schedule(specification)
    assert fast == pysched.schedule(fast.to_dict(), precision="fast")
    assert "precision='fast'" in repr(fast)
    import pickle

    assert pickle.loads(pickle.dumps(fast)).precision == "fast"
    assert pysched.schedule(fast, precision="exact").precision == "exact"


@pytest.mark.parametrize("bad, exception", [("quick", ValueError), (1, TypeError), (b"fast", TypeError)])
def test_a_bad_precision_is_refused(bad, exception):
    message = f"precision must be 'exact' or 'fast', got {bad!r}"
    with pytest.raises(exception, match=message):
        pysched.schedule(LONG_HORIZONS[0], precision=bad)
    with pytest.raises(exception, match=message):
        pysched.schedule(LONG_HORIZONS[0])(1, precision=bad)
    with pytest.raises(exception, match=message):
        pysched.evaluate_many([LONG_HORIZONS[0]], [1], precision=bad)
