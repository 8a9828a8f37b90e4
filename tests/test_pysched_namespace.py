"""The pysched namespace has no framework oracle: its definitions are its
properties, checked here against its children evaluated on their own."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pysched

from examples import EXAMPLES, spec

LEAF_KINDS = sorted(kind for kind in EXAMPLES if not kind.startswith("pysched."))
STEP = st.integers(0, 30_000)


def alone(kind: str, steps: np.ndarray, **changes) -> np.ndarray:
    return pysched.schedule(spec(kind, **changes))(steps)


@st.composite
def sequentials(draw):
    kinds = draw(st.lists(st.sampled_from(LEAF_KINDS), min_size=1, max_size=4))
    boundaries = sorted(draw(st.lists(st.integers(0, 20_000), min_size=len(kinds) - 1, max_size=len(kinds) - 1)))
    return kinds, boundaries


@given(sequentials(), st.lists(STEP, min_size=1, max_size=300))
@settings(max_examples=60, deadline=None)
def test_sequential_is_each_schedule_from_its_boundary_restarted_at_zero(sequential, steps):
    kinds, boundaries = sequential
    steps = np.array(steps)
    values = pysched.schedule(kind="pysched.sequential", schedules=[spec(kind) for kind in kinds],
                              boundaries=boundaries)(steps)
    assert values.dtype == np.float64
    which = np.searchsorted(boundaries, steps, side="right")
    starts = [0, *boundaries]
    for i, kind in enumerate(kinds):
        mine = which == i
        if mine.any():
            np.testing.assert_array_equal(values[mine], alone(kind, steps[mine] - starts[i]), err_msg=kind)


@given(sequentials(), st.lists(STEP, min_size=1, max_size=300), st.randoms(use_true_random=False))
@settings(max_examples=30, deadline=None)
def test_any_order_and_repeats_give_each_step_its_value(sequential, steps, random):
    kinds, boundaries = sequential
    schedule = pysched.schedule(kind="pysched.sequential", schedules=[spec(kind) for kind in kinds],
                                boundaries=boundaries)
    ordered = np.unique(steps)
    value_at = dict(zip(ordered.tolist(), schedule(ordered).tolist(), strict=True))
    shuffled = steps + steps[: len(steps) // 2]
    random.shuffle(shuffled)
    assert schedule(np.array(shuffled)).tolist() == [value_at[step] for step in shuffled]


@pytest.mark.parametrize("kind", LEAF_KINDS)
def test_scale_is_one_product_in_its_dtype(kind):
    steps = np.arange(0, 40_000, 13)
    child = alone(kind, steps)
    in_float64 = pysched.schedule(kind="pysched.scale", schedule=spec(kind), factor=0.3)(steps)
    np.testing.assert_array_equal(in_float64, child.astype(np.float64) * 0.3)
    in_float32 = pysched.schedule(kind="pysched.scale", schedule=spec(kind), factor=0.3, dtype="float32")(steps)
    np.testing.assert_array_equal(in_float32, child.astype(np.float32) * np.float32(0.3))


def test_scale_by_one_holds_a_float32_child_exactly():
    steps = np.arange(5000)
    child = alone("keras.CosineDecay", steps)
    scaled = pysched.schedule(kind="pysched.scale", schedule=spec("keras.CosineDecay"), factor=1)(steps)
    assert child.dtype == np.float32 and scaled.dtype == np.float64
    np.testing.assert_array_equal(scaled, child)


@pytest.mark.parametrize("bounds", [{"min_value": 0.02}, {"max_value": 0.05}, {"min_value": 0.02, "max_value": 0.05}])
def test_clamp_keeps_values_between_the_bounds_and_the_bounds_outside(bounds):
    steps = np.arange(0, 20_000, 3)
    child = alone("torch.CosineAnnealingLR", steps, T_max=5000)
    values = pysched.schedule(kind="pysched.clamp", schedule=spec("torch.CosineAnnealingLR", T_max=5000),
                              **bounds)(steps)
    low, high = bounds.get("min_value", -np.inf), bounds.get("max_value", np.inf)
    inside = (child >= low) & (child <= high)
    assert inside.any() and (~inside).any()
    np.testing.assert_array_equal(values[inside], child[inside])
    assert set(values[child < low]) <= {low} and set(values[child > high]) <= {high}


def test_clamp_in_float32_compares_with_float32_bounds():
    steps = np.arange(3000)
    values = pysched.schedule(kind="pysched.clamp", schedule=spec("keras.ExponentialDecay"), min_value=0.095,
                              dtype="float32")(steps)
    assert values.dtype == np.float32 and values.min() == np.float32(0.095)


def test_compositions_nest_and_round_trip():
    inner = {"kind": "pysched.sequential", "schedules": [spec("torch.LinearLR"), spec("optax.cosine_decay")],
             "boundaries": [1000]}
    outer = pysched.schedule(kind="pysched.clamp", schedule={"kind": "pysched.scale", "schedule": inner,
                                                             "factor": 2.0}, max_value=0.15)
    steps = np.arange(0, 12_000, 7)
    again = pysched.schedule(outer.to_dict())
    np.testing.assert_array_equal(again(steps), outer(steps))
    expected = np.minimum(pysched.schedule(inner)(steps) * 2.0, 0.15)
    np.testing.assert_array_equal(outer(steps), expected)
    rows = pysched.evaluate_many([outer.to_dict(), inner], steps)
    np.testing.assert_array_equal(rows[0], outer(steps))


def test_a_childs_failure_names_the_compositions_step():
    raising = spec("hf.polynomial_decay_with_warmup", num_warmup_steps=100, num_training_steps=100)
    schedule = pysched.schedule(kind="pysched.sequential", schedules=[spec("torch.StepLR"), raising],
                                boundaries=[1000])
    with pytest.raises(ValueError, match=r"raises at step 1100 \(the division by num_training_steps"):
        schedule(np.array([5, 1099, 1100, 3]))
    overflowing = spec("optax.polynomial", power=-1, transition_steps=10)
    scaled = pysched.schedule(kind="pysched.scale", schedule=overflowing, factor=2.0)
    with pytest.raises(ValueError, match="the learning rate at step 10 is inf"):
        scaled(np.array([3, 10, 2]))


def test_nesting_deeper_than_the_kernel_allows_is_refused():
    nested = spec("torch.StepLR")
    for _ in range(9):
        nested = {"kind": "pysched.scale", "schedule": nested, "factor": 1.0}
    with pytest.raises(ValueError, match="nested too deep"):
        pysched.schedule(nested)
