"""TF1 graphs run by ``tf.compat.v1.Session``: tf.compat.v1.train schedules and
the seeds' TF1 code (000, 002), their learning rate applied by
``GradientDescentOptimizer``. Oracles: ``tf1`` (a global_step variable that
``minimize`` increments; TF2 eager execution for ``execution="eager"``) and
``tf1.placeholder`` (seed 002's float32 placeholder fed the step)."""

from . import Trace, drive, require, serve

require("tensorflow")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from ..oracles import seed000, seed002  # noqa: E402

v1 = tf.compat.v1


def _learning_rate(spec: dict) -> float:
    value = spec.get("learning_rate", spec.get("initial_learning_rate"))
    return np.float64(value) if spec.get("dtype") == "float64" else value


def _decay_args(spec: dict) -> tuple:
    return spec["decay_steps"], spec["decay_rate"]


def build(spec: dict, placeholder: bool = False):
    """The graph's (global_step, learning rate tensor) for a spec."""
    kind = spec["kind"]
    if kind == "seed.exponential_decay":
        form = seed002.placeholder_global_step if placeholder else seed002.variable_global_step
        return form(_learning_rate(spec), *_decay_args(spec), spec.get("staircase", False))
    global_step = v1.train.get_or_create_global_step()
    if kind == "tf1.exponential_decay":
        return global_step, v1.train.exponential_decay(_learning_rate(spec), global_step, *_decay_args(spec),
                                                       staircase=spec.get("staircase", False),
                                                       name=spec.get("name"))
    if kind == "seed.exponential_decay_with_burnin":
        return global_step, seed000.exponential_decay_with_burnin(
            global_step, _learning_rate(spec), *_decay_args(spec), spec["burnin_steps"])
    raise KeyError(f"no TF1 oracle for {kind}")


def session_trace(spec: dict, steps: np.ndarray, placeholder: bool) -> Trace:
    graph = tf.Graph()
    with graph.as_default():
        global_step, learning_rate = build(spec, placeholder)
        w = v1.get_variable("w", shape=(), dtype=learning_rate.dtype, initializer=v1.zeros_initializer())
        optimizer = v1.train.GradientDescentOptimizer(learning_rate)
        train = optimizer.minimize(-w, global_step=None if placeholder else global_step)
        reset = w.assign(tf.zeros((), learning_rate.dtype))
        if not placeholder:
            new_step = v1.placeholder(global_step.dtype.base_dtype, ())
            set_step = global_step.assign(new_step)
        init = v1.global_variables_initializer()
    with v1.Session(graph=graph) as session:
        session.run(init)

        def update(step: int) -> float:
            session.run(reset)
            session.run(train, {global_step: step} if placeholder else None)
            return session.run(w)

        jump = (lambda step: None) if placeholder else (lambda step: session.run(set_step, {new_step: step}))
        values = drive(steps, update, jump)
    return Trace(np.array(values, dtype=learning_rate.dtype.as_numpy_dtype))


def eager_trace(spec: dict, steps: np.ndarray) -> Trace:
    """TF2 eager: the function returns a callable that a v1 optimizer calls."""
    dtype = spec.get("dtype", "float32")
    global_step = tf.Variable(0, dtype=tf.int64)
    learning_rate = v1.train.exponential_decay(_learning_rate(spec), global_step, *_decay_args(spec),
                                               staircase=spec.get("staircase", False))
    w = tf.Variable(0.0, dtype=dtype)
    optimizer = v1.train.GradientDescentOptimizer(learning_rate)

    def update(step: int) -> float:
        w.assign(tf.zeros((), dtype))
        optimizer.minimize(lambda: -w, var_list=[w], global_step=global_step)
        return w.numpy()

    return Trace(np.array(drive(steps, update, global_step.assign), dtype=dtype))


def run_variable(spec: dict, steps: np.ndarray) -> Trace:
    if spec.get("execution", "graph") == "eager":
        return eager_trace(spec, steps)
    return session_trace(spec, steps, placeholder=False)


def run_placeholder(spec: dict, steps: np.ndarray) -> Trace:
    return session_trace(spec, steps, placeholder=True)


def versions() -> dict:
    return {"tensorflow": tf.__version__}


ORACLES = {"tf1": run_variable, "tf1.placeholder": run_placeholder}

if __name__ == "__main__":
    serve(ORACLES, versions)
