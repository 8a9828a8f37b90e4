"""Conversion to optax: an optax schedule, called on each count (an int32
scalar, as ``optax.sgd`` keeps it) op by op, without ``jax.jit``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ..._family import FAMILIES
from ._code import Code, Equivalent, call, concept_args, non_default, switches


def same_kind(spec: Mapping[str, Any], horizon: int) -> Equivalent:
    """The optax schedule of the spec's own kind (join: of its children's)."""
    name = spec["kind"].removeprefix("optax.")
    if name == "join":
        children = ", ".join(same_kind(child, horizon).expression for child in spec["schedules"])
        return Equivalent(call("optax.join_schedules", {"schedules": Code(f"[{children}]"),
                                                        "boundaries": spec["boundaries"]}))
    return Equivalent(call(FAMILIES[spec["kind"]].mirrors, non_default(spec)))


def piecewise(spec: Mapping[str, Any], horizon: int) -> Equivalent | None:
    """piecewise_constant_schedule: each switch step scales the rate by the
    ratio of the source's rates (optax multiplies them up in float32)."""
    steps, values = switches(spec, horizon)
    if 0.0 in values[:-1]:
        return None
    scales = {step: after / before for step, before, after in zip(steps, values[:-1], values[1:], strict=True)}
    return Equivalent(call("optax.piecewise_constant_schedule", {"init_value": values[0],
                                                                 "boundaries_and_scales": scales}))


def exponential(spec: Mapping[str, Any], horizon: int) -> Equivalent:
    """exponential_decay from Keras's or TF1's, or torch's StepLR (staircase)."""
    lr, steps, rate = concept_args(spec, "exponential")
    return Equivalent(call("optax.exponential_decay", {"init_value": lr, "transition_steps": steps,
                                                       "decay_rate": rate, "staircase": spec.get("staircase", True)}))


def cosine(spec: Mapping[str, Any], horizon: int) -> Equivalent:
    """cosine_decay_schedule from Keras's CosineDecay or TF1's cosine_decay;
    Keras's linear warmup becomes warmup_cosine_decay_schedule."""
    lr, steps, alpha = concept_args(spec, "cosine")
    warmup = spec.get("warmup_steps", 0)
    if not warmup:
        return Equivalent(call("optax.cosine_decay_schedule", {"init_value": lr, "decay_steps": steps, "alpha": alpha}))
    peak = spec["warmup_target"]
    return Equivalent(call("optax.warmup_cosine_decay_schedule",
                           {"init_value": lr, "peak_value": peak, "warmup_steps": warmup,
                            "decay_steps": warmup + steps, "end_value": alpha * peak}))


def polynomial(spec: Mapping[str, Any], horizon: int) -> Equivalent | None:
    """polynomial_schedule from Keras's PolynomialDecay or TF1's polynomial_decay without cycling."""
    if spec["cycle"]:
        return None
    lr = spec.get("initial_learning_rate", spec.get("learning_rate"))
    return Equivalent(call("optax.polynomial_schedule", {"init_value": lr, "end_value": spec["end_learning_rate"],
                                                         "power": spec["power"],
                                                         "transition_steps": spec["decay_steps"]}))


EQUIVALENTS: dict[str, Callable[[Mapping[str, Any], int], Equivalent | None]] = {
    **{kind: same_kind for kind in FAMILIES if kind.startswith("optax.")},
    **dict.fromkeys(("keras.PiecewiseConstantDecay", "tf1.piecewise_constant", "torch.MultiStepLR"), piecewise),
    **dict.fromkeys(("keras.ExponentialDecay", "tf1.exponential_decay", "torch.StepLR"), exponential),
    **dict.fromkeys(("keras.CosineDecay", "tf1.cosine_decay"), cosine),
    **dict.fromkeys(("keras.PolynomialDecay", "tf1.polynomial_decay"), polynomial),
}


def program(equivalent: Equivalent) -> str:
    """The runnable snippet: imports and ``schedule``."""
    return "\n".join(["import optax", *equivalent.imports, "", f"schedule = {equivalent.expression}", ""])


def adapter_program(spec: Mapping[str, Any]) -> str:
    """The snippet that uses pysched's own optax adapter."""
    return "\n".join(["import pysched", "", f"schedule = pysched.schedule({dict(spec)!r}).to_optax()", ""])


def values(code: str, steps: int) -> np.ndarray:
    """Run the snippet: ``schedule(count)`` at each of the first ``steps``
    int32 counts, op by op (XLA's vectorised pow on an array of counts differs
    from its scalar one)."""
    import jax.numpy as jnp

    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102  (code this module wrote)
    schedule = namespace["schedule"]
    return np.array([np.asarray(schedule(jnp.asarray(step, jnp.int32))) for step in range(steps)])
