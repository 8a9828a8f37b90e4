"""What the Keras 3 and tf_keras drivers share: building a schedule from a spec
and recording what an optimizer's updates apply, eagerly or in a tf.function
(which runs a stretch of consecutive updates in one call, as ``model.fit`` with
``steps_per_execution`` does)."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from . import Trace, drive, spec_args

SEED003_ARGS = {
    "seed.ExponentialDecay": ("initial_lr", "decay_rate", "min_lr", "print_step"),
    "seed.PiecewiseConstantDecay": ("initial_lr", "decay_rate", "min_lr", "change_step", "print_step"),
    "seed.CosineDecay": ("initial_lr", "decay_step", "min_lr", "print_step"),
}
STATEFUL = set(SEED003_ARGS)
NOT_API = ("kind", "dtype", "execution", "optimizer")


def build_schedule(spec: dict, schedules, seed003):
    """The framework's schedule object for a spec: ``schedules`` is the Keras
    schedules module, ``seed003`` the seed's classes on the same Keras."""
    namespace, name = spec["kind"].split(".")
    if namespace == "seed":
        return getattr(seed003, name)(**spec_args(spec, *SEED003_ARGS[spec["kind"]]))
    args = {key: value for key, value in spec.items() if key not in NOT_API}
    if spec.get("dtype") == "float64":  # a float64 tensor is what makes Keras compute in float64
        for key in ("initial_learning_rate", "values"):
            if key in args:
                args[key] = np.float64(args[key]) if key != "values" else [np.float64(v) for v in args[key]]
    return getattr(schedules, name)(**args)


def optimizer_trace(spec: dict, steps: np.ndarray, optimizer, variable) -> Trace:
    """Drive ``optimizer`` (plain SGD) on ``variable`` over the steps and record
    the learning rate each update applied."""
    dtype = spec.get("dtype", "float32")
    gradient, zero = tf.constant(-1.0, dtype), tf.constant(0.0, dtype)

    def update():
        variable.assign(zero)
        optimizer.apply_gradients([(gradient, variable)])
        return tf.convert_to_tensor(variable)

    run = None
    if spec.get("execution") == "graph":
        tf.config.run_functions_eagerly(False)  # seed 003's module turns it on
        update_once = tf.function(update)

        @tf.function
        def updates(n):
            applied = tf.TensorArray(dtype, size=n)
            for i in tf.range(n):
                applied = applied.write(i, update())
            return applied.stack()

        update = update_once
        run = lambda n: updates(tf.constant(n)).numpy().tolist()  # noqa: E731
    jump = None if spec["kind"] in STATEFUL else (lambda step: optimizer.iterations.assign(step))
    values = drive(steps, lambda step: update().numpy(), jump, run=run)
    return Trace(np.array(values, dtype=dtype))
