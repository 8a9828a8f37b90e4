"""The Python API of SPEC section 3."""

import pickle
import re

import numpy as np
import pytest

import pysched

from examples import EXAMPLES, spec

KINDS = sorted(EXAMPLES)
KIND_DTYPES = [(kind, dtype) for kind in KINDS for dtype in pysched.families()[kind].dtypes]
STEPS = np.array([0, 1, 2, 7, 199, 200, 201, 1000, 2499, 2500, 2501, 14999, 15000, 15001, 123456, 2**24 + 1])


def test_every_family_has_an_example():
    assert set(pysched.families()) == set(EXAMPLES)


@pytest.mark.parametrize("kind", KINDS)
def test_spec_and_keywords_build_the_same_schedule(kind):
    assert pysched.schedule(spec(kind)) == pysched.schedule(**spec(kind))


@pytest.mark.parametrize("kind", KINDS)
def test_to_dict_fills_defaults_and_round_trips(kind):
    schedule = pysched.schedule(spec(kind))
    full = schedule.to_dict()
    family = pysched.families()[kind]
    assert list(full) == ["kind", *(p.name for p in family.params), "dtype"]
    assert full["dtype"] == family.dtype == schedule.dtype
    again = pysched.schedule(full)
    assert again.to_dict() == full
    np.testing.assert_array_equal(again(STEPS), schedule(STEPS))


@pytest.mark.parametrize("kind", KINDS)
def test_scalar_call_equals_batched_call(kind):
    schedule = pysched.schedule(spec(kind))
    batch = schedule(STEPS)
    scalars = [schedule(int(t)) for t in STEPS]
    assert all(type(x) is float for x in scalars)
    assert np.array_equal(np.array(scalars, dtype=batch.dtype), batch)
    assert schedule(np.int32(7)) == schedule(7) == schedule(7.0) == schedule(np.uint8(7))


@pytest.mark.parametrize("kind, dtype", KIND_DTYPES)
def test_output_dtype_follows_the_spec(kind, dtype):
    values = pysched.schedule(spec(kind, dtype=dtype))(STEPS)
    assert values.dtype == np.dtype(dtype)
    assert np.all(np.isfinite(values))


@pytest.mark.parametrize("kind", KINDS)
def test_steps_in_any_order_with_repeats(kind):
    schedule = pysched.schedule(spec(kind))
    order = np.random.default_rng(1).permutation(np.repeat(STEPS, 3))
    np.testing.assert_array_equal(schedule(order), schedule(np.sort(order))[np.argsort(np.argsort(order))])


def test_shape_is_kept():
    schedule = pysched.schedule(spec("keras.ExponentialDecay"))
    grid = np.arange(12).reshape(3, 4)
    assert schedule(grid).shape == (3, 4)
    assert schedule(np.array(5)).shape == ()
    assert schedule([]).shape == (0,)
    assert schedule(np.empty((2, 0), dtype=np.int64)).shape == (2, 0)


def test_steps_may_be_lists_floats_that_are_whole_and_big_unsigned():
    schedule = pysched.schedule(spec("seed.lf"))
    expected = schedule(np.array([0, 3, 2**53], dtype=np.int64))
    for steps in ([0, 3, 2**53], np.array([0.0, 3.0, 2.0**53]), np.array([0, 3, 2**53], dtype=np.uint64),
                  np.array([0, 3, 2**53], dtype=object)):
        np.testing.assert_array_equal(schedule(steps), expected)


def test_non_contiguous_steps():
    schedule = pysched.schedule(spec("seed.cosine_warmup"))
    steps = np.arange(40000)[::7]
    np.testing.assert_array_equal(schedule(steps), schedule(steps.copy()))


def test_out_receives_the_values_in_place():
    schedule = pysched.schedule(spec("keras.CosineDecay"))
    grid = STEPS.reshape(4, 4)
    out = np.full((4, 4), np.nan, dtype=np.float32)
    assert schedule(grid, out=out) is out
    np.testing.assert_array_equal(out, schedule(grid))


@pytest.mark.parametrize("out, error, message", [
    ([0.0] * 16, TypeError, "out must be a numpy array, got list"),
    (np.empty(16, dtype=np.float64), TypeError, "out must have dtype float32, got float64"),
    (np.empty(15, dtype=np.float32), ValueError, r"out must have the steps' shape \(16,\), got \(15,\)"),
    (np.empty(32, dtype=np.float32)[::2], ValueError, "out must be C-contiguous and writable"),
    (np.broadcast_to(np.float32(0), (16,)), ValueError, "out must be C-contiguous and writable"),
], ids=["list", "dtype", "shape", "strided", "read-only"])
def test_a_bad_out_is_refused(out, error, message):
    schedule = pysched.schedule(spec("keras.CosineDecay"))
    with pytest.raises(error, match=f"keras.CosineDecay: {message}"):
        schedule(STEPS, out=out)


@pytest.mark.parametrize("kind, params, step", [
    ("keras.ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 2.0}, 200),
    ("torch.OneCycleLR", {"max_lr": 1.0, "total_steps": 100}, 101),
    ("seed.lf", {"lr0": 0.01, "epochs": 30, "lrf": 0.01}, 2**53 + 1),
], ids=["inf", "framework raises", "beyond 2**53"])
def test_a_scalar_step_fails_as_an_array_of_it_does(kind, params, step):
    schedule = pysched.schedule(kind=kind, **params)
    with pytest.raises(ValueError) as as_array:
        schedule([step])
    with pytest.raises(ValueError, match=re.escape(str(as_array.value))):
        schedule(step)


def test_kind_and_dtype_properties():
    schedule = pysched.schedule(spec("seed.lf", dtype="float32"))
    assert (schedule.kind, schedule.dtype) == ("seed.lf", "float32")
    assert pysched.schedule(spec("seed.lf", dtype=np.float32)).dtype == "float32"


def test_families_describe_parameters_defaults_and_oracles():
    families = pysched.families()
    keras = families["keras.ExponentialDecay"]
    params = {p.name: p for p in keras.params}
    assert params["staircase"].default is False
    assert params["decay_steps"].required
    assert keras.dtype == "float32"
    assert "keras.optimizers.schedules.ExponentialDecay" in keras.oracle
    for family in families.values():
        assert family.doc and family.oracle


def test_every_family_declares_its_anatomy_or_its_composition():
    for kind, family in pysched.families().items():
        assert (family.anatomy is None) != (family.composition is None), kind


@pytest.mark.parametrize(("kind", "mirrors"), [
    ("optax.cosine_decay", "optax.cosine_decay_schedule"),
    ("hf.wsd", "transformers.get_wsd_schedule"),
    ("torch.StepLR", "torch.optim.lr_scheduler.StepLR"),
    ("seed.linear_warmup", "transformers.get_linear_schedule_with_warmup"),
    ("seed.lf", ""),
    ("pysched.clamp", ""),
])
def test_mirrors_is_the_api_the_oracle_names(kind, mirrors):
    assert pysched.families()[kind].mirrors == mirrors


@pytest.mark.parametrize("kind", KINDS)
def test_evaluate_many_rows_are_the_single_evaluations(kind):
    specs = [spec(kind), spec(kind, dtype=pysched.families()[kind].dtypes[-1])]
    rows = pysched.evaluate_many(specs, STEPS)
    assert rows.shape == (2, len(STEPS)) and rows.dtype == np.result_type(*(s["dtype"] for s in map(
        lambda x: pysched.schedule(x).to_dict(), specs)))
    for row, one in zip(rows, specs, strict=True):
        np.testing.assert_array_equal(row, pysched.schedule(one)(STEPS).astype(rows.dtype))


def test_evaluate_many_mixes_families_and_keeps_float32_when_it_can():
    specs = [pysched.schedule(spec(kind, dtype="float32")) for kind, dtype in KIND_DTYPES if dtype == "float32"]
    rows = pysched.evaluate_many(specs, STEPS)
    assert rows.dtype == np.float32 and rows.shape == (len(specs), len(STEPS))
    for row, schedule in zip(rows, specs, strict=True):
        np.testing.assert_array_equal(row, schedule(STEPS))
    assert pysched.evaluate_many([], STEPS).shape == (0, len(STEPS))
    assert pysched.evaluate_many(specs[:2], 5).shape == (2,)


def test_schedules_pickle_and_compare():
    schedule = pysched.schedule(spec("seed.PiecewiseConstantDecay"))
    clone = pickle.loads(pickle.dumps(schedule))
    assert clone == schedule and clone is not schedule
    assert schedule != pysched.schedule(spec("seed.PiecewiseConstantDecay", change_step=301))
    assert repr(schedule).startswith("pysched.schedule({'kind': 'seed.PiecewiseConstantDecay'")


def test_a_schedule_passes_through_schedule():
    schedule = pysched.schedule(spec("seed.lf"))
    assert pysched.schedule(schedule) is schedule
