"""TF1 graphs run by ``tf.compat.v1.Session``: tf.compat.v1.train schedules, the
TF Object Detection API's learning_schedules and the seeds' TF1 code (000,
002), their learning rate applied by
``GradientDescentOptimizer``. Oracles: ``tf1`` (a global_step variable that
``minimize`` increments; TF2 eager execution for ``execution="eager"``) and
``tf1.placeholder`` (seed 002's float32 placeholder fed the step)."""

from . import Trace, drive, require, serve

require("tensorflow", "object_detection.utils.learning_schedules")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from object_detection.utils import learning_schedules  # noqa: E402

from ..oracles import seed000, seed002  # noqa: E402

v1 = tf.compat.v1


NOT_API = ("kind", "dtype", "execution")


def _api_args(spec: dict) -> dict:
    """The spec's arguments of the tf.compat.v1.train function, a float64 learning
    rate as a float64 number."""
    args = {key: value for key, value in spec.items() if key not in NOT_API}
    for key in ("learning_rate", "initial_learning_rate"):
        if key in args and spec.get("dtype") == "float64":
            args[key] = np.float64(args[key])
    return args


def build(spec: dict, placeholder: bool = False, global_step=None):
    """The (global_step, learning rate) of a spec: a tensor in a graph, a
    callable in eager mode (where ``global_step`` is given)."""
    namespace, name = spec["kind"].split(".")
    args = _api_args(spec)
    if spec["kind"] == "seed.exponential_decay":
        form = seed002.placeholder_global_step if placeholder else seed002.variable_global_step
        return form(args["learning_rate"], args["decay_steps"], args["decay_rate"], args.get("staircase", False))
    if global_step is None:
        global_step = v1.train.get_or_create_global_step()
    if spec["kind"] == "seed.exponential_decay_with_burnin":
        return global_step, seed000.exponential_decay_with_burnin(global_step, **args)
    if namespace == "od":
        return global_step, getattr(learning_schedules, name)(global_step, **args)
    if namespace != "tf1":
        raise KeyError(f"no TF1 oracle for {spec['kind']}")
    step_argument = "x" if name == "piecewise_constant" else "global_step"
    return global_step, getattr(v1.train, name)(**{step_argument: global_step}, **args)


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
    global_step, learning_rate = build(spec, global_step=tf.Variable(0, dtype=tf.int64))
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
    from importlib.metadata import version

    return {"tensorflow": tf.__version__,
            "object_detection": version("tf-models-research-object-detection")}


ORACLES = {"tf1": run_variable, "tf1.placeholder": run_placeholder}

if __name__ == "__main__":
    serve(ORACLES, versions)
