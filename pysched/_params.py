"""Parameter types: each one checks a spec value and says what is allowed.

Errors name the kind, the parameter and the value, in the words of SPEC section 5:
``keras.ExponentialDecay: decay_steps must be > 0, got 0``. Wrong Python types
raise TypeError, values outside the domain raise ValueError.
"""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any, ClassVar

import numpy as np

REQUIRED: Any = type("Required", (), {"__repr__": lambda self: "REQUIRED"})()
"""The default of a parameter that a spec must give."""

MAX_COUNT = 2**53
"""Counts of steps (and steps themselves) are exact in float64 up to here."""

MAX_INT32 = 2**31 - 1
"""The largest count of frameworks that count in int32 (optax, TF's int32 steps)."""

_SHOWN_BOUNDS = {MAX_COUNT: "2**53", MAX_INT32: "2**31 - 1"}


class SpecError(Exception):
    """A spec value is wrong; the family adds its kind and raises ``category``.

    ``category`` is TypeError for a wrong Python type, ValueError for a value
    outside the domain.
    """

    def __init__(self, message: str, category: type[Exception] = ValueError):
        super().__init__(message)
        self.category = category


def wrong_type(name: str, expected: str, value: Any) -> SpecError:
    return SpecError(f"{name} must be {expected}, got {describe(value)}", TypeError)


def describe(value: Any) -> str:
    """``0``, ``'x'``, ``nan``: the value as a message shows it, with its type if surprising."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int) and value.bit_length() > 1024:  # beyond float64; repr fails past 4300 digits
        return f"an int of {value.bit_length()} bits"
    if isinstance(value, (int, float, str)):
        return repr(value)
    return f"{value!r} ({type(value).__name__})"


def _bound_checks(value: float, gt, ge, lt, le) -> str | None:
    for bound, ok, word in (
        (gt, lambda b: value > b, ">"),
        (ge, lambda b: value >= b, ">="),
        (lt, lambda b: value < b, "<"),
        (le, lambda b: value <= b, "<="),
    ):
        if bound is not None and not ok(bound):
            shown = _SHOWN_BOUNDS.get(bound, repr(bound))
            return f"must be {word} {shown}"
    return None


@dataclass(frozen=True)
class Param:
    """A named parameter with a default (or REQUIRED) and a doc line."""

    name: str
    default: Any = REQUIRED
    doc: str = ""
    type_name: ClassVar[str] = "value"

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def check(self, value: Any, context: Mapping[str, Any]) -> Any:
        """The value as pysched keeps it, or SpecError saying why not; ``context``
        holds the parameters checked before it, and the dtype."""
        raise NotImplementedError


@dataclass(frozen=True)
class Real(Param):
    """A finite Python int or float (numpy scalars become Python numbers)."""

    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None
    type_name: ClassVar[str] = "number"

    def check(self, value: Any, context: Mapping[str, Any]) -> int | float:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise wrong_type(self.name, "a number", value)
        value = int(value) if isinstance(value, numbers.Integral) else float(value)
        if isinstance(value, float) and not math.isfinite(value) or abs(value) > sys.float_info.max:
            raise SpecError(f"{self.name} must be finite, got {describe(value)}")
        problem = _bound_checks(value, self.gt, self.ge, self.lt, self.le)
        if problem:
            raise SpecError(f"{self.name} {problem}, got {describe(value)}")
        return value


@dataclass(frozen=True)
class Integer(Real):
    """A Python int (or numpy integer), by default a count in [0, 2**53]."""

    ge: float | None = 0
    le: float | None = MAX_COUNT
    type_name: ClassVar[str] = "int"

    def check(self, value: Any, context: Mapping[str, Any]) -> int:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
            raise wrong_type(self.name, "an int", value)
        return super().check(int(value), context)


@dataclass(frozen=True)
class Bool(Param):
    type_name: ClassVar[str] = "bool"

    def check(self, value: Any, context: Mapping[str, Any]) -> bool:
        if not isinstance(value, (bool, np.bool_)):
            raise wrong_type(self.name, "a bool", value)
        return bool(value)


@dataclass(frozen=True)
class String(Param):
    """A string (or None, as every parameter whose default is None)."""

    type_name: ClassVar[str] = "str"

    def check(self, value: Any, context: Mapping[str, Any]) -> str:
        if not isinstance(value, str):
            raise wrong_type(self.name, "a str or None" if self.default is None else "a str", value)
        return value


@dataclass(frozen=True)
class Choice(Param):
    """One of a fixed set of strings."""

    choices: tuple[str, ...] = ()
    type_name: ClassVar[str] = "str"

    def check(self, value: Any, context: Mapping[str, Any]) -> str:
        if not isinstance(value, str):
            raise wrong_type(self.name, "a str", value)
        if value not in self.choices:
            allowed = ", ".join(repr(c) for c in self.choices)
            raise SpecError(f"{self.name} must be one of {allowed}, got {value!r}")
        return value


@dataclass(frozen=True)
class ListOf(Param):
    """A list (non-empty unless ``min_length`` is 0) whose items are each checked as ``item``."""

    item: Param = None  # type: ignore[assignment]
    increasing: bool = False
    min_length: int = 1
    type_name: ClassVar[str] = "list"

    def check(self, value: Any, context: Mapping[str, Any]) -> list[Any]:
        if isinstance(value, np.ndarray):
            value = value.tolist()
        if not isinstance(value, (list, tuple)) or len(value) < self.min_length:
            what = "a non-empty list" if self.min_length else "a list"
            raise wrong_type(self.name, f"{what} of {self.item.type_name}s", value)
        items = [replace(self.item, name=f"{self.name}[{i}]").check(v, context) for i, v in enumerate(value)]
        if self.increasing and any(b <= a for a, b in pairwise(items)):
            raise SpecError(f"{self.name} must be strictly increasing, got {items}")
        return items


@dataclass(frozen=True)
class DictOf(Param):
    """A mapping (or None, as every parameter whose default is None) from ``key``
    to ``item``, such as optax's ``{step: scale}``; JSON's string keys are read
    as ``key`` reads them (``"100"`` as the int 100). Kept sorted by key."""

    key: Param = None  # type: ignore[assignment]
    item: Param = None  # type: ignore[assignment]
    type_name: ClassVar[str] = "dict"

    def check(self, value: Any, context: Mapping[str, Any]) -> dict[Any, Any]:
        if not isinstance(value, Mapping):
            raise wrong_type(self.name, f"a dict of {self.key.type_name} to {self.item.type_name}", value)
        checked: dict[Any, Any] = {}
        for raw_key, raw_item in value.items():
            key = replace(self.key, name=f"a key of {self.name}").check(_parsed_key(raw_key), context)
            if key in checked:
                raise SpecError(f"{self.name} gives the key {key!r} twice, got {dict(value)!r}")
            checked[key] = replace(self.item, name=f"{self.name}[{key!r}]").check(raw_item, context)
        return dict(sorted(checked.items()))


def _parsed_key(key: Any) -> Any:
    """A JSON object key that spells an int, as that int."""
    if isinstance(key, str):
        try:
            return int(key)
        except ValueError:
            return key
    return key
