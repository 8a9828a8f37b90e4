"""Keras 3: its schedules and seed 003's classes, driven by ``keras.optimizers.SGD``
on the backend KERAS_BACKEND names (TensorFlow unless the environment says
otherwise). Off TensorFlow every case runs eagerly: the ``graph`` cases, seed
003's TensorFlow classes and pysched's Keras adapter need TensorFlow.

Oracle ``keras3.adapter`` checks pysched's adapters, not Keras: Keras's schedule
for the spec, imported by ``pysched.from_keras`` and turned back by
``to_keras()``, in the same SGD loop."""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
BACKEND = os.environ["KERAS_BACKEND"]
BACKEND_MODULES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}

from . import Trace, require, serve  # noqa: E402

require("keras", BACKEND_MODULES[BACKEND])

import functools  # noqa: E402
import importlib  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402

from .keras_common import build_schedule, through_pysched, trace  # noqa: E402


def run(spec: dict, steps: np.ndarray, adapter: bool = False) -> Trace:
    """Keras 3's schedule for the spec, or with ``adapter``, that schedule
    through pysched's from_keras and to_keras, in the SGD loop."""
    if spec.get("optimizer", "keras") != "keras":
        raise ValueError("the keras3 oracle runs optimizer='keras' only")
    if BACKEND != "tensorflow" and (adapter or spec.get("execution") == "graph" or spec["kind"].startswith("seed.")):
        raise ValueError(f"this case needs TensorFlow; the Keras backend is {BACKEND}")
    seed003 = importlib.import_module("conformance.oracles.seed003") if spec["kind"].startswith("seed.") else None
    dtype = spec.get("dtype", "float32")

    def make_optimizer():
        schedule = build_schedule(spec, keras.optimizers.schedules, seed003)
        return keras.optimizers.SGD(learning_rate=through_pysched(schedule, spec, "keras") if adapter else schedule)

    return trace(spec, steps, make_optimizer, keras.Variable(0.0, dtype=dtype),
                 keras.ops.convert_to_tensor(-1.0, dtype=dtype))


def versions() -> dict:
    backend = importlib.import_module(BACKEND_MODULES[BACKEND])
    return {"keras": keras.__version__, "keras_backend": BACKEND, BACKEND: backend.__version__}


ORACLES = {"keras3": run, "keras3.resume": run, "keras3.adapter": functools.partial(run, adapter=True)}

if __name__ == "__main__":
    serve(ORACLES, versions)
