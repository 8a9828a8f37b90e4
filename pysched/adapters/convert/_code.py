"""What the targets share: a native equivalent as code, and the arithmetic of
turning one framework's piecewise constants into another's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Equivalent:
    """A target framework's own constructor call reproducing a schedule:
    ``expression`` builds the object; for torch, ``optimizer_args`` are the
    SGD optimizer's (its base lr); ``imports`` are modules it needs beyond the
    target's own; ``note`` says where it is known to differ."""

    expression: str
    optimizer_args: Mapping[str, Any] = field(default_factory=dict)
    imports: tuple[str, ...] = ()
    note: str = ""


def call(function: str, args: Mapping[str, Any], *positional: str) -> str:
    """``function(positional..., key=value, ...)`` as Python code."""
    words = [*positional, *(f"{key}={value!r}" for key, value in args.items())]
    return f"{function}({', '.join(words)})"


def renamed(spec: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """The spec's parameters in ``names`` (source name -> target name), renamed."""
    return {target: spec[source] for source, target in names.items() if source in spec}


def non_default(spec: Mapping[str, Any], dropped: tuple[str, ...] = ()) -> dict[str, Any]:
    """The spec's parameters that differ from its family's defaults, less
    ``dropped`` (and kind and dtype): a same-kind constructor's arguments."""
    from ... import families

    defaults = {param.name: param.default for param in families()[spec["kind"]].params}
    return {key: value for key, value in spec.items()
            if key not in ("kind", "dtype", *dropped) and value != defaults.get(key)}


def switches(spec: Mapping[str, Any], horizon: int) -> tuple[list[int], list[float]]:
    """A piecewise constant schedule (Keras, TF1, optax, torch's StepLR or
    MultiStepLR) as the steps where its rate switches and its rates, first
    included, as its framework computes them: ``([s1, s2], [r0, r1, r2])``
    (StepLR's switches up to ``horizon``)."""
    kind = spec["kind"]
    if kind in ("keras.PiecewiseConstantDecay", "tf1.piecewise_constant"):
        return [boundary + 1 for boundary in spec["boundaries"]], list(spec["values"])
    if kind == "optax.piecewise_constant":
        factors = sorted((int(step), scale) for step, scale in (spec["boundaries_and_scales"] or {}).items())
        return [step for step, _ in factors], _products(spec["init_value"], [scale for _, scale in factors], np.float32)
    if kind == "torch.StepLR":
        steps = list(range(spec["step_size"], horizon, spec["step_size"]))
        return steps, _products(spec["lr"], [spec["gamma"]] * len(steps), np.float64)
    steps = sorted(set(spec["milestones"]))
    factors = [spec["gamma"] ** spec["milestones"].count(step) for step in steps]
    return steps, _products(spec["lr"], factors, np.float64)


def horizon_note(spec: Mapping[str, Any], horizon: int) -> str:
    """What a list of switches written out for StepLR covers."""
    if spec["kind"] != "torch.StepLR":
        return ""
    return f"StepLR's steps are written out up to the horizon ({horizon} steps): give steps= to cover more"


def _products(first: float, factors: list[float], dtype: type) -> list[float]:
    """``[first, first * f1, first * f1 * f2, ...]`` multiplied in ``dtype``."""
    values = [dtype(first)]
    for factor in factors:
        values.append(values[-1] * dtype(factor))
    return [float(value) for value in values]


def held(values: list[float], dtype: str) -> tuple[Any, tuple[str, ...]]:
    """Rates for a TensorFlow piecewise constant schedule, which holds them in
    the dtype they come in: numpy float64 for a float64 schedule (Python floats
    would be float32), and the imports that needs."""
    if dtype == "float32":
        return values, ()
    return Code(f"[{', '.join(f'np.float64({value!r})' for value in values)}]"), ("import numpy as np",)


CONCEPTS = {
    "exponential": {"keras": ("initial_learning_rate", "decay_steps", "decay_rate"),
                    "tf1": ("learning_rate", "decay_steps", "decay_rate"),
                    "optax": ("init_value", "transition_steps", "decay_rate"),
                    "torch": ("lr", "step_size", "gamma")},
    "cosine": {"keras": ("initial_learning_rate", "decay_steps", "alpha"),
               "tf1": ("learning_rate", "decay_steps", "alpha"),
               "optax": ("init_value", "decay_steps", "alpha")},
}


def concept_args(spec: Mapping[str, Any], concept: str) -> tuple[Any, ...]:
    """The values of a concept's parameters (e.g. the rate, the decay steps and
    the decay rate of an exponential decay) under the spec's framework's names."""
    return tuple(spec[name] for name in CONCEPTS[concept][spec["kind"].split(".")[0]])


class Code(str):
    """Code that ``call`` writes as it is, not as a string literal."""

    def __repr__(self) -> str:
        return str(self)


TF1_AS_KERAS = {
    "exponential_decay": ("ExponentialDecay", ("decay_steps", "decay_rate", "staircase")),
    "inverse_time_decay": ("InverseTimeDecay", ("decay_steps", "decay_rate", "staircase")),
    "polynomial_decay": ("PolynomialDecay", ("decay_steps", "end_learning_rate", "power", "cycle")),
    "cosine_decay": ("CosineDecay", ("decay_steps", "alpha")),
    "cosine_decay_restarts": ("CosineDecayRestarts", ("first_decay_steps", "t_mul", "m_mul", "alpha")),
    "piecewise_constant": ("PiecewiseConstantDecay", ("boundaries", "values")),
}
"""A ``tf.compat.v1.train`` function, the Keras class that replaced it, and
the parameters they share besides the learning rate (``learning_rate`` in TF1,
``initial_learning_rate`` in Keras)."""
