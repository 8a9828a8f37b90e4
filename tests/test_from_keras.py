"""pysched.from_keras: Keras's own schedules, built as a user builds them in
Keras 3 and in tf_keras, applied by SGD in ``model.fit`` (eagerly and as a
tf.function), give the learning rates of the pysched schedule that from_keras
reads from them, bit for bit."""

import json

import numpy as np
import pytest
from keras_training import applied_rates, fit_model

import pysched

from conftest import require_framework
from examples import EXAMPLES

PACKAGES = ["keras", "tf_keras"]
# 300 contiguous steps, and far ones: float32's last exact integers, int32's limit and beyond.
STEPS = np.concatenate([np.arange(300), [100_003, 2**24 + 1, 2**31 + 5, 2**40 + 7]])
SCHEDULES = [  # how a user builds each schedule, from a package's keras.optimizers.schedules
    ("ExponentialDecay", lambda s: s.ExponentialDecay(0.1, decay_steps=70, decay_rate=0.96)),
    ("ExponentialDecay,staircase", lambda s: s.ExponentialDecay(0.1, decay_steps=30, decay_rate=0.5, staircase=True)),
    ("ExponentialDecay,float64", lambda s: s.ExponentialDecay(np.float64(0.1), decay_steps=7, decay_rate=0.99)),
    ("PiecewiseConstantDecay", lambda s: s.PiecewiseConstantDecay([100, 101, 250], [1.0, 0.5, 0.1, 0.01])),
    ("PiecewiseConstantDecay,float64",
     lambda s: s.PiecewiseConstantDecay([150, 2**31 + 7], [np.float64(0.3), np.float64(0.2), np.float64(0.1)])),
    ("PolynomialDecay", lambda s: s.PolynomialDecay(0.1, decay_steps=250, end_learning_rate=0.001, power=0.5)),
    ("PolynomialDecay,cycle", lambda s: s.PolynomialDecay(0.1, decay_steps=70, power=2.0, cycle=True)),
    ("PolynomialDecay,float64", lambda s: s.PolynomialDecay(np.float64(0.1), decay_steps=130, power=0.7)),
    ("InverseTimeDecay", lambda s: s.InverseTimeDecay(0.1, decay_steps=30, decay_rate=0.5)),
    ("InverseTimeDecay,staircase", lambda s: s.InverseTimeDecay(0.1, decay_steps=25, decay_rate=2.0, staircase=True)),
    ("CosineDecay", lambda s: s.CosineDecay(0.1, decay_steps=200, alpha=0.1)),
    ("CosineDecay,warmup", lambda s: s.CosineDecay(0.0, decay_steps=200, warmup_target=0.1, warmup_steps=50)),
    ("CosineDecay,warmup,float64",
     lambda s: s.CosineDecay(np.float64(0.001), decay_steps=150, warmup_target=0.1, warmup_steps=77)),
    ("CosineDecayRestarts", lambda s: s.CosineDecayRestarts(0.1, first_decay_steps=20, m_mul=0.9)),
    ("CosineDecayRestarts,t_mul 1", lambda s: s.CosineDecayRestarts(0.1, first_decay_steps=30, t_mul=1.0, m_mul=0.5,
                                                                    alpha=0.01)),
    ("CosineDecayRestarts,float64", lambda s: s.CosineDecayRestarts(np.float64(0.1), first_decay_steps=10, t_mul=1.5)),
]
BUILDS = {label: build for label, build in SCHEDULES}
CASES = [pytest.param(package, label, execution, id=f"{package}-{label}-{execution}")
         for package in PACKAGES for label, _ in SCHEDULES for execution in ("eager", "graph")]


def keras_schedules(package: str):
    return require_framework(package).optimizers.schedules


def test_every_keras_family_is_covered():
    kinds = {kind for kind in pysched.families() if kind.startswith("keras.")}
    assert {f"keras.{label.split(',')[0]}" for label in BUILDS} == kinds


@pytest.mark.parametrize("package, label, execution", CASES)
def test_from_keras_gives_the_rates_keras_applies(package, label, execution):
    keras = require_framework(package)
    keras_schedule = BUILDS[label](keras.optimizers.schedules)
    imported = pysched.from_keras(keras_schedule, execution=execution)
    assert imported.dtype == ("float64" if "float64" in label else "float32")
    model = fit_model(keras, keras_schedule, imported.dtype)
    applied = applied_rates(keras, model, STEPS, run_eagerly=execution == "eager")
    assert applied.tobytes() == imported(STEPS).tobytes()


@pytest.mark.parametrize("package", PACKAGES)
@pytest.mark.parametrize("kind", [kind for kind in EXAMPLES if kind.startswith("keras.")])
def test_the_example_specs_come_back(package, kind):
    """Keras's object built from a spec's parameters reads back as that spec."""
    params = EXAMPLES[kind]
    keras_schedule = getattr(keras_schedules(package), kind.split(".")[1])(**params)
    assert pysched.from_keras(keras_schedule) == pysched.schedule({"kind": kind, **params})


@pytest.mark.parametrize("package", PACKAGES)
@pytest.mark.parametrize("label", ["ExponentialDecay,float64", "CosineDecay,warmup", "PiecewiseConstantDecay"])
def test_the_serialised_form_reads_as_keras_reads_it(package, label):
    """``serialize`` keeps a float64 scalar in memory; through JSON it is a
    Python float again, which Keras's ``deserialize`` computes in float32."""
    schedules = keras_schedules(package)
    keras_schedule = BUILDS[label](schedules)
    serialised = schedules.serialize(keras_schedule)
    assert pysched.from_keras(serialised) == pysched.from_keras(keras_schedule)
    through_json = json.loads(json.dumps(serialised))
    assert pysched.from_keras(through_json) == pysched.from_keras(schedules.deserialize(through_json))
    assert pysched.from_keras(through_json).dtype == "float32"


@pytest.mark.parametrize("package", PACKAGES)
def test_pysched_schedule_comes_back_as_itself(package):
    require_framework(package)
    s = pysched.schedule(EXAMPLES["keras.CosineDecay"] | {"kind": "keras.CosineDecay"}, precision="fast")
    adapted = s.to_keras(package)
    assert pysched.from_keras(adapted) == s
    assert pysched.from_keras(keras_schedules(package).serialize(adapted)) == s
    assert pysched.from_keras(adapted, dtype="float64", execution="graph").to_dict() == \
        {**s.to_dict(), "dtype": "float64", "execution": "graph"}


@pytest.mark.parametrize("package", PACKAGES)
def test_dtype_and_execution_are_passed_through(package):
    schedules = keras_schedules(package)
    exponential = pysched.from_keras(schedules.ExponentialDecay(0.1, 100, 0.5), dtype="float64", execution="graph")
    assert (exponential.dtype, exponential.to_dict()["execution"]) == ("float64", "graph")
    piecewise = pysched.from_keras(schedules.PiecewiseConstantDecay([10], [0.1, 0.01]), execution="graph")
    assert "execution" not in piecewise.to_dict()  # it divides nothing: both executions run the same operations
    tf = require_framework("tensorflow")
    tensor_rate = schedules.CosineDecay(tf.constant(0.1, tf.float64), decay_steps=100)
    assert pysched.from_keras(tensor_rate).dtype == "float64"
    assert pysched.from_keras(tensor_rate, dtype="float32").dtype == "float32"


def user_subclass(schedules):
    class WarmExponentialDecay(schedules.ExponentialDecay):
        def __call__(self, step):
            return super().__call__(step) * 2

    return WarmExponentialDecay(0.1, 100, 0.5)


REFUSED = [
    ("user subclass", user_subclass, TypeError,
     r"\S*<locals>\.WarmExponentialDecay is neither one of Keras's own schedules"),
    ("int learning rate", lambda s: s.ExponentialDecay(1, 100, 0.5), TypeError,
     r"ExponentialDecay's initial_learning_rate must be a float32 or float64 number .*got 1 \(int\)"),
    ("float64 decay_rate", lambda s: s.ExponentialDecay(0.1, 100, np.float64(0.96)), TypeError,
     r"ExponentialDecay's decay_rate must be a Python number, got np.float64\(0.96\)"),
    ("mixed value dtypes", lambda s: s.PiecewiseConstantDecay([10], [np.float64(0.1), 0.01]), ValueError,
     "PiecewiseConstantDecay's values must share one dtype .*got float32, float64"),
    ("not a schedule", lambda s: 0.1, TypeError, r"builtins.float is neither one of Keras's own schedules"),
    ("serialised other class", lambda s: {"module": "my_schedules", "class_name": "ExponentialDecay", "config": {}},
     TypeError, r"'ExponentialDecay' \(module 'my_schedules', registered name None\) is neither"),
    ("serialised without config", lambda s: {"class_name": "ExponentialDecay"}, TypeError,
     "a serialised schedule has a 'config' mapping"),
]


@pytest.mark.parametrize("package", PACKAGES)
@pytest.mark.parametrize("build, error, message", [pytest.param(*row[1:], id=row[0]) for row in REFUSED])
def test_refused(package, build, error, message):
    with pytest.raises(error, match=f"^from_keras: {message}"):
        pysched.from_keras(build(keras_schedules(package)))


def test_bad_execution():
    with pytest.raises(ValueError, match="from_keras: execution must be 'eager' or 'graph', got 'jit'"):
        pysched.from_keras({"class_name": "ExponentialDecay", "config": {}}, execution="jit")
