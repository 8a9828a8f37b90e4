"""The benchmarked schedules, one or more per namespace, and every contender
that computes the same values another way: the formula as a user would write
it in numpy and in torch tensor ops, the framework's own schedule on a whole
tensor of steps (Keras or TF under ``tf.function``, optax under ``jax.jit``),
and the framework stepped one update at a time, the way schedules are
previewed today.

A contender is built once per size, outside the timed region: ``build(steps)``
returns the call to time, which returns the values. Steps are ``0 .. n-1``, so
numpy's best idiomatic form may fill slices.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

Builder = Callable[[np.ndarray], Callable[[], object]]

W = 10**4         # warmup steps
T = 10**7         # horizon: every size fits in it
BOUNDARIES = [1000, 10**4, 10**5, 10**6]
VALUES = [1.0, 0.5, 0.1, 0.05, 0.01]


@dataclass(frozen=True)
class Bench:
    spec: dict
    formula: Callable  # formula(xp, t): the values from float steps t, in numpy's or torch's namespace
    numpy_best: Callable | None = None  # numpy's faster idiom where there is one: (t_int, out) -> out
    native: dict[str, Callable[[], Builder]] = field(default_factory=dict)  # framework -> builder factory
    loop: Callable[[int], Callable[[], list]] | None = None  # the framework stepped n times

    @property
    def dtype(self) -> str:
        import pysched

        return pysched.schedule(self.spec).dtype


# --- the formulas, written once for numpy and torch ---------------------------------------------

def exponential(xp, t):
    return 0.1 * 0.96 ** (t / 1000)


def exponential_staircase(xp, t):
    return 0.1 * 0.96 ** xp.floor(t / 1000)


def warmup_cosine_floor(xp, t, alpha=0.01):
    decayed = (1 - alpha) * 0.5 * (1 + xp.cos(math.pi * _minimum(xp, t - W, T) / T)) + alpha
    return xp.where(t < W, 0.1 * (t / W), 0.1 * decayed)


def piecewise(xp, t):
    if xp is np:
        return np.asarray(VALUES, dtype=t.dtype)[np.searchsorted(BOUNDARIES, t, side="left")]
    return xp.tensor(VALUES, dtype=t.dtype)[xp.bucketize(t, xp.tensor(BOUNDARIES, dtype=t.dtype))]


def polynomial(xp, t, end=0.001):
    return (0.1 - end) * (1 - _minimum(xp, t, 10**6) / 10**6) ** 2 + end


def od_cosine_warmup(xp, t, base=0.04, warm=0.01, hold=1000):
    cosine = 0.5 * base * (1 + xp.cos(math.pi * (t - W - hold) / (T - W - hold)))
    held = xp.where(t > W + hold, cosine, base)
    return xp.where(t < W, (base - warm) / W * t + warm, held)


def hf_linear_warmup(xp, t, lr=0.001):
    return xp.where(t < W, lr * (t / W), lr * _maximum(xp, (T - t) / (T - W), 0.0))


def cosine_annealing(xp, t, lr=0.1):
    return lr * (1 + xp.cos(math.pi * t / T)) / 2


def optax_warmup_cosine(xp, t, peak=0.1, end=0.001):
    count = _minimum(xp, t - W, T - W)
    decayed = (1 - end / peak) * (0.5 * (1 + xp.cos(math.pi * count / (T - W)))) + end / peak
    return xp.where(t < W, peak * (t / W), peak * decayed)


def warmup_then_annealing(xp, t):
    return xp.where(t < W, 0.1 * (t / W), cosine_annealing(xp, t - W))


def lf(xp, t, lr0=0.01, lrf=0.01):
    return lr0 * (((1 + xp.cos(t * math.pi / T)) / 2) * (1 - lrf) + lrf)


def _minimum(xp, t, bound):
    return np.minimum(t, bound) if xp is np else xp.clamp(t, max=bound)


def _maximum(xp, t, bound):
    return np.maximum(t, bound) if xp is np else xp.clamp(t, min=bound)


# --- numpy's faster idioms for constant stretches ----------------------------------------------

def staircase_by_repeat(t, out):
    stairs = 0.1 * 0.96 ** np.arange(len(t) // 1000 + 1, dtype=np.float64)
    out[:] = np.repeat(stairs, 1000)[: len(t)]
    return out


def piecewise_by_slices(t, out):
    edges = [0, *(b + 1 for b in BOUNDARIES), len(t)]
    for value, start, stop in zip(VALUES, edges, edges[1:], strict=False):
        out[min(start, len(t)):min(stop, len(t))] = value
    return out


# --- the frameworks' own schedules on a tensor of steps ----------------------------------------

def tf_function(make_schedule: Callable[[], Callable]) -> Builder:
    """A TF or Keras schedule applied to the whole int64 step tensor under tf.function."""
    import tensorflow as tf

    schedule = make_schedule()
    compiled = tf.function(schedule)

    def build(steps):
        tensor = tf.constant(steps)
        compiled(tensor)  # trace once, outside the timed region
        return lambda: compiled(tensor)

    return build


def keras_schedule(name: str, **params) -> Callable[[], Builder]:
    def factory() -> Builder:
        import keras

        args = {k: np.float64(v) if isinstance(v, float) else v for k, v in params.items()}
        return tf_function(lambda: getattr(keras.optimizers.schedules, name)(**args))

    return factory


def tf1_polynomial() -> Builder:
    import tensorflow as tf

    return tf_function(lambda: lambda t: tf.compat.v1.train.polynomial_decay(0.1, t, 10**6, 0.001, power=2.0))


def od_cosine() -> Builder:
    import tensorflow as tf
    from object_detection.utils import learning_schedules

    def at(step):  # its tf.where takes scalar branches: one step at a time, vectorised by pfor
        return learning_schedules.cosine_decay_with_warmup(step, 0.04, T, warmup_learning_rate=0.01,
                                                           warmup_steps=W, hold_base_rate_steps=1000)

    return tf_function(lambda: lambda t: tf.vectorized_map(at, t))


def optax_jit(make: Callable[[], Callable]) -> Callable[[], Builder]:
    """An optax schedule on the whole step array under jax.jit (float32: JAX's
    default), compiled outside the timed region; the compile time is reported."""

    def factory() -> Builder:
        import time

        import jax

        schedule = make()

        def build(steps):
            counts = jax.numpy.asarray(steps.astype(np.int32))
            started = time.perf_counter()
            compiled = jax.jit(schedule).lower(counts).compile()
            build.compile_seconds = time.perf_counter() - started
            return lambda: compiled(counts).block_until_ready()

        return build

    return factory


def _optax(name: str, *args, **kwargs) -> Callable[[], Callable]:
    def make():
        import optax

        return getattr(optax, name)(*args, **kwargs)

    return make


# --- the frameworks stepped one update at a time -----------------------------------------------

def keras_calls(name: str, **params) -> Callable[[int], Callable[[], list]]:
    def loop(n: int):
        import keras

        schedule = getattr(keras.optimizers.schedules, name)(**params)
        return lambda: [float(schedule(step)) for step in range(n)]

    return loop


def torch_steps(make_scheduler: Callable, lr: float) -> Callable[[int], Callable[[], list]]:
    """scheduler.step() over a dummy optimizer, reading the lr each step."""

    def loop(n: int):
        import torch

        def run():
            optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
            scheduler = make_scheduler(optimizer)
            values = []
            for _ in range(n):
                values.append(optimizer.param_groups[0]["lr"])
                optimizer.step()
                scheduler.step()
            return values

        return run

    return loop


def optax_calls(make: Callable[[], Callable]) -> Callable[[int], Callable[[], list]]:
    def loop(n: int):
        schedule = make()
        return lambda: [float(schedule(count)) for count in range(n)]

    return loop


def _cosine_annealing(optimizer):
    import torch

    return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=T)


def _hf_linear(optimizer):
    import transformers

    return transformers.get_linear_schedule_with_warmup(optimizer, W, T)


def _yolo_lf(optimizer):
    import torch

    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda x: ((1 + math.cos(x * math.pi / T)) / 2) * 0.99 + 0.01)


KERAS_EXPONENTIAL = {"initial_learning_rate": 0.1, "decay_steps": 1000, "decay_rate": 0.96}
KERAS_COSINE = {"initial_learning_rate": 0.0, "decay_steps": T, "alpha": 0.01, "warmup_target": 0.1, "warmup_steps": W}
KERAS_PIECEWISE = {"boundaries": BOUNDARIES, "values": VALUES}
# optax scales at count >= boundary, Keras moves on at step > boundary.
OPTAX_SCALES = {b + 1: after / before for b, before, after in zip(BOUNDARIES, VALUES, VALUES[1:], strict=False)}
OPTAX_PIECEWISE = _optax("piecewise_constant_schedule", 1.0, OPTAX_SCALES)
OPTAX_WARMUP_COSINE = _optax("warmup_cosine_decay_schedule", 0.0, 0.1, W, T, 0.001)

BENCHES: dict[str, Bench] = {
    "keras exponential": Bench(
        {"kind": "keras.ExponentialDecay", **KERAS_EXPONENTIAL, "dtype": "float64"}, exponential,
        native={"keras": keras_schedule("ExponentialDecay", **KERAS_EXPONENTIAL),
                "optax": optax_jit(_optax("exponential_decay", 0.1, 1000, 0.96))},
        loop=keras_calls("ExponentialDecay", **KERAS_EXPONENTIAL)),
    "keras exponential staircase": Bench(
        {"kind": "keras.ExponentialDecay", **KERAS_EXPONENTIAL, "staircase": True, "dtype": "float64"},
        exponential_staircase, numpy_best=staircase_by_repeat,
        native={"keras": keras_schedule("ExponentialDecay", **KERAS_EXPONENTIAL, staircase=True),
                "optax": optax_jit(_optax("exponential_decay", 0.1, 1000, 0.96, staircase=True))},
        loop=keras_calls("ExponentialDecay", **KERAS_EXPONENTIAL, staircase=True)),
    "keras warmup cosine floor": Bench(
        {"kind": "keras.CosineDecay", **KERAS_COSINE, "dtype": "float64"}, warmup_cosine_floor,
        # Keras's CosineDecay with warmup branches with ops.cond: it takes one scalar step at a time;
        # optax's warmup cosine is the same curve to within its decay_steps counting the warmup.
        native={"optax": optax_jit(OPTAX_WARMUP_COSINE)},
        loop=keras_calls("CosineDecay", **KERAS_COSINE)),
    "keras piecewise constant": Bench(
        {"kind": "keras.PiecewiseConstantDecay", **KERAS_PIECEWISE, "dtype": "float64"}, piecewise,
        numpy_best=piecewise_by_slices,
        native={"keras": keras_schedule("PiecewiseConstantDecay", **KERAS_PIECEWISE),
                "optax": optax_jit(OPTAX_PIECEWISE)},
        loop=keras_calls("PiecewiseConstantDecay", **KERAS_PIECEWISE)),
    "tf1 polynomial": Bench(
        {"kind": "tf1.polynomial_decay", "learning_rate": 0.1, "decay_steps": 10**6, "end_learning_rate": 0.001,
         "power": 2.0}, polynomial, native={"tf": tf1_polynomial}),
    "od cosine warmup": Bench(
        {"kind": "od.cosine_decay_with_warmup", "learning_rate_base": 0.04, "total_steps": T,
         "warmup_learning_rate": 0.01, "warmup_steps": W, "hold_base_rate_steps": 1000},
        od_cosine_warmup, native={"tf": od_cosine}),
    "hf linear warmup": Bench(
        {"kind": "hf.linear_with_warmup", "lr": 0.001, "num_warmup_steps": W, "num_training_steps": T,
         "dtype": "float64"}, hf_linear_warmup, loop=torch_steps(_hf_linear, 0.001)),
    "torch cosine annealing": Bench(
        {"kind": "torch.CosineAnnealingLR", "lr": 0.1, "T_max": T}, cosine_annealing,
        loop=torch_steps(_cosine_annealing, 0.1)),
    "optax warmup cosine": Bench(
        {"kind": "optax.warmup_cosine_decay", "init_value": 0.0, "peak_value": 0.1, "warmup_steps": W,
         "decay_steps": T, "end_value": 0.001}, optax_warmup_cosine,
        native={"optax": optax_jit(OPTAX_WARMUP_COSINE)}, loop=optax_calls(OPTAX_WARMUP_COSINE)),
    "pysched warmup then annealing": Bench(
        {"kind": "pysched.sequential", "boundaries": [W], "dtype": "float64", "schedules": [
            {"kind": "hf.linear_with_warmup", "lr": 0.1, "num_warmup_steps": W, "num_training_steps": 2 * W},
            {"kind": "torch.CosineAnnealingLR", "lr": 0.1, "T_max": T, "closed_form": True}]},
        warmup_then_annealing),
    "seed lf": Bench(
        {"kind": "seed.lf", "lr0": 0.01, "epochs": T, "lrf": 0.01, "dtype": "float64"}, lf,
        native={"optax": optax_jit(_optax("cosine_decay_schedule", 0.01, T, 0.01))},
        loop=torch_steps(_yolo_lf, 0.01)),
}
