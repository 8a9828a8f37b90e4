"""The conformance cases: a spec, the oracle that runs it for real, the steps, the tolerance.

A case's steps are a contiguous run from ``start`` (driven update by update, as
training does) and, for oracles without state, a few far steps reached by
resuming the framework's documented way (Keras ``iterations``, TF1
``global_step``, torch ``last_epoch``). Every case has tolerance 0 ULP unless it
carries a written reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

# The far steps: around float32's exact-integer limit, int32's limit, and 2**53.
FAR = (100_003, 1_000_000, 2**24 - 1, 2**24, 2**24 + 1, 2**24 + 3, 2**31 - 1, 2**31 + 5, 2**40 + 7, 2**53)

# Which driver process runs each oracle (conformance/drivers/<driver>.py).
DRIVERS = {
    "keras3": "keras3",
    "tf_keras": "tf_keras",
    "tf1": "tf1",
    "tf1.placeholder": "tf1",
    "torch": "torch",
    "transformers": "torch",
    "python": "python",
}


@dataclass(frozen=True)
class Steps:
    """``[start, stop)`` stepped in order, plus far steps reached by resuming."""

    stop: int
    start: int = 0
    far: tuple[int, ...] = ()

    def array(self, stop: int | None = None) -> np.ndarray:
        stop = self.stop if stop is None else min(self.stop, self.start + stop)
        run = np.arange(self.start, stop, dtype=np.int64)
        return np.unique(np.concatenate([run, np.array(self.far, dtype=np.int64)]))


@dataclass(frozen=True)
class Case:
    spec: dict[str, Any]
    oracle: str
    steps: Steps
    label: str
    ulp: int = 0
    reason: str = ""
    note: str = ""

    def __post_init__(self):
        if self.ulp and not self.reason:
            raise ValueError(f"{self.id}: a tolerance above 0 ULP needs a written reason")
        if self.oracle not in DRIVERS:
            raise ValueError(f"{self.id}: unknown oracle {self.oracle!r}")

    @property
    def kind(self) -> str:
        return self.spec["kind"]

    @property
    def driver(self) -> str:
        return DRIVERS[self.oracle]

    @property
    def id(self) -> str:
        return f"{self.kind}[{self.label}]@{self.oracle}"


def _keras_exponential_decay() -> list[Case]:
    kind = "keras.ExponentialDecay"
    base = {"kind": kind, "initial_learning_rate": 0.1, "decay_steps": 1000, "decay_rate": 0.96}
    variants = [
        ("continuous", {}),
        ("staircase", {"decay_steps": 100, "decay_rate": 0.5, "staircase": True}),
        ("slow,far", {"initial_learning_rate": 1.0, "decay_steps": 7, "decay_rate": 0.99999}),
        ("float-decay_steps", {"decay_steps": 937.5, "staircase": True}),
        ("float64", {"dtype": "float64"}),
        ("float64,staircase", {"dtype": "float64", "decay_steps": 300, "staircase": True}),
        ("underflow", {"initial_learning_rate": 1.0, "decay_steps": 1, "decay_rate": 0.5}),
        ("underflow,float64", {"initial_learning_rate": 1.0, "decay_steps": 1, "decay_rate": 0.5,
                               "dtype": "float64"}),
    ]
    cases = []
    for oracle in ("keras3", "tf_keras"):
        for execution in ("eager", "graph"):
            for label, change in variants:
                spec = {**base, **change, "execution": execution}
                cases.append(Case(spec, oracle, Steps(5001, far=FAR), f"{label},{execution}"))
    return cases


def _tf1_exponential_decay() -> list[Case]:
    base = {"kind": "tf1.exponential_decay", "learning_rate": 0.1, "decay_steps": 1000, "decay_rate": 0.96}
    return [
        Case(base, "tf1", Steps(5001, far=FAR), "continuous,graph"),
        Case({**base, "decay_steps": 100, "decay_rate": 0.5, "staircase": True}, "tf1", Steps(5001, far=FAR),
             "staircase,graph"),
        Case({**base, "dtype": "float64"}, "tf1", Steps(5001, far=FAR), "float64,graph"),
        Case({**base, "learning_rate": 1.0, "decay_steps": 3, "decay_rate": 0.5}, "tf1", Steps(5001),
             "underflow,graph"),
        Case({**base, "execution": "eager"}, "tf1", Steps(3001, far=FAR), "continuous,eager"),
    ]


def _seed000() -> list[Case]:
    kind = "seed.exponential_decay_with_burnin"
    seed_values = {"kind": kind, "initial_learning_rate": 0.01, "decay_steps": 1000, "decay_rate": 0.96,
                   "burnin_steps": 200}
    return [
        Case(seed_values, "tf1", Steps(5001, far=FAR), "seed's values"),
        Case({**seed_values, "burnin_steps": 0}, "tf1", Steps(3001, far=FAR), "no burn-in"),
        Case({**seed_values, "burnin_steps": 1234, "decay_steps": 333}, "tf1", Steps(5001, far=FAR),
             "odd lengths"),
    ]


def _seed001() -> list[Case]:
    warmups = [
        Case({"kind": "seed.constant_warmup", "init_lr": 0.1, "warmup_steps": 2500}, "transformers",
             Steps(16001, far=FAR), "seed's values"),
        Case({"kind": "seed.constant_warmup", "init_lr": 0.1, "warmup_steps": 2500, "dtype": "float32"},
             "transformers", Steps(5001, far=FAR), "float32 tensor lr"),
        Case({"kind": "seed.constant_warmup", "init_lr": 0.1, "warmup_steps": 0}, "transformers",
             Steps(3001), "no warmup"),
        Case({"kind": "seed.linear_warmup", "init_lr": 0.1, "warmup_steps": 2500, "max_steps": 15000},
             "transformers", Steps(16001, far=FAR), "seed's values"),
        Case({"kind": "seed.linear_warmup", "init_lr": 0.1, "warmup_steps": 300, "max_steps": 200},
             "transformers", Steps(3001), "max_steps before warmup end"),
        Case({"kind": "seed.cosine_warmup", "init_lr": 0.1, "warmup_steps": 2500, "max_steps": 15000},
             "transformers", Steps(16001, far=FAR), "seed's values"),
        Case({"kind": "seed.cosine_warmup", "init_lr": 0.1, "warmup_steps": 2500, "max_steps": 15000,
              "dtype": "float32"}, "transformers", Steps(16001), "float32 tensor lr"),
    ]
    seed_code = [
        Case({"kind": "seed.gradual_warmup", "init_lr": 0.1, "warmup_steps": 2500}, "python",
             Steps(15000), "seed's values", note="post-warmup branch from the snippet's docstring"),
        Case({"kind": "seed.gradual_warmup", "init_lr": 0.1, "warmup_steps": 0}, "python", Steps(3001),
             "no warmup", note="post-warmup branch from the snippet's docstring"),
        Case({"kind": "seed.gradual_warmup_simulation", "init_lr": 0.1, "warmup_steps": 2500}, "python",
             Steps(62000), "seed's values, run to its fixed point"),
        Case({"kind": "seed.gradual_warmup_simulation", "init_lr": 1e10, "warmup_steps": 1000}, "python",
             Steps(60000), "warmup ends above 1: OverflowError"),
        Case({"kind": "seed.gradual_warmup_simulation", "init_lr": 1.0, "warmup_steps": 1}, "python",
             Steps(5000), "lr 0 then 1 forever"),
        Case({"kind": "seed.gradual_warmup_simulation", "init_lr": 0.1, "warmup_steps": 2500,
              "dtype": "float32"}, "python", Steps(20000), "float32 output"),
    ]
    yolo = [
        Case({"kind": "seed.warmup_lr_scheduler", "lr0": 0.01, "warmup_iters": 1000, "warmup_factor": 1.0 / 1000},
             "torch", Steps(5001, far=FAR), "seed's values"),
        Case({"kind": "seed.warmup_lr_scheduler", "lr0": 0.01, "warmup_iters": 1000, "warmup_factor": 1.0 / 1000,
              "dtype": "float32"}, "torch", Steps(3001, far=FAR), "float32 tensor lr"),
        Case({"kind": "seed.warmup_lr_scheduler", "lr0": 0.01, "warmup_iters": 0, "warmup_factor": 0.1},
             "torch", Steps(3001), "no warmup"),
        Case({"kind": "seed.lf", "lr0": 0.01, "epochs": 30, "lrf": 0.01}, "torch", Steps(5001, far=FAR),
             "seed's values, past epochs"),
        Case({"kind": "seed.lf", "lr0": 0.01, "epochs": 300, "lrf": 0.2, "start_epoch": 57}, "torch",
             Steps(5001, start=57), "resumed at start_epoch"),
        Case({"kind": "seed.lf", "lr0": 0.01, "epochs": 3000, "lrf": 0.05, "dtype": "float32"}, "torch",
             Steps(5001, far=FAR), "float32 tensor lr"),
    ]
    return warmups + seed_code + yolo


def _seed002() -> list[Case]:
    spec = {"kind": "seed.exponential_decay", "learning_rate": 0.01, "decay_steps": 16, "decay_rate": 0.96}
    int32_far = tuple(step for step in FAR if step < 2**31)  # the seed's global_step is an int32 variable
    cases = []
    for oracle, far in (("tf1", int32_far), ("tf1.placeholder", FAR)):
        cases.append(Case({**spec, "staircase": True}, oracle, Steps(5001, far=far), "seed's values, staircase"))
        cases.append(Case(spec, oracle, Steps(5001, far=far), "continuous"))
    return cases


def _seed003() -> list[Case]:
    exponential = {"kind": "seed.ExponentialDecay", "initial_lr": 0.001, "decay_rate": 0.9, "min_lr": 0.0}
    piecewise = {"kind": "seed.PiecewiseConstantDecay", "initial_lr": 0.001, "decay_rate": 0.5, "min_lr": 0.0}
    cosine = {"kind": "seed.CosineDecay", "initial_lr": 0.001, "min_lr": 0.0}
    cases = [
        Case({**exponential, "print_step": 1875.0}, "keras3", Steps(18751), "seed's values"),
        Case({**exponential, "print_step": 37, "min_lr": 0.0005}, "keras3", Steps(5001), "int period, floor"),
        Case({**exponential, "print_step": 10.5}, "keras3", Steps(5001), "fractional float period"),
        Case({**piecewise, "change_step": 300, "print_step": 1875.0}, "keras3", Steps(5001), "every 300"),
        Case({**piecewise, "change_step": 3, "print_step": 10, "min_lr": 1e-5}, "keras3", Steps(3001),
             "every 3, floor"),
        Case({**piecewise, "change_step": 2.5, "print_step": 10, "decay_rate": 0.999}, "keras3",
             Steps(5001), "float period 2.5"),
        Case({**cosine, "decay_step": 18750.0, "print_step": 1875.0}, "keras3", Steps(20001), "seed's values"),
        Case({**cosine, "decay_step": 3000, "print_step": 100, "min_lr": 0.0001}, "keras3", Steps(5001),
             "past decay_step, floor"),
    ]
    for optimizer in ("tf_keras.legacy", "tf_keras"):
        cases += [
            Case({**exponential, "print_step": 37, "optimizer": optimizer}, "tf_keras", Steps(3001),
                 f"int period,{optimizer}"),
            Case({**piecewise, "change_step": 7, "print_step": 100, "optimizer": optimizer}, "tf_keras",
                 Steps(3001), f"every 7,{optimizer}"),
        ]
    cases += [
        Case({**exponential, "print_step": 10.5, "optimizer": "tf_keras.legacy"}, "tf_keras", Steps(3001),
             "fractional float period,tf_keras.legacy"),
        Case({**cosine, "decay_step": 3000, "print_step": 100}, "tf_keras", Steps(3001), "tf_keras.legacy"),
    ]
    return cases


def all_cases() -> list[Case]:
    return (_keras_exponential_decay() + _tf1_exponential_decay() + _seed000() + _seed001() + _seed002()
            + _seed003())
