"""pysched schedules as Keras ``LearningRateSchedule`` objects, for Keras 3 and
for tf_keras (Keras 2), both on TensorFlow, and Keras's own schedules as
pysched schedules. The two packages can be used in one process; each is
imported when a schedule for it is first asked for, never before: reading a
Keras schedule back needs no framework at all."""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._family import FAMILIES
from .._schedule import Schedule, schedule

PACKAGES = ("keras", "tf_keras")
EXECUTIONS = ("eager", "graph")
# Keras's class names are the kinds' names, and its config keys their parameter names.
KINDS = {kind.split(".", 1)[1]: kind for kind in FAMILIES if kind.startswith("keras.")}
# The parameter whose value sets the dtype Keras computes in (it converts it to a tensor).
DTYPE_PARAMS = ("initial_learning_rate", "values")
SERIALISED_MODULE = "keras.optimizers.schedules"
REGISTERED_NAME = "pysched>PyschedSchedule"


class PyschedSchedule:
    """The learning rate at optimizer iteration ``step`` is pysched's value at
    ``step``, computed by pysched's kernel (``tf.numpy_function``, so also in
    ``tf.function`` and ``model.fit``). Its config is the spec and the
    precision, so it serialises with ``get_config``/``from_config`` and inside
    a saved model. The concrete class of each package, a subclass of this one
    and of the package's ``LearningRateSchedule``, is ``schedule_class(package)``."""

    def __init__(self, spec: dict[str, Any], precision: str = "exact"):
        self.schedule = schedule(spec, precision=precision)

    def __call__(self, step):
        import tensorflow as tf

        dtype = np.dtype(self.schedule.dtype)
        value = tf.numpy_function(lambda t: np.asarray(self.schedule(int(t)), dtype=dtype),
                                  [tf.cast(step, tf.int64)], tf.as_dtype(dtype), stateful=False)
        return tf.reshape(value, [])

    def get_config(self) -> dict[str, Any]:
        return {"spec": self.schedule.to_dict(), "precision": self.schedule.precision}


@functools.cache
def schedule_class(package: str) -> type:
    """``PyschedSchedule`` as a ``LearningRateSchedule`` of ``package`` ("keras"
    or "tf_keras"), registered as "pysched>PyschedSchedule" with that package's
    serialisation registry; one class per package."""
    keras = importlib.import_module(package)
    concrete = type("PyschedSchedule", (PyschedSchedule, keras.optimizers.schedules.LearningRateSchedule),
                    {"__module__": __name__, "__doc__": PyschedSchedule.__doc__})
    return keras.saving.register_keras_serializable(package="pysched")(concrete)


def to_keras(pysched_schedule: Schedule, package: str = "keras") -> PyschedSchedule:
    """``pysched_schedule`` as a ``LearningRateSchedule`` of ``package``: "keras" (Keras 3) or "tf_keras"."""
    if package not in PACKAGES:
        raise ValueError(f"to_keras: package must be 'keras' or 'tf_keras', got {package!r}")
    return schedule_class(package)(pysched_schedule.to_dict(), pysched_schedule.precision)


def from_keras(keras_schedule: Any, *, dtype: str | None = None, execution: str | None = None) -> Schedule:
    """The pysched schedule of a Keras 3 or tf_keras ``LearningRateSchedule``.

    ``keras_schedule`` is one of Keras's own schedules (ExponentialDecay,
    PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay, CosineDecay,
    CosineDecayRestarts), read through ``get_config()``; a schedule made by
    ``Schedule.to_keras``; or either's serialised form, as
    ``keras.optimizers.schedules.serialize`` writes it
    (``{"class_name": ..., "config": ...}``). The class picks the ``keras.*``
    kind, whose parameters are the config's.

    ``dtype`` defaults to the one Keras computes in: that of
    ``initial_learning_rate`` (``values`` for PiecewiseConstantDecay), float32
    for a Python float, float64 for a float64 numpy scalar or tensor.
    ``execution`` ("eager", the default, or "graph") is how TensorFlow will run
    it, which the object does not record; it applies to the families that have
    it (PiecewiseConstantDecay divides nothing, so both run the same
    operations). A schedule of ``to_keras`` keeps its own spec and precision
    unless ``dtype`` or ``execution`` is given.
    """
    if execution is not None and execution not in EXECUTIONS:
        raise ValueError(f"from_keras: execution must be 'eager' or 'graph', got {execution!r}")
    if isinstance(keras_schedule, Mapping):
        class_name, config = _serialised(keras_schedule)
    elif isinstance(keras_schedule, PyschedSchedule):
        class_name, config = "PyschedSchedule", keras_schedule.get_config()
    else:
        class_name, config = _built_in_name(keras_schedule), keras_schedule.get_config()
    if class_name == "PyschedSchedule":
        return schedule(_overridden(dict(config["spec"]), dtype, execution), precision=config["precision"])
    return schedule(_overridden(_spec(KINDS[class_name], config), dtype, execution))


def _overridden(spec: dict[str, Any], dtype: str | None, execution: str | None) -> dict[str, Any]:
    """The spec with the dtype and execution given, the execution only where its family has one."""
    if dtype is not None:
        spec["dtype"] = dtype
    family = FAMILIES.get(spec.get("kind"))
    if execution is not None and family and any(param.name == "execution" for param in family.params):
        spec["execution"] = execution
    return spec


def _serialised(serialised: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    """The class name and config of a serialised schedule, if it is Keras's own or pysched's."""
    class_name, config = serialised.get("class_name"), serialised.get("config")
    if not isinstance(config, Mapping):
        raise TypeError(f"from_keras: a serialised schedule has a 'config' mapping, got {serialised!r}")
    registered = serialised.get("registered_name")
    if class_name == "PyschedSchedule" and registered in (None, REGISTERED_NAME):
        return class_name, config
    if class_name in KINDS and serialised.get("module", SERIALISED_MODULE) == SERIALISED_MODULE and \
            registered in (None, class_name):
        return class_name, config
    raise _unknown_class(f"{class_name!r} (module {serialised.get('module')!r}, registered name {registered!r})")


def _built_in_name(keras_schedule: Any) -> str:
    """The class name of one of Keras's own schedules, exactly that class in
    Keras 3 or tf_keras (already imported, since the object exists)."""
    name = type(keras_schedule).__name__
    for package in PACKAGES:
        keras = sys.modules.get(package)
        if keras is not None and name in KINDS and type(keras_schedule) is getattr(
                keras.optimizers.schedules, name, None):
            return name
    raise _unknown_class(f"{type(keras_schedule).__module__}.{type(keras_schedule).__qualname__}")


def _unknown_class(name: str) -> TypeError:
    return TypeError(f"from_keras: {name} is neither one of Keras's own schedules ({', '.join(KINDS)}) nor "
                     "pysched's PyschedSchedule; a subclass or another class may compute anything, which its "
                     "config does not say")


def _spec(kind: str, config: Mapping[str, Any]) -> dict[str, Any]:
    """The pysched spec of a Keras schedule's config: numbers as Python numbers,
    and the dtype Keras computes in."""
    label = f"from_keras: {kind.split('.', 1)[1]}'s"
    spec: dict[str, Any] = {"kind": kind}
    dtypes = set()
    for key, value in config.items():
        if value is None and key in ("name", "warmup_target"):
            continue  # tf_keras's default name, and no warmup: pysched's defaults
        if key in DTYPE_PARAMS:
            values = value if isinstance(value, (list, tuple)) else [value]
            dtypes |= {_tensor_dtype(f"{label} {key}", item) for item in values}
            spec[key] = [float(item) for item in value] if isinstance(value, (list, tuple)) else float(value)
        else:
            spec[key] = _python_value(f"{label} {key}", value)
    if len(dtypes) > 1:
        raise ValueError(f"{label} values must share one dtype (Keras cannot add them), "
                         f"got {', '.join(sorted(dtypes))}")
    if dtypes:  # else schedule() says what is missing
        spec["dtype"] = dtypes.pop()
    return spec


def _tensor_dtype(label: str, value: Any) -> str:
    """The dtype Keras gives ``value`` as a tensor: float32 for a Python float,
    its own for a numpy scalar or a tensor; an int would make Keras compute in int32."""
    if isinstance(value, float) and not isinstance(value, np.floating):
        return "float32"
    dtype = getattr(value, "dtype", None)
    name = str(getattr(dtype, "name", dtype))  # a numpy or TF dtype's name; a Keras 3 variable's dtype is a str
    if name not in ("float32", "float64"):
        raise TypeError(f"{label} must be a float32 or float64 number (Keras computes in its dtype), got "
                        f"{value!r} ({type(value).__name__ if dtype is None else name})")
    return name


def _python_value(label: str, value: Any) -> Any:
    """A config value as a spec value: Python values as they are, numpy integers and bools as Python's."""
    if isinstance(value, (list, tuple)):
        return [_python_value(label, item) for item in value]
    if isinstance(value, (np.integer, np.bool_)):
        return value.item()
    if isinstance(value, np.generic) or hasattr(value, "dtype"):
        raise TypeError(f"{label} must be a Python number, got {value!r}: Keras's arithmetic on it depends on its "
                        "type, and pysched mirrors Keras's on a Python number")
    return value
