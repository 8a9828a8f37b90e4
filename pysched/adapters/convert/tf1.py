"""Conversion to TF1: a ``tf.compat.v1.train`` learning-rate tensor of the
global step, in a graph, evaluated in a session at each step (the global step
assigned, then the rate read, as a training loop's session would)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ._code import (
    TF1_AS_KERAS,
    Code,
    Equivalent,
    call,
    concept_args,
    held,
    horizon_note,
    non_default,
    renamed,
    switches,
)

TRAIN = "tf.compat.v1.train"
SAME_KIND = ("exponential_decay", "natural_exp_decay", "inverse_time_decay", "polynomial_decay", "piecewise_constant",
             "cosine_decay", "cosine_decay_restarts", "linear_cosine_decay")
STEP = Code("global_step")
KERAS_AS_TF1 = {keras_name: tf1_name for tf1_name, (keras_name, _) in TF1_AS_KERAS.items()}


def same_kind(spec: Mapping[str, Any], horizon: int) -> Equivalent:
    """The ``tf.compat.v1.train`` function of the spec's own kind."""
    name = spec["kind"].removeprefix("tf1.")
    step = "x" if name == "piecewise_constant" else "global_step"
    return Equivalent(call(f"{TRAIN}.{name}", {step: STEP, **non_default(spec, ("execution",))}))


def from_keras(spec: Mapping[str, Any], horizon: int) -> Equivalent | None:
    """The TF1 function a Keras class replaced (a CosineDecay without warmup)."""
    if spec.get("warmup_steps", 0):
        return None
    name = KERAS_AS_TF1[spec["kind"].removeprefix("keras.")]
    step = "x" if name == "piecewise_constant" else "global_step"
    args = renamed(spec, {"initial_learning_rate": "learning_rate", **{key: key for key in TF1_AS_KERAS[name][1]}})
    return Equivalent(call(f"{TRAIN}.{name}", {step: STEP, **args}))


def piecewise(spec: Mapping[str, Any], horizon: int) -> Equivalent | None:
    """piecewise_constant, whose rate switches one step after each boundary."""
    steps, values = switches(spec, horizon)
    if not steps or steps[0] == 0:
        return None
    rates, imports = held(values, spec["dtype"])
    return Equivalent(call(f"{TRAIN}.piecewise_constant",
                           {"x": STEP, "boundaries": [step - 1 for step in steps], "values": rates}), imports=imports,
                      note=horizon_note(spec, horizon))


def exponential(spec: Mapping[str, Any], horizon: int) -> Equivalent | None:
    """exponential_decay from optax's (no transition_begin, no end_value)."""
    if spec["transition_begin"] or spec["end_value"] is not None:
        return None
    lr, steps, rate = concept_args(spec, "exponential")
    return Equivalent(call(f"{TRAIN}.exponential_decay", {"learning_rate": lr, "global_step": STEP,
                                                          "decay_steps": steps, "decay_rate": rate,
                                                          "staircase": spec["staircase"]}))


EQUIVALENTS: dict[str, Callable[[Mapping[str, Any], int], Equivalent | None]] = {
    **{f"tf1.{name}": same_kind for name in SAME_KIND},
    **{f"keras.{name}": from_keras for name in KERAS_AS_TF1},
    **dict.fromkeys(("optax.piecewise_constant", "torch.MultiStepLR", "torch.StepLR"), piecewise),
    "optax.exponential_decay": exponential,
}


def program(equivalent: Equivalent) -> str:
    """The runnable snippet, for a TF1 graph: the global step and ``learning_rate``."""
    return "\n".join(["import tensorflow as tf", *equivalent.imports, "",
                      "global_step = tf.compat.v1.train.get_or_create_global_step()",
                      f"learning_rate = {equivalent.expression}", ""])


def adapter_program(spec: Mapping[str, Any]) -> str:
    """TF1 has no pysched adapter: the snippet computes pysched's values in
    the graph with ``tf.numpy_function``."""
    dtype = spec["dtype"]
    return "\n".join([
        "import numpy as np", "import pysched", "import tensorflow as tf", "",
        f"s = pysched.schedule({dict(spec)!r})",
        "global_step = tf.compat.v1.train.get_or_create_global_step()",
        f"learning_rate = tf.numpy_function(lambda step: np.{dtype}(s(int(step))), [global_step], tf.{dtype})", ""])


def values(code: str, steps: int) -> np.ndarray:
    """Run the snippet in a graph of its own: at each of the first ``steps``
    steps, assign the global step and evaluate the learning rate."""
    import tensorflow as tf

    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        namespace: dict[str, Any] = {}
        exec(code, namespace)  # noqa: S102  (code this module wrote)
        global_step, learning_rate = namespace["global_step"], namespace["learning_rate"]
        new_step = v1.placeholder(tf.int64, ())
        assign = global_step.assign(new_step)
        initialize = v1.global_variables_initializer()
    with v1.Session(graph=graph) as session:
        session.run(initialize)
        rates = []
        for step in range(steps):
            session.run(assign, {new_step: step})
            rates.append(session.run(learning_rate))
    return np.array(rates)
