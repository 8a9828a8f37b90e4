"""Conversion to PyTorch: a ``torch.optim.lr_scheduler`` object on an SGD
optimizer, its learning rates read from ``param_groups[0]["lr"]`` after each
``scheduler.step()``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ..._family import FAMILIES
from ._code import Code, Equivalent, call, concept_args, non_default, switches

SCHEDULERS = "torch.optim.lr_scheduler"
MOMENTUM_CYCLING = ("torch.CyclicLR", "torch.OneCycleLR")
CLOSED_FORM_NOTE = ("the spec asks for torch's closed form; step() gives the chainable values, "
                    "which drift from it")


def same_kind(spec: Mapping[str, Any], horizon: int) -> Equivalent:
    """The torch scheduler of the spec's own kind."""
    name = spec["kind"].removeprefix("torch.")
    args = non_default(spec, ("lr", "closed_form"))
    optimizer_args = {"lr": spec.get("lr", spec.get("base_lr", spec.get("max_lr")))}
    if spec["kind"] in MOMENTUM_CYCLING and spec["cycle_momentum"]:
        optimizer_args["momentum"] = 0.9  # the scheduler cycles it, so the optimizer must have it
    if name == "MultiplicativeLR":
        args["lr_lambda"] = Code(f"lambda epoch: {spec['lr_lambda']!r}")
    positional = ("optimizer",)
    if name in COMPOSITES:
        children = (same_kind(child, horizon).expression for child in spec["schedulers"])
        args["schedulers"] = Code(f"[{', '.join(children)}]")
        if name == "ChainedScheduler":  # ChainedScheduler(schedulers, optimizer=None)
            args, positional = {**args, "optimizer": Code("optimizer")}, ()
    return Equivalent(call(f"{SCHEDULERS}.{name}", args, *positional), optimizer_args,
                      note=CLOSED_FORM_NOTE if spec.get("closed_form") else "")


def transformers_function(spec: Mapping[str, Any], horizon: int) -> Equivalent:
    """transformers' own function, which returns a LambdaLR."""
    args = non_default(spec, ("lr",))
    return Equivalent(call(FAMILIES[spec["kind"]].mirrors, args, "optimizer"), {"lr": spec["lr"]},
                      imports=("import transformers",))


def piecewise(spec: Mapping[str, Any], horizon: int) -> Equivalent | None:
    """MultiStepLR when every switch multiplies the rate by one gamma, else a
    ChainedScheduler of one-milestone MultiStepLRs (torch switches at its
    milestones, Keras one step after its boundaries); the rates are products
    in float64, exact only where they equal the source's."""
    steps, values = switches(spec, horizon)
    if 0.0 in values[:-1]:
        return None
    gammas = [after / before for before, after in zip(values, values[1:], strict=False)]
    if len(set(gammas)) <= 1:
        args = {"milestones": steps, "gamma": gammas[0] if gammas else 1.0}
        return Equivalent(call(f"{SCHEDULERS}.MultiStepLR", args, "optimizer"), {"lr": values[0]})
    chain = ", ".join(call(f"{SCHEDULERS}.MultiStepLR", {"milestones": [step], "gamma": gamma}, "optimizer")
                      for step, gamma in zip(steps, gammas, strict=True))
    return Equivalent(f"{SCHEDULERS}.ChainedScheduler([{chain}])", {"lr": values[0]})


def exponential(spec: Mapping[str, Any], horizon: int) -> Equivalent | None:
    """StepLR for a staircase decay; ExponentialLR with the per-step rate
    ``decay_rate ** (1 / decay_steps)`` for a continuous one (a float64
    recursion: close to the float32 power, never equal to it)."""
    lr, steps, rate = concept_args(spec, "exponential")
    if spec.get("transition_begin", 0) or spec.get("end_value") is not None:
        return None
    if spec["staircase"]:
        return Equivalent(call(f"{SCHEDULERS}.StepLR", {"step_size": steps, "gamma": rate}, "optimizer"), {"lr": lr})
    return Equivalent(call(f"{SCHEDULERS}.ExponentialLR", {"gamma": rate ** (1 / steps)}, "optimizer"), {"lr": lr},
                      note="a per-step gamma of decay_rate ** (1 / decay_steps), multiplied up in float64")


def cosine(spec: Mapping[str, Any], horizon: int) -> Equivalent | None:
    """CosineAnnealingLR with ``eta_min = alpha * lr``: other arithmetic, and
    past ``T_max`` it climbs back where the source holds its final value."""
    lr, steps, alpha = concept_args(spec, "cosine")
    if spec.get("warmup_steps", 0) or spec.get("exponent", 1.0) != 1.0:
        return None
    return Equivalent(call(f"{SCHEDULERS}.CosineAnnealingLR", {"T_max": steps, "eta_min": alpha * lr}, "optimizer"),
                      {"lr": lr}, note="torch's recursion, and past T_max torch climbs back up")


COMPOSITES = ("SequentialLR", "ChainedScheduler")
SAME_KIND = ("StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR", "PolynomialLR", "CosineAnnealingLR",
             "CosineAnnealingWarmRestarts", "CyclicLR", "OneCycleLR", "MultiplicativeLR", *COMPOSITES)
EQUIVALENTS: dict[str, Callable[[Mapping[str, Any], int], Equivalent | None]] = {
    **{f"torch.{name}": same_kind for name in SAME_KIND},
    **{kind: transformers_function for kind in FAMILIES if kind.startswith("hf.")},
    **dict.fromkeys(("keras.PiecewiseConstantDecay", "tf1.piecewise_constant", "optax.piecewise_constant"),
                    piecewise),
    **dict.fromkeys(("keras.ExponentialDecay", "tf1.exponential_decay", "optax.exponential_decay"), exponential),
    **dict.fromkeys(("keras.CosineDecay", "tf1.cosine_decay", "optax.cosine_decay"), cosine),
}


def program(equivalent: Equivalent) -> str:
    """The runnable snippet: imports, an optimizer, and ``scheduler``."""
    return "\n".join(["import torch", *equivalent.imports, "",
                      "params = [torch.zeros(1, requires_grad=True)]",
                      f"optimizer = {call('torch.optim.SGD', equivalent.optimizer_args, 'params')}",
                      f"scheduler = {equivalent.expression}", ""])


def adapter_program(spec: Mapping[str, Any]) -> str:
    """The snippet that uses pysched's own torch adapter."""
    return "\n".join(["import pysched", "import torch", "",
                      "params = [torch.zeros(1, requires_grad=True)]",
                      "optimizer = torch.optim.SGD(params, lr=0.0)",
                      f"scheduler = pysched.schedule({dict(spec)!r}).to_torch(optimizer)", ""])


def values(code: str, steps: int) -> np.ndarray:
    """Run the snippet: the lr of each of the first ``steps`` updates, each
    followed by ``scheduler.step()``."""
    import torch  # noqa: F401  (the snippet's import, done here so a missing torch fails first)

    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102  (code this module wrote)
    optimizer, scheduler = namespace["optimizer"], namespace["scheduler"]
    applied = np.empty(steps)
    for step in range(steps):
        applied[step] = optimizer.param_groups[0]["lr"]
        optimizer.step()
        scheduler.step()
    return applied
