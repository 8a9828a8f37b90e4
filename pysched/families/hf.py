"""The hf namespace: transformers' ``get_*_schedule*`` functions (transformers/optimization.py),
LambdaLR lambdas that scale the optimizer's ``lr``.

dtype float64 is Python-float arithmetic (a float lr); float32 is LambdaLR with
a float32 tensor lr: ``lr * lambda`` in float32.
"""

from __future__ import annotations

from .._anatomy import Anatomy
from .._family import Native, Params, family
from .._params import Choice, Integer, Real, SpecError

LR = Real("lr", ge=0, doc="the optimizer's learning rate")
NUM_WARMUP_STEPS = Integer("num_warmup_steps")
NUM_TRAINING_STEPS = Integer("num_training_steps")
HF_DECAY = Anatomy(base="lr", warmup=("num_warmup_steps",), horizon=("num_training_steps",))


def oracle(function: str) -> str:
    return f"transformers.{function} (a LambdaLR) on a torch SGD optimizer"


@family("hf.constant_with_warmup", LR, NUM_WARMUP_STEPS, dtype="float64",
        oracle=oracle("get_constant_schedule_with_warmup"),
        anatomy=Anatomy(base="lr", warmup=("num_warmup_steps",)))
def constant_with_warmup(p: Params) -> Native:
    """Linear warmup from 0, then constant.

    ```python
    def lr_lambda(current_step):
        if current_step < num_warmup_steps:
            return float(current_step) / float(max(1.0, num_warmup_steps))
        return 1.0
    ```
    """
    return Native("HF_CONSTANT_WITH_WARMUP", real=(p.lr,), integer=(p.num_warmup_steps,))


@family("hf.linear_with_warmup", LR, NUM_WARMUP_STEPS, NUM_TRAINING_STEPS, dtype="float64",
        oracle=oracle("get_linear_schedule_with_warmup"),
        anatomy=HF_DECAY)
def linear_with_warmup(p: Params) -> Native:
    """Linear warmup from 0, then linear decay to 0 at ``num_training_steps``.

    ```python
    def lr_lambda(current_step):
        if current_step < num_warmup_steps:
            return float(current_step) / float(max(1, num_warmup_steps))
        return max(0.0, float(num_training_steps - current_step)
                        / float(max(1, num_training_steps - num_warmup_steps)))
    ```
    """
    return Native("HF_LINEAR_WITH_WARMUP", real=(p.lr,), integer=(p.num_warmup_steps, p.num_training_steps))


@family("hf.cosine_with_warmup", LR, NUM_WARMUP_STEPS, NUM_TRAINING_STEPS, Real("num_cycles", 0.5),
        dtype="float64", oracle=oracle("get_cosine_schedule_with_warmup"),
        anatomy=HF_DECAY)
def cosine_with_warmup(p: Params) -> Native:
    """Linear warmup from 0, then a cosine of ``num_cycles`` periods (a half by default).

    ```python
    def lr_lambda(current_step):
        if current_step < num_warmup_steps:
            return float(current_step) / float(max(1, num_warmup_steps))
        progress = float(current_step - num_warmup_steps) / float(max(1, num_training_steps - num_warmup_steps))
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress)))
    ```

    Past ``num_training_steps`` the cosine goes on, climbing back up.
    """
    return Native("HF_COSINE_WITH_WARMUP", real=(p.lr, p.num_cycles),
                  integer=(p.num_warmup_steps, p.num_training_steps))


@family("hf.cosine_with_hard_restarts_with_warmup", LR, NUM_WARMUP_STEPS, NUM_TRAINING_STEPS,
        Real("num_cycles", 1, ge=0), dtype="float64",
        oracle=oracle("get_cosine_with_hard_restarts_schedule_with_warmup"),
        anatomy=HF_DECAY)
def cosine_with_hard_restarts_with_warmup(p: Params) -> Native:
    """Linear warmup from 0, then ``num_cycles`` half cosines, each restarting at 1; 0 from the end.

    ```python
    def lr_lambda(current_step):
        if current_step < num_warmup_steps:
            return float(current_step) / float(max(1, num_warmup_steps))
        progress = float(current_step - num_warmup_steps) / float(max(1, num_training_steps - num_warmup_steps))
        if progress >= 1.0:
            return 0.0
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * ((float(num_cycles) * progress) % 1.0))))
    ```
    """
    return Native("HF_COSINE_WITH_HARD_RESTARTS_WITH_WARMUP", real=(p.lr, p.num_cycles),
                  integer=(p.num_warmup_steps, p.num_training_steps))


@family("hf.polynomial_decay_with_warmup", LR, NUM_WARMUP_STEPS, NUM_TRAINING_STEPS, Real("lr_end", 1e-7),
        Real("power", 1.0), dtype="float64", dtypes=("float64",),
        dtype_reason="with a float32 tensor lr the lambda computes with tensors; pysched mirrors a float lr",
        raises="the division by num_training_steps - num_warmup_steps raises ZeroDivisionError",
        oracle=oracle("get_polynomial_decay_schedule_with_warmup"),
        anatomy=Anatomy(base="lr", warmup=("num_warmup_steps",), horizon=("num_training_steps",), floor=("lr_end",)))
def polynomial_decay_with_warmup(p: Params) -> Native:
    """Linear warmup from 0, then polynomial decay from ``lr`` to ``lr_end``, held after.

    ```python
    def lr_lambda(current_step):     # lr_init is the optimizer's lr
        if current_step < num_warmup_steps:
            return float(current_step) / float(max(1, num_warmup_steps))
        elif current_step > num_training_steps:
            return lr_end / lr_init
        pct_remaining = 1 - (current_step - num_warmup_steps) / (num_training_steps - num_warmup_steps)
        return ((lr_init - lr_end) * pct_remaining**power + lr_end) / lr_init
    ```

    LambdaLR multiplies by ``lr`` again, so the value is
    ``lr * (decay / lr)``, not ``decay``. transformers requires ``lr > lr_end``.
    When ``num_training_steps == num_warmup_steps`` the lambda divides by zero
    at that step, and pysched raises there. float64 only: with a float32
    tensor lr, the lambda itself would compute with tensors.
    """
    if not p.lr > p.lr_end:
        raise SpecError(f"lr_end must be smaller than lr ({p.lr}), got {p.lr_end}")
    return Native("HF_POLYNOMIAL_DECAY_WITH_WARMUP", real=(p.lr, p.lr_end, p.power),
                  integer=(p.num_warmup_steps, p.num_training_steps))


@family("hf.inverse_sqrt", LR, NUM_WARMUP_STEPS, Integer("timescale", None, ge=1), dtype="float64",
        oracle=oracle("get_inverse_sqrt_schedule"),
        anatomy=Anatomy(base="lr", warmup=("num_warmup_steps",)))
def inverse_sqrt(p: Params) -> Native:
    """Linear warmup from 0, then decay with the inverse square root of the step.

    ```python
    timescale = timescale or num_warmup_steps or 10_000
    def lr_lambda(current_step):
        if current_step < num_warmup_steps:
            return float(current_step) / float(max(1, num_warmup_steps))
        shift = timescale - num_warmup_steps
        return 1.0 / math.sqrt((current_step + shift) / timescale)
    ```
    """
    timescale = p.timescale if p.timescale is not None else (p.num_warmup_steps or 10_000)
    return Native("HF_INVERSE_SQRT", real=(p.lr,), integer=(p.num_warmup_steps, timescale))


WSD_TYPES = ("linear", "cosine", "1-sqrt")


@family("hf.wsd", LR, NUM_WARMUP_STEPS, Integer("num_decay_steps"), Integer("num_training_steps", None),
        Integer("num_stable_steps", None), Choice("warmup_type", "linear", choices=WSD_TYPES),
        Choice("decay_type", "cosine", choices=WSD_TYPES), Real("min_lr_ratio", 0), Real("num_cycles", 0.5),
        dtype="float64", oracle=oracle("get_wsd_schedule"),
        anatomy=Anatomy(base="lr", warmup=("num_warmup_steps",),
                        horizon=("num_warmup_steps + num_stable_steps + num_decay_steps", "num_training_steps"),
                        marks=("num_warmup_steps + num_stable_steps", "num_training_steps - num_decay_steps")))
def wsd(p: Params) -> Native:
    """Warmup-stable-decay: a warmup, ``num_stable_steps`` at ``lr``, a decay to ``min_lr_ratio * lr``.

    ```python
    def lr_lambda(current_step):
        if current_step < num_warmup_steps:                    # warmup_type ramp from min_lr_ratio to 1
            ...
        if current_step < num_warmup_steps + num_stable_steps:
            return 1.0
        if current_step < num_warmup_steps + num_stable_steps + num_decay_steps:
            ...                                                # decay_type ramp from 1 to min_lr_ratio
        return min_lr_ratio
    ```

    Ramps: linear, cosine (``0.5 * (1 - cos(pi * progress))`` up,
    ``0.5 * (1 + cos(pi * num_cycles * 2 * progress))`` down) and 1-sqrt; each
    is then scaled as ``factor * (1 - min_lr_ratio) + min_lr_ratio`` and
    clipped at 0. ``num_stable_steps`` defaults to
    ``num_training_steps - num_warmup_steps - num_decay_steps``.
    """
    stable = p.num_stable_steps
    if stable is None:
        if p.num_training_steps is None:
            raise SpecError("either num_training_steps or num_stable_steps must be given")
        stable = p.num_training_steps - p.num_warmup_steps - p.num_decay_steps
        if stable < 0:
            raise SpecError(f"num_training_steps must be >= num_warmup_steps + num_decay_steps "
                            f"({p.num_warmup_steps + p.num_decay_steps}), got {p.num_training_steps}")
    return Native("HF_WSD", real=(p.lr, p.min_lr_ratio, p.num_cycles),
                  integer=(p.num_warmup_steps, stable, p.num_decay_steps, WSD_TYPES.index(p.warmup_type),
                           WSD_TYPES.index(p.decay_type)))
