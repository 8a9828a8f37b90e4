"""A pysched schedule as a real ``torch.optim.lr_scheduler.LRScheduler``, and a
torch scheduler as the pysched schedule it steps through (``from_torch``)."""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch.optim import lr_scheduler

from .._schedule import Schedule, schedule


class PyschedLR(torch.optim.lr_scheduler.LRScheduler):
    """Sets every parameter group's lr to ``schedule(t)`` after ``t`` calls of
    ``step()``: the lr the (t+1)-th ``optimizer.step()`` applies (SPEC section 1).

    Its ``state_dict`` holds the schedule as its spec (plain data, so
    ``torch.load(weights_only=True)`` reads it) and the epoch; ``load_state_dict``
    resumes exactly where it was saved.
    """

    def __init__(self, optimizer: torch.optim.Optimizer, pysched_schedule: Schedule, last_epoch: int = -1):
        self.schedule = pysched_schedule
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        lr = self.schedule(self.last_epoch)
        return [lr for _ in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        state["schedule"] = {"spec": self.schedule.to_dict(), "precision": self.schedule.precision}
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        saved = state.pop("schedule")
        super().load_state_dict(state)
        self.schedule = schedule(saved["spec"], precision=saved["precision"])


def to_torch(pysched_schedule: Schedule, optimizer: torch.optim.Optimizer) -> PyschedLR:
    return PyschedLR(optimizer, pysched_schedule)


def from_torch(scheduler: torch.optim.lr_scheduler.LRScheduler, group: int | None = None) -> Schedule:
    """The pysched schedule of a torch scheduler, from step 0; see ``pysched.from_torch``."""
    index = _group_index(scheduler, group)
    if type(scheduler) is PyschedLR:
        return scheduler.schedule
    spec = _spec(scheduler, index)
    return schedule({**spec, "dtype": _dtype(scheduler.optimizer.param_groups[index]["lr"])})


Spec = dict[str, Any]
Importer = Callable[[Any, int], Spec]


def _spec(scheduler: Any, group: int) -> Spec:
    """The spec (without dtype) of a scheduler's schedule on one param group."""
    importer = IMPORTERS.get(type(scheduler))
    if importer is None:
        raise TypeError(f"from_torch: cannot import {_name(scheduler)}: {_refusal(scheduler)}")
    return importer(scheduler, group)


def _refusal(scheduler: Any) -> str:
    if isinstance(scheduler, lr_scheduler.ReduceLROnPlateau):
        return "its rate follows the metric passed to step(), not the step count"
    return (f"pysched imports torch's {', '.join(sorted(cls.__name__ for cls in IMPORTERS))}, "
            "not a subclass or another scheduler")


def _name(scheduler: Any) -> str:
    cls = type(scheduler)
    return f"{cls.__module__}.{cls.__qualname__}"


def _group_index(scheduler: Any, group: Any) -> int:
    optimizer = getattr(scheduler, "optimizer", None)
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"from_torch: scheduler must be a torch LRScheduler on an optimizer, got {scheduler!r}")
    count = len(optimizer.param_groups)
    if group is None:
        if count != 1:
            raise ValueError(f"from_torch: the optimizer has {count} param groups; pass group= "
                             f"(0 to {count - 1}) to say whose schedule to import")
        return 0
    if isinstance(group, bool) or not isinstance(group, numbers.Integral):
        raise TypeError(f"from_torch: group must be an int, got {group!r}")
    if not 0 <= group < count:
        raise ValueError(f"from_torch: group must be in [0, {count - 1}], got {group}")
    return int(group)


def _dtype(lr: Any) -> str:
    """float64 for a Python-float lr, float32 for a float32 tensor lr (torch's arithmetic follows it)."""
    if not isinstance(lr, torch.Tensor):
        return "float64"
    if lr.dtype in (torch.float32, torch.float64):
        return str(lr.dtype).removeprefix("torch.")
    raise TypeError(f"from_torch: the param group's lr must be a float or a float32 or float64 tensor, "
                    f"got a {lr.dtype} tensor")


def _number(value: Any) -> Any:
    """A tensor as a Python number; a float32 one as the shortest decimal that is its value in float32."""
    if not isinstance(value, torch.Tensor):
        return value
    return float(str(np.float32(value.item()))) if value.dtype == torch.float32 else value.item()


def _base_lr(scheduler: Any, group: int) -> Any:
    return _number(scheduler.base_lrs[group])


def _first_lr(scheduler: Any, group: int) -> Any:
    """A composite's lr: the optimizer's lr when its first scheduler was built
    (that scheduler's base lr; the ones built later may see another)."""
    while hasattr(scheduler, "_schedulers"):
        scheduler = scheduler._schedulers[0]
    return _base_lr(scheduler, group)


def _reads(kind: str, *attributes: str, **readers: Callable[[Any, int], Any]) -> Importer:
    """An importer of the optimizer's lr, the attributes named as the parameters
    are, and the parameters that ``readers`` compute."""
    def read(scheduler: Any, group: int) -> Spec:
        return {"kind": kind, "lr": _base_lr(scheduler, group),
                **{name: getattr(scheduler, name) for name in attributes},
                **{name: reader(scheduler, group) for name, reader in readers.items()}}
    return read


def _milestones(scheduler: Any, group: int) -> list[int]:
    return sorted(scheduler.milestones.elements())  # a Counter: a repeated milestone counts twice


# MultiplicativeLR calls its lambda from epoch 1 on: these are the epochs checked.
FACTOR_EPOCHS = (*range(1, 1001), *(2**k for k in range(10, 54)))


def _constant_factor(scheduler: Any, group: int) -> Any:
    """MultiplicativeLR's lr_lambda, which must return one number at every epoch."""
    lr_lambda = scheduler.lr_lambdas[group]
    factor = lr_lambda(1)
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real):
        raise TypeError(f"from_torch: MultiplicativeLR's lr_lambda must return a number, got {factor!r} at epoch 1")
    for epoch in FACTOR_EPOCHS:
        value = lr_lambda(epoch)
        if value != factor:
            raise TypeError(f"from_torch: MultiplicativeLR's lr_lambda must be a constant factor "
                            f"(pysched's torch.MultiplicativeLR), got {factor!r} at epoch 1 and {value!r} "
                            f"at epoch {epoch}")
    return factor


def _solve(what: str, matches: Callable[[float], bool], *guesses: float) -> float:
    """The number near a guess that gives back what torch derived from it
    (torch keeps ``max_lr / div_factor``, not ``div_factor``)."""
    for guess in guesses:
        if not math.isfinite(guess):
            continue
        candidates, above, below = [float(round(guess)), guess], guess, guess
        for _ in range(8):
            above, below = math.nextafter(above, math.inf), math.nextafter(below, -math.inf)
            candidates += [above, below]
        for candidate in candidates:
            if matches(candidate):
                return candidate
    raise ValueError(f"from_torch: cannot recover {what}")


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else math.nan


def _cyclic(scheduler: Any, group: int) -> Spec:
    if scheduler._scale_fn_custom is not None:
        raise TypeError("from_torch: cannot import a CyclicLR with a custom scale_fn: pysched's torch.CyclicLR "
                        "has the triangular, triangular2 and exp_range modes")
    total, ratio = scheduler.total_size, scheduler.step_ratio
    up = _solve(f"CyclicLR's step_size_up from total_size {total!r} and step_ratio {ratio!r}",
                lambda x: x / (x + (total - x)) == ratio and x + (total - x) == total, total * ratio)
    down = total - up
    # scale_mode is left out: torch overwrites it for the built-in modes.
    return {"kind": "torch.CyclicLR", "base_lr": _base_lr(scheduler, group),
            "max_lr": _number(scheduler.max_lrs[group]), "step_size_up": _whole(up),
            "step_size_down": None if down == up else _whole(down), "mode": scheduler.mode, "gamma": scheduler.gamma,
            **_momentum(scheduler, lambda: (scheduler.base_momentums[group], scheduler.max_momentums[group]))}


def _whole(size: float) -> int | float:
    """A step count as torch's signature has it: an int when it is one."""
    return int(size) if size.is_integer() else size


def _momentum(scheduler: Any, base_and_max: Callable[[], tuple[Any, Any]]) -> Spec:
    """The momentum cycle (kept only when it cycles): it leaves the lr alone,
    and is imported for the spec's sake."""
    if not scheduler.cycle_momentum:
        return {"cycle_momentum": False}
    base, peak = base_and_max()
    return {"cycle_momentum": True, "base_momentum": _number(base), "max_momentum": _number(peak)}


def _one_cycle(scheduler: Any, group: int) -> Spec:
    """OneCycleLR keeps the phases' ends and the group's initial, max and min lr,
    not pct_start, div_factor or final_div_factor: each is the number torch's
    arithmetic turns into what it kept."""
    settings = scheduler.optimizer.param_groups[group]
    peak, initial, least = (_number(settings[key]) for key in ("max_lr", "initial_lr", "min_lr"))
    total, three_phase = scheduler.total_steps, len(scheduler._schedule_phases) == 3
    ends = [phase["end_step"] for phase in scheduler._schedule_phases[:-1]]
    return {
        "kind": "torch.OneCycleLR", "max_lr": peak, "total_steps": total,
        "pct_start": _solve(f"OneCycleLR's pct_start from its phases {ends}",
                            lambda p: _phase_ends(p, total, three_phase) == ends, (ends[0] + 1) / total, 0.3),
        "anneal_strategy": scheduler._anneal_func_type, "three_phase": three_phase,
        "div_factor": _solve(f"OneCycleLR's div_factor from max_lr {peak!r} and initial_lr {initial!r}",
                             lambda d: peak / d == initial, _ratio(peak, initial), 25.0),
        "final_div_factor": _solve(f"OneCycleLR's final_div_factor from initial_lr {initial!r} and min_lr {least!r}",
                                   lambda f: initial / f == least, _ratio(initial, least), 1e4),
        **_momentum(scheduler, lambda: (settings["base_momentum"], settings["max_momentum"])),
    }


def _phase_ends(pct_start: float, total_steps: int, three_phase: bool) -> list[float]:
    """The ends of OneCycleLR's first phases, as its constructor computes them."""
    first = [float(pct_start * total_steps) - 1]
    return first + [float(2 * pct_start * total_steps) - 2] if three_phase else first


def _children(scheduler: Any, group: int) -> list[Spec]:
    """The composite's schedulers, without lr: they share the composite's."""
    return [{key: value for key, value in _spec(child, group).items() if key != "lr"}
            for child in scheduler._schedulers]


def _sequential(scheduler: Any, group: int) -> Spec:
    return {"kind": "torch.SequentialLR", "lr": _first_lr(scheduler, group),
            "schedulers": _children(scheduler, group), "milestones": list(scheduler._milestones)}


def _chained(scheduler: Any, group: int) -> Spec:
    return {"kind": "torch.ChainedScheduler", "lr": _first_lr(scheduler, group),
            "schedulers": _children(scheduler, group)}


# transformers.optimization's LambdaLR lambdas (functools.partial of these
# functions with keyword arguments, named as the hf families name them), and
# the parameters a kind adds.
HF_LAMBDAS = {
    "_get_constant_lambda": ("hf.constant_with_warmup", {"num_warmup_steps": 0}),
    "_get_constant_schedule_with_warmup_lr_lambda": ("hf.constant_with_warmup", {}),
    "_get_linear_schedule_with_warmup_lr_lambda": ("hf.linear_with_warmup", {}),
    "_get_cosine_schedule_with_warmup_lr_lambda": ("hf.cosine_with_warmup", {}),
    "_get_cosine_with_hard_restarts_schedule_with_warmup_lr_lambda":
        ("hf.cosine_with_hard_restarts_with_warmup", {}),
    "_get_polynomial_decay_schedule_with_warmup_lr_lambda": ("hf.polynomial_decay_with_warmup", {}),
    "_get_inverse_sqrt_schedule_lr_lambda": ("hf.inverse_sqrt", {}),
    "_get_wsd_scheduler_lambda": ("hf.wsd", {}),
}
# Keywords of those lambdas that the hf families imply, as a function of the lr.
HF_IMPLIED: dict[str, Callable[[Any], Any]] = {
    "lr_init": lambda lr: lr,       # the polynomial decay's optimizer lr, which LambdaLR multiplies again
    "min_lr_rate": lambda lr: 0.0,  # the cosine's floor, 0 in get_cosine_schedule_with_warmup
}


def _transformers_lambda(scheduler: Any, group: int) -> Spec:
    lr_lambda, lr = scheduler.lr_lambdas[group], _base_lr(scheduler, group)
    function, keywords = _partial_parts(lr_lambda)
    name = getattr(function, "__name__", "")
    if getattr(function, "__module__", "") != "transformers.optimization" or name not in HF_LAMBDAS:
        raise TypeError(f"from_torch: cannot import a LambdaLR whose lr_lambda is {lr_lambda!r}: pysched imports "
                        "the lambdas of the transformers schedules it has hf kinds for, not another function")
    kind, added = HF_LAMBDAS[name]
    for key in keywords.keys() & HF_IMPLIED.keys():
        implied, value = HF_IMPLIED[key](lr), keywords.pop(key)
        if _number(value) != implied:
            raise TypeError(f"from_torch: cannot import transformers' {name} with {key}={value!r}: "
                            f"pysched's {kind} implies {key}={implied!r}")
    return {"kind": kind, "lr": lr, **added, **keywords}


def _partial_parts(lr_lambda: Any) -> tuple[Any, dict[str, Any]]:
    if isinstance(lr_lambda, functools.partial) and not lr_lambda.args:
        return lr_lambda.func, dict(lr_lambda.keywords)
    return lr_lambda, {}


IMPORTERS: dict[type, Importer] = {
    lr_scheduler.StepLR: _reads("torch.StepLR", "step_size", "gamma"),
    lr_scheduler.MultiStepLR: _reads("torch.MultiStepLR", "gamma", milestones=_milestones),
    lr_scheduler.ConstantLR: _reads("torch.ConstantLR", "factor", "total_iters"),
    lr_scheduler.LinearLR: _reads("torch.LinearLR", "start_factor", "end_factor", "total_iters"),
    lr_scheduler.ExponentialLR: _reads("torch.ExponentialLR", "gamma"),
    lr_scheduler.PolynomialLR: _reads("torch.PolynomialLR", "total_iters", "power"),
    lr_scheduler.CosineAnnealingLR: _reads("torch.CosineAnnealingLR", "T_max", "eta_min"),
    lr_scheduler.CosineAnnealingWarmRestarts: _reads("torch.CosineAnnealingWarmRestarts", "T_0", "T_mult", "eta_min"),
    lr_scheduler.MultiplicativeLR: _reads("torch.MultiplicativeLR", lr_lambda=_constant_factor),
    lr_scheduler.CyclicLR: _cyclic,
    lr_scheduler.OneCycleLR: _one_cycle,
    lr_scheduler.SequentialLR: _sequential,
    lr_scheduler.ChainedScheduler: _chained,
    lr_scheduler.LambdaLR: _transformers_lambda,
}
