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
    "optax": "optax",
    "optax.jit": "optax",
    "torch.resume": "torch",
    "torch.last_epoch": "torch",
    "torch.adapter": "torch",
    "optax.adapter": "optax",
    "keras3.resume": "keras3",
    "tf_keras.resume": "tf_keras",
    "keras3.adapter": "keras3",
    "tf_keras.adapter": "tf_keras",
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
    groups: tuple[float, ...] = ()
    """Several param groups, one lr each: the oracle's trace has a row per group."""
    resume_at: int = 0
    """The oracle is interrupted before this step and resumed the framework's
    documented way (a ``*.resume`` or ``*.last_epoch`` oracle)."""
    differs: str = ""
    """The oracle's values differ from pysched's, for this documented reason (a
    framework defect, such as a resume that loses state); checked strictly."""

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
    def checks_adapter(self) -> bool:
        """The oracle runs pysched's own adapters in the framework: it measures
        pysched, not the framework, so its trace is never recorded."""
        return self.oracle.endswith(".adapter")

    def job(self) -> dict:
        """What the driver needs: the spec, with the harness's own settings."""
        extra = {"groups": list(self.groups)} if self.groups else {}
        if self.resume_at:
            extra["resume_at"] = self.resume_at
        return {**self.spec, **extra}

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
        ("subnormal value", {"boundaries": [10], "values": [0.1, 1e-40]}),
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


OD_VARIANTS = {
    "od.exponential_decay_with_burnin": [
        ("staircase,burnin", {"learning_rate_base": 0.01, "learning_rate_decay_steps": 100,
                              "learning_rate_decay_factor": 0.9, "burnin_learning_rate": 0.001,
                              "burnin_steps": 50}),
        ("smooth,min_lr", {"learning_rate_base": 0.01, "learning_rate_decay_steps": 100,
                           "learning_rate_decay_factor": 0.95, "burnin_learning_rate": 0.002, "burnin_steps": 50,
                           "min_learning_rate": 0.004, "staircase": False}),
        ("defaults", {"learning_rate_base": 0.1, "learning_rate_decay_steps": 300,
                      "learning_rate_decay_factor": 0.5}),
        ("burnin above base", {"learning_rate_base": 0.02, "learning_rate_decay_steps": 250,
                               "learning_rate_decay_factor": 0.1, "burnin_learning_rate": 0.05,
                               "burnin_steps": 500, "min_learning_rate": 1e-4}),
        ("decay_steps 41", {"learning_rate_base": 0.1, "learning_rate_decay_steps": 41,
                            "learning_rate_decay_factor": 0.5}),
    ],
    "od.cosine_decay_with_warmup": [
        ("warmup", {"learning_rate_base": 0.04, "total_steps": 1500, "warmup_learning_rate": 0.013333,
                    "warmup_steps": 200}),
        ("warmup,hold", {"learning_rate_base": 0.08, "total_steps": 1200, "warmup_learning_rate": 0.026666,
                         "warmup_steps": 100, "hold_base_rate_steps": 300}),
        ("plain", {"learning_rate_base": 0.1, "total_steps": 1000}),
        ("hold only", {"learning_rate_base": 0.05, "total_steps": 1500, "hold_base_rate_steps": 500}),
        ("warmup to the end: 0/0", {"learning_rate_base": 0.01, "total_steps": 1000, "warmup_steps": 1000}),
        ("long", {"learning_rate_base": 0.3, "total_steps": 4000, "warmup_steps": 1}),
    ],
    "od.manual_stepping": [
        ("three boundaries", {"boundaries": [300, 800, 1500], "rates": [0.1, 0.05, 0.01, 0.001]}),
        ("warmup", {"boundaries": [300, 800, 1500], "rates": [0.1, 0.05, 0.01, 0.001], "warmup": True}),
        ("no boundaries", {"boundaries": [], "rates": [0.02]}),
        ("warmup from 0, to 2000", {"boundaries": [1, 2000], "rates": [0.0, 0.5, 0.25], "warmup": True}),
        ("warmup, inexact slope", {"boundaries": [7, 1000], "rates": [0.003, 0.1, 0.01], "warmup": True}),
    ],
}


def _od() -> list[Case]:
    """The Object Detection API's schedules in a session (graph), two eagerly."""
    cases = []
    for kind, variants in OD_VARIANTS.items():
        for label, params in variants:
            cases.append(Case({"kind": kind, **params}, "tf1", Steps(5001, far=FAR), label))
        if kind != "od.manual_stepping":
            label, params = variants[1]
            cases.append(Case({"kind": kind, **params, "execution": "eager"}, "tf1", Steps(3001, far=FAR),
                              f"{label},eager"))
    return cases


HF_VARIANTS = {
    "hf.constant_with_warmup": [
        ("warmup 500", {"lr": 0.001, "num_warmup_steps": 500}),
        ("float32", {"lr": 0.001, "num_warmup_steps": 77, "dtype": "float32"}),
    ],
    "hf.linear_with_warmup": [
        ("to 4000", {"lr": 0.001, "num_warmup_steps": 500, "num_training_steps": 4000}),
        ("float32", {"lr": 0.003, "num_warmup_steps": 10, "num_training_steps": 3333, "dtype": "float32"}),
    ],
    "hf.cosine_with_warmup": [
        ("half cycle", {"lr": 0.001, "num_warmup_steps": 500, "num_training_steps": 4000}),
        ("three cycles", {"lr": 0.001, "num_warmup_steps": 0, "num_training_steps": 3000, "num_cycles": 3.0}),
    ],
    "hf.cosine_with_hard_restarts_with_warmup": [
        ("one cycle", {"lr": 0.001, "num_warmup_steps": 100, "num_training_steps": 4000}),
        ("four cycles", {"lr": 0.001, "num_warmup_steps": 250, "num_training_steps": 4250, "num_cycles": 4}),
        ("2.5 cycles,float32", {"lr": 0.001, "num_warmup_steps": 0, "num_training_steps": 3000, "num_cycles": 2.5,
                                "dtype": "float32"}),
    ],
    "hf.polynomial_decay_with_warmup": [
        ("linear", {"lr": 0.001, "num_warmup_steps": 500, "num_training_steps": 4000}),
        ("power 2, lr_end", {"lr": 0.001, "num_warmup_steps": 0, "num_training_steps": 3000, "lr_end": 1e-5,
                             "power": 2.0}),
        ("no decay steps: 1/0", {"lr": 0.001, "num_warmup_steps": 1000, "num_training_steps": 1000}),
    ],
    "hf.inverse_sqrt": [
        ("timescale = warmup", {"lr": 0.001, "num_warmup_steps": 400}),
        ("timescale", {"lr": 0.001, "num_warmup_steps": 100, "timescale": 1000}),
        ("no warmup", {"lr": 0.001, "num_warmup_steps": 0, "dtype": "float32"}),
    ],
    "hf.wsd": [
        ("defaults", {"lr": 0.001, "num_warmup_steps": 300, "num_decay_steps": 1000, "num_training_steps": 4000}),
        ("cosine up, 1-sqrt down", {"lr": 0.001, "num_warmup_steps": 300, "num_decay_steps": 1500,
                                    "num_stable_steps": 700, "warmup_type": "cosine", "decay_type": "1-sqrt",
                                    "min_lr_ratio": 0.1}),
        ("1-sqrt up, linear down", {"lr": 0.001, "num_warmup_steps": 500, "num_decay_steps": 2000,
                                    "num_stable_steps": 1000, "warmup_type": "1-sqrt", "decay_type": "linear",
                                    "min_lr_ratio": 0.05, "dtype": "float32"}),
    ],
}


def _hf() -> list[Case]:
    return [Case({"kind": kind, **params}, "transformers", Steps(5001, far=FAR), label)
            for kind, variants in HF_VARIANTS.items() for label, params in variants]


TORCH_VARIANTS = {
    "torch.StepLR": [
        ("step 30", {"lr": 0.1, "step_size": 30}),
        ("gamma 0.5 to subnormal", {"lr": 1.0, "step_size": 3, "gamma": 0.5}),
        ("float32", {"lr": 0.1, "step_size": 7, "gamma": 0.9, "dtype": "float32"}),
    ],
    "torch.MultiStepLR": [
        ("repeated milestone", {"lr": 0.1, "milestones": [30, 80, 80, 4000], "gamma": 0.1}),
        ("milestone 0", {"lr": 0.1, "milestones": [0, 100, 2500], "gamma": 0.5}),
        ("float32", {"lr": 0.1, "milestones": [500, 1000, 1000], "gamma": 0.3, "dtype": "float32"}),
    ],
    "torch.ConstantLR": [
        ("defaults", {"lr": 0.1}),
        ("half until 1000", {"lr": 0.1, "factor": 0.5, "total_iters": 1000}),
        ("factor 0: 1/0 at total_iters", {"lr": 0.1, "factor": 0.0, "total_iters": 20}),
        ("total_iters 0", {"lr": 0.1, "factor": 0.25, "total_iters": 0}),
        ("float32", {"lr": 0.1, "factor": 0.3, "total_iters": 50, "dtype": "float32"}),
    ],
    "torch.LinearLR": [
        ("defaults", {"lr": 0.1}),
        ("warmup 1000", {"lr": 0.1, "start_factor": 0.01, "end_factor": 1.0, "total_iters": 1000}),
        ("decay 3000", {"lr": 0.1, "start_factor": 1.0, "end_factor": 0.1, "total_iters": 3000}),
        ("float32", {"lr": 0.1, "start_factor": 0.1, "total_iters": 777, "dtype": "float32"}),
    ],
    "torch.ExponentialLR": [
        ("gamma 0.999", {"lr": 0.1, "gamma": 0.999}),
        ("gamma 0.5 to zero", {"lr": 1.0, "gamma": 0.5}),
        ("float32", {"lr": 0.1, "gamma": 0.999, "dtype": "float32"}),
    ],
    "torch.PolynomialLR": [
        ("square", {"lr": 0.1, "total_iters": 1000, "power": 2.0}),
        ("sqrt", {"lr": 0.1, "total_iters": 3000, "power": 0.5}),
        ("float32", {"lr": 0.1, "total_iters": 2000, "power": 1.5, "dtype": "float32"}),
    ],
    "torch.CosineAnnealingLR": [
        ("T_max 1000", {"lr": 0.1, "T_max": 1000, "eta_min": 0.001}),
        ("T_max 7", {"lr": 0.1, "T_max": 7}),
        ("float32", {"lr": 0.1, "T_max": 1000, "eta_min": 1e-5, "dtype": "float32"}),
    ],
    "torch.CosineAnnealingWarmRestarts": [
        ("T_0 100", {"lr": 0.1, "T_0": 100, "eta_min": 0.001}),
        ("T_mult 2", {"lr": 0.1, "T_0": 50, "T_mult": 2}),
        ("T_mult 3", {"lr": 0.1, "T_0": 10, "T_mult": 3, "eta_min": 1e-4}),
        ("float32", {"lr": 0.1, "T_0": 50, "T_mult": 2, "dtype": "float32"}),
    ],
    "torch.CyclicLR": [
        ("triangular", {"base_lr": 0.001, "max_lr": 0.1, "step_size_up": 200}),
        ("triangular2", {"base_lr": 0.001, "max_lr": 0.1, "step_size_up": 100, "step_size_down": 300,
                         "mode": "triangular2"}),
        ("exp_range", {"base_lr": 0.001, "max_lr": 0.1, "step_size_up": 250, "mode": "exp_range", "gamma": 0.999}),
        ("float32", {"base_lr": 0.001, "max_lr": 0.1, "step_size_up": 150, "dtype": "float32"}),
    ],
    "torch.OneCycleLR": [
        ("cos", {"max_lr": 0.1, "total_steps": 5001}),
        ("linear, three phases", {"max_lr": 0.1, "total_steps": 4000, "anneal_strategy": "linear",
                                  "three_phase": True}),
        ("epochs", {"max_lr": 0.1, "epochs": 10, "steps_per_epoch": 300, "pct_start": 0.25}),
        ("float32", {"max_lr": 0.1, "total_steps": 5001, "div_factor": 10.0, "dtype": "float32"}),
    ],
    "torch.MultiplicativeLR": [
        ("0.999", {"lr": 0.1, "lr_lambda": 0.999}),
        ("float32", {"lr": 0.1, "lr_lambda": 0.95, "dtype": "float32"}),
    ],
    "torch.SequentialLR": [
        ("constant then exponential", {"lr": 0.1, "milestones": [100], "schedulers": [
            {"kind": "torch.ConstantLR", "factor": 0.1, "total_iters": 100},
            {"kind": "torch.ExponentialLR", "gamma": 0.999}]}),
        ("milestone 0", {"lr": 0.1, "milestones": [0], "schedulers": [
            {"kind": "torch.LinearLR", "start_factor": 0.1, "total_iters": 10},
            {"kind": "torch.StepLR", "step_size": 100, "gamma": 0.5}]}),
        ("warmup, hold, cosine", {"lr": 0.1, "milestones": [500, 1000], "schedulers": [
            {"kind": "torch.LinearLR", "start_factor": 0.01, "total_iters": 500},
            {"kind": "torch.ConstantLR", "factor": 1.0, "total_iters": 0},
            {"kind": "torch.CosineAnnealingLR", "T_max": 2000, "eta_min": 0.001}]}),
        ("nested first", {"lr": 0.1, "milestones": [300], "schedulers": [
            {"kind": "torch.SequentialLR", "milestones": [100], "schedulers": [
                {"kind": "torch.LinearLR", "start_factor": 0.1, "total_iters": 100},
                {"kind": "torch.ExponentialLR", "gamma": 0.99}]},
            {"kind": "torch.CosineAnnealingWarmRestarts", "T_0": 100}]}),
        ("restarts, cyclic, one cycle", {"lr": 0.1, "milestones": [700, 1500], "schedulers": [
            {"kind": "torch.CosineAnnealingWarmRestarts", "T_0": 300},
            {"kind": "torch.CyclicLR", "base_lr": 0.01, "max_lr": 0.2, "step_size_up": 100},
            {"kind": "torch.OneCycleLR", "max_lr": 0.3, "total_steps": 2000}]}),
        ("nested later: raises", {"lr": 0.1, "milestones": [50], "schedulers": [
            {"kind": "torch.ConstantLR", "factor": 0.5, "total_iters": 50},
            {"kind": "torch.ChainedScheduler", "schedulers": [{"kind": "torch.ExponentialLR", "gamma": 0.99}]}]}),
        ("float32", {"lr": 0.1, "milestones": [100], "dtype": "float32", "schedulers": [
            {"kind": "torch.LinearLR", "start_factor": 0.1, "total_iters": 100},
            {"kind": "torch.CosineAnnealingLR", "T_max": 3000}]}),
    ],
    "torch.ChainedScheduler": [
        ("constant and exponential", {"lr": 1.0, "schedulers": [
            {"kind": "torch.ConstantLR", "factor": 0.1, "total_iters": 2},
            {"kind": "torch.ExponentialLR", "gamma": 0.9}]}),
        ("warmup and cosine", {"lr": 0.1, "schedulers": [
            {"kind": "torch.LinearLR", "start_factor": 0.01, "total_iters": 300},
            {"kind": "torch.CosineAnnealingLR", "T_max": 3000}]}),
        ("with a SequentialLR", {"lr": 0.1, "schedulers": [
            {"kind": "torch.SequentialLR", "milestones": [200], "schedulers": [
                {"kind": "torch.ConstantLR", "factor": 0.5, "total_iters": 200},
                {"kind": "torch.StepLR", "step_size": 500}]},
            {"kind": "torch.MultiplicativeLR", "lr_lambda": 0.9995}]}),
        ("float32", {"lr": 0.1, "dtype": "float32", "schedulers": [
            {"kind": "torch.ExponentialLR", "gamma": 0.999},
            {"kind": "torch.PolynomialLR", "total_iters": 2000, "power": 0.9}]}),
    ],
}
CLOSED_FORMS = ["torch.StepLR", "torch.MultiStepLR", "torch.ConstantLR", "torch.LinearLR", "torch.ExponentialLR",
                "torch.PolynomialLR", "torch.CosineAnnealingLR", "torch.CosineAnnealingWarmRestarts"]
EPOCH_ONLY = ("torch.CyclicLR", "torch.OneCycleLR")


def _torch() -> list[Case]:
    """Each scheduler stepped (contiguous steps: its state follows the steps; far
    steps where the lr depends on the epoch alone), its closed form (far steps
    through step(epoch)), and several param groups."""
    cases = []
    for kind, variants in TORCH_VARIANTS.items():
        long_run = 10001 if kind in ("torch.ExponentialLR", "torch.CosineAnnealingLR") else 5001
        for label, params in variants:
            far = FAR if kind in EPOCH_ONLY else ()
            cases.append(Case({"kind": kind, **params}, "torch", Steps(long_run, far=far), label))
        if kind in CLOSED_FORMS:
            for label, params in variants:
                if "1/0" not in label:
                    cases.append(Case({"kind": kind, **params, "closed_form": True}, "torch",
                                      Steps(long_run, far=FAR), f"{label},closed form"))
    groups = (0.1, 0.05, 0.2)
    for kind, params in (("torch.StepLR", {"step_size": 10, "gamma": 0.7}),
                         ("torch.CosineAnnealingLR", {"T_max": 500}),
                         ("torch.SequentialLR", TORCH_VARIANTS["torch.SequentialLR"][0][1])):
        cases.append(Case({"kind": kind, **params, "lr": groups[0]}, "torch", Steps(3001), "three param groups",
                          groups=groups))
    return cases


OPTAX_VARIANTS = {
    "optax.constant": [
        ("float", {"value": 0.1}),
        ("int", {"value": 3}),
    ],
    "optax.linear": [
        ("warmup from 0", {"init_value": 0.0, "end_value": 1e-3, "transition_steps": 1000}),
        ("decay, begin 500", {"init_value": 0.1, "end_value": 0.001, "transition_steps": 2000,
                              "transition_begin": 500}),
        ("no transition: constant", {"init_value": 0.1, "end_value": 0.001, "transition_steps": 0}),
        ("negative begin counts as 0", {"init_value": 0.1, "end_value": 0.0, "transition_steps": 3000,
                                        "transition_begin": -100}),
    ],
    "optax.polynomial": [
        ("int power 2", {"init_value": 0.1, "end_value": 0.001, "power": 2, "transition_steps": 3000}),
        ("float power 2.0", {"init_value": 0.1, "end_value": 0.001, "power": 2.0, "transition_steps": 3000}),
        ("power 0.5, begin 100", {"init_value": 0.1, "end_value": 0.0, "power": 0.5, "transition_steps": 2500,
                                  "transition_begin": 100}),
        ("int power 5", {"init_value": 0.1, "end_value": 1e-4, "power": 5, "transition_steps": 4000}),
        ("power 1.5", {"init_value": 0.1, "end_value": 0.01, "power": 1.5, "transition_steps": 3000}),
        ("negative power: inf", {"init_value": 0.1, "end_value": 0.01, "power": -1, "transition_steps": 3000}),
        ("power 1.5, 4500 steps", {"init_value": 1e-3, "end_value": 1e-5, "power": 1.5, "transition_steps": 4500}),
    ],
    "optax.exponential_decay": [
        ("continuous", {"init_value": 0.1, "transition_steps": 1000, "decay_rate": 0.96}),
        ("staircase", {"init_value": 0.1, "transition_steps": 300, "decay_rate": 0.5, "staircase": True}),
        ("begin, floor", {"init_value": 0.1, "transition_steps": 100, "decay_rate": 0.9, "transition_begin": 700,
                          "end_value": 0.01}),
        ("growing, ceiling", {"init_value": 0.001, "transition_steps": 100, "decay_rate": 1.5,
                              "end_value": 0.5}),
        ("underflow", {"init_value": 1.0, "transition_steps": 1, "decay_rate": 0.5}),
        ("rate 0: constant", {"init_value": 0.1, "transition_steps": 100, "decay_rate": 0.0}),
    ],
    "optax.piecewise_constant": [
        ("two boundaries", {"init_value": 0.1, "boundaries_and_scales": {1000: 0.1, 2500: 0.1}}),
        ("step 0, scale 0", {"init_value": 0.5, "boundaries_and_scales": {0: 0.3, 999: 3.0, 2000: 0.0}}),
        ("no boundaries", {"init_value": 0.1}),
    ],
    "optax.cosine_decay": [
        ("plain", {"init_value": 0.1, "decay_steps": 3000}),
        ("alpha", {"init_value": 0.1, "decay_steps": 2000, "alpha": 0.1}),
        ("int exponent 2", {"init_value": 0.1, "decay_steps": 2500, "exponent": 2}),
        ("exponent 1.5", {"init_value": 0.1, "decay_steps": 2500, "alpha": 0.05, "exponent": 1.5}),
        ("float decay_steps", {"init_value": 0.1, "decay_steps": 937.5}),
    ],
    "optax.warmup_cosine_decay": [
        ("warmup 500", {"init_value": 0.0, "peak_value": 1e-3, "warmup_steps": 500, "decay_steps": 4000}),
        ("end_value, int exponent 3", {"init_value": 1e-5, "peak_value": 0.1, "warmup_steps": 100,
                                       "decay_steps": 3000, "end_value": 1e-4, "exponent": 3}),
        ("no warmup", {"init_value": 0.0, "peak_value": 0.1, "warmup_steps": 0, "decay_steps": 2000}),
    ],
    "optax.warmup_exponential_decay": [
        ("warmup 200", {"init_value": 0.0, "peak_value": 0.1, "warmup_steps": 200, "transition_steps": 500,
                        "decay_rate": 0.5}),
        ("staircase, begin, floor", {"init_value": 0.01, "peak_value": 0.1, "warmup_steps": 300,
                                     "transition_steps": 250, "decay_rate": 0.7, "transition_begin": 200,
                                     "staircase": True, "end_value": 0.005}),
    ],
    "optax.sgdr": [
        ("three cycles", {"cosine_kwargs": [
            {"init_value": 0.0, "peak_value": 0.1, "warmup_steps": 100, "decay_steps": 1000},
            {"init_value": 0.0, "peak_value": 0.05, "warmup_steps": 100, "decay_steps": 1500, "end_value": 1e-3},
            {"init_value": 0.01, "peak_value": 0.02, "warmup_steps": 0, "decay_steps": 2000, "exponent": 2}]}),
    ],
    "optax.cosine_onecycle": [
        ("defaults", {"transition_steps": 3000, "peak_value": 0.1}),
        ("pct_start 0.1", {"transition_steps": 4001, "peak_value": 0.01, "pct_start": 0.1, "div_factor": 10.0,
                           "final_div_factor": 100.0}),
    ],
    "optax.linear_onecycle": [
        ("defaults", {"transition_steps": 3000, "peak_value": 0.1}),
        ("pct_final 1: the last boundary twice", {"transition_steps": 2000, "peak_value": 0.1, "pct_start": 0.25,
                                                  "pct_final": 1.0}),
    ],
    "optax.join": [
        ("constant, linear, cosine", {"schedules": [
            {"kind": "optax.constant", "value": 0.01},
            {"kind": "optax.linear", "init_value": 0.01, "end_value": 0.1, "transition_steps": 500},
            {"kind": "optax.cosine_decay", "init_value": 0.1, "decay_steps": 2000}], "boundaries": [300, 800]}),
        ("decreasing boundaries, nested", {"schedules": [
            {"kind": "optax.exponential_decay", "init_value": 0.1, "transition_steps": 100, "decay_rate": 0.9},
            {"kind": "optax.join", "schedules": [
                {"kind": "optax.constant", "value": 0.05},
                {"kind": "optax.polynomial", "init_value": 0.05, "end_value": 0.0, "power": 2,
                 "transition_steps": 1000}], "boundaries": [200]},
            {"kind": "optax.constant", "value": 0.02}], "boundaries": [1000, 500]}),
    ],
}
# Under jax.jit XLA compiles the training step with its own arithmetic: x / c
# becomes x * (1 / c), chains of constants fold and reassociate, pow by 2, 3 or
# 0.5 becomes products or a sqrt, and LLVM fuses multiply-adds into FMA on hosts
# that have it. pysched mirrors optax as written (op by op, the "optax"
# oracle). Tolerances: the maximum measured on an AVX-512 FMA host (AMD EPYC),
# rounded up to a power of two.
JIT_REASON = "jax.jit rewrites optax's arithmetic (reciprocal multiplication, folded constants, pow rewrites, FMA)"
NEVER_ZERO = ("; the transition never reaches 0: count * f32(1 / transition_steps) misses 1, so the end value is "
              "{} where optax op by op gives 0.0, an unbounded distance in ULP")
OPTAX_JIT = {
    ("optax.linear", "warmup from 0"): 256,
    ("optax.linear", "decay, begin 500"): 128,
    ("optax.linear", "negative begin counts as 0"): (2**30, NEVER_ZERO.format("1.1e-9")),
    ("optax.polynomial", "int power 2"): 8,
    ("optax.polynomial", "float power 2.0"): 8,
    ("optax.polynomial", "power 0.5, begin 100"): (2**30, NEVER_ZERO.format("1.6e-5")),
    ("optax.polynomial", "int power 5"): 16,
    ("optax.polynomial", "power 1.5"): 4,
    ("optax.polynomial", "power 1.5, 4500 steps"): 16,
    ("optax.exponential_decay", "continuous"): 64,
    ("optax.exponential_decay", "begin, floor"): 8,
    ("optax.exponential_decay", "growing, ceiling"): 8,
    ("optax.cosine_decay", "plain"): 512,
    ("optax.cosine_decay", "alpha"): 16,
    ("optax.cosine_decay", "int exponent 2"): 8192,
    ("optax.cosine_decay", "exponent 1.5"): 16,
    ("optax.cosine_decay", "float decay_steps"): 512,
    ("optax.warmup_cosine_decay", "warmup 500"): 4096,
    ("optax.warmup_cosine_decay", "end_value, int exponent 3"): 32,
    ("optax.warmup_cosine_decay", "no warmup"): 8192,
    ("optax.warmup_exponential_decay", "warmup 200"): 32,
    ("optax.warmup_exponential_decay", "staircase, begin, floor"): 4,
    ("optax.sgdr", "three cycles"): 32768,
    ("optax.cosine_onecycle", "defaults"): 512,
    ("optax.cosine_onecycle", "pct_start 0.1"): 512,
    ("optax.linear_onecycle", "defaults"): 256,
    ("optax.linear_onecycle", "pct_final 1: the last boundary twice"): 256,
    ("optax.join", "constant, linear, cosine"): 8192,
    ("optax.join", "decreasing boundaries, nested"): 2,
}
# Under jit this transition overshoots its end, and pysched follows optax op by op.
OPTAX_JIT_KNOWN = {
    ("optax.polynomial", "power 1.5, 4500 steps"):
        "under jax.jit 1 - count * f32(1 / 4500) is below 0 at the end, and its power 1.5 is NaN from step 4500 on",
}
# Op by op the end of this transition is 0 ** -1 = inf, and pysched raises;
# under jit it is finite (see NEVER_ZERO), so only the op-by-op case exists.
OPTAX_EAGER_ONLY = {("optax.polynomial", "negative power: inf")}


def _optax() -> list[Case]:
    """Every optax variant op by op (0 ULP) and under jax.jit (measured distances)."""
    cases = []
    for kind, variants in OPTAX_VARIANTS.items():
        for label, params in variants:
            spec = {"kind": kind, **params}
            cases.append(Case(spec, "optax", Steps(5001, far=FAR), label))
            if (kind, label) not in OPTAX_EAGER_ONLY:
                ulp, why = _jit_tolerance(OPTAX_JIT.get((kind, label), 0))
                cases.append(Case(spec, "optax.jit", Steps(5001, far=FAR), label, ulp=ulp,
                                  reason=JIT_REASON + why if ulp else "", known=OPTAX_JIT_KNOWN.get((kind, label), "")))
    return cases


def _jit_tolerance(entry: int | tuple[int, str]) -> tuple[int, str]:
    return entry if isinstance(entry, tuple) else (entry, "")


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


RESUME_AT = 1001
# Where a framework's documented resume does not continue an uninterrupted run.
SEED003_STATE = ("seed 003's class keeps its decay in Python attributes, which restoring the optimizer's "
                 "iterations does not bring back: the resumed run starts its decay over")
RESUME_DIFFERS = {
    ("torch.SequentialLR", "torch.last_epoch"):
        "SequentialLR's constructor resets every group's lr to its initial_lr, so built with last_epoch=k-1 (its "
        "schedulers too) it restarts the chainable decay from the base lr",
    ("seed.ExponentialDecay", "keras3.resume"): SEED003_STATE,
    ("seed.PiecewiseConstantDecay", "keras3.resume"): SEED003_STATE,
}


def _resumed(spec: dict, oracle: str, label: str) -> Case:
    return Case(spec, oracle, Steps(3001), f"{label},resumed at {RESUME_AT}", resume_at=RESUME_AT,
                differs=RESUME_DIFFERS.get((spec["kind"], oracle), ""))


def _resume() -> list[Case]:
    """A run interrupted at RESUME_AT and resumed the framework's documented way
    must go on as the uninterrupted run (pysched's values): torch's
    ``load_state_dict`` and ``last_epoch``, Keras's restored ``iterations``."""
    cases = []
    for kind, variants in {**TORCH_VARIANTS, **HF_VARIANTS}.items():
        label, params = variants[0]
        cases += [_resumed({"kind": kind, **params}, oracle, label) for oracle in ("torch.resume", "torch.last_epoch")]
    cases += [_resumed(case.spec, "torch.resume", case.label) for case in _seed001()
              if case.kind in ("seed.warmup_lr_scheduler", "seed.lf") and "start_epoch" not in case.spec][:2]
    for kind, variants in KERAS_VARIANTS.items():
        label, params = variants[0]
        cases += [_resumed({"kind": kind, **params}, oracle, label) for oracle in ("keras3.resume", "tf_keras.resume")]
    for case in _seed003():
        if case.oracle == "keras3" and case.label in ("int period, floor", "every 3, floor", "past decay_step, floor"):
            cases.append(_resumed(case.spec, "keras3.resume", case.label))
    return cases


def _adapters_torch() -> list[Case]:
    """The first variant of each torch, hf and optax family through pysched's
    adapters: the framework's scheduler imported by from_torch and stepped as
    to_torch gives it back; the spec's to_optax in optax.sgd, op by op and
    jitted. Far steps where the framework's own cases have them (a stepped
    torch recursion costs pysched a replay from step 0 at each far step)."""
    cases = []
    for oracle, table in (("torch.adapter", TORCH_VARIANTS), ("torch.adapter", HF_VARIANTS),
                          ("optax.adapter", OPTAX_VARIANTS)):
        for kind, variants in table.items():
            far = FAR if not kind.startswith("torch.") or kind in EPOCH_ONLY else ()
            label, params = variants[0]
            cases.append(Case({"kind": kind, **params}, oracle, Steps(3001, far=far), label))
    return cases


def _adapters_keras() -> list[Case]:
    """The first variant of each Keras family through pysched's adapters, once
    on Keras 3 and once on tf_keras, one of them eagerly and the other in a
    tf.function, in turn: Keras's schedule imported by from_keras and driven as
    to_keras gives it back."""
    cases = []
    for index, (kind, variants) in enumerate(KERAS_VARIANTS.items()):
        label, params = variants[0]
        executions = ("graph", "eager") if index % 2 else ("eager", "graph")
        for oracle, execution in zip(("keras3.adapter", "tf_keras.adapter"), executions, strict=True):
            spec = {"kind": kind, **params}
            if kind != "keras.PiecewiseConstantDecay":  # no division: graph and eager are the same operations
                spec["execution"] = execution
            run = spec.get("execution", "eager")
            cases.append(Case(spec, oracle, Steps(STEPS[run], far=FAR), f"{label},{run}"))
    return cases


def all_cases() -> list[Case]:
    return (_keras() + _tf1() + _od() + _hf() + _torch() + _optax() + _seed000() + _seed001() + _seed002()
            + _seed003() + _resume() + _adapters_torch() + _adapters_keras())
