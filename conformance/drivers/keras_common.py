"""What the Keras 3 and tf_keras drivers share: building a schedule from a spec
and recording what an optimizer's updates apply, eagerly or in a tf.function."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from . import Trace, drive, spec_args

SEED003_ARGS = {
    "seed.ExponentialDecay": ("initial_lr", "decay_rate", "min_lr", "print_step"),
    "seed.PiecewiseConstantDecay": ("initial_lr", "decay_rate", "min_lr", "change_step", "print_step"),
    "seed.CosineDecay": ("initial_lr", "decay_step", "min_lr", "print_step"),
}
STATEFUL = {"seed.ExponentialDecay", "seed.PiecewiseConstantDecay", "seed.CosineDecay"}


def build_schedule(spec: dict, schedules, seed003):
    """The framework's schedule object for a spec: ``schedules`` is the Keras
    schedules module, ``seed003`` the seed's classes on the same Keras."""
    kind = spec["kind"]
    if kind == "keras.ExponentialDecay":
        args = spec_args(spec, "initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name")
        if spec.get("dtype") == "float64":
            args["initial_learning_rate"] = np.float64(args["initial_learning_rate"])
        return schedules.ExponentialDecay(**args)
    if kind in SEED003_ARGS:
        return getattr(seed003, kind.split(".")[1])(**spec_args(spec, *SEED003_ARGS[kind]))
    raise KeyError(f"no Keras oracle for {kind}")


def optimizer_trace(spec: dict, steps: np.ndarray, optimizer, variable) -> Trace:
    """Drive ``optimizer`` (plain SGD) on ``variable`` over the steps and record
    the learning rate each update applied; in a tf.function for graph execution."""
    dtype = spec.get("dtype", "float32")
    gradient, zero = tf.constant(-1.0, dtype), tf.constant(0.0, dtype)

    def update():
        variable.assign(zero)
        optimizer.apply_gradients([(gradient, variable)])
        return tf.convert_to_tensor(variable)

    if spec.get("execution") == "graph":
        tf.config.run_functions_eagerly(False)  # seed 003's module turns it on
        update = tf.function(update)
    jump = None if spec["kind"] in STATEFUL else (lambda step: optimizer.iterations.assign(step))
    values = drive(steps, lambda step: update().numpy(), jump)
    return Trace(np.array(values, dtype=dtype))
