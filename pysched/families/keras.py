"""The keras namespace: ``keras.optimizers.schedules`` of Keras 3 and of tf_keras (Keras 2).

dtype is the dtype of ``initial_learning_rate`` as the schedule sees it:
float32 for a Python float (the default), float64 for a float64 tensor.
``execution`` is how TensorFlow runs the schedule: ``"eager"`` (a custom
training loop, ``run_eagerly=True``) or ``"graph"`` (``model.fit``,
``tf.function``, XLA), where Grappler turns divisions by constants into
multiplications by their reciprocals.
"""

from __future__ import annotations

import numpy as np

from .._family import Native, Params, family
from .._params import Bool, Choice, Real, String


def execution(default: str) -> Choice:
    """How TensorFlow runs the schedule; not a parameter of the mirrored API."""
    return Choice("execution", default, choices=("eager", "graph"),
                  doc="'graph': divisions by constants become products with reciprocals (Grappler)")


def tf_number(value: int | float) -> int | float:
    """A Python number as TensorFlow turns it into a tensor: an int exactly, a float
    rounded to float32. Keras and tf.compat.v1 cast such tensors to the learning
    rate's dtype, so a float64 schedule still sees float32-rounded floats."""
    return float(np.float32(value)) if isinstance(value, float) else value


def exponential_decay_native(initial_learning_rate: float, decay_steps: float, decay_rate: float,
                             staircase: bool, execution: str) -> Native:
    return Native(
        "KERAS_EXPONENTIAL_DECAY",
        real=(initial_learning_rate, tf_number(decay_steps), tf_number(decay_rate)),
        integer=(int(staircase), int(execution == "graph")),
    )


@family(
    "keras.ExponentialDecay",
    Real("initial_learning_rate"),
    Real("decay_steps", gt=0),
    Real("decay_rate", ge=0),
    Bool("staircase", False),
    String("name", "ExponentialDecay"),
    execution("eager"),
    dtype="float32",
    oracle="keras.optimizers.schedules.ExponentialDecay (Keras 3) and "
           "tf_keras.optimizers.schedules.ExponentialDecay (Keras 2), driven by an optimizer",
)
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
    return exponential_decay_native(p.initial_learning_rate, p.decay_steps, p.decay_rate, p.staircase,
                                    p.execution)
