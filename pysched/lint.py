"""Warnings for schedules that silently do nothing or surprise, given how long training runs.

``lint(schedule, total_steps)`` checks a schedule against a training of
``total_steps`` steps (steps 0 to ``total_steps - 1``). The rules read the
parameters' roles from each family's anatomy (pysched/_anatomy.py: which parameter is a
warmup length, a decay length, a list of boundaries, a base rate) and
evaluate the schedule with pysched itself for the rules about values. A
composition is checked as a whole, and each child over its own span.

=========================== ==========================================================
rule                        fires when
=========================== ==========================================================
boundary-past-end           a boundary or milestone switches the rate at or after the last step
warmup-longer-than-training a warmup (or burn-in) ends after the last step
warmup-target-below-start   a warmup goes down: its target is below its start
end-equals-base             the rate a schedule decays to (``eta_min``, ``end_value``...) is its base rate
zero-lr-at-start            the rate at step 0 is 0: the first update does nothing
zero-lr-at-end              the rate at the last step is 0: the last update does nothing
decay-past-end              the decay ends (``decay_steps``, ``T_max``...) after the last step
decay-ends-early            the decay ends, or its last boundary switches, in the first 1% of training
never-changes               the rate never changes within training: a step/epoch unit mix-up?
=========================== ==========================================================
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._anatomy import Anatomy, anatomy, edge_lists, first_of, marks, parts, value_of
from ._progress import evaluate_in_chunks
from ._schedule import Schedule
from ._schedule import schedule as build


@dataclass(frozen=True)
class Finding:
    """One warning: the rule that fired, what it saw (naming the parameter
    and its value), and what to do about it."""

    rule: str
    message: str
    hint: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}; hint: {self.hint}"


@dataclass(frozen=True)
class _Context:
    """What a rule looks at: the schedule, its parameters, their roles, the
    training length, and where the schedule sits (``schedules[1]: ``)."""

    schedule: Schedule
    params: Mapping[str, Any]
    roles: Anatomy
    total_steps: int
    where: str

    def finding(self, rule: str, message: str, hint: str) -> Finding:
        return Finding(rule, f"{self.where}{self.schedule.kind}: {message}", hint)

    @property
    def last(self) -> int:
        return self.total_steps - 1


def lint(schedule: Schedule | Mapping[str, Any], total_steps: int) -> list[Finding]:
    """Every finding for ``schedule`` trained for ``total_steps`` steps, in rule order."""
    if isinstance(total_steps, bool) or not isinstance(total_steps, numbers.Integral) or total_steps < 1:
        raise ValueError(f"lint: total_steps must be an integer >= 1, got {total_steps!r}")
    schedule = build(schedule)
    context = _context(schedule, int(total_steps), "")
    return [*_zero_rules(context), *_checked(context)]


def _context(schedule: Schedule, total_steps: int, where: str) -> _Context:
    return _Context(schedule, schedule.to_dict(), anatomy(schedule.kind), total_steps, where)


def _checked(context: _Context) -> list[Finding]:
    """The parameter rules and never-changes for a schedule, then for each child over its span."""
    findings = [finding for rule in PARAMETER_RULES for finding in rule(context)]
    findings += _never_changes(context)
    for part in parts(context.schedule):
        span = context.total_steps - part.start if part.length is None else \
            min(part.length, context.total_steps - part.start)
        if span > 0:
            findings += _checked(_context(part.schedule, span, f"{context.where}{part.where}: "))
    return findings


def _boundaries_past_end(context: _Context) -> Iterator[Finding]:
    shift = context.roles.edge_shift
    for name, steps in [*edge_lists(context.schedule.kind, context.params), *_composition_edges(context)]:
        for index, step in enumerate(steps):
            if step + shift > context.last:
                switch = f"it switches at step {step + shift}" if shift else "it switches there"
                yield context.finding(
                    "boundary-past-end",
                    f"{name}[{index}] = {step} is past the last step {context.last} of {context.total_steps} "
                    f"({switch}): the rate never changes there",
                    f"drop it or bring it within training ({name} count steps: with {context.total_steps} "
                    f"total steps the last switch can be at step {context.last})")


def _composition_edges(context: _Context) -> list[tuple[str, list[int]]]:
    """A composition's steps where one child hands over to the next."""
    composition = context.schedule.family.composition
    if composition is None:
        return []
    if composition.boundaries:
        return [(composition.boundaries, [int(step) for step in context.params[composition.boundaries]])]
    if composition.lengths:
        return [(f"{composition.children} start", [part.start for part in parts(context.schedule)[1:]])]
    return []


def _warmup_too_long(context: _Context) -> Iterator[Finding]:
    for expression in context.roles.warmup:
        length = value_of(expression, context.params)
        if length is not None and length > context.total_steps:
            yield context.finding(
                "warmup-longer-than-training",
                f"{expression} = {_shown(length)} is longer than the {context.total_steps} total steps: "
                "training ends before the warmup does",
                f"shorten the warmup to a fraction of training (say {max(context.total_steps // 10, 1)} steps)")


def _warmup_goes_down(context: _Context) -> Iterator[Finding]:
    if context.roles.ramp is None:
        return
    start, target = context.roles.ramp
    if context.params.get(target) is not None and context.params[target] < context.params[start]:
        yield context.finding(
            "warmup-target-below-start",
            f"{target} = {context.params[target]!r} is below {start} = {context.params[start]!r}: "
            "the warmup lowers the rate",
            f"swap them: the warmup climbs from {start} to {target}")


def _end_equals_base(context: _Context) -> Iterator[Finding]:
    base = context.params.get(context.roles.base)
    for name in context.roles.floor:
        if base is not None and context.params.get(name) is not None and context.params[name] == base:
            yield context.finding(
                "end-equals-base",
                f"{name} = {context.params[name]!r} equals {context.roles.base} = {base!r}: "
                "the schedule has nowhere to go",
                f"set {name} below {context.roles.base} (0, or a small fraction of it)")


def _decay_past_end(context: _Context) -> Iterator[Finding]:
    horizon = first_of(context.roles.horizon, context.params)
    if horizon is not None and horizon[1] > context.total_steps:
        expression, length = horizon
        yield context.finding(
            "decay-past-end",
            f"{expression} = {_shown(length)} is past the {context.total_steps} total steps: "
            f"the decay never reaches its end (it is {100 * context.total_steps / length:.0f}% done "
            "when training stops)",
            f"set {expression} to the total steps, {context.total_steps}")


EARLY = 0.01
"""A decay over within this fraction of training was likely given in epochs and stepped per batch."""


def _decay_ends_early(context: _Context) -> Iterator[Finding]:
    horizon = first_of(context.roles.horizon, context.params)
    ends = [horizon] if horizon else []
    ends += [(f"{name}[{len(steps) - 1}]", steps[-1] + context.roles.edge_shift)
             for name, steps in edge_lists(context.schedule.kind, context.params) if steps]
    for expression, step in ends:
        if 0 < step < EARLY * context.total_steps:
            yield context.finding(
                "decay-ends-early",
                f"{expression} = {_shown(step)}: the decay is over {100 * step / context.total_steps:.2g}% into "
                f"the {context.total_steps} total steps, and the rest of training runs at its final rate",
                "a step/epoch unit mix-up? Lengths counted in epochs need a scheduler stepped once per epoch; "
                "stepped once per batch, give them in batches")


PARAMETER_RULES: tuple[Callable[[_Context], Iterator[Finding]], ...] = (
    _boundaries_past_end, _warmup_too_long, _warmup_goes_down, _end_equals_base, _decay_past_end, _decay_ends_early)


def _zero_rules(context: _Context) -> Iterator[Finding]:
    for rule, step, when, hint in (
            ("zero-lr-at-start", 0, "the first update does nothing",
             "start the warmup above 0 (its start value), or accept one update that does nothing"),
            ("zero-lr-at-end", context.last, "the last update does nothing",
             "end the decay at the last step or later, or give it a floor (alpha, eta_min, end_value...)")):
        value = context.schedule(step)
        if value == 0:
            yield context.finding(rule, f"the learning rate at step {step} is {value!r}: {when}", hint)


def _never_changes(context: _Context) -> Iterator[Finding]:
    if context.roles.constant:
        return
    low, high = extremes(context.schedule, range(context.total_steps), "lint")
    if low != high:
        return
    later = _first_change_after(context.schedule, context.last, low)
    after = f"; it first changes at step {later.step} ({later.label})" if later else ""
    yield context.finding(
        "never-changes",
        f"the rate is {low!r} at every one of the {context.total_steps} steps{after}",
        "a step/epoch unit mix-up? If you step the scheduler once per epoch, give its lengths in epochs; "
        "once per batch, give total steps in batches")


def _first_change_after(schedule: Schedule, last: int, value: float):
    for mark in marks(schedule):
        if mark.step > last and _value_at(schedule, mark.step) not in (value, None):
            return mark
    return None


def _value_at(schedule: Schedule, step: int) -> float | None:
    """The rate at a step past training, or None where pysched refuses it (a stepped form past its reach)."""
    try:
        return schedule(step)
    except ValueError:
        return None


def extremes(schedule: Schedule, steps: range, label: str) -> tuple[float, float]:
    """The smallest and largest rate over ``steps``, evaluated in chunks."""
    low, high = np.inf, -np.inf
    for _, values in evaluate_in_chunks(schedule, steps, label):
        low, high = min(low, float(values.min())), max(high, float(values.max()))
    return low, high


def _shown(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else repr(number)
