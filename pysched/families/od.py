"""The od namespace: the TF Object Detection API's learning schedules
(``object_detection/utils/learning_schedules.py``, the TF2-era signatures), in
float32, as a graph (a TF1 session, or the TF2 API's ``tf.function`` training
loop) or TF2 eager execution runs them.

The oracle is that file itself, from the tf-models-research-object-detection
2.8.0.post1 package (installed without its dependencies), run on TensorFlow.
"""

from __future__ import annotations

from .._anatomy import Anatomy
from .._family import Native, Params, family
from .._params import Bool, Integer, ListOf, Real, SpecError
from .keras import execution, tf_param

FLOAT32 = ("float32",)
FLOAT32_ONLY = "the API casts to float32"


def oracle(name: str) -> str:
    return (f"object_detection.utils.learning_schedules.{name} (tf-models-research-object-detection 2.8.0.post1) "
            "in a TF1 graph, global_step stepped by GradientDescentOptimizer.minimize")


@family("od.exponential_decay_with_burnin", Real("learning_rate_base"), Real("learning_rate_decay_steps", gt=0),
        Real("learning_rate_decay_factor", ge=0), Real("burnin_learning_rate", 0.0), Integer("burnin_steps", 0),
        Real("min_learning_rate", 0.0), Bool("staircase", True), execution("graph"), dtype="float32",
        dtypes=FLOAT32, dtype_reason=FLOAT32_ONLY, oracle=oracle("exponential_decay_with_burnin"),
        anatomy=Anatomy(base="learning_rate_base", warmup=("burnin_steps",),
                        period=("learning_rate_decay_steps",), period_when="staircase",
                        floor=("min_learning_rate",)))
def exponential_decay_with_burnin(p: Params) -> Native:
    """A constant burn-in rate, then exponential decay, floored at ``min_learning_rate``.

    ```python
    if burnin_learning_rate == 0:
        burnin_learning_rate = learning_rate_base
    post_burnin = learning_rate_base * learning_rate_decay_factor ** (
        (global_step - burnin_steps) / learning_rate_decay_steps)          # floored with staircase
    rate = burnin_learning_rate if int32(global_step) < burnin_steps else post_burnin
    return max(rate, min_learning_rate)
    ```

    The burn-in test casts the step to int32, which wraps past 2**31 - 1: from
    there on, steps whose low 32 bits fall below ``burnin_steps`` (read as a
    signed int32) get the burn-in rate again, as in the API.
    """
    if p.burnin_steps > 2**31 - 1:
        raise SpecError(f"burnin_steps must be <= 2**31 - 1 (compared with an int32 step), got {p.burnin_steps}")
    burnin = p.burnin_learning_rate if p.burnin_learning_rate != 0 else p.learning_rate_base
    return Native("OD_EXPONENTIAL_DECAY_WITH_BURNIN",
                  real=(p.learning_rate_base, tf_param(p, "learning_rate_decay_steps", positive=True),
                        tf_param(p, "learning_rate_decay_factor"), burnin, p.min_learning_rate),
                  integer=(p.burnin_steps, int(p.staircase), int(p.execution == "graph")))


@family("od.cosine_decay_with_warmup", Real("learning_rate_base"), Integer("total_steps"),
        Real("warmup_learning_rate", 0.0), Integer("warmup_steps", 0), Integer("hold_base_rate_steps", 0),
        execution("graph"), dtype="float32", dtypes=FLOAT32, dtype_reason=FLOAT32_ONLY,
        oracle=oracle("cosine_decay_with_warmup"),
        anatomy=Anatomy(base="learning_rate_base", warmup=("warmup_steps",),
                        marks=("warmup_steps + hold_base_rate_steps",), horizon=("total_steps",),
                        ramp=("warmup_learning_rate", "learning_rate_base")))
def cosine_decay_with_warmup(p: Params) -> Native:
    """Linear warmup, a hold at ``learning_rate_base``, a half cosine to 0 at ``total_steps``, then 0.

    ```python
    if global_step > total_steps: return 0.0
    if global_step < warmup_steps:
        return slope * global_step + warmup_learning_rate    # slope = (base - warmup_lr) / warmup_steps
    if global_step <= warmup_steps + hold_base_rate_steps and hold_base_rate_steps > 0:
        return learning_rate_base
    return 0.5 * learning_rate_base * (1 + cos(pi * (global_step - warmup_steps - hold_base_rate_steps)
                                               / float(total_steps - warmup_steps - hold_base_rate_steps)))
    ```

    The API raises if ``total_steps < warmup_steps`` or (with warmup) if
    ``learning_rate_base < warmup_learning_rate``; so does pysched. With
    ``total_steps == warmup_steps + hold_base_rate_steps`` the cosine divides
    0 by 0 at ``total_steps``, where pysched raises.
    """
    if p.total_steps < p.warmup_steps:
        raise SpecError(f"total_steps must be >= warmup_steps ({p.warmup_steps}), got {p.total_steps}")
    if p.warmup_steps > 0 and p.learning_rate_base < p.warmup_learning_rate:
        raise SpecError(f"learning_rate_base must be >= warmup_learning_rate ({p.warmup_learning_rate}), "
                        f"got {p.learning_rate_base}")
    return Native("OD_COSINE_DECAY_WITH_WARMUP", real=(p.learning_rate_base, p.warmup_learning_rate),
                  integer=(p.total_steps, p.warmup_steps, p.hold_base_rate_steps, int(p.execution == "graph")))


@family("od.manual_stepping", ListOf("boundaries", item=Integer("boundary", ge=1), increasing=True, min_length=0),
        ListOf("rates", item=Real("rate")), Bool("warmup", False), dtype="float32", dtypes=FLOAT32,
        dtype_reason=FLOAT32_ONLY, oracle=oracle("manual_stepping"),
        anatomy=Anatomy(edges=("boundaries",)))
def manual_stepping(p: Params) -> Native:
    """Piecewise constant rates switching at each boundary, optionally with a linear warmup to ``rates[1]``.

    ```python
    rate = rates[number of boundaries <= global_step]
    # warmup: before boundaries[0], rates[0] + (rates[1] - rates[0]) / boundaries[0] * global_step
    ```

    The rates become float32 (a warmup rate is computed in double first).
    Boundaries must be positive and strictly increasing, and there must be one
    more rate than boundaries, as the API demands.
    """
    if len(p.rates) != len(p.boundaries) + 1:
        raise SpecError(f"rates must have one more element than boundaries ({len(p.boundaries)}), got {len(p.rates)}")
    return Native("OD_MANUAL_STEPPING", real=tuple(p.rates), integer=(*p.boundaries, int(p.warmup)))
