"""The seed namespace: the schedules of the seed documents (shared/seeds/000..003).

Each family mirrors one snippet of a seed, with the names its code uses, and
its oracle is that code run in the framework it was written for. Where the
snippet fixes its arithmetic (explicit ``tf.float32`` casts, Python floats),
``dtype`` only chooses the output array's type: the value is computed as the
snippet computes it and then rounded (float32) or widened (float64). Where the
snippet hands a learning rate to ``LambdaLR``, float32 is LambdaLR's arithmetic
with a float32 tensor learning rate.
"""

from __future__ import annotations

from .._anatomy import Anatomy
from .._family import Native, Params, family
from .._params import MAX_COUNT, Choice, Integer, Real, SpecError
from .keras import exponential_decay_native, tf_param
from .tf1 import EXPONENTIAL_DECAY_PARAMS, STAIRS

SEED_WARMUP = Anatomy(base="init_lr", warmup=("warmup_steps",))
SEED_WARMUP_DECAY = Anatomy(base="init_lr", warmup=("warmup_steps",), horizon=("max_steps",))

# --- 000: exponential_decay_with_burnin, TF1 --------------------------------


@family(
    "seed.exponential_decay_with_burnin",
    Real("initial_learning_rate"),
    Real("decay_steps", gt=0),
    Real("decay_rate", ge=0),
    Real("burnin_steps", ge=0),
    dtype="float32",
    oracle="seed 000's exponential_decay_with_burnin in a TF1 graph (tf.compat.v1), "
           "global_step stepped by minimize",
    anatomy=Anatomy(base="initial_learning_rate", warmup=("burnin_steps",)),
)
def exponential_decay_with_burnin(p: Params) -> Native:
    """Seed 000: a power-4 burn-in, then exponential decay of ``global_step - burnin_steps``.

    ```python
    global_step = tf.cast(global_step, tf.float32)
    learning_rate = tf.cond(
        global_step < burnin_steps,
        lambda: initial_learning_rate * (global_step / burnin_steps) ** 4,
        lambda: tf.train.exponential_decay(initial_learning_rate, global_step - burnin_steps,
                                           decay_steps, decay_rate))
    ```

    All float32 (``** 4`` is ``powf(x, 4.0f)``); the decay is continuous, as
    ``tf.train.exponential_decay``'s default. The seed runs it in a TF1
    session, a graph, where both divisions become products with reciprocals.
    """
    return Native(
        "SEED000_EXPONENTIAL_DECAY_WITH_BURNIN",
        real=(p.initial_learning_rate, p.decay_steps, p.decay_rate, p.burnin_steps),
        integer=(1,),  # graph division
    )


# --- 001: warmups (the article's four kinds, and its simulation) -------------

def _transformers_figure(function: str) -> str:
    return f"""
    Seed 001 describes this warmup in words and with a figure of the learning
    rate's coefficient, both those of the warmup schedules of
    pytorch-transformers, which live on as transformers' ``{function}``; that
    lambda, applied by ``LambdaLR`` to ``init_lr``, is the oracle. Parameters
    are named after seed 001's code (``init_lr``, ``warmup_steps``,
    ``max_steps``).
    """


@family(
    "seed.constant_warmup",
    Real("init_lr", ge=0),
    Integer("warmup_steps"),
    dtype="float64",
    oracle="transformers.get_constant_schedule_with_warmup (LambdaLR) on a torch optimizer",
    notes=_transformers_figure("get_constant_schedule_with_warmup"),
    anatomy=SEED_WARMUP,
)
def constant_warmup(p: Params) -> Native:
    """Seed 001, Constant Warmup: linear from 0 to ``init_lr``, then constant.

    ```python
    def lr(step):
        if step < warmup_steps:
            return init_lr * (float(step) / float(max(1.0, warmup_steps)))
        return init_lr * 1.0
    ```
    """
    return Native("HF_CONSTANT_WITH_WARMUP", real=(p.init_lr,), integer=(p.warmup_steps,))


@family(
    "seed.linear_warmup",
    Real("init_lr", ge=0),
    Integer("warmup_steps"),
    Integer("max_steps"),
    dtype="float64",
    oracle="transformers.get_linear_schedule_with_warmup (LambdaLR) on a torch optimizer",
    notes=_transformers_figure("get_linear_schedule_with_warmup"),
    anatomy=SEED_WARMUP_DECAY,
)
def linear_warmup(p: Params) -> Native:
    """Seed 001, Linear Warmup: linear from 0 to ``init_lr``, then linear down to 0 at ``max_steps``.

    ```python
    def lr(step):
        if step < warmup_steps:
            return init_lr * (float(step) / float(max(1, warmup_steps)))
        return init_lr * max(0.0, float(max_steps - step) / float(max(1, max_steps - warmup_steps)))
    ```
    """
    return Native("HF_LINEAR_WITH_WARMUP", real=(p.init_lr,), integer=(p.warmup_steps, p.max_steps))


@family(
    "seed.cosine_warmup",
    Real("init_lr", ge=0),
    Integer("warmup_steps"),
    Integer("max_steps"),
    dtype="float64",
    oracle="transformers.get_cosine_schedule_with_warmup (LambdaLR) on a torch optimizer",
    notes=_transformers_figure("get_cosine_schedule_with_warmup"),
    anatomy=SEED_WARMUP_DECAY,
)
def cosine_warmup(p: Params) -> Native:
    """Seed 001, Cosine Warmup: linear from 0 to ``init_lr``, then a half cosine down to 0.

    ```python
    def lr(step):
        if step < warmup_steps:
            return init_lr * (float(step) / float(max(1, warmup_steps)))
        progress = float(step - warmup_steps) / float(max(1, max_steps - warmup_steps))
        return init_lr * max(0.0, 0.5 * (1.0 + math.cos(math.pi * 0.5 * 2.0 * progress)))
    ```

    Past ``max_steps`` the cosine climbs back up, as transformers' does.
    """
    return Native("HF_COSINE_WITH_WARMUP", real=(p.init_lr, 0.5), integer=(p.warmup_steps, p.max_steps))


@family(
    "seed.gradual_warmup",
    Real("init_lr", ge=0),
    Integer("warmup_steps"),
    dtype="float64",
    oracle="seed 001's gradual warmup loop, in Python, with the post-warmup branch its docstring gives",
    anatomy=SEED_WARMUP,
)
def gradual_warmup(p: Params) -> Native:
    """Seed 001, Gradual Warmup, as the docstring of its snippet defines it.

    ```python
    if warmup_steps and train_steps < warmup_steps:
        warmup_percent_done = train_steps / warmup_steps
        learning_rate = init_lr * warmup_percent_done
    else:
        learning_rate = init_lr      # "otherwise the preset learning rate"
    ```

    By the article's own words this is the same curve as its Constant Warmup,
    and in float64 the values are the same; in float32 they differ, as the
    seed's loop rounds its float64 result while LambdaLR multiplies in float32.
    """
    return Native("SEED001_GRADUAL_WARMUP", real=(p.init_lr,), integer=(p.warmup_steps,))


@family(
    "seed.gradual_warmup_simulation",
    Real("init_lr", ge=0),
    Integer("warmup_steps", ge=1),
    dtype="float64",
    oracle="seed 001's gradual warmup simulation loop, run as written in Python",
    anatomy=SEED_WARMUP,
)
def gradual_warmup_simulation(p: Params) -> Native:
    """Seed 001, the simulation of gradual warmup: warmup, then ``learning_rate**1.0001`` every step.

    ```python
    for train_steps in range(max_steps):
        if warmup_steps and train_steps < warmup_steps:
            warmup_percent_done = train_steps / warmup_steps
            learning_rate = init_lr * warmup_percent_done
        else:
            learning_rate = learning_rate**1.0001
    ```

    A recurrence: pysched replays it once for all requested steps, stopping
    where it reaches a fixed point. ``warmup_steps`` must be at least 1 (at 0
    the loop reads ``learning_rate`` before setting it). If the warmup ends
    above 1 the power grows until Python raises OverflowError; pysched raises
    at those steps.
    """
    return Native("SEED001_GRADUAL_WARMUP_SIMULATION", real=(p.init_lr,), integer=(p.warmup_steps,))


# --- 001: YOLOv3-SPP ----------------------------------------------------------


@family(
    "seed.warmup_lr_scheduler",
    Real("lr0", ge=0),
    Integer("warmup_iters"),
    Real("warmup_factor"),
    dtype="float64",
    oracle="seed 001's YOLOv3-SPP warmup_lr_scheduler (its LambdaLR) on a torch SGD optimizer",
    anatomy=Anatomy(base="lr0", warmup=("warmup_iters",)),
)
def warmup_lr_scheduler(p: Params) -> Native:
    """Seed 001, YOLOv3-SPP's warmup factor, ``lr0 * f(x)`` by LambdaLR.

    ```python
    def f(x):
        if x >= warmup_iters:
            return 1
        alpha = float(x) / warmup_iters
        return warmup_factor * (1 - alpha) + alpha
    ```

    ``lr0`` is the optimizer's lr (``hyp["lr0"]`` in the seed).
    """
    return Native("SEED001_WARMUP_LR_SCHEDULER", real=(p.lr0, p.warmup_factor), integer=(p.warmup_iters,))


@family(
    "seed.lf",
    Real("lr0", ge=0),
    Integer("epochs", ge=1),
    Real("lrf"),
    Integer("start_epoch", 0),
    dtype="float64",
    oracle="seed 001's YOLOv3-SPP lf lambda in LambdaLR on a torch SGD optimizer, "
           "last_epoch set to start_epoch as train() does",
    anatomy=Anatomy(base="lr0", horizon=("epochs",)),
)
def lf(p: Params) -> Native:
    """Seed 001, YOLOv3-SPP's cosine ``lf`` by LambdaLR, stepped once per epoch.

    ```python
    lf = lambda x: ((1 + math.cos(x * math.pi / epochs)) / 2) * (1 - hyp["lrf"]) + hyp["lrf"]
    scheduler = lr_scheduler.LambdaLR(optimizer, lr_lambda=lf)
    scheduler.last_epoch = start_epoch
    ```

    The value at epoch ``x`` is ``lr0 * lf(x)``, except at ``start_epoch``:
    LambdaLR set ``lr0 * lf(0)`` when it was built, and setting ``last_epoch``
    changes nothing until the first ``step()``. Past ``epochs`` the cosine
    climbs back up.
    """
    return Native("SEED001_LF", real=(p.lr0, p.lrf), integer=(p.epochs, p.start_epoch))


# --- 002: tf.train.exponential_decay with a global_step ------------------------


@family(
    "seed.exponential_decay",
    *EXPONENTIAL_DECAY_PARAMS,
    dtype="float32",
    oracle="seed 002's two usages of tf.train.exponential_decay in a TF1 graph: a global_step "
           "Variable stepped by minimize, and a float32 global_step placeholder fed the step",
    anatomy=STAIRS,
)
def exponential_decay(p: Params) -> Native:
    """Seed 002: ``tf.train.exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase)``.

    ```python
    decayed_learning_rate = learning_rate * math.pow(decay_rate, global_step / decay_steps)
    # staircase=True: global_step // decay_steps
    ```

    The same arithmetic as ``tf1.exponential_decay`` in the seed's TF1
    session, a graph; the seed drives it with a
    ``tf.Variable(tf.constant(0))`` global step (int32, which TF would wrap
    past 2**31 - 1; pysched keeps counting) or a float32 placeholder fed the
    step, which round the same way.
    """
    return exponential_decay_native(Params({**p, "execution": "graph"}), p.learning_rate)


# --- 003: three stateful Keras LearningRateSchedule subclasses ------------------

OPTIMIZERS = ("keras", "tf_keras", "tf_keras.legacy")
STATEFUL_RATES = (Real("initial_lr"), Real("decay_rate", ge=0), Real("min_lr"))
OPTIMIZER = Choice("optimizer", "keras", choices=OPTIMIZERS)
_OPTIMIZER_DOC = """
    The value depends on how the optimizer calls the schedule, which
    ``optimizer`` names: ``"keras"`` (Keras 3's optimizers, what the seed's
    ``from tensorflow import keras`` gives today: one call per update with the
    int64 step, so ``step % period`` is int64 for an int period and float32 for
    a float one), ``"tf_keras.legacy"`` (Keras 2's optimizer_v2, what the seed
    ran on: the step cast to float32 first) or ``"tf_keras"`` (tf_keras's
    optimizers, which also call the schedule once at step 0 while building,
    and raise TypeError for a float period).
"""


def _stateful_native(kind: str, p: Params, real: tuple[float, ...], periods: tuple[str, ...],
                     decisive: str) -> Native:
    """The descriptor of a 003 class, with how its ``step % period`` test runs."""
    if p.optimizer == "tf_keras":
        for name in periods:
            if isinstance(p[name], float):
                raise SpecError(
                    f"{name} must be an int with optimizer='tf_keras', got {p[name]!r} "
                    "(tf_keras computes int64 step % float and raises TypeError)", TypeError)
        float32_modulo, build_calls = 0, 1
    elif p.optimizer == "tf_keras.legacy":
        float32_modulo, build_calls = 1, 0
    else:
        float32_modulo, build_calls = int(isinstance(p[decisive], float)), 0
    return Native(kind, real=real, integer=(float32_modulo, build_calls))


@family(
    "seed.ExponentialDecay",
    *STATEFUL_RATES,
    Real("print_step", ge=1, le=MAX_COUNT),
    OPTIMIZER,
    dtype="float32",
    oracle="seed 003's ExponentialDecay class, called by a real Keras optimizer's updates",
    notes=_OPTIMIZER_DOC,
    anatomy=Anatomy(base="initial_lr", period=("print_step",), floor=("min_lr",)),
)
def stateful_exponential_decay(p: Params) -> Native:
    """Seed 003's ExponentialDecay: decays by ``decay_rate`` once per ``print_step`` steps, floored at ``min_lr``.

    ```python
    def __call__(self, step):
        if step % self.print_step == 0:
            learning_rate = self.initial_lr * pow(self.decay_rate, self.epoch)
            self.current = tf.where(learning_rate > self.min_lr, learning_rate, self.min_lr)
            self.epoch = self.epoch + 1
            return self.current
        else:
            return self.current
    ```

    All float32. ``epoch`` counts the calls that met a multiple of
    ``print_step``, so the value at a step is
    ``max(initial_lr * decay_rate ** k, min_lr)`` with ``k`` the multiples met
    before the last one.
    """
    real = (p.initial_lr, p.decay_rate, p.min_lr, p.print_step)
    return _stateful_native("SEED003_EXPONENTIAL_DECAY", p, real, ("print_step",), "print_step")


@family(
    "seed.PiecewiseConstantDecay",
    *STATEFUL_RATES,
    Real("change_step", ge=1, le=MAX_COUNT),
    Real("print_step", ge=1, le=MAX_COUNT),
    OPTIMIZER,
    dtype="float32",
    oracle="seed 003's PiecewiseConstantDecay class, called by a real Keras optimizer's updates",
    notes=_OPTIMIZER_DOC,
    anatomy=Anatomy(base="initial_lr", period=("change_step",), floor=("min_lr",)),
)
def stateful_piecewise_constant_decay(p: Params) -> Native:
    """Seed 003's PiecewiseConstantDecay: multiplies by ``decay_rate`` at every multiple of ``change_step``.

    ```python
    def __call__(self, step):
        if step % self.print_step == 0:
            ...  # print and record only
        if step % self.change_step == 0:
            learning_rate = self.current * self.decay_rate
            self.current = tf.where(learning_rate > self.min_lr, learning_rate, self.min_lr)
            return self.current
        else:
            return self.current
    ```

    All float32, and a recurrence: the first update (step 0) already decays
    once. pysched replays the products once for all requested steps.
    """
    real = (p.initial_lr, p.decay_rate, p.min_lr, p.change_step, p.print_step)
    return _stateful_native("SEED003_PIECEWISE_CONSTANT_DECAY", p, real, ("change_step", "print_step"),
                            "change_step")


@family(
    "seed.CosineDecay",
    Real("initial_lr"),
    Real("decay_step", gt=0),
    Real("min_lr"),
    Real("print_step", ge=1, le=MAX_COUNT),
    dtype="float32",
    oracle="seed 003's CosineDecay class, called by a real Keras optimizer's updates",
    anatomy=Anatomy(base="initial_lr", horizon=("decay_step",), floor=("min_lr",)),
)
def stateful_cosine_decay(p: Params) -> Native:
    """Seed 003's CosineDecay: a half cosine from ``initial_lr`` to 0 over ``decay_step``, floored at ``min_lr``.

    ```python
    def __call__(self, step):
        learning_rate = 0.5 * self.initial_lr * (1 + tf.math.cos(step*math.pi / self.decay_step))
        self.current = tf.where(learning_rate > self.min_lr, learning_rate, self.min_lr)
        ...
        return self.current
    ```

    All float32: ``step*math.pi`` is ``float32(step) * float32(pi)``. Its state
    does not change its value, so it is the same under every Keras optimizer
    that accepts it (tf_keras's optimizers raise TypeError on ``step*math.pi``).
    Past ``decay_step`` the cosine climbs back up.
    """
    return Native("SEED003_COSINE_DECAY",
                  real=(p.initial_lr, tf_param(p, "decay_step", positive=True), p.min_lr, p.print_step))
