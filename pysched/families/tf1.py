"""The tf1 namespace: ``tf.compat.v1.train`` decay functions, as a TF1 graph
evaluates them at ``global_step``.

dtype is the dtype of ``learning_rate`` as the graph sees it: float32 for a
Python float (the default), float64 for a float64 tensor (cosine_decay,
cosine_decay_restarts and linear_cosine_decay fail in TensorFlow for float64,
and pysched with them). ``execution`` is ``"graph"`` (a TF1 session, where
Grappler turns divisions by constants into multiplications by their
reciprocals) or ``"eager"`` (TF2 eager execution, where these functions return
callables). Each builds the schedule class of TensorFlow's copy of tf.keras,
whose arithmetic is the keras namespace's.
"""

from __future__ import annotations

from .._anatomy import Anatomy
from .._family import Native, Params, family
from .._params import Bool, Integer, ListOf, Real, SpecError, String
from .keras import (
    DECAY_RATE,
    DECAY_STEPS,
    TF1_PIECEWISE,
    cosine_decay_native,
    cosine_decay_restarts_native,
    execution,
    exponential_decay_native,
    inverse_time_decay_native,
    piecewise_native,
    polynomial_decay_native,
    tf_param,
)

LEARNING_RATE = Real("learning_rate")
STAIRS = Anatomy(base="learning_rate", period=("decay_steps",), period_when="staircase")
NAME = String("name", None)
EXPONENTIAL_DECAY_PARAMS = (LEARNING_RATE, DECAY_STEPS, DECAY_RATE, Bool("staircase", False), NAME)
FLOAT32_ONLY = ("float32",)
PI_IS_FLOAT32 = "TensorFlow multiplies a float32 pi by the step and raises TypeError for float64"


def oracle(name: str) -> str:
    return f"tf.compat.v1.train.{name} in a TF1 graph, global_step stepped by GradientDescentOptimizer.minimize"


@family("tf1.exponential_decay", *EXPONENTIAL_DECAY_PARAMS, execution("graph"), dtype="float32",
        oracle=oracle("exponential_decay"),
        anatomy=STAIRS)
def exponential_decay(p: Params) -> Native:
    """Exponential decay at ``global_step``, continuous or in stairs.

    ```python
    decayed_learning_rate = learning_rate * decay_rate ** (global_step / decay_steps)
    # staircase: the exponent is floor(global_step / decay_steps)
    ```

    ``keras.ExponentialDecay``'s arithmetic: float32 (or float64) division (in
    a graph, a product with the reciprocal of ``decay_steps``), floor, ``pow``,
    product; ``decay_rate`` passes through float32 first.
    """
    return exponential_decay_native(p, p.learning_rate)


@family("tf1.natural_exp_decay", *EXPONENTIAL_DECAY_PARAMS, execution("graph"), dtype="float32",
        oracle=oracle("natural_exp_decay"),
        anatomy=STAIRS)
def natural_exp_decay(p: Params) -> Native:
    """Natural exponential decay: exponential decay with rate ``exp(-decay_rate)``.

    ```python
    natural_exp_rate = exp(-decay_rate)          # a float32 tensor, whatever dtype is
    decayed_learning_rate = learning_rate * natural_exp_rate ** (global_step / decay_steps)
    ```
    """
    return exponential_decay_native(p, p.learning_rate, kind="TF1_NATURAL_EXP_DECAY")


@family("tf1.inverse_time_decay", *EXPONENTIAL_DECAY_PARAMS, execution("graph"), dtype="float32",
        oracle=oracle("inverse_time_decay"),
        anatomy=STAIRS)
def inverse_time_decay(p: Params) -> Native:
    """Inverse time decay: ``learning_rate / (1 + decay_rate * global_step / decay_steps)``
    (the quotient floored with ``staircase``); ``keras.InverseTimeDecay``'s arithmetic."""
    return inverse_time_decay_native(p, p.learning_rate)


@family("tf1.polynomial_decay", LEARNING_RATE, DECAY_STEPS, Real("end_learning_rate", 0.0001), Real("power", 1.0),
        Bool("cycle", False), NAME, execution("graph"), dtype="float32", oracle=oracle("polynomial_decay"),
        anatomy=Anatomy(base="learning_rate", horizon=("decay_steps",), floor=("end_learning_rate",)))
def polynomial_decay(p: Params) -> Native:
    """Polynomial decay to ``end_learning_rate`` over ``decay_steps``, held or cycled after;
    ``keras.PolynomialDecay``'s arithmetic. With ``cycle`` a graph is float32
    only: its ``where_v2`` mixes a float32 1.0 with the float64 ``ceil`` and
    raises TypeError (eagerly the 1.0 takes the other operand's dtype).

    ```python
    global_step = min(global_step, decay_steps)      # cycle: decay_steps *= ceil(global_step / decay_steps)
    decayed_learning_rate = ((learning_rate - end_learning_rate) *
                             (1 - global_step / decay_steps) ** power) + end_learning_rate
    ```
    """
    if p.cycle and p.dtype == "float64" and p.execution == "graph":
        raise SpecError("cycle=True in a graph needs dtype 'float32' (TensorFlow's where_v2 mixes a float32 1.0 "
                        "with the float64 ceil and raises TypeError)")
    return polynomial_decay_native(p, p.learning_rate)


@family("tf1.piecewise_constant", ListOf("boundaries", item=Integer("boundary", ge=-(2**63), le=2**63 - 1)),
        ListOf("values", item=Real("value")), NAME, dtype="float32", oracle=oracle("piecewise_constant"),
        anatomy=TF1_PIECEWISE)
def piecewise_constant(p: Params) -> Native:
    """Piecewise constant in ``x`` (the global step): ``values[i]`` while ``x <= boundaries[i]``.

    ```python
    tf.case([(x <= boundaries[0], values[0]), (x > boundaries[-1], values[-1]),
             *[((x > low) & (x <= high), v) for low, high, v in zip(boundaries, boundaries[1:], values[1:-1])]])
    ```

    Boundaries must be ints (TensorFlow raises for float boundaries against an
    integer step) and strictly increasing. A subnormal value reaches the
    update as zero (TensorFlow flushes denormals). dtype is the values' dtype.
    """
    return piecewise_native("TF1_PIECEWISE_CONSTANT", p.boundaries, p["values"])


@family("tf1.cosine_decay", LEARNING_RATE, DECAY_STEPS, Real("alpha", 0.0), NAME, execution("graph"),
        dtype="float32", dtypes=FLOAT32_ONLY, dtype_reason=PI_IS_FLOAT32, oracle=oracle("cosine_decay"),
        anatomy=Anatomy(base="learning_rate", horizon=("decay_steps",)))
def cosine_decay(p: Params) -> Native:
    """Cosine decay to ``alpha * learning_rate`` over ``decay_steps``, held after;
    ``keras.CosineDecay``'s arithmetic without warmup.

    ```python
    global_step = min(global_step, decay_steps)
    cosine_decay = 0.5 * (1 + cos(pi * global_step / decay_steps))
    decayed_learning_rate = learning_rate * ((1 - alpha) * cosine_decay + alpha)
    ```
    """
    return cosine_decay_native(p, p.learning_rate)


@family("tf1.cosine_decay_restarts", LEARNING_RATE, Real("first_decay_steps", gt=0), Real("t_mul", 2.0, gt=0),
        Real("m_mul", 1.0, ge=0), Real("alpha", 0.0), NAME, execution("graph"), dtype="float32",
        dtypes=FLOAT32_ONLY, dtype_reason=PI_IS_FLOAT32, oracle=oracle("cosine_decay_restarts"),
        anatomy=Anatomy(base="learning_rate", period=("first_decay_steps",), period_growth="t_mul"))
def cosine_decay_restarts(p: Params) -> Native:
    """Cosine decay with warm restarts (SGDR); ``keras.CosineDecayRestarts``'s arithmetic."""
    return cosine_decay_restarts_native(p, p.learning_rate)


@family("tf1.linear_cosine_decay", LEARNING_RATE, DECAY_STEPS, Real("num_periods", 0.5), Real("alpha", 0.0),
        Real("beta", 0.001), NAME, execution("graph"), dtype="float32", dtypes=FLOAT32_ONLY, dtype_reason=PI_IS_FLOAT32,
        oracle=oracle("linear_cosine_decay"),
        anatomy=Anatomy(base="learning_rate", horizon=("decay_steps",)))
def linear_cosine_decay(p: Params) -> Native:
    """Linear cosine decay (Bello et al., 2017), held after ``decay_steps``.

    ```python
    global_step = min(global_step, decay_steps)
    linear_decay = (decay_steps - global_step) / decay_steps
    cosine_decay = 0.5 * (1 + cos(pi * 2 * num_periods * global_step / decay_steps))
    decayed = (alpha + linear_decay) * cosine_decay + beta
    decayed_learning_rate = learning_rate * decayed
    ```
    """
    return Native("TF1_LINEAR_COSINE_DECAY",
                  real=(p.learning_rate, tf_param(p, "decay_steps", positive=True), tf_param(p, "num_periods"),
                        tf_param(p, "alpha"), tf_param(p, "beta")),
                  integer=(int(p.execution == "graph"),))
