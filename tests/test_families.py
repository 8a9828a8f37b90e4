"""What each family's documentation promises, checked on its values."""

import numpy as np
import pytest

import pysched
from conformance.ulp import ulp_distance

from examples import spec

T = np.arange(20_000)


def values(kind, **changes):
    return pysched.schedule(spec(kind, **changes))(T)


def test_staircase_holds_each_stair_and_steps_at_multiples():
    lr = values("keras.ExponentialDecay", decay_steps=100)
    stairs = lr.reshape(-1, 100)
    assert np.all(stairs == stairs[:, :1])
    assert np.all(np.diff(stairs[:, 0]) < 0)


def test_continuous_decay_never_rises():
    assert np.all(np.diff(values("keras.ExponentialDecay", staircase=False)) <= 0)


def test_graph_execution_differs_from_eager_by_a_few_ulp():
    eager = values("keras.ExponentialDecay", staircase=False)
    graph = values("keras.ExponentialDecay", staircase=False, execution="graph")
    assert 0 < ulp_distance(eager, graph).max() <= 4


def test_float64_keras_sees_a_float32_decay_rate():
    s = pysched.schedule(spec("keras.ExponentialDecay", dtype="float64", staircase=True))
    assert s(1000) == 0.1 * float(np.float32(0.96)) != 0.1 * 0.96


def test_tf1_and_seed_002_are_keras_exponential_decay_in_a_graph():
    args = {"decay_steps": 1000, "decay_rate": 0.96}
    keras = pysched.schedule(kind="keras.ExponentialDecay", initial_learning_rate=0.1, execution="graph", **args)
    for kind in ("tf1.exponential_decay", "seed.exponential_decay"):
        np.testing.assert_array_equal(pysched.schedule(kind=kind, learning_rate=0.1, **args)(T), keras(T))


def test_burnin_rises_to_the_initial_rate_then_decays():
    lr = values("seed.exponential_decay_with_burnin")
    assert lr[0] == 0 and lr[200] == np.float32(0.01)
    assert np.all(np.diff(lr[:201]) > 0) and np.all(np.diff(lr[200:]) <= 0)


def test_warmups_peak_at_init_lr_and_end_as_documented():
    constant, linear, cosine = (values(k) for k in ("seed.constant_warmup", "seed.linear_warmup", "seed.cosine_warmup"))
    for lr in (constant, linear, cosine):
        assert lr[0] == 0 and lr[2500] == 0.1 and np.all(np.diff(lr[:2501]) > 0)
    assert np.all(constant[2500:] == 0.1)
    assert np.all(linear[15000:] == 0) and np.all(np.diff(linear[2500:15001]) < 0)
    assert cosine[15000] == 0 and np.all(np.diff(cosine[2500:15001]) <= 0) and np.all(np.diff(cosine[15000:]) > 0)


def test_gradual_warmup_is_constant_warmup_in_float64_only():
    np.testing.assert_array_equal(values("seed.gradual_warmup"), values("seed.constant_warmup"))
    assert np.any(values("seed.gradual_warmup", dtype="float32") != values("seed.constant_warmup", dtype="float32"))


def test_simulation_decays_to_a_fixed_point_and_stays():
    lr = pysched.schedule(spec("seed.gradual_warmup_simulation"))(np.arange(100_000))
    assert np.all(np.diff(lr[2499:]) <= 0) and lr[2500] < lr[2499]
    settled = np.flatnonzero(np.diff(lr))[-1] + 1
    assert 50_000 < settled < 70_000 and np.all(lr[settled:] == lr[settled])
    assert 0 < lr[settled] < 1e-320 and lr[settled] ** 1.0001 == lr[settled]


def test_yolo_warmup_goes_from_the_factor_to_one():
    lr = values("seed.warmup_lr_scheduler")
    assert lr[0] == 0.01 * 0.001 and lr[1000] == 0.01
    assert np.all(np.diff(lr[:1001]) > 0) and np.all(lr[1000:] == 0.01)


def test_yolo_cosine_and_its_resume_quirk():
    lr = values("seed.lf")
    assert lr[0] == 0.01 and abs(lr[30] - 0.01 * 0.01) < 1e-17 and lr[31] > lr[30]
    resumed = values("seed.lf", start_epoch=12)
    assert resumed[12] == lr[0] and np.array_equal(np.delete(resumed, 12), np.delete(lr, 12))


def test_stateful_exponential_decay_steps_once_per_print_step():
    lr = values("seed.ExponentialDecay", print_step=37)
    changes = np.flatnonzero(np.diff(lr)) + 1
    assert np.array_equal(changes[:20], 37 * np.arange(1, 21))
    floored = values("seed.ExponentialDecay", print_step=37, min_lr=0.0005)
    assert floored.min() == np.float32(0.0005)
    ahead = values("seed.ExponentialDecay", print_step=37, optimizer="tf_keras")
    np.testing.assert_array_equal(ahead[:-37], lr[37:])  # tf_keras's build call is one more multiple


def test_stateful_piecewise_decays_at_step_zero_already():
    s = pysched.schedule(spec("seed.PiecewiseConstantDecay", change_step=3, print_step=10, min_lr=0.0))
    assert s(0) == np.float32(0.0005) and s(3) == np.float32(0.00025)
    assert pysched.schedule(spec("seed.PiecewiseConstantDecay", change_step=3, print_step=10,
                                 optimizer="tf_keras"))(0) == np.float32(0.00025)


def test_stateful_cosine_is_floored_at_min_lr():
    lr = values("seed.CosineDecay", decay_step=3000, min_lr=0.0001)
    assert lr.min() == np.float32(0.0001) and lr[0] == np.float32(0.001)


@pytest.mark.parametrize("kind", ["seed.ExponentialDecay", "seed.PiecewiseConstantDecay"])
def test_int_and_float_periods_part_where_float32_steps_round(kind):
    period = {"seed.ExponentialDecay": "print_step", "seed.PiecewiseConstantDecay": "change_step"}[kind]
    common = {"decay_rate": 0.99999994, "min_lr": 0.0, "print_step": 3, period: 3}
    below = np.arange(2**24 - 3000, 2**24)
    above = np.arange(2**24, 2**24 + 3000)
    as_int = pysched.schedule(spec(kind, **common))
    as_float = pysched.schedule(spec(kind, **{**common, period: 3.0}))
    np.testing.assert_array_equal(as_int(below), as_float(below))
    assert np.any(as_int(above) != as_float(above))
