"""Conversion to Keras 3: a ``keras.optimizers.schedules`` object, called on
each step eagerly with an int64 step (the scalar path an optimizer takes with
its ``iterations``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ._code import TF1_AS_KERAS, Equivalent, call, concept_args, held, horizon_note, non_default, renamed, switches

SCHEDULES = "keras.optimizers.schedules"
SAME_KIND = ("ExponentialDecay", "PiecewiseConstantDecay", "PolynomialDecay", "InverseTimeDecay", "CosineDecay",
             "CosineDecayRestarts")


def same_kind(spec: Mapping[str, Any], horizon: int) -> Equivalent:
    """The Keras schedule of the spec's own kind."""
    return Equivalent(call(f"{SCHEDULES}.{spec['kind'].removeprefix('keras.')}", non_default(spec, ("execution",))))


def from_tf1(spec: Mapping[str, Any], horizon: int) -> Equivalent:
    """The Keras class that replaced a ``tf.compat.v1.train`` function."""
    name, shared = TF1_AS_KERAS[spec["kind"].removeprefix("tf1.")]
    return Equivalent(call(f"{SCHEDULES}.{name}", renamed(spec, {"learning_rate": "initial_learning_rate",
                                                                 **{key: key for key in shared}})))


def piecewise(spec: Mapping[str, Any], horizon: int) -> Equivalent | None:
    """PiecewiseConstantDecay, whose rate switches one step after each
    boundary: a switch at step s is boundary s - 1; its values multiplied out
    as the source computes them, held in its dtype."""
    steps, values = switches(spec, horizon)
    if not steps or steps[0] == 0:
        return None
    rates, imports = held(values, spec["dtype"])
    return Equivalent(call(f"{SCHEDULES}.PiecewiseConstantDecay",
                           {"boundaries": [step - 1 for step in steps], "values": rates}), imports=imports,
                      note=horizon_note(spec, horizon))


def exponential(spec: Mapping[str, Any], horizon: int) -> Equivalent | None:
    """ExponentialDecay from optax's exponential_decay (no transition_begin,
    no end_value) or torch's StepLR (staircase)."""
    if spec.get("transition_begin", 0) or spec.get("end_value") is not None:
        return None
    lr, steps, rate = concept_args(spec, "exponential")
    staircase = spec.get("staircase", True)
    return Equivalent(call(f"{SCHEDULES}.ExponentialDecay", {"initial_learning_rate": lr, "decay_steps": steps,
                                                            "decay_rate": rate, "staircase": staircase}))


def cosine(spec: Mapping[str, Any], horizon: int) -> Equivalent | None:
    """CosineDecay from optax's cosine_decay_schedule (exponent 1)."""
    if spec["exponent"] != 1.0:
        return None
    lr, steps, alpha = concept_args(spec, "cosine")
    return Equivalent(call(f"{SCHEDULES}.CosineDecay", {"initial_learning_rate": lr, "decay_steps": steps,
                                                       "alpha": alpha}))


def linear(spec: Mapping[str, Any], horizon: int) -> Equivalent | None:
    """PolynomialDecay (power 1 for optax.linear) from optax's linear or
    polynomial schedule that begins at step 0."""
    if spec["transition_begin"]:
        return None
    args = {"initial_learning_rate": spec["init_value"], "decay_steps": spec["transition_steps"],
            "end_learning_rate": spec["end_value"], "power": spec.get("power", 1.0)}
    return Equivalent(call(f"{SCHEDULES}.PolynomialDecay", args))


EQUIVALENTS: dict[str, Callable[[Mapping[str, Any], int], Equivalent | None]] = {
    **{f"keras.{name}": same_kind for name in SAME_KIND},
    **{f"tf1.{name}": from_tf1 for name in TF1_AS_KERAS if name != "piecewise_constant"},
    **dict.fromkeys(("tf1.piecewise_constant", "optax.piecewise_constant", "torch.MultiStepLR", "torch.StepLR"),
                    piecewise),
    "optax.exponential_decay": exponential,
    "optax.cosine_decay": cosine,
    "optax.linear": linear,
    "optax.polynomial": linear,
}


def program(equivalent: Equivalent) -> str:
    """The runnable snippet: imports and ``schedule``."""
    return "\n".join(["import keras", *equivalent.imports, "", f"schedule = {equivalent.expression}", ""])


def adapter_program(spec: Mapping[str, Any]) -> str:
    """The snippet that uses pysched's own Keras adapter."""
    return "\n".join(["import pysched", "", f"schedule = pysched.schedule({dict(spec)!r}).to_keras()", ""])


def values(code: str, steps: int) -> np.ndarray:
    """Run the snippet: ``schedule(step)`` at each of the first ``steps`` steps,
    one eager call per step (Keras's vectorised path on a tensor of steps
    differs from its scalar one)."""
    import keras

    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102  (code this module wrote)
    schedule = namespace["schedule"]
    return np.array([np.asarray(schedule(keras.ops.convert_to_tensor(step, dtype="int64")))
                     for step in range(steps)])
