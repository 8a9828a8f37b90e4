"""How users preview a schedule today, one step at a time in its own framework:
torch's scheduler.step() loop over a dummy optimizer, Keras schedule calls, a TF1
session run per global_step, or the seed's own Python loop."""

from __future__ import annotations

import os
from collections.abc import Callable

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

TORCH_LAMBDAS = {"seed.constant_warmup", "seed.linear_warmup", "seed.cosine_warmup", "seed.warmup_lr_scheduler",
                 "seed.lf"}
KERAS = {"keras.ExponentialDecay", "seed.ExponentialDecay", "seed.PiecewiseConstantDecay", "seed.CosineDecay"}
TF1 = {"tf1.exponential_decay", "seed.exponential_decay", "seed.exponential_decay_with_burnin"}
PYTHON = {"seed.gradual_warmup", "seed.gradual_warmup_simulation"}


def torch_loop(spec: dict, n: int) -> Callable[[], list]:
    import torch
    import transformers

    from conformance.oracles import seed001

    def build(optimizer):
        kind = spec["kind"]
        if kind == "seed.warmup_lr_scheduler":
            return seed001.warmup_lr_scheduler(optimizer, spec["warmup_iters"], spec["warmup_factor"])
        if kind == "seed.lf":
            return seed001.cosine_scheduler(optimizer, spec["epochs"], {"lrf": spec["lrf"]}, 0)
        if kind == "seed.constant_warmup":
            return transformers.get_constant_schedule_with_warmup(optimizer, spec["warmup_steps"])
        getter = {"seed.linear_warmup": transformers.get_linear_schedule_with_warmup,
                  "seed.cosine_warmup": transformers.get_cosine_schedule_with_warmup}[kind]
        return getter(optimizer, spec["warmup_steps"], spec["max_steps"])

    def preview() -> list:
        optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=spec.get("lr0", spec.get("init_lr")))
        scheduler = build(optimizer)
        values = []
        for _ in range(n):
            values.append(scheduler.get_last_lr()[0])
            optimizer.step()
            scheduler.step()
        return values

    return preview


def keras_loop(spec: dict, n: int) -> Callable[[], list]:
    import keras

    from conformance.oracles import seed003

    def build():
        args = {k: v for k, v in spec.items() if k not in ("kind", "optimizer", "dtype", "execution")}
        if spec["kind"] == "keras.ExponentialDecay":
            return keras.optimizers.schedules.ExponentialDecay(**args)
        return getattr(seed003, spec["kind"].split(".")[1])(**args)

    def preview() -> list:
        schedule = build()
        return [float(schedule(step)) for step in range(n)]

    return preview


def tf1_loop(spec: dict, n: int) -> Callable[[], list]:
    import tensorflow as tf

    from conformance.oracles import seed000

    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        global_step = v1.placeholder(tf.int64, ())
        args = (spec.get("learning_rate", spec.get("initial_learning_rate")), spec["decay_steps"], spec["decay_rate"])
        if spec["kind"] == "seed.exponential_decay_with_burnin":
            learning_rate = seed000.exponential_decay_with_burnin(global_step, *args, spec["burnin_steps"])
        else:
            learning_rate = v1.train.exponential_decay(args[0], global_step, *args[1:],
                                                       staircase=spec.get("staircase", False))
    session = v1.Session(graph=graph)
    return lambda: [session.run(learning_rate, {global_step: step}) for step in range(n)]


def python_loop(spec: dict, n: int) -> Callable[[], list]:
    from conformance.oracles import seed001

    loop = {"seed.gradual_warmup": seed001.gradual_warmup,
            "seed.gradual_warmup_simulation": seed001.gradual_warmup_simulation}[spec["kind"]]
    return lambda: list(loop(spec["warmup_steps"], spec["init_lr"], n))


def preview_loop(spec: dict, n: int) -> tuple[str, Callable[[], list]]:
    """The framework's name and a function computing the first n values its way."""
    kind = spec["kind"]
    for kinds, name, loop in ((TORCH_LAMBDAS, "torch scheduler.step()", torch_loop),
                              (KERAS, "keras schedule calls", keras_loop),
                              (TF1, "tf1 session.run", tf1_loop),
                              (PYTHON, "the seed's Python loop", python_loop)):
        if kind in kinds:
            return name, loop(spec, n)
    raise KeyError(kind)
