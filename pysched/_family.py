"""The family table: one entry per kind, declared where its namespace lives.

A family is its parameters (names, defaults and domains as the mirrored API has
them), its default dtype, its oracle, and a lowering function from checked
parameters to a kernel descriptor. The lowering function's docstring is the
family's documentation: the formula, the oracle, and what dtype means for it.
"""

from __future__ import annotations

import difflib
import inspect
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ._params import Param, SpecError, describe, wrong_type

if TYPE_CHECKING:  # _anatomy reads this table
    from ._anatomy import Anatomy, Composition

DTYPES = ("float32", "float64")


@dataclass(frozen=True)
class Native:
    """A kernel descriptor: the kind ``PSK_<kind>`` of csrc/psk.h, its numbers in
    the order its C family function documents, the schedules it composes, and
    its dtype and where its framework raises (filled in by the family)."""

    kind: str
    real: tuple[float, ...] = ()
    integer: tuple[int, ...] = ()
    children: tuple[Native, ...] = ()
    dtype: str = ""
    raises: str = ""

    def reasons_to_raise(self) -> list[str]:
        """Where the frameworks of this schedule and its children raise."""
        reasons = [self.raises] if self.raises else []
        for child in self.children:
            reasons += [reason for reason in child.reasons_to_raise() if reason not in reasons]
        return reasons


class Params(Mapping[str, Any]):
    """Checked parameters of one schedule, read as attributes: ``p.decay_steps``
    (or as items, for names a Mapping already has: ``p["values"]``); ``p.dtype``
    is the schedule's dtype, which is not a parameter."""

    def __init__(self, values: dict[str, Any], dtype: str = ""):
        self._values = values
        self.dtype = dtype

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
    dtypes: tuple[str, ...] = DTYPES
    dtype_reason: str = ""
    """Why a dtype is not in ``dtypes``."""
    raises: str = ""
    """Where the mirrored framework raises (and pysched with it), if it can."""
    anatomy: Anatomy | None = None
    """What its parameters mean on the step axis (``pysched show``, ``pysched lint``); None for a composition."""
    composition: Composition | None = None
    """For a schedule of schedules: where its children are and when each one runs."""

    @property
    def mirrors(self) -> str:
        """The API this family mirrors: the oracle's first word, a dotted name
        (``optax.cosine_decay_schedule``); empty where the oracle is no library
        API (a seed's snippet, pysched's own compositions)."""
        first = self.oracle.split(maxsplit=1)[0] if self.oracle else ""
        return first if "." in first.strip(".") else ""

    def resolve(self, given: Mapping[str, Any]) -> tuple[Params, str, Native]:
        """Check a spec's parameters: the full parameters, the dtype, the descriptor."""
        try:
            dtype = self._checked_dtype(given.get("dtype", self.dtype))
            params = Params(self._checked_values(given, dtype), dtype)
            return params, dtype, replace(self.lower(params), dtype=dtype, raises=self.raises)
        except SpecError as error:
            raise error.category(f"{self.kind}: {error}") from None

    def _checked_values(self, given: Mapping[str, Any], dtype: str) -> dict[str, Any]:
        names = [p.name for p in self.params]
        for key in given:
            if key not in names and key not in ("kind", "dtype"):
                raise SpecError(self._unknown(key, names), TypeError)
        values: dict[str, Any] = {}
        for param in self.params:
            if param.name not in given:
                if param.required:
                    raise SpecError(f"missing required parameter {param.name!r}", TypeError)
                values[param.name] = param.default
            elif given[param.name] is None and param.default is None:
                values[param.name] = None
            else:
                values[param.name] = param.check(given[param.name], {**values, "dtype": dtype})
        return values

    @staticmethod
    def _unknown(key: Any, names: list[str]) -> str:
        close = difflib.get_close_matches(str(key), names, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown parameter {key!r}{hint} (parameters: {', '.join(names)})"

    def _checked_dtype(self, dtype: Any) -> str:
        allowed = " or ".join(repr(d) for d in self.dtypes)
        try:
            name = np.dtype(dtype).name if dtype is not None else None
        except TypeError:
            name = None
        if name is None:
            raise SpecError(f"dtype must be {allowed}, got {describe(dtype)}", TypeError)
        if name not in self.dtypes:
            raise SpecError(f"dtype must be {allowed}, got {describe(dtype)}{self._why_not(name)}")
        return name

    def _why_not(self, dtype: str) -> str:
        return f" ({self.dtype_reason})" if dtype in DTYPES and self.dtype_reason else ""


FAMILIES: dict[str, Family] = {}


def family(kind: str, *params: Param, dtype: str, oracle: str, notes: str = "",
           dtypes: tuple[str, ...] = DTYPES, dtype_reason: str = "", raises: str = "",
           anatomy: Anatomy | None = None, composition: Composition | None = None):
    """Register the decorated lowering function as the family ``kind``; its
    docstring, followed by ``notes`` shared between families, is the doc.
    A family gives its ``anatomy``, a composition its ``composition``."""

    def register(lower: Callable[[Params], Native]) -> Callable[[Params], Native]:
        if kind in FAMILIES:
            raise RuntimeError(f"family {kind!r} is declared twice")
        doc = "\n\n".join(inspect.cleandoc(text) for text in (lower.__doc__ or "", notes) if text)
        FAMILIES[kind] = Family(kind, params, dtype, oracle, doc, lower, dtypes, dtype_reason, raises, anatomy,
                                composition)
        return lower

    return register


def resolve_spec(spec: Any) -> tuple[Family, Params, str, Native]:
    """A spec's family, checked parameters, dtype and descriptor, or the error."""
    if not isinstance(spec, Mapping):
        raise TypeError(f"a spec must be a mapping with a 'kind', got {describe(spec)}")
    if "kind" not in spec:
        raise TypeError("a spec needs a 'kind', such as 'keras.ExponentialDecay' (pysched.families() lists them)")
    kind = spec["kind"]
    if not isinstance(kind, str):
        raise TypeError(f"kind must be a str, got {describe(kind)}")
    if kind not in FAMILIES:
        close = difflib.get_close_matches(kind, FAMILIES, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"unknown kind {kind!r}{hint} (pysched.families() lists the kinds)")
    family = FAMILIES[kind]
    with _one_level_deeper(kind):
        return (family, *family.resolve(spec))


_resolving = threading.local()  # how deep resolve_spec is nested in this thread


@contextmanager
def _one_level_deeper(kind: str) -> Iterator[None]:
    """Refuse a spec nested deeper than the kernel walks (PSK_MAX_DEPTH), before
    its children are resolved: each level resolves its child twice (checking,
    then lowering), so a deep spec would otherwise take time exponential in its depth."""
    from ._native import MAX_DEPTH  # _native imports this module

    level = getattr(_resolving, "level", -1) + 1
    if level > MAX_DEPTH:
        raise ValueError(f"{kind}: composition nested too deep: {level} levels down, at most {MAX_DEPTH}")
    _resolving.level = level
    try:
        yield
    finally:
        _resolving.level = level - 1


@dataclass(frozen=True)
class Children(Param):
    """The schedules a composition joins: a list of specs, each checked as a
    schedule of its own; ``inherit`` names parameters the children take from
    the composition (a torch optimizer's ``lr``, say) rather than give. With
    ``kind``, every child is of that kind and is given as its parameters alone
    (optax's ``cosine_kwargs``)."""

    prefix: str = ""
    inherit: tuple[str, ...] = ()
    kind: str = ""
    type_name: ClassVar[str] = "list of specs"

    def check(self, value: Any, context: Mapping[str, Any]) -> list[dict[str, Any]]:
        if not isinstance(value, (list, tuple)) or not value:
            raise wrong_type(self.name, "a non-empty list of specs", value)
        return [self.child(index, spec, context)[0] for index, spec in enumerate(value)]

    def child(self, index: int | None, spec: Any, context: Mapping[str, Any]) -> tuple[dict[str, Any], Native]:
        """The child's spec as to_dict shows it (without inherited keys), and its descriptor."""
        where = self.name if index is None else f"{self.name}[{index}]"
        if not isinstance(spec, Mapping):
            raise wrong_type(where, f"the parameters of a {self.kind}" if self.kind else
                             "a spec (a mapping with a 'kind')", spec)
        if self.kind:
            if "kind" in spec:
                raise SpecError(f"{where} gives a kind; its kind is {self.kind!r}", TypeError)
            spec = {"kind": self.kind, **spec}
        if not str(spec.get("kind", "")).startswith(self.prefix):
            raise SpecError(f"{where} must be a schedule of the {self.prefix.rstrip('.')} namespace, "
                            f"got kind {spec.get('kind')!r}")
        kind = spec.get("kind")  # resolve_spec below says what is wrong with a missing or odd kind
        takes = {"dtype", *(p.name for p in FAMILIES[kind].params)} if isinstance(kind, str) and kind in FAMILIES \
            else set()
        inherited = {key: context[key] for key in self.inherit if key in takes}
        for key, value in inherited.items():
            if key in spec and spec[key] != value:
                raise SpecError(f"{where}.{key} must be the composition's {key}, {value!r}, "
                                f"got {spec[key]!r} (it takes it from the composition)")
        try:
            family, params, dtype, native = resolve_spec({**spec, **inherited})
        except (TypeError, ValueError) as error:
            raise SpecError(f"{where}: {error}", type(error)) from None
        shown = {"kind": family.kind, **params, "dtype": dtype}
        hidden = {*self.inherit, "kind"} if self.kind else set(self.inherit)
        return {k: v for k, v in shown.items() if k not in hidden}, native

    def natives(self, children: list[dict[str, Any]], context: Mapping[str, Any]) -> tuple[Native, ...]:
        return tuple(self.child(i, spec, context)[1] for i, spec in enumerate(children))


@dataclass(frozen=True)
class Child(Children):
    """The one schedule a composition transforms: a spec."""

    type_name: ClassVar[str] = "spec"

    def check(self, value: Any, context: Mapping[str, Any]) -> dict[str, Any]:
        return self.child(None, value, context)[0]

    def native(self, spec: dict[str, Any], context: Mapping[str, Any]) -> Native:
        return self.child(None, spec, context)[1]
