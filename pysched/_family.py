"""The family table: one entry per kind, declared where its namespace lives.

A family is its parameters (names, defaults and domains as the mirrored API has
them), its default dtype, its oracle, and a lowering function from checked
parameters to a kernel descriptor. The lowering function's docstring is the
family's documentation: the formula, the oracle, and what dtype means for it.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._params import Param, SpecError, describe

DTYPES = ("float32", "float64")


@dataclass(frozen=True)
class Native:
    """A kernel descriptor: the kind ``PSK_<kind>`` of csrc/psk.h and its numbers,
    in the order its C family function documents."""

    kind: str
    real: tuple[float, ...] = ()
    integer: tuple[int, ...] = ()


class Params(Mapping[str, Any]):
    """Checked parameters of one schedule, read as attributes: ``p.decay_steps``."""

    def __init__(self, values: dict[str, Any]):
        self._values = values

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


@dataclass(frozen=True)
class Family:
    """A schedule family: what ``pysched.families()`` lists for each kind."""

    kind: str
    params: tuple[Param, ...]
    dtype: str
    oracle: str
    doc: str
    lower: Callable[[Params], Native] = field(repr=False)

    def resolve(self, given: Mapping[str, Any]) -> tuple[Params, str, Native]:
        """Check a spec's parameters: the full parameters, the dtype, the descriptor."""
        try:
            values = self._checked_values(given)
            dtype = self._checked_dtype(given.get("dtype", self.dtype))
            params = Params(values)
            return params, dtype, self.lower(params)
        except SpecError as error:
            raise error.category(f"{self.kind}: {error}") from None

    def _checked_values(self, given: Mapping[str, Any]) -> dict[str, Any]:
        names = [p.name for p in self.params]
        for key in given:
            if key not in names and key not in ("kind", "dtype"):
                raise SpecError(self._unknown(key, names), TypeError)
        values = {}
        for param in self.params:
            if param.name in given:
                values[param.name] = param.check(given[param.name])
            elif param.required:
                raise SpecError(f"missing required parameter {param.name!r}", TypeError)
            else:
                values[param.name] = param.default
        return values

    @staticmethod
    def _unknown(key: Any, names: list[str]) -> str:
        close = difflib.get_close_matches(str(key), names, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown parameter {key!r}{hint} (parameters: {', '.join(names)})"

    @staticmethod
    def _checked_dtype(dtype: Any) -> str:
        try:
            name = np.dtype(dtype).name if dtype is not None else None
        except TypeError:
            name = None
        if name is None:
            raise SpecError(f"dtype must be 'float32' or 'float64', got {describe(dtype)}", TypeError)
        if name not in DTYPES:
            raise SpecError(f"dtype must be 'float32' or 'float64', got {describe(dtype)}")
        return name


FAMILIES: dict[str, Family] = {}


def family(kind: str, *params: Param, dtype: str, oracle: str, notes: str = ""):
    """Register the decorated lowering function as the family ``kind``; its
    docstring, followed by ``notes`` shared between families, is the doc."""

    def register(lower: Callable[[Params], Native]) -> Callable[[Params], Native]:
        if kind in FAMILIES:
            raise RuntimeError(f"family {kind!r} is declared twice")
        doc = "\n\n".join(inspect.cleandoc(text) for text in (lower.__doc__ or "", notes) if text)
        FAMILIES[kind] = Family(kind, params, dtype, oracle, doc, lower)
        return lower

    return register
