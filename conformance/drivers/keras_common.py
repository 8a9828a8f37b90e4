"""What the Keras 3 and tf_keras drivers share: building a schedule from a spec
and recording what an optimizer's updates apply, eagerly (any Keras backend) or
in a tf.function (which runs a stretch of consecutive updates in one call, as
``model.fit`` with ``steps_per_execution`` does)."""

from __future__ import annotations

import numpy as np

from . import Trace, drive, spec_args

SEED003_ARGS = {
    "seed.ExponentialDecay": ("initial_lr", "decay_rate", "min_lr", "print_step"),
    "seed.PiecewiseConstantDecay": ("initial_lr", "decay_rate", "min_lr", "change_step", "print_step"),
    "seed.CosineDecay": ("initial_lr", "decay_step", "min_lr", "print_step"),
}
STATEFUL = set(SEED003_ARGS)
NOT_API = ("kind", "dtype", "execution", "optimizer", "resume_at")


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


def through_pysched(keras_schedule, spec: dict, package: str):
    """The adapters' round trip: the framework's schedule imported by
    ``pysched.from_keras`` (with the spec's dtype and execution, which the
    object does not hold) and turned back by ``to_keras`` for ``package``."""
    import pysched

    imported = pysched.from_keras(keras_schedule, dtype=spec.get("dtype"), execution=spec.get("execution"))
    return imported.to_keras(package)


def optimizer_trace(spec: dict, steps: np.ndarray, optimizer, variable, gradient, start: int = 0) -> Trace:
    """Drive ``optimizer`` (plain SGD) on ``variable`` with ``gradient`` (-1 as
    the backend's tensor) over the steps, from iteration ``start``, and record
    the learning rate each update applied; NaN from a far step the framework
    cannot set ``iterations`` to, until the next one it can."""
    dtype = spec.get("dtype", "float32")
    failures: dict[int, str] = {}
    stuck = False

    def update():
        variable.assign(0.0)
        optimizer.apply_gradients([(gradient, variable)])

    def eager(step: int) -> float:
        if stuck:
            return np.nan
        update()
        return np.asarray(variable).item()

    def jump(step: int) -> None:
        nonlocal stuck
        try:
            optimizer.iterations.assign(step)
            stuck = False
        except Exception as error:  # the framework's own failure, recorded as the case's
            failures[step] = f"{type(error).__name__}: {error}"
            stuck = True

    run = None
    if spec.get("execution") == "graph":
        graph_run = graph_updates(update, variable, dtype)
        run = lambda n: [np.nan] * n if stuck else graph_run(n)  # noqa: E731
    values = drive(steps, eager, None if spec["kind"] in STATEFUL else jump, start, run=run)
    failure = "; ".join(f"step {step}: {text}" for step, text in list(failures.items())[:3])
    return Trace(np.array(values, dtype=dtype), failure)


def graph_updates(update, variable, dtype: str):
    """``run(n)``: n consecutive updates in one tf.function, their applied rates."""
    import tensorflow as tf

    tf.config.run_functions_eagerly(False)  # seed 003's module turns it on

    @tf.function
    def updates(n):
        applied = tf.TensorArray(dtype, size=n)
        for i in tf.range(n):
            update()
            applied = applied.write(i, tf.convert_to_tensor(variable))
        return applied.stack()

    return lambda n: updates(tf.constant(n)).numpy().tolist()


def trace(spec: dict, steps: np.ndarray, make_optimizer, variable, gradient) -> Trace:
    """The optimizer's updates over the steps; with ``resume_at``, interrupted
    there and resumed as a restarted program does: a new optimizer with a new
    schedule object, built, its ``iterations`` restored."""
    if "resume_at" not in spec:
        return optimizer_trace(spec, steps, make_optimizer(), variable, gradient)
    resume_at = spec["resume_at"]
    before = optimizer_trace(spec, steps[steps < resume_at], make_optimizer(), variable, gradient)
    optimizer = make_optimizer()
    if hasattr(optimizer, "build"):
        optimizer.build([variable])
    optimizer.iterations.assign(resume_at)
    after = optimizer_trace(spec, steps[steps >= resume_at], optimizer, variable, gradient, start=resume_at)
    return Trace(np.concatenate([before.values, after.values]))
