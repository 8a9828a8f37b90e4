"""The keras namespace: ``keras.optimizers.schedules`` of Keras 3 and of tf_keras (Keras 2),
on the TensorFlow backend.

dtype is the dtype of ``initial_learning_rate`` as the schedule sees it:
float32 for a Python float (the default), float64 for a float64 tensor.
``execution`` is how TensorFlow runs the schedule: ``"eager"`` (a custom
training loop, ``run_eagerly=True``) or ``"graph"`` (``model.fit``,
``tf.function``, XLA), where Grappler turns divisions by constants into
multiplications by their reciprocals.

Keras 3 and tf_keras compute the same values for these schedules, with one
exception: PiecewiseConstantDecay, where Keras 3 sums indicator products (a
subnormal value flushes to 0, an infinite one makes NaN) and tf_keras selects
with ``tf.case``; ``tf1.piecewise_constant`` is the tf_keras form.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from .._anatomy import Anatomy
from .._family import Native, Params, family
from .._params import Bool, Choice, ListOf, Real, SpecError, String

KERAS_STAIRS = Anatomy(base="initial_learning_rate", period=("decay_steps",), period_when="staircase")
TF1_PIECEWISE = Anatomy(edges=("boundaries",), edge_shift=1)
"""Keras switches one step after each boundary, as TF1 does."""
GRAPH_NOTE = "in a graph (execution='graph'), a division by a constant is a product with its reciprocal"


def execution(default: str) -> Choice:
    """How TensorFlow runs the schedule; not a parameter of the mirrored API."""
    return Choice("execution", default, choices=("eager", "graph"), doc=GRAPH_NOTE)


def tf_number(value: int | float | None, name: str, positive: bool = False) -> int | float:
    """A Python number as TensorFlow turns it into a tensor: an int exactly, a float
    rounded to float32. Keras and tf.compat.v1 cast such tensors to the learning
    rate's dtype, so a float64 schedule still sees float32-rounded floats. A
    ``positive`` parameter (a length the schedule divides by) must stay above 0 so."""
    if value is None:
        return 0
    if not isinstance(value, float):
        return value
    if abs(value) > float(np.finfo(np.float32).max):  # TensorFlow raises converting it ("value out of range")
        raise SpecError(f"{name} = {value!r} is beyond float32's range, and TensorFlow makes every float "
                        "parameter a float32 tensor (it raises there)")
    rounded = float(np.float32(value))
    if positive and rounded <= 0:
        raise SpecError(f"{name} must be > 0 as the float32 tensor TensorFlow makes of it, got {value!r}, "
                        f"which rounds to {rounded!r}")
    return rounded


def tf_param(p: Params, name: str, positive: bool = False) -> int | float:
    """The parameter ``name`` of ``p`` as TensorFlow's tensor of it (``tf_number``)."""
    return tf_number(p[name], name, positive)


def graph(p: Params) -> int:
    return int(p.execution == "graph")


def exponential_decay_native(p: Params, initial_learning_rate: float, kind: str = "KERAS_EXPONENTIAL_DECAY") -> Native:
    return Native(kind, real=(initial_learning_rate, tf_param(p, "decay_steps", positive=True),
                              tf_param(p, "decay_rate")),
                  integer=(int(p.staircase), graph(p)))


def inverse_time_decay_native(p: Params, initial_learning_rate: float) -> Native:
    return Native("KERAS_INVERSE_TIME_DECAY",
                  real=(initial_learning_rate, tf_param(p, "decay_steps", positive=True),
                        tf_param(p, "decay_rate")),
                  integer=(int(p.staircase), graph(p)))


def polynomial_decay_native(p: Params, initial_learning_rate: float) -> Native:
    return Native("KERAS_POLYNOMIAL_DECAY",
                  real=(initial_learning_rate, tf_param(p, "decay_steps", positive=True),
                        tf_param(p, "end_learning_rate"), tf_param(p, "power")),
                  integer=(int(p.cycle), graph(p)))


def cosine_decay_native(p: Params, initial_learning_rate: float, warmup_target=None, warmup_steps=0) -> Native:
    return Native("KERAS_COSINE_DECAY",
                  real=(initial_learning_rate, tf_param(p, "decay_steps", positive=True), p.alpha,
                        tf_number(warmup_target, "warmup_target"), tf_number(warmup_steps, "warmup_steps")),
                  integer=(int(warmup_target is not None), graph(p)))


def cosine_decay_restarts_native(p: Params, initial_learning_rate: float) -> Native:
    return Native("KERAS_COSINE_DECAY_RESTARTS",
                  real=(initial_learning_rate, tf_param(p, "first_decay_steps", positive=True),
                        tf_param(p, "t_mul", positive=True), tf_param(p, "m_mul"), tf_param(p, "alpha")),
                  integer=(graph(p),))


def piecewise_native(kind: str, boundaries: list[int], values: list[float]) -> Native:
    if len(values) != len(boundaries) + 1:
        raise SpecError(f"values must have one more element than boundaries ({len(boundaries)}), "
                        f"got {len(values)}")
    if any(b <= a for a, b in pairwise(boundaries)):
        raise SpecError(f"boundaries must be strictly increasing as int64 steps, got {boundaries}")
    return Native(kind, real=tuple(values), integer=tuple(boundaries))


def keras_boundary(index: int, boundary: int | float) -> int:
    """A boundary as Keras compares it with the int64 step: a float becomes a
    float32 tensor, which the cast to int64 truncates; one that int64 cannot
    hold (the cast is undefined there) is an error."""
    with np.errstate(over="ignore"):
        as_tensor = float(np.float32(boundary)) if isinstance(boundary, float) else boundary
    if not -(2**63) <= as_tensor < 2**63:
        raise SpecError(f"boundaries[{index}] must be in [-2**63, 2**63) as Keras casts it to int64, got {boundary!r}")
    return int(as_tensor)


INITIAL_LEARNING_RATE = Real("initial_learning_rate")
DECAY_STEPS = Real("decay_steps", gt=0)
DECAY_RATE = Real("decay_rate", ge=0)
KERAS = "keras.optimizers.schedules.{} (Keras 3) and tf_keras.optimizers.schedules.{} (Keras 2), driven by an optimizer"


def oracle(name: str) -> str:
    return KERAS.format(name, name)


@family("keras.ExponentialDecay", INITIAL_LEARNING_RATE, DECAY_STEPS, DECAY_RATE, Bool("staircase", False),
        String("name", "ExponentialDecay"), execution("eager"), dtype="float32", oracle=oracle("ExponentialDecay"),
        anatomy=KERAS_STAIRS)
def exponential_decay(p: Params) -> Native:
    """Exponential decay of the learning rate, continuous or in stairs.

    ```python
    def decayed_learning_rate(step):
        p = float(step) / decay_steps        # in dtype; graph: float(step) * (1 / decay_steps)
        if staircase:
            p = floor(p)
        return initial_learning_rate * decay_rate ** p
    ```

    The arithmetic is the schedule's on a scalar step, in dtype, with libm's
    ``powf``/``pow``; ``decay_rate`` and a float ``decay_steps`` pass through
    float32 first, as TensorFlow converts Python floats.
    """
    return exponential_decay_native(p, p.initial_learning_rate)


@family("keras.PiecewiseConstantDecay", ListOf("boundaries", item=Real("boundary")),
        ListOf("values", item=Real("value")), String("name", "PiecewiseConstant"), dtype="float32",
        oracle=oracle("PiecewiseConstantDecay"),
        anatomy=TF1_PIECEWISE)
def piecewise_constant_decay(p: Params) -> Native:
    """Piecewise constant: ``values[i]`` while ``step <= boundaries[i]``, the last value after.

    ```python
    result = 0
    result += float(step <= boundaries[0]) * values[0]
    result += float(step > boundaries[-1]) * values[-1]
    for low, high, value in zip(boundaries[:-1], boundaries[1:], values[1:-1]):
        result += float(low < step <= high) * value
    ```

    Keras switches at ``boundary + 1`` (PyTorch's MultiStepLR and optax at the
    boundary). Boundaries are compared with the int64 step, a float boundary
    truncated as Keras's cast does; they must be strictly increasing (Keras
    does not check, and sums overlapping pieces). dtype is the values' dtype.
    """
    boundaries = [keras_boundary(i, b) for i, b in enumerate(p.boundaries)]
    return piecewise_native("KERAS_PIECEWISE_CONSTANT_DECAY", boundaries, p["values"])


@family("keras.PolynomialDecay", INITIAL_LEARNING_RATE, DECAY_STEPS, Real("end_learning_rate", 0.0001),
        Real("power", 1.0), Bool("cycle", False), String("name", "PolynomialDecay"), execution("eager"),
        dtype="float32", oracle=oracle("PolynomialDecay"),
        anatomy=Anatomy(base="initial_learning_rate", horizon=("decay_steps",), floor=("end_learning_rate",)))
def polynomial_decay(p: Params) -> Native:
    """Polynomial decay from ``initial_learning_rate`` to ``end_learning_rate`` over ``decay_steps``.

    ```python
    def decayed_learning_rate(step):
        if cycle:   # restart with decay_steps stretched to the next multiple
            decay_steps = decay_steps * (1.0 if step == 0 else ceil(step / decay_steps))
        else:
            step = min(step, decay_steps)
        p = step / decay_steps
        return (initial_learning_rate - end_learning_rate) * (1 - p) ** power + end_learning_rate
    ```
    """
    return polynomial_decay_native(p, p.initial_learning_rate)


@family("keras.InverseTimeDecay", INITIAL_LEARNING_RATE, DECAY_STEPS, DECAY_RATE, Bool("staircase", False),
        String("name", "InverseTimeDecay"), execution("eager"), dtype="float32", oracle=oracle("InverseTimeDecay"),
        anatomy=KERAS_STAIRS)
def inverse_time_decay(p: Params) -> Native:
    """Inverse time decay.

    ```python
    def decayed_learning_rate(step):
        p = step / decay_steps          # staircase: floor(step / decay_steps)
        return initial_learning_rate / (1 + decay_rate * p)
    ```

    A negative ``decay_rate``, which Keras accepts, is rejected: the rate grows
    and reaches infinity where the denominator crosses 0.
    """
    return inverse_time_decay_native(p, p.initial_learning_rate)


@family("keras.CosineDecay", INITIAL_LEARNING_RATE, DECAY_STEPS, Real("alpha", 0.0), String("name", "CosineDecay"),
        Real("warmup_target", None), Real("warmup_steps", 0, ge=0), execution("eager"), dtype="float32",
        oracle=oracle("CosineDecay"),
        anatomy=Anatomy(base="initial_learning_rate", warmup=("warmup_steps",),
                        horizon=("warmup_steps + decay_steps",),
                        ramp=("initial_learning_rate", "warmup_target")))
def cosine_decay(p: Params) -> Native:
    """Cosine decay, after an optional linear warmup to ``warmup_target``.

    ```python
    def decayed_learning_rate(step):       # warmup_target is None
        step = min(step, decay_steps)
        cosine_decayed = 0.5 * (1.0 + cos(pi * step / decay_steps))
        return initial_learning_rate * ((1 - alpha) * cosine_decayed + alpha)

    def warmup_then_decay(step):           # warmup_target given
        step = min(step, decay_steps + warmup_steps)
        if step < warmup_steps:
            return (warmup_target - initial_learning_rate) * (step / warmup_steps) + initial_learning_rate
        return warmup_target * ((1 - alpha) * 0.5 * (1.0 + cos(pi * (step - warmup_steps) / decay_steps)) + alpha)
    ```

    ``1 - alpha`` is a Python double rounded to dtype once; past the end the
    rate holds ``alpha`` times its peak.
    """
    return cosine_decay_native(p, p.initial_learning_rate, p.warmup_target, p.warmup_steps)


@family("keras.CosineDecayRestarts", INITIAL_LEARNING_RATE, Real("first_decay_steps", gt=0), Real("t_mul", 2.0, gt=0),
        Real("m_mul", 1.0, ge=0), Real("alpha", 0.0), String("name", "SGDRDecay"), execution("eager"),
        dtype="float32", oracle=oracle("CosineDecayRestarts"),
        anatomy=Anatomy(base="initial_learning_rate", period=("first_decay_steps",), period_growth="t_mul"))
def cosine_decay_restarts(p: Params) -> Native:
    """Cosine decay with warm restarts (SGDR): periods stretch by ``t_mul``, peaks shrink by ``m_mul``.

    ```python
    fraction = step / first_decay_steps
    if t_mul == 1.0:
        i_restart = floor(fraction); fraction -= i_restart
    else:
        i_restart = floor(log(1.0 - fraction * (1.0 - t_mul)) / log(t_mul))
        fraction = (fraction - (1.0 - t_mul**i_restart) / (1.0 - t_mul)) / t_mul**i_restart
    decayed = (1 - alpha) * (0.5 * m_mul**i_restart * (1.0 + cos(pi * fraction))) + alpha
    return initial_learning_rate * decayed
    ```

    The restart index comes from a float logarithm, so it can land on the
    wrong side of an exact restart boundary; pysched reproduces where it does.
    """
    return cosine_decay_restarts_native(p, p.initial_learning_rate)

