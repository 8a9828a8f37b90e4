"""The optax namespace: ``optax.schedules`` (optax/schedules/_schedule.py and
_join.py) as JAX evaluates them op by op on the CPU.

That is float32 arithmetic in the source's order, glibc's ``cosf`` and ``powf``,
denormals flushed to zero (XLA's CPU client runs with FTZ and DAZ set), and an
int32 step count that stops at 2**31 - 1 (optax's ``safe_int32_increment``).
Arguments that are Python numbers keep Python's arithmetic until JAX sees
them: ``init_value - end_value`` and ``1 - alpha`` are float64 differences
rounded once to float32, and an int ``power`` or ``exponent`` is jax's
``integer_pow`` (repeated multiplication) where a float one is ``powf``: 2 and
2.0 are different schedules, as in optax.

Where optax logs and falls back (``transition_steps <= 0`` or ``decay_rate ==
0``: a constant ``init_value``; ``transition_begin < 0``: 0), so does pysched.
"""

from __future__ import annotations

import math
from itertools import accumulate

from .._anatomy import Anatomy, Composition
from .._family import Children, Native, Params, family
from .._params import MAX_INT32, Bool, DictOf, Integer, ListOf, Real, SpecError

DTYPE_REASON = "optax computes in float32 under JAX's defaults; pysched does not mirror jax_enable_x64"
INIT_VALUE = Real("init_value", doc="the value at step 0")
PEAK_VALUE = Real("peak_value", doc="the value at the end of the warmup")
POWER_BOUND = {"ge": -MAX_INT32, "le": MAX_INT32}
TRANSITION_STEPS = Integer("transition_steps", ge=None, le=MAX_INT32,
                           doc="the length of the transition; <= 0 holds init_value")
TRANSITION_BEGIN = Integer("transition_begin", 0, ge=None, le=MAX_INT32,
                           doc="steps held at init_value first; < 0 counts as 0")
WARMUP_STEPS = Integer("warmup_steps", le=MAX_INT32, doc="the length of the linear warmup from init_value")
DECAY_RATE = Real("decay_rate", ge=0, doc="the factor per transition_steps; 0 holds init_value")
STAIRCASE = Bool("staircase", False, doc="decay in whole transition_steps")
END_VALUE_BOUND = Real("end_value", None, doc="a floor when decaying, a ceiling when growing")
EXPONENT = Real("exponent", 1.0, **POWER_BOUND, doc="the power of the cosine decay factor")
PCT_START = Real("pct_start", 0.3, ge=0, le=1, doc="the fraction of transition_steps spent rising")
DIV_FACTOR = Real("div_factor", 25.0, gt=0, doc="peak_value / div_factor is the first value")
FINAL_DIV_FACTOR = Real("final_div_factor", 1e4, gt=0, doc="how far below the first value the last one is")
OPTAX_LINE = Anatomy(base="init_value", marks=("transition_begin",),
                     horizon=("transition_begin + transition_steps",), floor=("end_value",))


def optax_family(kind: str, *params, function: str, **options):
    """Register an optax family: float32 only, its oracle ``optax.<function>``."""
    return family(f"optax.{kind}", *params, dtype="float32", dtypes=("float32",), dtype_reason=DTYPE_REASON,
                  oracle=f"optax.{function} under JAX on the CPU, applied by optax.sgd updates", **options)


def constant_native(value: float) -> Native:
    return Native("OPTAX_CONSTANT", real=(value,))


def polynomial_native(init_value: float, end_value: float, power: float, transition_steps: int,
                      transition_begin: int = 0) -> Native:
    if transition_steps <= 0:
        return constant_native(init_value)
    return Native("OPTAX_POLYNOMIAL", real=(init_value, end_value, power),
                  integer=(transition_steps, max(transition_begin, 0), isinstance(power, int)))


def exponential_decay_native(p: Params, init_value: float) -> Native:
    if p.transition_steps <= 0 or p.decay_rate == 0:
        return constant_native(init_value)
    has_end = p.end_value is not None
    return Native("OPTAX_EXPONENTIAL_DECAY", real=(init_value, p.decay_rate, p.end_value if has_end else 0.0),
                  integer=(p.transition_steps, max(p.transition_begin, 0), p.staircase, has_end))


def cosine_decay_native(init_value: float, decay_steps: float, alpha: float, exponent: float) -> Native:
    return Native("OPTAX_COSINE_DECAY", real=(init_value, decay_steps, alpha, exponent),
                  integer=(isinstance(exponent, int),))


def join_native(schedules: tuple[Native, ...], boundaries: list[int]) -> Native:
    return Native("OPTAX_JOIN", integer=tuple(boundaries), children=schedules)


def warmup_native(p: Params, then: Native) -> Native:
    """A linear warmup from init_value to peak_value, joined to ``then`` at warmup_steps."""
    warmup = polynomial_native(p.init_value, p.peak_value, 1, p.warmup_steps)
    return join_native((warmup, then), [p.warmup_steps])


@optax_family("constant", Real("value"), function="constant_schedule",
              anatomy=Anatomy(base="value", constant=True))
def constant(p: Params) -> Native:
    """``value`` at every step: ``lambda count: value``."""
    return constant_native(p.value)


@optax_family("polynomial", INIT_VALUE, Real("end_value"), Real("power", **POWER_BOUND), TRANSITION_STEPS,
              TRANSITION_BEGIN, function="polynomial_schedule",
              anatomy=OPTAX_LINE)
def polynomial(p: Params) -> Native:
    """A polynomial transition from ``init_value`` to ``end_value``, held after.

    ```python
    count = jnp.clip(count - transition_begin, 0, transition_steps)
    frac = 1 - count / transition_steps
    return (init_value - end_value) * (frac**power) + end_value
    ```

    A negative ``power`` is inf at the end of the transition, where pysched
    raises.
    """
    return polynomial_native(p.init_value, p.end_value, p.power, p.transition_steps, p.transition_begin)


@optax_family("linear", INIT_VALUE, Real("end_value"), TRANSITION_STEPS, TRANSITION_BEGIN,
              function="linear_schedule",
              anatomy=OPTAX_LINE)
def linear(p: Params) -> Native:
    """``optax.polynomial`` with the int power 1: a straight line from ``init_value``
    to ``end_value`` over ``transition_steps``, held after."""
    return polynomial_native(p.init_value, p.end_value, 1, p.transition_steps, p.transition_begin)


@optax_family("exponential_decay", INIT_VALUE, TRANSITION_STEPS, DECAY_RATE, TRANSITION_BEGIN, STAIRCASE,
              END_VALUE_BOUND, function="exponential_decay",
              anatomy=Anatomy(base="init_value", marks=("transition_begin",), period=("transition_steps",),
                              period_when="staircase", floor=("end_value",)))
def exponential_decay(p: Params) -> Native:
    """``init_value * decay_rate ** ((count - transition_begin) / transition_steps)``.

    ```python
    decreased_count = count - transition_begin
    p = decreased_count / transition_steps
    if staircase: p = jnp.floor(p)
    decayed_value = jnp.where(decreased_count <= 0, init_value,
                              init_value * jnp.power(decay_rate, p))
    if end_value is not None:   # jnp.maximum if decay_rate < 1 else jnp.minimum
        decayed_value = clip_fn(decayed_value, end_value)
    ```

    A negative ``decay_rate`` (NaN or alternating signs in optax) is refused.
    """
    return exponential_decay_native(p, p.init_value)


@optax_family("piecewise_constant", INIT_VALUE,
              DictOf("boundaries_and_scales", None, key=Integer("step", le=MAX_INT32), item=Real("scale", ge=0),
                     doc="{step: scale}: from each step on, the value is multiplied by its scale"),
              function="piecewise_constant_schedule",
              anatomy=Anatomy(base="init_value", edges=("boundaries_and_scales",)))
def piecewise_constant(p: Params) -> Native:
    """``init_value`` times the scales of every boundary reached (it switches at the boundary itself).

    ```python
    v = init_value
    for threshold, scale in sorted(boundaries_and_scales.items()):
        indicator = jnp.maximum(0.0, jnp.sign(threshold - count))
        v = v * indicator + (1 - indicator) * scale * v
    ```
    """
    pieces = p.boundaries_and_scales or {}
    return Native("OPTAX_PIECEWISE_CONSTANT", real=(p.init_value, *pieces.values()), integer=tuple(pieces))


@optax_family("cosine_decay", INIT_VALUE, Real("decay_steps", gt=0), Real("alpha", 0.0), EXPONENT,
              function="cosine_decay_schedule",
              anatomy=Anatomy(base="init_value", horizon=("decay_steps",)))
def cosine_decay(p: Params) -> Native:
    """A half cosine from ``init_value`` to ``alpha * init_value`` over ``decay_steps``, held after.

    ```python
    count = jnp.minimum(count, decay_steps)     # decay_steps as a float
    cosine_decay = 0.5 * (1 + jnp.cos(jnp.pi * count / decay_steps))
    decayed = (1 - alpha) * cosine_decay**exponent + alpha
    return init_value * decayed
    ```
    """
    return cosine_decay_native(p.init_value, p.decay_steps, p.alpha, p.exponent)


@optax_family("warmup_cosine_decay", INIT_VALUE, PEAK_VALUE, WARMUP_STEPS, Integer("decay_steps", le=MAX_INT32),
              Real("end_value", 0.0), EXPONENT, function="warmup_cosine_decay_schedule",
              anatomy=Anatomy(base="peak_value", warmup=("warmup_steps",), horizon=("decay_steps",),
                              ramp=("init_value", "peak_value"), floor=("end_value",)))
def warmup_cosine_decay(p: Params) -> Native:
    """A linear warmup to ``peak_value``, then a cosine decay to ``end_value`` that ends at ``decay_steps``.

    ```python
    alpha = 0.0 if peak_value == 0.0 else end_value / peak_value
    join_schedules([linear_schedule(init_value, peak_value, warmup_steps),
                    cosine_decay_schedule(peak_value, decay_steps - warmup_steps, alpha, exponent)],
                   [warmup_steps])
    ```
    """
    if p.decay_steps <= p.warmup_steps:
        raise SpecError(f"decay_steps must be > warmup_steps ({p.warmup_steps}), as it includes the warmup "
                        f"(optax's cosine_decay_schedule raises), got {p.decay_steps}")
    alpha = 0.0 if p.peak_value == 0.0 else finite(p.end_value / p.peak_value, "end_value / peak_value", p,
                                                      "end_value")
    return warmup_native(p, cosine_decay_native(p.peak_value, p.decay_steps - p.warmup_steps, alpha, p.exponent))


@optax_family("warmup_exponential_decay", INIT_VALUE, PEAK_VALUE, WARMUP_STEPS, TRANSITION_STEPS, DECAY_RATE,
              TRANSITION_BEGIN, STAIRCASE, END_VALUE_BOUND, function="warmup_exponential_decay_schedule",
              anatomy=Anatomy(base="peak_value", warmup=("warmup_steps",),
                              marks=("warmup_steps + transition_begin",),
                              ramp=("init_value", "peak_value"), floor=("end_value",)))
def warmup_exponential_decay(p: Params) -> Native:
    """A linear warmup to ``peak_value``, then ``optax.exponential_decay`` from it.

    ```python
    join_schedules([linear_schedule(init_value, peak_value, warmup_steps),
                    exponential_decay(peak_value, transition_steps, decay_rate,
                                      transition_begin, staircase, end_value)],
                   [warmup_steps])
    ```
    """
    return warmup_native(p, exponential_decay_native(p, p.peak_value))


COSINE_KWARGS = Children("cosine_kwargs", kind="optax.warmup_cosine_decay", inherit=("dtype",),
                         doc="the warmup_cosine_decay parameters of each cycle")


@optax_family("sgdr", COSINE_KWARGS, function="sgdr_schedule",
              composition=Composition("cosine_kwargs", lengths="decay_steps"))
def sgdr(p: Params) -> Native:
    """Warm restarts: one ``optax.warmup_cosine_decay`` per cycle, each ``decay_steps`` long.

    ```python
    for kwargs in cosine_kwargs:
        schedules += [warmup_cosine_decay_schedule(**kwargs)]
        boundaries += [step + kwargs['decay_steps']]
        step += kwargs['decay_steps']
    return join_schedules(schedules, boundaries[:-1])
    ```
    """
    boundaries = list(accumulate(kwargs["decay_steps"] for kwargs in p.cosine_kwargs))
    if boundaries[-1] > MAX_INT32:
        raise SpecError(f"the cycles must end by 2**31 - 1 (optax counts in int32), got {boundaries[-1]}")
    return join_native(COSINE_KWARGS.natives(p.cosine_kwargs, {"dtype": p.dtype}), boundaries[:-1])


def piecewise_interpolate(interpolation: str, init_value: float, boundaries_and_scales: dict[int, float],
                          fractions: str) -> Native:
    """optax's ``piecewise_interpolate_schedule(interpolation, init_value, boundaries_and_scales)``,
    whose boundaries come from ``fractions`` of transition_steps."""
    bounds = sorted(boundaries_and_scales)
    if bounds[-1] > MAX_INT32:
        raise SpecError(f"{fractions} times transition_steps must be <= 2**31 - 1, got {bounds[-1]}")
    return Native("OPTAX_PIECEWISE_INTERPOLATE", real=(init_value, *(boundaries_and_scales[b] for b in bounds)),
                  integer=(interpolation == "cosine", *bounds))


INTERPOLATION_NOTES = """
The values between boundaries interpolate between cumulative products of the
scales (``values = jnp.cumprod((init_value,) + scales)``):

```python
indicator = (bounds[:-1] <= count) & (count < bounds[1:])
pct = (count - bounds[:-1]) / jnp.maximum(bounds[1:] - bounds[:-1], 1)
interp_vals = interpolate_fn(values[:-1], values[1:], pct)
return indicator.dot(interp_vals) + (bounds[-1] <= count) * values[-1]
# linear: (end - start) * pct + start;  cosine: end + (start - end) / 2.0 * (jnp.cos(jnp.pi * pct) + 1)
```

The boundaries are a dict built as optax builds it: boundaries that round to
the same step keep the later scale.
"""


def finite(value: float, expression: str, p: Params, name: str) -> float:
    """What optax computes from the parameters in Python floats, which must stay finite
    (inf makes every value inf or NaN, which pysched refuses); the error names ``name``."""
    if not math.isfinite(value):
        raise SpecError(f"{expression} must be finite, got {value!r} ({name} = {p[name]!r})")
    return value


@optax_family("linear_onecycle", Integer("transition_steps", ge=1, le=MAX_INT32), PEAK_VALUE, PCT_START,
              Real("pct_final", 0.85, ge=0, le=1, doc="the fraction of transition_steps at which the fall ends"),
              DIV_FACTOR, FINAL_DIV_FACTOR, function="linear_onecycle_schedule", notes=INTERPOLATION_NOTES,
              anatomy=Anatomy(base="peak_value", horizon=("transition_steps",),
                              marks=("pct_start * transition_steps", "pct_final * transition_steps")))
def linear_onecycle(p: Params) -> Native:
    """Three straight lines: up to ``peak_value``, back down, then on down to the final value.

    ```python
    piecewise_interpolate_schedule('linear', peak_value / div_factor,
        {int(pct_start * transition_steps): div_factor,
         int(pct_final * transition_steps): 1.0 / div_factor,
         transition_steps: 1.0 / final_div_factor})
    ```
    """
    scales = {int(p.pct_start * p.transition_steps): p.div_factor,
              int(p.pct_final * p.transition_steps): finite(1.0 / p.div_factor, "1.0 / div_factor", p, "div_factor"),
              p.transition_steps: finite(1.0 / p.final_div_factor, "1.0 / final_div_factor", p, "final_div_factor")}
    first = finite(p.peak_value / p.div_factor, "peak_value / div_factor", p, "div_factor")
    return piecewise_interpolate("linear", first, scales, "pct_start and pct_final")


@optax_family("cosine_onecycle", Integer("transition_steps", ge=1, le=MAX_INT32), PEAK_VALUE, PCT_START,
              DIV_FACTOR, FINAL_DIV_FACTOR, function="cosine_onecycle_schedule", notes=INTERPOLATION_NOTES,
              anatomy=Anatomy(base="peak_value", marks=("pct_start * transition_steps",),
                              horizon=("transition_steps",)))
def cosine_onecycle(p: Params) -> Native:
    """Two cosine halves: up to ``peak_value``, then down to the final value.

    ```python
    piecewise_interpolate_schedule('cosine', peak_value / div_factor,
        {int(pct_start * transition_steps): div_factor,
         int(transition_steps): 1.0 / (div_factor * final_div_factor)})
    ```
    """
    if p.div_factor * p.final_div_factor == 0:
        raise SpecError(f"div_factor * final_div_factor must not round to 0 (optax divides 1.0 by it and raises "
                        f"ZeroDivisionError), got {p.div_factor!r} * {p.final_div_factor!r}")
    first = finite(p.peak_value / p.div_factor, "peak_value / div_factor", p, "div_factor")
    last = finite(1.0 / (p.div_factor * p.final_div_factor), "1.0 / (div_factor * final_div_factor)", p,
                  "final_div_factor")
    scales = {int(p.pct_start * p.transition_steps): p.div_factor, p.transition_steps: last}
    return piecewise_interpolate("cosine", first, scales, "pct_start")


SCHEDULES = Children("schedules", prefix="optax.", inherit=("dtype",), doc="optax specs, one after another")


@optax_family("join", SCHEDULES, ListOf("boundaries", item=Integer("boundary", le=MAX_INT32), min_length=0),
              function="join_schedules",
              composition=Composition("schedules", boundaries="boundaries"))
def join(p: Params) -> Native:
    """``schedules[i]`` from ``boundaries[i - 1]`` on, each seeing the steps since its boundary.

    ```python
    output = schedules[0](step)
    for boundary, schedule in zip(boundaries, schedules[1:]):
        output = jnp.where(step < boundary, output, schedule(step - boundary))
    ```

    Boundaries need not increase: a later one wins, as in the loop above.
    """
    if len(p.boundaries) != len(p.schedules) - 1:
        raise SpecError(f"boundaries must have one element fewer than schedules ({len(p.schedules)}), "
                        f"got {len(p.boundaries)} (optax's zip would drop the rest)")
    return join_native(SCHEDULES.natives(p.schedules, {"dtype": p.dtype}), p.boundaries)
