"""pysched: learning-rate schedules of TensorFlow, Keras, PyTorch and friends,
evaluated in bulk by a small C kernel and proven bit for bit against the real
frameworks.

    >>> import pysched
    >>> s = pysched.schedule({"kind": "keras.ExponentialDecay", "initial_learning_rate": 0.1,
    ...                       "decay_steps": 1000, "decay_rate": 0.96, "staircase": True})
    >>> s(2500)
    0.09216000139713287
"""

from . import families as _families  # noqa: F401  (registers every family)
from ._family import Family
from ._params import Param
from ._schedule import FAST_TOLERANCE, Schedule, evaluate_many, families, schedule
from .adapters import from_keras, from_torch

__all__ = ["FAST_TOLERANCE", "Family", "Param", "Schedule", "evaluate_many", "families", "from_keras", "from_torch",
           "schedule"]
__version__ = "0.1.0"
