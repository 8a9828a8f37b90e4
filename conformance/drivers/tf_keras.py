"""tf_keras (Keras 2): its schedules and seed 003's classes, driven by
``tf_keras.optimizers.SGD`` or, for ``optimizer="tf_keras.legacy"`` (and seed
003's CosineDecay, which only the legacy optimizers accept), by
``tf_keras.optimizers.legacy.SGD``. Runs with TF_USE_LEGACY_KERAS=1, so that the
seed's ``from tensorflow import keras`` is tf_keras.

Oracle ``tf_keras.adapter`` checks pysched's adapters, not tf_keras: tf_keras's
schedule for the spec, imported by ``pysched.from_keras`` and turned back by
``to_keras("tf_keras")``, in the same SGD loop."""

import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

from . import Trace, require, serve  # noqa: E402

require("tensorflow", "tf_keras")

import functools  # noqa: E402

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras  # noqa: E402

from ..oracles import seed003  # noqa: E402
from .keras_common import build_schedule, through_pysched, trace  # noqa: E402


def run(spec: dict, steps: np.ndarray, adapter: bool = False) -> Trace:
    """tf_keras's schedule for the spec, or with ``adapter``, that schedule
    through pysched's from_keras and to_keras, in the SGD loop."""
    legacy = spec.get("optimizer") == "tf_keras.legacy" or spec["kind"] == "seed.CosineDecay"
    sgd = tf_keras.optimizers.legacy.SGD if legacy else tf_keras.optimizers.SGD

    def make_optimizer():
        schedule = build_schedule(spec, tf_keras.optimizers.schedules, seed003)
        return sgd(learning_rate=through_pysched(schedule, spec, "tf_keras") if adapter else schedule)

    dtype = spec.get("dtype", "float32")
    return trace(spec, steps, make_optimizer, tf.Variable(0.0, dtype=dtype), tf.constant(-1.0, dtype))


def versions() -> dict:
    return {"tf_keras": tf_keras.__version__, "tensorflow": tf.__version__}


ORACLES = {"tf_keras": run, "tf_keras.resume": run, "tf_keras.adapter": functools.partial(run, adapter=True)}

if __name__ == "__main__":
    serve(ORACLES, versions)
