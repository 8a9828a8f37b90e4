"""A pysched schedule as a Keras 3 ``LearningRateSchedule`` (TensorFlow backend)."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf

from .._schedule import Schedule, schedule


@keras.saving.register_keras_serializable(package="pysched")
class PyschedSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """The learning rate at optimizer iteration ``step`` is pysched's value at
    ``step``, computed by pysched's kernel (``tf.numpy_function``, so also in
    ``tf.function`` and ``model.fit``). Its config is the spec and the
    precision, so it serialises with ``get_config``/``from_config`` and inside
    a saved model."""

    def __init__(self, spec: dict[str, Any], precision: str = "exact"):
        self.schedule = schedule(spec, precision=precision)

    def __call__(self, step):
        dtype = np.dtype(self.schedule.dtype)
        value = tf.numpy_function(lambda t: np.asarray(self.schedule(int(t)), dtype=dtype),
                                  [tf.cast(step, tf.int64)], tf.as_dtype(dtype), stateful=False)
        return tf.reshape(value, [])

    def get_config(self) -> dict[str, Any]:
        return {"spec": self.schedule.to_dict(), "precision": self.schedule.precision}


def to_keras(pysched_schedule: Schedule) -> PyschedSchedule:
    return PyschedSchedule(pysched_schedule.to_dict(), pysched_schedule.precision)
