"""Hypothesis strategies read off the family table: valid specs, steps and invalid specs of every family.

A valid spec starts from the family's example (tests/examples.py) and redraws a few of its parameters
from each parameter's declared type and constraints (``pysched/_params.py``), so that cross-parameter
rules reject few draws; paired lists (``boundaries`` and ``values``, ``milestones`` and ``schedulers``)
are redrawn together with matching lengths. An invalid spec breaks exactly one thing and says which
name its error must carry.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

import pysched
from pysched._family import DTYPES, Child, Children
from pysched._params import MAX_COUNT, Bool, Choice, DictOf, Integer, ListOf, Param, Real, String

from examples import EXAMPLES

FAMILIES = pysched.families()
KINDS = sorted(FAMILIES)
COMPOSITIONS = {kind for kind, family in FAMILIES.items() if any(isinstance(p, Children) for p in family.params)}
LEAVES = [kind for kind in KINDS if kind not in COMPOSITIONS]
MAX_STEP = MAX_COUNT

PAIRS = (("boundaries", "values"), ("boundaries", "rates"), ("boundaries", "schedules"), ("milestones", "schedulers"))
"""(shorter, longer): lists whose lengths a family ties, the longer one holding one more item."""

REPLAY_CAP = 2**17
"""The largest step drawn for a torch stepped form: its kernel replays every step up to the largest asked
(torch.CosineAnnealingLR's replay runs seconds beyond 2**24)."""

TYPICAL = (-2.0, 20_000.0)
"""The window most drawn numbers come from (within each parameter's own bounds)."""


def _lower(param: Real) -> tuple[float | None, bool]:
    """The parameter's lower bound and whether it is included."""
    return (param.ge, True) if param.ge is not None else (param.gt, False)


def _upper(param: Real) -> tuple[float | None, bool]:
    return (param.le, True) if param.le is not None else (param.lt, False)


def _floats(param: Real, low: float | None, high: float | None) -> st.SearchStrategy[float]:
    """Finite floats in [low, high] (None: unbounded) and in the parameter's domain."""
    (lo, lo_in), (hi, hi_in) = _lower(param), _upper(param)
    if lo is not None and (low is None or lo >= low):
        low, exclude_min = lo, not lo_in
    else:
        exclude_min = False
    if hi is not None and (high is None or hi <= high):
        high, exclude_max = hi, not hi_in
    else:
        exclude_max = False
    return st.floats(low, high, exclude_min=exclude_min, exclude_max=exclude_max, allow_nan=False,
                     allow_infinity=False)


def reals(param: Real) -> st.SearchStrategy[int | float]:
    """Numbers the parameter accepts: mostly typical ones, its included bounds, and anything in its domain."""
    (lo, lo_in), (hi, hi_in) = _lower(param), _upper(param)
    edges = [b for b, included in ((lo, lo_in), (hi, hi_in), (0, True), (1, True)) if b is not None and included]
    inside = [b for b in edges if _accepts(param, b)]
    return st.one_of(_floats(param, *TYPICAL), _floats(param, None, None),
                     *([st.sampled_from(inside)] if inside else []))


def integers(param: Integer) -> st.SearchStrategy[int]:
    """Ints the parameter accepts: small ones, its bounds and their neighbours, and anything in its domain."""
    lo = -(2**31) if param.ge is None and param.gt is None else math.ceil(_lower(param)[0] + (param.ge is None))
    hi = MAX_COUNT if param.le is None and param.lt is None else math.floor(_upper(param)[0] - (param.le is None))
    edges = sorted({v for v in (lo, lo + 1, 0, 1, hi - 1, hi) if lo <= v <= hi})
    return st.one_of(st.integers(max(lo, -4), min(hi, 20_000)), st.sampled_from(edges), st.integers(lo, hi))


def _accepts(param: Param, value: Any) -> bool:
    try:
        param.check(value, {})
    except Exception:  # noqa: BLE001 (SpecError: any refusal)
        return False
    return True


def values_of(param: Param, kind: str, size: int | None = None) -> st.SearchStrategy[Any]:
    """Values ``param`` of ``kind`` accepts; a list of ``size`` items when given."""
    if isinstance(param, Children) and not isinstance(param, Child):
        length = st.just(size) if size is not None else st.integers(1, 3)
        return length.flatmap(lambda n: st.lists(child_specs(param, kind), min_size=n, max_size=n))
    if isinstance(param, Child):
        return child_specs(param, kind)
    if isinstance(param, ListOf):
        return _lists(param, kind, size)
    if isinstance(param, DictOf):
        table = st.dictionaries(values_of(param.key, kind), values_of(param.item, kind), max_size=4)
        return table | st.none() if param.default is None else table
    return _scalars(param) | st.none() if param.default is None else _scalars(param)


def _scalars(param: Param) -> st.SearchStrategy[Any]:
    if isinstance(param, Integer):
        return integers(param)
    if isinstance(param, Real):
        return reals(param)
    if isinstance(param, Bool):
        return st.booleans()
    if isinstance(param, Choice):
        return st.sampled_from(param.choices)
    if isinstance(param, String):
        return st.text(max_size=8)
    raise TypeError(f"no strategy for the parameter type {type(param).__name__}")


def _lists(param: ListOf, kind: str, size: int | None) -> st.SearchStrategy[list[Any]]:
    """Lists of items; boundaries and milestones ascend (with repeats now and then)."""
    low, high = (size, size) if size is not None else (param.min_length, 4)
    items = values_of(param.item, kind)
    if param.name not in dict(PAIRS):
        return st.lists(items, min_size=low, max_size=high)
    unique = st.lists(items, min_size=low, max_size=high, unique=True).map(sorted)
    repeats = st.lists(items, min_size=low, max_size=high).map(sorted)
    return unique if param.increasing else unique | repeats


def child_specs(param: Children, kind: str) -> st.SearchStrategy[dict[str, Any]]:
    """A child of a composition: a valid leaf spec of a kind the composition takes, without what it inherits."""
    kinds = [param.kind] if param.kind else [k for k in LEAVES if k.startswith(param.prefix)]
    dropped = {*param.inherit, *(("kind",) if param.kind else ())}
    return st.sampled_from(kinds).flatmap(
        lambda child: raw_specs(child).map(lambda spec: {k: v for k, v in spec.items() if k not in dropped}))


@st.composite
def raw_specs(draw, kind: str) -> dict[str, Any]:
    """The example of ``kind`` with up to three parameters (and maybe the dtype) redrawn; may break a
    cross-parameter rule."""
    family = FAMILIES[kind]
    params = {p.name: p for p in family.params}
    spec = {"kind": kind, **copy.deepcopy(EXAMPLES[kind])}
    for name in draw(st.lists(st.sampled_from(sorted(params)), max_size=3, unique=True)):
        pair = next((p for p in PAIRS if name in p and set(p) <= params.keys()), None)
        if pair:
            short, long = params[pair[0]], params[pair[1]]
            n = draw(st.integers(max(getattr(short, "min_length", 1), 0), 3))
            spec[short.name], spec[long.name] = draw(values_of(short, kind, n)), draw(values_of(long, kind, n + 1))
        else:
            spec[name] = draw(values_of(params[name], kind))
    if draw(st.booleans()):
        spec["dtype"] = draw(st.sampled_from(family.dtypes))
    return spec


def builds(spec: Mapping[str, Any]) -> bool:
    """Whether pysched accepts the spec (a drawn spec may break a rule between parameters)."""
    try:
        pysched.schedule(spec)
    except (TypeError, ValueError):
        return False
    return True


def specs(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    """Valid specs of ``kind``."""
    return raw_specs(kind).filter(builds)


def any_specs() -> st.SearchStrategy[dict[str, Any]]:
    return st.sampled_from(KINDS).flatmap(specs)


def numbers_in(value: Any) -> list[float]:
    """Every number in a spec, nested lists and dicts included (dict keys too)."""
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [value] if math.isfinite(value) else []
    if isinstance(value, Mapping):
        return [n for key, item in value.items() for n in numbers_in(key) + numbers_in(item)]
    if isinstance(value, (list, tuple)):
        return [n for item in value for n in numbers_in(item)]
    return []


def replays(spec: Mapping[str, Any]) -> bool:
    """Whether the spec holds a torch stepped form (whose kernel replays the steps)."""
    kind = str(spec.get("kind", ""))
    stepped = kind.startswith("torch.") and (kind in COMPOSITIONS or not spec.get("closed_form", False))
    return stepped or any(replays(child) for child in _children(spec))


def _children(spec: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    nested = [v for v in spec.values() if isinstance(v, Mapping)]
    return nested + [item for v in spec.values() if isinstance(v, list) for item in v if isinstance(item, Mapping)]


def max_step(spec: Mapping[str, Any]) -> int:
    return REPLAY_CAP if replays(spec) else MAX_STEP


def steps_for(spec: Mapping[str, Any], max_size: int = 40) -> st.SearchStrategy[list[int]]:
    """Steps for a spec: 0, small ones, ones within 2 of any number in the spec, powers of two near the
    float32 and int32 limits, and anything up to 2**53 (2**17 for a stepped torch form)."""
    cap = max_step(spec)
    marks = sorted({m for n in numbers_in(spec) for m in (math.floor(n), math.ceil(n)) if 0 <= m <= cap})
    near = st.sampled_from(marks).flatmap(lambda m: st.integers(max(0, m - 2), min(cap, m + 2))) if marks \
        else st.nothing()
    edges = [e for e in (2**24, 2**24 + 1, 2**31 - 1, 2**31, MAX_STEP - 1, MAX_STEP) if e <= cap] or [cap]
    one = st.one_of(st.just(0), st.integers(0, 100), near, st.sampled_from(edges), st.integers(0, cap))
    return st.lists(one, min_size=1, max_size=max_size)


BAD_DTYPES = ("float16", "int32", "fp32", "float128", "complex64", "", 3, 1.5, True, None, ["float32"])
NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789"


def _out_of_range(param: Real) -> list[float]:
    """Numbers just outside each of the parameter's bounds."""
    (lo, lo_in), (hi, hi_in) = _lower(param), _upper(param)
    below = [] if lo is None else [lo - 1 if lo_in else lo, lo - max(1.0, abs(lo))]
    above = [] if hi is None else [hi + 1 if hi_in else hi, hi + max(1.0, abs(hi))]
    return below + above


def bad_values(param: Param) -> st.SearchStrategy[Any]:
    """Values the parameter refuses: wrong types, bools for numbers, NaN and inf, out of range, bad items."""
    unset = [None] if param.default is not None else []
    if isinstance(param, Children):
        bad_child = [3, "x", {"kind": "nope.nothing"}, {"no": "kind"}] if param.kind == "" else [3, {"kind": "x"}]
        lists = [[], [3], *([child] for child in bad_child)] if not isinstance(param, Child) else bad_child
        return st.sampled_from([*unset, 3, "x", *lists])
    if isinstance(param, ListOf):
        shapes = [*unset, 3, "x", {}, *([[]] if param.min_length else [])]
        descending = [[2, 1]] if param.increasing else []
        return st.sampled_from(shapes + descending) | bad_values(param.item).map(lambda item: [item])
    if isinstance(param, DictOf):
        return st.sampled_from([3, "x", [1], {-1: 1.0}, {"x": 1.0}, {1: math.nan}, {1: True}])
    if isinstance(param, Integer):
        return st.sampled_from([*unset, 1.5, 2.0, math.nan, True, False, "1", [1], *_out_of_range(param)])
    if isinstance(param, Real):
        numbers = [math.nan, math.inf, -math.inf, True, False, "0.1", [0.1], {}]
        return st.sampled_from([*unset, *numbers, *_out_of_range(param)])
    if isinstance(param, Bool):
        return st.sampled_from([*unset, 1, 0, 1.0, "true", [True]])
    if isinstance(param, Choice):
        return st.sampled_from([*unset, "nope", 3, [param.choices[0]], param.choices[0].upper() + "!"])
    return st.sampled_from([*unset, 3, 1.5, True, [], {}])


@st.composite
def invalid_specs(draw, kind: str) -> tuple[dict[str, Any], str]:
    """The example of ``kind`` with one thing broken, and the name its error must carry: a parameter with
    a bad value, an unknown key, a missing required parameter, or a bad dtype."""
    family = FAMILIES[kind]
    spec = {"kind": kind, **copy.deepcopy(EXAMPLES[kind])}
    names = [p.name for p in family.params]
    required = [p.name for p in family.params if p.required]
    how = draw(st.sampled_from(("value", "value", "unknown", "missing" if required else "unknown", "dtype")))
    if how == "missing":
        name = draw(st.sampled_from(required))
        del spec[name]
        return spec, name
    if how == "unknown":
        name = draw(st.text(NAME_CHARS, min_size=1, max_size=12).filter(lambda n: n not in {*names, "kind", "dtype"}))
        spec[name] = draw(st.sampled_from([0.1, 1, None, "x"]))
        return spec, name
    if how == "dtype":
        spec["dtype"] = draw(st.sampled_from([*BAD_DTYPES, *sorted(set(DTYPES) - set(family.dtypes))]))
        return spec, "dtype"
    param = draw(st.sampled_from(family.params))
    spec[param.name] = draw(bad_values(param))
    return spec, param.name
