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
    """A spec, its oracle and steps, and what to expect. ``raises``: the oracle
    fails for these arguments, and pysched must refuse them too (SPEC section
    5). ``known``: the oracle fails but pysched follows another oracle of the
    same family (a documented framework difference; checked strictly, so a
    framework that stops failing is reported)."""

    spec: dict[str, Any]
    oracle: str
    steps: Steps
    label: str
    ulp: int = 0
    reason: str = ""
    note: str = ""
    raises: str = ""
    known: str = ""

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


KERAS_VARIANTS = {
    "keras.ExponentialDecay": [
        ("continuous", {"initial_learning_rate": 0.1, "decay_steps": 1000, "decay_rate": 0.96}),
        ("staircase", {"initial_learning_rate": 0.1, "decay_steps": 100, "decay_rate": 0.5, "staircase": True}),
        ("slow,far", {"initial_learning_rate": 1.0, "decay_steps": 7, "decay_rate": 0.99999}),
        ("float decay_steps", {"initial_learning_rate": 0.1, "decay_steps": 937.5, "decay_rate": 0.96,
                               "staircase": True}),
        ("float64", {"initial_learning_rate": 0.1, "decay_steps": 1000, "decay_rate": 0.96, "dtype": "float64"}),
        ("float64,staircase", {"initial_learning_rate": 0.1, "decay_steps": 300, "decay_rate": 0.96,
                               "staircase": True, "dtype": "float64"}),
        ("underflow", {"initial_learning_rate": 1.0, "decay_steps": 1, "decay_rate": 0.5}),
        ("underflow,float64", {"initial_learning_rate": 1.0, "decay_steps": 1, "decay_rate": 0.5,
                               "dtype": "float64"}),
    ],
    "keras.PiecewiseConstantDecay": [
        ("edges", {"boundaries": [100, 1000, 1001, 3000], "values": [1.0, 0.5, 0.1, 0.05, 0.01]}),
        ("float boundaries", {"boundaries": [99.7, 1000.2], "values": [0.1, 0.01, 0.001]}),
        ("float64,far", {"boundaries": [2500, 2**31 + 7, 2**40], "values": [0.3, 0.2, 0.1, 0.05],
                         "dtype": "float64"}),
    ],
    "keras.PolynomialDecay": [
        ("linear", {"initial_learning_rate": 0.1, "decay_steps": 1000, "end_learning_rate": 0.001}),
        ("sqrt", {"initial_learning_rate": 0.1, "decay_steps": 3000, "power": 0.5}),
        ("cube", {"initial_learning_rate": 0.1, "decay_steps": 1234, "power": 3.0}),
        ("cycle", {"initial_learning_rate": 0.1, "decay_steps": 700, "end_learning_rate": 0.01, "power": 2.0,
                   "cycle": True}),
        ("float64,cycle", {"initial_learning_rate": 0.1, "decay_steps": 700, "power": 0.7, "cycle": True,
                           "dtype": "float64"}),
    ],
    "keras.InverseTimeDecay": [
        ("continuous", {"initial_learning_rate": 0.1, "decay_steps": 100, "decay_rate": 0.5}),
        ("staircase", {"initial_learning_rate": 0.1, "decay_steps": 250, "decay_rate": 2.0, "staircase": True}),
        ("float64", {"initial_learning_rate": 0.1, "decay_steps": 30, "decay_rate": 0.9, "dtype": "float64"}),
    ],
    "keras.CosineDecay": [
        ("plain", {"initial_learning_rate": 0.1, "decay_steps": 3000}),
        ("alpha", {"initial_learning_rate": 0.1, "decay_steps": 937.5, "alpha": 0.1}),
        ("warmup", {"initial_learning_rate": 0.0, "decay_steps": 2000, "warmup_target": 0.1,
                    "warmup_steps": 500, "alpha": 0.05}),
        ("float64,warmup", {"initial_learning_rate": 0.001, "decay_steps": 3000, "warmup_target": 0.1,
                            "warmup_steps": 777, "dtype": "float64"}),
    ],
    "keras.CosineDecayRestarts": [
        ("t_mul 2", {"initial_learning_rate": 0.1, "first_decay_steps": 100}),
        ("t_mul 1, m_mul 0.5", {"initial_learning_rate": 0.1, "first_decay_steps": 300, "t_mul": 1.0,
                                "m_mul": 0.5, "alpha": 0.01}),
        ("t_mul 1.5", {"initial_learning_rate": 0.1, "first_decay_steps": 50, "t_mul": 1.5, "m_mul": 0.9}),
        ("float64", {"initial_learning_rate": 0.1, "first_decay_steps": 100, "t_mul": 2.0, "m_mul": 0.8,
                     "dtype": "float64"}),
    ],
}


# Keras 3 evaluates these; tf_keras raises, and pysched follows Keras 3.
TF_KERAS_RAISES = {
    ("keras.PolynomialDecay", "float64,cycle,graph"):
        "tf_keras raises TypeError in a graph: its tf.where mixes a float32 1.0 with the float64 ceil",
}
# Eager steps cost about a millisecond each; graph cases run their updates in one tf.function.
STEPS = {"eager": 3001, "graph": 5001}


def _keras() -> list[Case]:
    """Every Keras variant on Keras 3 and tf_keras, eagerly and in a tf.function."""
    cases = []
    for kind, variants in KERAS_VARIANTS.items():
        for oracle in ("keras3", "tf_keras"):
            for execution in ("eager", "graph"):
                for label, params in variants:
                    spec = {"kind": kind, **params}
                    if kind != "keras.PiecewiseConstantDecay":
                        spec["execution"] = execution
                    elif execution == "graph":
                        continue  # no division: graph and eager are the same operations
                    known = TF_KERAS_RAISES.get((kind, f"{label},{execution}"), "") if oracle == "tf_keras" else ""
                    cases.append(Case(spec, oracle, Steps(STEPS[execution], far=FAR), f"{label},{execution}",
                                      known=known))
    return cases


TF1_VARIANTS = {
    "tf1.exponential_decay": [
        ("continuous", {"learning_rate": 0.1, "decay_steps": 1000, "decay_rate": 0.96}),
        ("staircase", {"learning_rate": 0.1, "decay_steps": 100, "decay_rate": 0.5, "staircase": True}),
        ("float64", {"learning_rate": 0.1, "decay_steps": 1000, "decay_rate": 0.96, "dtype": "float64"}),
        ("underflow", {"learning_rate": 1.0, "decay_steps": 3, "decay_rate": 0.5}),
    ],
    "tf1.natural_exp_decay": [
        ("continuous", {"learning_rate": 0.1, "decay_steps": 1000, "decay_rate": 0.5}),
        ("staircase,float64", {"learning_rate": 0.1, "decay_steps": 100, "decay_rate": 0.3, "staircase": True,
                               "dtype": "float64"}),
    ],
    "tf1.inverse_time_decay": [
        ("continuous", {"learning_rate": 0.1, "decay_steps": 100, "decay_rate": 0.5}),
        ("staircase", {"learning_rate": 0.1, "decay_steps": 250, "decay_rate": 2.0, "staircase": True}),
    ],
    "tf1.polynomial_decay": [
        ("linear", {"learning_rate": 0.1, "decay_steps": 1000}),
        ("cycle", {"learning_rate": 0.1, "decay_steps": 700, "power": 0.5, "cycle": True}),
    ],
    "tf1.piecewise_constant": [
        ("edges", {"boundaries": [100, 1000, 1001, 3000], "values": [1.0, 0.5, 0.1, 0.05, 0.01]}),
        ("subnormal value", {"boundaries": [10], "values": [0.1, 1e-40]}),
    ],
    "tf1.cosine_decay": [
        ("plain", {"learning_rate": 0.1, "decay_steps": 3000}),
        ("alpha", {"learning_rate": 0.1, "decay_steps": 1000, "alpha": 0.3}),
    ],
    "tf1.cosine_decay_restarts": [
        ("t_mul 2", {"learning_rate": 0.1, "first_decay_steps": 100}),
        ("t_mul 1.5", {"learning_rate": 0.1, "first_decay_steps": 50, "t_mul": 1.5, "m_mul": 0.9, "alpha": 0.1}),
    ],
    "tf1.linear_cosine_decay": [
        ("defaults", {"learning_rate": 0.1, "decay_steps": 3000}),
        ("periods", {"learning_rate": 0.1, "decay_steps": 2000, "num_periods": 3.0, "alpha": 0.1, "beta": 0.01}),
    ],
}


TF1_RAISES = [
    ("tf1.polynomial_decay", "cycle,float64",
     {"learning_rate": 0.1, "decay_steps": 700, "cycle": True, "dtype": "float64"},
     "where_v2 mixes a float32 1.0 with the float64 ceil: TypeError"),
    ("tf1.cosine_decay", "float64", {"learning_rate": 0.1, "decay_steps": 1000, "dtype": "float64"},
     "a float32 pi times the float64 step: TypeError"),
]


def _tf1() -> list[Case]:
    """Every TF1 variant in a session (graph), and a few in TF2 eager execution."""
    cases = [Case({"kind": kind, **params}, "tf1", Steps(10), label, raises=why)
             for kind, label, params, why in TF1_RAISES]
    for kind, variants in TF1_VARIANTS.items():
        for label, params in variants:
            cases.append(Case({"kind": kind, **params}, "tf1", Steps(5001, far=FAR), f"{label},graph"))
        if kind != "tf1.piecewise_constant":  # no division: graph and eager are the same operations
            label, params = variants[0]
            cases.append(Case({"kind": kind, **params, "execution": "eager"}, "tf1", Steps(3001, far=FAR),
                              f"{label},eager"))
    cases.append(Case({"kind": "tf1.polynomial_decay", "learning_rate": 0.1, "decay_steps": 700, "cycle": True,
                       "dtype": "float64", "execution": "eager"}, "tf1", Steps(3001, far=FAR), "cycle,float64,eager"))
    return cases


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
    return _keras() + _tf1() + _seed000() + _seed001() + _seed002() + _seed003()
