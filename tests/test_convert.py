"""Verified conversion: each conversion claimed exact is rebuilt here from its
emitted code and stepped the way its framework applies it, independently of
the proof; inexact ones report a measured difference; the rest fall back to
the adapter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import pysched
from pysched.adapters.convert import convert, default_horizon, ulp_distance

from conftest import require_framework
from examples import spec

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
FRAMEWORK = {"torch": "torch", "keras": "keras", "tf1": "tensorflow", "optax": "optax"}


def torch_rates(code: str, steps: int) -> list[float]:
    namespace = {}
    exec(code, namespace)
    optimizer, scheduler, rates = namespace["optimizer"], namespace["scheduler"], []
    for _ in range(steps):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return rates


def keras_rates(code: str, steps: int) -> list:
    """As a Keras 3 optimizer asks: its int64 ``iterations`` variable."""
    keras = require_framework("keras")
    namespace = {}
    exec(code, namespace)
    optimizer = keras.optimizers.SGD(learning_rate=namespace["schedule"])
    rates = []
    for step in range(steps):
        optimizer.iterations.assign(step)
        rates.append(np.asarray(optimizer.learning_rate))
    return rates


def tf1_rates(code: str, steps: int) -> list:
    tf = require_framework("tensorflow")
    graph = tf.Graph()
    with graph.as_default():
        namespace = {}
        exec(code, namespace)
        increment = tf.compat.v1.assign_add(namespace["global_step"], 1)
        initialize = tf.compat.v1.global_variables_initializer()
    with tf.compat.v1.Session(graph=graph) as session:
        session.run(initialize)
        rates = []
        for _ in range(steps):
            rates.append(session.run(namespace["learning_rate"]))
            session.run(increment)
    return rates


def optax_rates(code: str, steps: int) -> list:
    """As ``optax.sgd`` applies it: the update of a zeroed parameter with gradient -1."""
    optax = require_framework("optax")
    jnp = require_framework("jax.numpy")
    namespace = {}
    exec(code, namespace)
    tx, zero = optax.sgd(namespace["schedule"]), jnp.zeros((), jnp.float32)
    state, rates = tx.init(zero), []
    for _ in range(steps):
        updates, state = tx.update(jnp.full((), -1.0, jnp.float32), state, zero)
        rates.append(np.asarray(updates))
    return rates


RATES = {"torch": torch_rates, "keras": keras_rates, "tf1": tf1_rates, "optax": optax_rates}

EXACT = [
    ("keras.PiecewiseConstantDecay", {}, "torch", 1200),
    ("tf1.piecewise_constant", {"values": [0.1, 0.01, 0.001]}, "torch", 1200),
    ("torch.MultiStepLR", {}, "torch", 300),
    ("torch.CosineAnnealingLR", {"closed_form": False}, "torch", 1200),
    ("torch.SequentialLR", {}, "torch", 1500),
    ("torch.ChainedScheduler", {}, "torch", 1500),
    ("hf.cosine_with_warmup", {}, "torch", 2000),
    ("tf1.cosine_decay_restarts", {}, "tf1", 700),
    ("keras.ExponentialDecay", {"decay_steps": 100}, "tf1", 1200),
    ("torch.MultiStepLR", {}, "tf1", 300),
    ("keras.PiecewiseConstantDecay", {}, "keras", 1200),
    ("torch.StepLR", {}, "keras", 300),
    ("keras.PiecewiseConstantDecay", {}, "optax", 1200),
    ("keras.ExponentialDecay", {"decay_steps": 100}, "optax", 1200),
    ("optax.join", {}, "optax", 1000),
]

INEXACT = [
    ("keras.ExponentialDecay", {"decay_steps": 100}, "torch"),  # StepLR's float64 products vs powf
    ("tf1.exponential_decay", {}, "torch"),  # ExponentialLR's float64 recursion vs powf
    ("keras.CosineDecay", {}, "optax"),  # other warmup arithmetic
    ("tf1.cosine_decay", {}, "keras"),  # Keras 3's cosine against TF1's
    ("tf1.polynomial_decay", {}, "optax"),
    ("torch.StepLR", {}, "optax"),  # float32 against float64
]

FALLBACK = [("hf.inverse_sqrt", "keras"), ("optax.exponential_decay", "torch"), ("hf.wsd", "tf1"),
            ("torch.CyclicLR", "keras")]


@pytest.mark.parametrize(("kind", "changes", "target", "steps"), EXACT,
                         ids=[f"{kind}-{target}" for kind, _, target, _ in EXACT])
def test_exact_conversion_steps_like_pysched(kind, changes, target, steps):
    require_framework(FRAMEWORK[target])
    s = pysched.schedule(spec(kind, **changes))
    conversion = convert(s, target, steps=steps)
    assert conversion.native and conversion.exact, conversion.report()
    rates = np.array(RATES[target](conversion.code, steps)).astype(s.dtype)
    np.testing.assert_array_equal(rates, s(range(steps)))


@pytest.mark.parametrize(("kind", "changes", "target"), INEXACT,
                         ids=[f"{kind}-{target}" for kind, _, target in INEXACT])
def test_inexact_conversion_reports_its_difference(kind, changes, target):
    require_framework(FRAMEWORK[target])
    s = pysched.schedule(spec(kind, **changes))
    conversion = convert(s, target, steps=1500)
    proof = conversion.proof
    assert conversion.native and not conversion.exact
    assert proof.max_ulp > 0 and proof.differing_steps > 0 and proof.max_relative_difference > 0
    step, ours, theirs = proof.first_difference
    rates = np.array(RATES[target](conversion.code, step + 1)).astype(s.dtype)
    np.testing.assert_array_equal(rates[:step], s(range(step)))
    assert (ours, theirs) == (s(step), float(rates[step])) and ours != theirs
    assert f"first differing step {step}" in conversion.report()


@pytest.mark.parametrize(("kind", "target"), FALLBACK, ids=[f"{kind}-{target}" for kind, target in FALLBACK])
def test_no_native_equivalent_falls_back_to_the_adapter(kind, target):
    require_framework(FRAMEWORK[target])
    conversion = convert(spec(kind), target, steps=400)
    assert not conversion.native and not conversion.exact
    assert "pysched.schedule(" in conversion.code and conversion.proof.max_ulp == 0
    assert f"no native equivalent in {target}" in conversion.report()


def test_report_shows_the_code_and_the_proof():
    require_framework("torch")
    report = convert(spec("keras.PiecewiseConstantDecay"), "torch", steps=1200).report()
    assert "MultiStepLR(optimizer, milestones=[101]" in report
    assert "compared in float32; torch computes in float64" in report
    assert "max ULP 0" in report and "differing steps 0 / 1200" in report


@pytest.mark.parametrize(("kind", "changes", "horizon"), [
    ("keras.ExponentialDecay", {}, 7200),  # past the six stairs pysched show marks
    ("torch.StepLR", {}, 300),
    ("optax.piecewise_constant", {}, 6000),
    ("keras.CosineDecay", {}, 12600),
    ("optax.constant", {}, 10_000),
    ("torch.OneCycleLR", {}, 100_000),
], ids=lambda value: value if isinstance(value, str) else None)
def test_default_horizon_passes_every_boundary(kind, changes, horizon):
    assert default_horizon(pysched.schedule(spec(kind, **changes)).to_dict()) == horizon


@pytest.mark.parametrize(("a", "b", "ulps"), [
    (np.float32(1.0), np.nextafter(np.float32(1.0), np.float32(2.0)), 1),
    (np.float32(0.0), np.float32(-0.0), 0),
    (np.float32(-1.0), np.nextafter(np.float32(-1.0), np.float32(0.0)), 1),
    (np.float64(1e-310), np.float64(-1e-310), 2 * 20240225330731),
    (np.float64(0.1), np.float64(0.1) + np.spacing(np.float64(0.1)) * 5, 5),
], ids=["float32-next", "signed-zeros", "negative", "across-zero", "float64-five"])
def test_ulp_distance(a, b, ulps):
    assert ulp_distance(np.array([a]), np.array([b]))[0] == ulps


@pytest.mark.parametrize(("schedule", "target", "steps", "error", "message"), [
    (spec("keras.ExponentialDecay"), "jax", None, ValueError,
     "convert: target must be one of torch, keras, tf1, optax, got 'jax'"),
    (spec("keras.ExponentialDecay", decay_steps=0), "torch", None, ValueError,
     "keras.ExponentialDecay: decay_steps must be > 0, got 0"),
    ({"kind": "keras.Nope"}, "torch", None, ValueError, "keras.Nope"),
    (spec("keras.ExponentialDecay"), "torch", 0, ValueError, r"convert: steps must be in \[1, 1000000\], got 0"),
    (spec("keras.ExponentialDecay"), "torch", True, TypeError, "convert: steps must be a positive integer, got True"),
], ids=["target", "spec", "kind", "steps-zero", "steps-bool"])
def test_bad_input_names_the_parameter(schedule, target, steps, error, message):
    with pytest.raises(error, match=message):
        convert(schedule, target, steps=steps)


PYSCHED = Path(sys.executable).with_name("pysched")


@pytest.mark.parametrize(("kind", "target", "code"), [
    ("keras.PiecewiseConstantDecay", "torch", 0), ("tf1.exponential_decay", "torch", 3), ("hf.wsd", "optax", 3),
], ids=["exact", "inexact", "adapter"])
def test_command_line_prints_the_report_and_exits_by_verdict(kind, target, code, tmp_path):
    require_framework(FRAMEWORK[target])
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(spec(kind)))
    done = subprocess.run([str(PYSCHED), "convert", str(spec_file), "--to", target, "--steps", "400"],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == code, done.stderr
    assert f"{kind} -> {target}" in done.stdout and "differing steps" in done.stdout
