"""The tf1 namespace: ``tf.compat.v1.train`` decay functions, as a TF1 graph
evaluates them at ``global_step``.

dtype is the dtype of ``learning_rate`` as the graph sees it: float32 for a
Python float (the default), float64 for a float64 tensor. ``execution`` is
``"graph"`` (a TF1 session, where Grappler turns divisions by constants into
multiplications by their reciprocals) or ``"eager"`` (TF2 eager execution, where
these functions return callables).
"""

from __future__ import annotations

from .._family import Native, Params, family
from .._params import Bool, Real, String
from .keras import execution, exponential_decay_native

EXPONENTIAL_DECAY_PARAMS = (
    Real("learning_rate"),
    Real("decay_steps", gt=0),
    Real("decay_rate", ge=0),
    Bool("staircase", False),
    String("name", None),
)


@family(
    "tf1.exponential_decay",
    *EXPONENTIAL_DECAY_PARAMS,
    execution("graph"),
    dtype="float32",
    oracle="tf.compat.v1.train.exponential_decay in a TF1 graph, global_step stepped by "
           "GradientDescentOptimizer.minimize",
)
def exponential_decay(p: Params) -> Native:
    """Exponential decay at ``global_step``, continuous or in stairs.

    ```python
    decayed_learning_rate = learning_rate * decay_rate ** (global_step / decay_steps)
    # staircase: the exponent is floor(global_step / decay_steps)
    ```

    ``tf.compat.v1.train.exponential_decay`` builds tf.keras's legacy
    ExponentialDecay schedule and applies it to ``global_step``, so its
    arithmetic is ``keras.ExponentialDecay``'s: float32 (or float64) division
    (in a graph, a product with the reciprocal of ``decay_steps``), floor,
    ``pow``, product; ``decay_rate`` passes through float32 first.
    """
    return exponential_decay_native(p.learning_rate, p.decay_steps, p.decay_rate, p.staircase, p.execution)
