"""Bad input gets a ValueError or TypeError naming the kind, the parameter and the value (SPEC section 5)."""

import re

import numpy as np
import pytest

import pysched

from examples import spec

EXP = "keras.ExponentialDecay"

BAD_SPECS = [
    # (spec, exception, message)
    ({"kind": "keras.ExponentialDecai"}, ValueError,
     "unknown kind 'keras.ExponentialDecai'; did you mean 'keras.ExponentialDecay'?"),
    ({"kind": "nothing.like.it"}, ValueError, "unknown kind 'nothing.like.it' (pysched.families() lists the kinds)"),
    ({"initial_learning_rate": 0.1}, TypeError, "a spec needs a 'kind'"),
    ({"kind": 3}, TypeError, "kind must be a str, got 3"),
    (spec(EXP, decay_step=10), TypeError,
     "keras.ExponentialDecay: unknown parameter 'decay_step'; did you mean 'decay_steps'?"),
    ({"kind": EXP, "initial_learning_rate": 0.1, "decay_rate": 0.9}, TypeError,
     "keras.ExponentialDecay: missing required parameter 'decay_steps'"),
    (spec(EXP, decay_steps=0), ValueError, "keras.ExponentialDecay: decay_steps must be > 0, got 0"),
    (spec(EXP, decay_steps=-5.5), ValueError, "keras.ExponentialDecay: decay_steps must be > 0, got -5.5"),
    (spec(EXP, decay_rate=-0.5), ValueError, "keras.ExponentialDecay: decay_rate must be >= 0, got -0.5"),
    (spec(EXP, decay_rate=float("nan")), ValueError, "keras.ExponentialDecay: decay_rate must be finite, got nan"),
    (spec(EXP, initial_learning_rate=float("inf")), ValueError,
     "keras.ExponentialDecay: initial_learning_rate must be finite, got inf"),
    (spec(EXP, decay_steps="1000"), TypeError, "keras.ExponentialDecay: decay_steps must be a number, got '1000'"),
    (spec(EXP, decay_steps=None), TypeError, "keras.ExponentialDecay: decay_steps must be a number, got None"),
    (spec(EXP, decay_rate=True), TypeError, "keras.ExponentialDecay: decay_rate must be a number, got True"),
    (spec(EXP, decay_rate=[0.9]), TypeError, "keras.ExponentialDecay: decay_rate must be a number, got [0.9] (list)"),
    (spec(EXP, staircase=1), TypeError, "keras.ExponentialDecay: staircase must be a bool, got 1"),
    (spec(EXP, name=3), TypeError, "keras.ExponentialDecay: name must be a str, got 3"),
    (spec(EXP, execution="lazy"), ValueError,
     "keras.ExponentialDecay: execution must be one of 'eager', 'graph', got 'lazy'"),
    (spec(EXP, dtype="float16"), ValueError,
     "keras.ExponentialDecay: dtype must be 'float32' or 'float64', got 'float16'"),
    (spec(EXP, dtype="fp32"), TypeError, "keras.ExponentialDecay: dtype must be 'float32' or 'float64', got 'fp32'"),
    (spec(EXP, dtype=None), TypeError, "keras.ExponentialDecay: dtype must be 'float32' or 'float64', got None"),
    (spec("tf1.exponential_decay", name=1.5), TypeError, "tf1.exponential_decay: name must be a str or None, got 1.5"),
    (spec("seed.lf", epochs=30.0), TypeError, "seed.lf: epochs must be an int, got 30.0"),
    (spec("seed.lf", epochs=0), ValueError, "seed.lf: epochs must be >= 1, got 0"),
    (spec("seed.lf", lr0=-0.01), ValueError, "seed.lf: lr0 must be >= 0, got -0.01"),
    (spec("seed.lf", start_epoch=-1), ValueError, "seed.lf: start_epoch must be >= 0, got -1"),
    (spec("seed.linear_warmup", max_steps=2**53 + 1), ValueError,
     "seed.linear_warmup: max_steps must be <= 2**53, got 9007199254740993"),
    (spec("seed.gradual_warmup_simulation", warmup_steps=0), ValueError,
     "seed.gradual_warmup_simulation: warmup_steps must be >= 1, got 0"),
    (spec("seed.warmup_lr_scheduler", warmup_iters=True), TypeError,
     "seed.warmup_lr_scheduler: warmup_iters must be an int, got True"),
    (spec("seed.ExponentialDecay", print_step=0.5), ValueError,
     "seed.ExponentialDecay: print_step must be >= 1, got 0.5"),
    (spec("seed.ExponentialDecay", optimizer="adam"), ValueError,
     "seed.ExponentialDecay: optimizer must be one of 'keras', 'tf_keras', 'tf_keras.legacy', got 'adam'"),
    (spec("seed.ExponentialDecay", optimizer="tf_keras"), TypeError,
     "seed.ExponentialDecay: print_step must be an int with optimizer='tf_keras', got 1875.0"),
    (spec("seed.PiecewiseConstantDecay", change_step=2.5, optimizer="tf_keras"), TypeError,
     "seed.PiecewiseConstantDecay: change_step must be an int with optimizer='tf_keras', got 2.5"),
    (spec("seed.CosineDecay", decay_step=0), ValueError, "seed.CosineDecay: decay_step must be > 0, got 0"),
    (spec("tf1.piecewise_constant", values=[1.0, 0.5]), ValueError,
     "tf1.piecewise_constant: values must have one more element than boundaries (2), got 2"),
    (spec("tf1.piecewise_constant", boundaries=[1000, 100]), ValueError,
     "tf1.piecewise_constant: boundaries must be strictly increasing as int64 steps, got [1000, 100]"),
    (spec("tf1.cosine_decay", dtype="float64"), ValueError,
     "tf1.cosine_decay: dtype must be 'float32', got 'float64' (TensorFlow multiplies a float32 pi"),
    (spec("od.manual_stepping", rates=[0.1]), ValueError,
     "od.manual_stepping: rates must have one more element than boundaries (2), got 1"),
    (spec("od.exponential_decay_with_burnin", burnin_steps=2**31), ValueError,
     "od.exponential_decay_with_burnin: burnin_steps must be <= 2**31 - 1 (compared with an int32 step)"),
    (spec("hf.polynomial_decay_with_warmup", lr_end=0.01), ValueError,
     "hf.polynomial_decay_with_warmup: lr_end must be smaller than lr (0.001), got 0.01"),
    (spec("hf.wsd", warmup_type="step"), ValueError,
     "hf.wsd: warmup_type must be one of 'linear', 'cosine', '1-sqrt', got 'step'"),
    (spec("torch.StepLR", step_size=0), ValueError, "torch.StepLR: step_size must be >= 1, got 0"),
    (spec("torch.SequentialLR", milestones=[]), ValueError,
     "torch.SequentialLR: milestones must have one element fewer than schedulers (2), got 0"),
    (spec("torch.SequentialLR", schedulers=[{"kind": "keras.ExponentialDecay"}], milestones=[]), ValueError,
     "torch.SequentialLR: schedulers[0] must be a schedule of the torch namespace, got kind 'keras.ExponentialDecay'"),
    (spec("torch.SequentialLR", schedulers=[{"kind": "torch.StepLR", "lr": 0.5, "step_size": 3}], milestones=[]),
     ValueError, "torch.SequentialLR: schedulers[0].lr must be the composition's lr, 0.1, got 0.5"),
    (spec("torch.ChainedScheduler", schedulers=[{"kind": "torch.StepLR", "step_size": 0}]), ValueError,
     "torch.ChainedScheduler: schedulers[0]: torch.StepLR: step_size must be >= 1, got 0"),
    (spec("torch.ChainedScheduler", schedulers=[]), TypeError,
     "torch.ChainedScheduler: schedulers must be a non-empty list of specs, got [] (list)"),
    (spec("optax.piecewise_constant", boundaries_and_scales={100: -0.1}), ValueError,
     "optax.piecewise_constant: boundaries_and_scales[100] must be >= 0, got -0.1"),
    (spec("optax.piecewise_constant", boundaries_and_scales={"x": 0.1}), TypeError,
     "optax.piecewise_constant: a key of boundaries_and_scales must be an int, got 'x'"),
    (spec("optax.piecewise_constant", boundaries_and_scales={"100": 0.1, 100: 0.2}), ValueError,
     "optax.piecewise_constant: boundaries_and_scales gives the key 100 twice"),
    (spec("optax.piecewise_constant", boundaries_and_scales=[100]), TypeError,
     "optax.piecewise_constant: boundaries_and_scales must be a dict of int to number, got [100] (list)"),
    (spec("optax.exponential_decay", decay_rate=-0.5), ValueError,
     "optax.exponential_decay: decay_rate must be >= 0, got -0.5"),
    (spec("optax.linear", transition_steps=2**31), ValueError,
     "optax.linear: transition_steps must be <= 2**31 - 1, got 2147483648"),
    (spec("optax.polynomial", power=2**40), ValueError, "optax.polynomial: power must be <= 2**31 - 1"),
    (spec("optax.warmup_cosine_decay", decay_steps=500), ValueError,
     "optax.warmup_cosine_decay: decay_steps must be > warmup_steps (500), as it includes the warmup"),
    (spec("optax.sgdr", cosine_kwargs=[{"kind": "optax.cosine_decay"}]), TypeError,
     "optax.sgdr: cosine_kwargs[0] gives a kind; its kind is 'optax.warmup_cosine_decay'"),
    (spec("optax.sgdr", cosine_kwargs=[{"init_value": 0.0, "peak_value": 0.1, "warmup_steps": 0,
                                        "decay_steps": 2**31 - 1}] * 2), ValueError,
     "optax.sgdr: the cycles must end by 2**31 - 1 (optax counts in int32), got 4294967294"),
    (spec("optax.join", boundaries=[]), ValueError,
     "optax.join: boundaries must have one element fewer than schedules (2), got 0"),
    (spec("optax.join", schedules=[{"kind": "torch.StepLR", "lr": 0.1, "step_size": 3}], boundaries=[]), ValueError,
     "optax.join: schedules[0] must be a schedule of the optax namespace, got kind 'torch.StepLR'"),
    (spec("optax.cosine_onecycle", pct_start=1.5), ValueError,
     "optax.cosine_onecycle: pct_start must be <= 1, got 1.5"),
    (spec("optax.linear_onecycle", div_factor=0), ValueError, "optax.linear_onecycle: div_factor must be > 0, got 0"),
    (spec("pysched.sequential", boundaries=[]), ValueError,
     "pysched.sequential: boundaries must have one element fewer than schedules (2), got 0"),
    (spec("pysched.sequential", schedules=[spec("torch.StepLR")] * 3, boundaries=[500, 100]), ValueError,
     "pysched.sequential: boundaries must not decrease, got [500, 100]"),
    (spec("pysched.sequential", schedules=[spec("torch.StepLR"), spec("torch.StepLR", step_size=0)]), ValueError,
     "pysched.sequential: schedules[1]: torch.StepLR: step_size must be >= 1, got 0"),
    (spec("pysched.scale", schedule=[spec("torch.StepLR")]), TypeError,
     "pysched.scale: schedule must be a spec (a mapping with a 'kind'), got [{"),
    (spec("pysched.clamp", min_value=0.1, max_value=0.01), ValueError,
     "pysched.clamp: max_value must be >= min_value (0.1), got 0.01"),
    (spec("optax.cosine_decay", dtype="float64"), ValueError,
     "optax.cosine_decay: dtype must be 'float32', got 'float64' (optax computes in float32 under JAX's defaults"),
]


@pytest.mark.parametrize("bad, exception, message", BAD_SPECS, ids=[m for _, _, m in BAD_SPECS])
def test_bad_specs(bad, exception, message):
    with pytest.raises(exception, match=re.escape(message)):
        pysched.schedule(bad)


def test_a_spec_must_be_a_mapping():
    with pytest.raises(TypeError, match=re.escape("a spec must be a mapping with a 'kind', got ['keras']")):
        pysched.schedule(["keras"])


def test_spec_and_keywords_together():
    with pytest.raises(TypeError, match="pass a spec or keyword parameters, not both"):
        pysched.schedule(spec(EXP), decay_rate=0.5)


BAD_STEPS = [
    (-1, ValueError, "keras.ExponentialDecay: steps must be in [0, 2**53], got -1 at index 0"),
    ([0, 5, -3], ValueError, "keras.ExponentialDecay: steps must be in [0, 2**53], got -3 at index 2"),
    (2**53 + 1, ValueError, "keras.ExponentialDecay: steps must be in [0, 2**53], got 9007199254740993 at index 0"),
    (2**64, ValueError, "keras.ExponentialDecay: steps must be in [0, 2**53], got 18446744073709551616 at index 0"),
    (np.array([2**63], dtype=np.uint64), ValueError, "keras.ExponentialDecay: steps must be in [0, 2**53]"),
    (np.array([1.0, 2.5]), ValueError, "keras.ExponentialDecay: steps must be integers, got 2.5 at index 1"),
    (1.5, ValueError, "keras.ExponentialDecay: steps must be integers, got 1.5 at index 0"),
    (float("nan"), ValueError, "keras.ExponentialDecay: steps must be integers, got nan at index 0"),
    (float("inf"), ValueError, "keras.ExponentialDecay: steps must be integers"),
    (1e300, ValueError, "keras.ExponentialDecay: steps must be in [0, 2**53]"),
    (True, TypeError, "keras.ExponentialDecay: steps must be integers, got True at index 0"),
    (np.array([True, False]), TypeError, "keras.ExponentialDecay: steps must be integers"),
    ([1, True], TypeError, "keras.ExponentialDecay: steps must be integers"),
    ("7", TypeError, "keras.ExponentialDecay: steps must be integers, got '7' at index 0"),
    (None, TypeError, "keras.ExponentialDecay: steps must be integers, got None at index 0"),
    ([1, None], TypeError, "keras.ExponentialDecay: steps must be integers, got None at index 1"),
    (1 + 2j, TypeError, "keras.ExponentialDecay: steps must be integers, got (1+2j) (complex) at index 0"),
    (np.array([], dtype="U1"), TypeError, "keras.ExponentialDecay: steps must be integers, got an empty <U1 array"),
    (np.array(["2020-01-01"], dtype="datetime64[D]"), TypeError, "keras.ExponentialDecay: steps must be integers"),
]


@pytest.mark.parametrize("steps, exception, message", BAD_STEPS, ids=[repr(s)[:40] for s, _, _ in BAD_STEPS])
def test_bad_steps(steps, exception, message):
    schedule = pysched.schedule(spec(EXP))
    with pytest.raises(exception, match=re.escape(message)):
        schedule(steps)


def test_bad_steps_in_evaluate_many():
    with pytest.raises(ValueError, match=re.escape("evaluate_many: steps must be integers, got 0.5")):
        pysched.evaluate_many([spec(EXP)], [0.5])
    with pytest.raises(ValueError, match=re.escape("evaluate_many: steps must be in [0, 2**53], got -1 at index 1")):
        pysched.evaluate_many([spec("seed.lf"), spec(EXP)], [0, -1])
    growing = spec(EXP, decay_rate=2.0, decay_steps=1, staircase=False)
    with pytest.raises(ValueError, match=re.escape("keras.ExponentialDecay (row 1): the learning rate at step 200")):
        pysched.evaluate_many([spec("seed.lf"), growing], [0, 200])
    with pytest.raises(ValueError, match=re.escape("seed.lf: epochs must be >= 1")):
        pysched.evaluate_many([spec("seed.lf", epochs=0)], [0])


def test_where_the_mirrored_code_overflows_pysched_raises():
    schedule = pysched.schedule(spec("seed.gradual_warmup_simulation", init_lr=1e10, warmup_steps=1000))
    finite = schedule(np.arange(30000))
    assert np.all(np.isfinite(finite))
    with pytest.raises(ValueError, match=r"seed.gradual_warmup_simulation: the learning rate at step \d+ is inf"):
        schedule(np.arange(60000))


def test_where_tensorflow_returns_inf_pysched_raises():
    growing = pysched.schedule(spec(EXP, decay_rate=2.0, staircase=False, decay_steps=1))
    assert growing(127) == 2.0**127 * np.float32(0.1)
    with pytest.raises(ValueError, match="keras.ExponentialDecay: the learning rate at step 132 is inf"):
        growing([0, 132])
