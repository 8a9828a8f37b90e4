"""The pysched namespace: compositions of schedules of any namespace.

No framework has these, so their definition is their oracle, checked by
property tests (tests/test_pysched_namespace.py). Each child keeps its own
arithmetic and dtype; the composition converts the child's value to its own
dtype (float64 by default, which holds any child's value exactly) and
computes in it. The kernel walks the composition itself: no Python runs per
step, and a child that replays its recurrence still replays it once per call.
"""

from __future__ import annotations

from itertools import pairwise

from .._anatomy import Composition
from .._family import Child, Children, Native, Params, family
from .._params import Integer, ListOf, Real, SpecError

ORACLE = "its definition (property tests; no framework has it)"
DTYPE_NOTE = "float32 rounds a float64 child's value to float32 first."


SCHEDULES = Children("schedules", doc="specs of any namespace, one after another")
SCHEDULE = Child("schedule", doc="a spec of any namespace")


@family("pysched.sequential", SCHEDULES, ListOf("boundaries", item=Integer("boundary"), min_length=0,
               doc="the step at which each schedule after the first takes over"),
        dtype="float64", oracle=ORACLE, notes=DTYPE_NOTE,
        composition=Composition("schedules", boundaries="boundaries"))
def sequential(p: Params) -> Native:
    """``schedules[i]`` from ``boundaries[i - 1]`` on, restarted at its own step 0.

    ```python
    value(t) = schedules[i](t - boundaries[i - 1])   # boundaries[i - 1] <= t < boundaries[i]
    ```

    Unlike ``torch.SequentialLR``, which steps its schedulers on a shared
    optimizer, each schedule here is the function of its own steps that it is
    alone; unlike ``optax.join``, steps are not counted in int32.
    """
    if len(p.boundaries) != len(p.schedules) - 1:
        raise SpecError(f"boundaries must have one element fewer than schedules ({len(p.schedules)}), "
                        f"got {len(p.boundaries)}")
    if any(b < a for a, b in pairwise(p.boundaries)):
        raise SpecError(f"boundaries must not decrease, got {p.boundaries}")
    children = SCHEDULES.natives(p.schedules, {})
    return Native("PYSCHED_SEQUENTIAL", integer=tuple(p.boundaries), children=children)


@family("pysched.scale", SCHEDULE, Real("factor", doc="the multiplier"), dtype="float64", oracle=ORACLE,
        notes=DTYPE_NOTE,
        composition=Composition("schedule"))
def scale(p: Params) -> Native:
    """``value(t) = schedule(t) * factor``, one rounding in the composition's dtype."""
    return Native("PYSCHED_SCALE", real=(p.factor,), children=(SCHEDULE.native(p.schedule, {}),))


@family("pysched.clamp", SCHEDULE, Real("min_value", None, doc="the floor, if any"),
        Real("max_value", None, doc="the ceiling, if any"), dtype="float64", oracle=ORACLE, notes=DTYPE_NOTE,
        composition=Composition("schedule"))
def clamp(p: Params) -> Native:
    """``value(t) = min(max(schedule(t), min_value), max_value)``, each bound only if given.

    The bounds are rounded to the composition's dtype; a value between them is
    the child's, unchanged.
    """
    if p.min_value is not None and p.max_value is not None and p.min_value > p.max_value:
        raise SpecError(f"max_value must be >= min_value ({p.min_value}), got {p.max_value}")
    bounds = (p.min_value or 0.0, p.max_value or 0.0)
    given = (p.min_value is not None, p.max_value is not None)
    return Native("PYSCHED_CLAMP", real=bounds, integer=given, children=(SCHEDULE.native(p.schedule, {}),))
