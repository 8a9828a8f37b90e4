"""What each family's parameters mean on the step axis.

Each family declares its ``anatomy`` (a composition its ``composition``) next
to its parameters in ``pysched/families``. ``pysched show`` lists the values
around every boundary and ``pysched lint`` checks the spec against the training
length; both read the anatomy through this module rather than knowing any
family. A parameter is named by its role: the base rate, a
warmup length, the step where the decay ends (the horizon), a list of steps
where the rate switches, a period that repeats (stairs, restarts, cycles).
A role given as an expression (``"warmup_steps + decay_steps"``) combines
parameters with ``+``, ``-`` and ``*``; an expression with a parameter that is
None does not apply.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ._family import FAMILIES, Children
from ._schedule import schedule as build

PERIOD_EDGES = 6
"""How many stair, restart or cycle edges of a period are marked."""


@dataclass(frozen=True)
class Anatomy:
    """The roles of one family's parameters (each names parameters or expressions of them)."""

    base: str = ""
    """The rate the schedule is about: the peak, or the rate it decays from."""
    warmup: tuple[str, ...] = ()
    """Steps at which a warmup or burn-in ends."""
    horizon: tuple[str, ...] = ()
    """The step at which the decay reaches its end: the first candidate that applies."""
    marks: tuple[str, ...] = ()
    """Other steps where the shape changes (a hold ends, a phase starts)."""
    edges: tuple[str, ...] = ()
    """Lists (or dicts keyed by step) of steps where the rate switches."""
    edge_shift: int = 0
    """1 where the rate switches at ``boundary + 1`` (TF and Keras), not at the boundary."""
    period: tuple[str, ...] = ()
    """The length of a stair, restart or cycle: the first candidate that applies."""
    period_growth: str = ""
    """The factor by which each next period is longer."""
    period_when: str = ""
    """The bool parameter without which there are no stairs (``staircase``)."""
    ramp: tuple[str, str] | None = None
    """The warmup's start and target rates."""
    floor: tuple[str, ...] = ()
    """Rates the schedule decays (or cycles) towards from ``base``: equal to it, nothing moves."""
    constant: bool = False
    """Constant by design: never changing is no finding."""


@dataclass(frozen=True)
class Composition:
    """A schedule of schedules: ``children`` names the parameter holding them;
    they follow one another at ``boundaries`` (a parameter) or after each one's
    ``lengths`` (a parameter of each child), or else all run at once."""

    children: str
    boundaries: str = ""
    lengths: str = ""


@dataclass(frozen=True)
class Mark:
    """A step where the schedule's shape changes, and the parameters that put it there."""

    step: int
    label: str


@dataclass(frozen=True)
class Part:
    """A child of a composition: where it sits (``schedules[1]``), the child
    as a schedule of its own, its first step, and how many steps it runs
    (None: to the end)."""

    where: str
    schedule: Any
    start: int
    length: int | None


NO_ROLES = Anatomy()


def anatomy(kind: str) -> Anatomy:
    """The roles of a family's parameters (none for a composition)."""
    family = FAMILIES.get(kind)
    return family.anatomy if family is not None and family.anatomy is not None else NO_ROLES


def value_of(expression: str, params: Mapping[str, Any]) -> float | None:
    """An expression of parameters (``"warmup_steps + decay_steps"``), or None if one of them is None."""
    total, product, sign = 0.0, 1.0, 1.0
    for token in expression.split():
        if token in ("+", "-"):
            total, product, sign = total + sign * product, 1.0, 1.0 if token == "+" else -1.0
        elif token != "*":
            number = _number(token, params)
            if number is None:
                return None
            product *= number
    return total + sign * product


def _number(name: str, params: Mapping[str, Any]) -> float | None:
    if name.replace(".", "", 1).isdigit():
        return float(name)
    value = params.get(name)
    return None if value is None or isinstance(value, bool) else float(value)


def first_of(expressions: tuple[str, ...], params: Mapping[str, Any]) -> tuple[str, float] | None:
    """The first expression that applies, with its value."""
    for expression in expressions:
        value = value_of(expression, params)
        if value is not None:
            return expression, value
    return None


def edge_lists(kind: str, params: Mapping[str, Any]) -> Iterator[tuple[str, list[int]]]:
    """Each list of switching steps: its parameter and its steps (a dict's keys)."""
    for name in anatomy(kind).edges:
        steps = params.get(name) or []
        yield name, [int(step) for step in (steps.keys() if isinstance(steps, Mapping) else steps)]


def marks(schedule: Any) -> list[Mark]:
    """Every step where the schedule's shape changes, as its parameters say,
    the children's shifted to where they start."""
    params, kind = schedule.to_dict(), schedule.kind
    roles = schedule.family.anatomy or NO_ROLES
    found = [Mark(math.ceil(value), expression)
             for expression in (*roles.warmup, *roles.marks)
             if (value := value_of(expression, params)) is not None and _a_step(value)]
    horizon = first_of(roles.horizon, params)
    if horizon and _a_step(horizon[1]):
        found.append(Mark(math.ceil(horizon[1]), horizon[0]))
    for name, steps in edge_lists(kind, params):
        found += [Mark(step + roles.edge_shift, f"{name}[{i}]" + (" + 1" if roles.edge_shift else ""))
                  for i, step in enumerate(steps)]
    found += _period_edges(roles, params)
    for part in parts(schedule):
        if part.start:
            found.append(Mark(part.start, f"{part.where} starts"))
        found += [Mark(part.start + mark.step, f"{part.where}: {mark.label}") for mark in marks(part.schedule)
                  if part.length is None or mark.step < part.length]
    return sorted(set(found), key=lambda mark: (mark.step, mark.label))


def _period_edges(roles: Anatomy, params: Mapping[str, Any]) -> list[Mark]:
    period = first_of(roles.period, params)
    if period is None or (roles.period_when and not params.get(roles.period_when)) or period[1] <= 0:
        return []
    growth = float(params.get(roles.period_growth, 1)) if roles.period_growth else 1.0
    edges, edge, length = [], 0.0, period[1]
    for count in range(1, PERIOD_EDGES + 1):
        edge += length
        length *= growth
        if not _a_step(edge):  # periods that grow past every step (a huge t_mul)
            break
        edges.append(Mark(math.ceil(edge), f"end of period {count} ({period[0]})"))
    return edges


def _a_step(value: float) -> bool:
    """Whether a parameter expression's value lies on the step axis pysched evaluates (finite, at most 2**53)."""
    return math.isfinite(value) and value <= 2**53


def parts(schedule: Any) -> list[Part]:
    """The children of a composition, each as a schedule with its span; none for a family."""
    composition = schedule.family.composition
    if composition is None:
        return []
    params = schedule.to_dict()
    param = next(p for p in schedule.family.params if p.name == composition.children)
    given = params[composition.children]
    specs = given if isinstance(given, list) else [given]
    children = [build(_child_spec(param, spec, params)) for spec in specs]
    starts = _starts(composition, params, specs)
    ends = [*starts[1:], None] if composition.boundaries or composition.lengths else [None] * len(starts)
    return [Part(f"{composition.children}[{i}]" if isinstance(given, list) else composition.children,
                 child, start, None if end is None else max(end - start, 0))
            for i, (child, start, end) in enumerate(zip(children, starts, ends, strict=True))]


def _starts(composition: Composition, params: Mapping[str, Any], specs: list[dict]) -> list[int]:
    if composition.boundaries:
        return [0, *params[composition.boundaries]]
    if composition.lengths:
        starts = [0]
        for spec in specs[:-1]:
            starts.append(starts[-1] + int(spec[composition.lengths]))
        return starts
    return [0] * len(specs)


def _child_spec(param: Children, spec: Mapping[str, Any], parent: Mapping[str, Any]) -> dict[str, Any]:
    """A child's spec as a schedule of its own: its kind, and what it takes from the composition."""
    full = {"kind": param.kind, **spec} if param.kind else dict(spec)
    takes = {"dtype", *(p.name for p in FAMILIES[full["kind"]].params)}
    return {**full, **{key: parent[key] for key in param.inherit if key in takes}}
