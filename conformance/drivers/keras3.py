"""Keras 3 on the TensorFlow backend: its schedules and seed 003's classes, driven
by ``keras.optimizers.SGD``."""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from . import Trace, require, serve  # noqa: E402

require("tensorflow", "keras")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from ..oracles import seed003  # noqa: E402
from .keras_common import build_schedule, optimizer_trace  # noqa: E402


def run(spec: dict, steps: np.ndarray) -> Trace:
    if spec.get("optimizer", "keras") != "keras":
        raise ValueError("the keras3 oracle runs optimizer='keras' only")
    schedule = build_schedule(spec, keras.optimizers.schedules, seed003)
    variable = keras.Variable(0.0, dtype=spec.get("dtype", "float32"))
    return optimizer_trace(spec, steps, keras.optimizers.SGD(learning_rate=schedule), variable)


def versions() -> dict:
    return {"keras": keras.__version__, "tensorflow": tf.__version__, "keras_backend": keras.backend.backend()}


ORACLES = {"keras3": run}

if __name__ == "__main__":
    serve(ORACLES, versions)
