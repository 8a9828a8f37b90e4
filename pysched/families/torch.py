"""The torch namespace: ``torch.optim.lr_scheduler`` schedulers on one param group.

``lr`` is the optimizer's learning rate (CyclicLR and OneCycleLR set their own).
By default a family gives the values ``scheduler.step()`` produces: each step
derives the new rate from the optimizer's current one, so ExponentialLR,
CosineAnnealingLR and friends drift from their closed forms by rounding, and
pysched replays that recursion (skipping the steps that change nothing, up to
2**27 steps that do). ``closed_form=True`` gives ``_get_closed_form_lr``, the
formula ``step(epoch)`` evaluates.

dtype float64 is a Python-float lr; float32 a float32 tensor lr, whose
recursion runs in float32 (each product of the tensor with a Python float
rounds the float to float32 first). Several param groups are several specs,
one per base lr (``evaluate_many`` evaluates them together).
"""

from __future__ import annotations

from itertools import pairwise

from .._anatomy import Anatomy, Composition
from .._family import Children, Native, Params, family
from .._params import Bool, Choice, Integer, ListOf, Real, SpecError

LR = Real("lr", ge=0, doc="the optimizer's learning rate")
CLOSED_FORM = Bool("closed_form", False, doc="the closed form instead of the stepped recursion")
STEPPED_NOTE = "a torch.optim.SGD optimizer stepped with scheduler.step() (closed_form: scheduler.step(epoch))"


def oracle(name: str) -> str:
    return f"torch.optim.lr_scheduler.{name} on {STEPPED_NOTE}"


@family("torch.StepLR", LR, Integer("step_size", ge=1), Real("gamma", 0.1, ge=0), CLOSED_FORM,
        dtype="float64", oracle=oracle("StepLR"),
        anatomy=Anatomy(base="lr", period=("step_size",)))
def step_lr(p: Params) -> Native:
    """Multiply the rate by ``gamma`` every ``step_size`` steps.

    ```python
    def get_lr():        # step()
        if last_epoch == 0 or last_epoch % step_size != 0: return lr
        return lr * gamma
    closed_form = base_lr * gamma ** (last_epoch // step_size)
    ```
    """
    return Native("TORCH_STEP_LR", real=(p.lr, p.gamma), integer=(p.step_size, int(p.closed_form)))


@family("torch.MultiStepLR", LR, ListOf("milestones", item=Integer("milestone"), min_length=0),
        Real("gamma", 0.1, ge=0), CLOSED_FORM, dtype="float64", oracle=oracle("MultiStepLR"),
        anatomy=Anatomy(base="lr", edges=("milestones",)))
def multi_step_lr(p: Params) -> Native:
    """Multiply the rate by ``gamma`` at each milestone (by ``gamma ** k`` at a milestone given k times).

    ```python
    def get_lr():        # step(); milestones is a Counter
        if last_epoch not in milestones: return lr
        return lr * gamma ** milestones[last_epoch]
    closed_form = base_lr * gamma ** bisect_right(sorted(milestones), last_epoch)
    ```

    It switches at the milestone itself; a milestone 0 applies at step 0.
    """
    return Native("TORCH_MULTI_STEP_LR", real=(p.lr, p.gamma), integer=(int(p.closed_form), *p.milestones))


@family("torch.ConstantLR", LR, Real("factor", 1.0 / 3, ge=0, le=1), Integer("total_iters", 5), CLOSED_FORM,
        dtype="float64", oracle=oracle("ConstantLR"),
        raises="ConstantLR divides by factor 0 at total_iters (ZeroDivisionError)",
        anatomy=Anatomy(base="lr", horizon=("total_iters",)))
def constant_lr(p: Params) -> Native:
    """``factor`` times the rate until ``total_iters``, then the rate.

    ```python
    def get_lr():        # step()
        if last_epoch == 0: return lr * factor
        if last_epoch != total_iters: return lr
        return lr * (1.0 / factor)
    closed_form = base_lr * (factor + (last_epoch >= total_iters) * (1 - factor))
    ```

    The stepped form comes back as ``(lr * factor) * (1.0 / factor)``, which
    need not be ``lr``; with ``factor == 0`` torch raises ZeroDivisionError
    at ``total_iters``, and so does pysched (for the stepped form).
    """
    return Native("TORCH_CONSTANT_LR", real=(p.lr, p.factor), integer=(p.total_iters, int(p.closed_form)))


@family("torch.LinearLR", LR, Real("start_factor", 1.0 / 3, gt=0, le=1), Real("end_factor", 1.0, ge=0, le=1),
        Integer("total_iters", 5), CLOSED_FORM, dtype="float64", oracle=oracle("LinearLR"),
        anatomy=Anatomy(base="lr", horizon=("total_iters",)))
def linear_lr(p: Params) -> Native:
    """A linear ramp of the factor from ``start_factor`` to ``end_factor`` over ``total_iters``.

    ```python
    def get_lr():        # step()
        if last_epoch == 0: return lr * start_factor
        if last_epoch > total_iters: return lr
        return lr * (1.0 + (end_factor - start_factor)
                     / (total_iters * start_factor + (last_epoch - 1) * (end_factor - start_factor)))
    closed_form = base_lr * (start_factor + (end_factor - start_factor)
                             * min(total_iters, last_epoch) / total_iters)
    ```
    """
    if p.closed_form and p.total_iters == 0:
        raise SpecError("total_iters must be >= 1 with closed_form=True (the closed form divides by it)")
    return Native("TORCH_LINEAR_LR", real=(p.lr, p.start_factor, p.end_factor),
                  integer=(p.total_iters, int(p.closed_form)))


@family("torch.ExponentialLR", LR, Real("gamma", ge=0), CLOSED_FORM, dtype="float64", oracle=oracle("ExponentialLR"),
        anatomy=Anatomy(base="lr"))
def exponential_lr(p: Params) -> Native:
    """Multiply the rate by ``gamma`` every step.

    ```python
    def get_lr():        # step()
        return lr * gamma
    closed_form = base_lr * gamma ** last_epoch
    ```

    The stepped product drifts from the closed form (62 ULP after 10,000 steps
    of gamma 0.999, SPEC section 6).
    """
    return Native("TORCH_EXPONENTIAL_LR", real=(p.lr, p.gamma), integer=(int(p.closed_form),))


@family("torch.PolynomialLR", LR, Integer("total_iters", 5), Real("power", 1.0), CLOSED_FORM, dtype="float64",
        oracle=oracle("PolynomialLR"), raises="0.0 ** a negative power raises ZeroDivisionError at total_iters",
        anatomy=Anatomy(base="lr", horizon=("total_iters",)))
def polynomial_lr(p: Params) -> Native:
    """Polynomial decay to 0 over ``total_iters`` steps, 0 after.

    ```python
    def get_lr():        # step()
        if last_epoch > total_iters: return lr
        return lr * ((1.0 - last_epoch / total_iters) / (1.0 - (last_epoch - 1) / total_iters)) ** power
    closed_form = base_lr * (1.0 - min(total_iters, last_epoch) / total_iters) ** power
    ```
    """
    return Native("TORCH_POLYNOMIAL_LR", real=(p.lr, p.power), integer=(p.total_iters, int(p.closed_form)))


@family("torch.CosineAnnealingLR", LR, Integer("T_max", ge=1), Real("eta_min", 0.0), CLOSED_FORM, dtype="float64",
        oracle=oracle("CosineAnnealingLR"),
        anatomy=Anatomy(base="lr", horizon=("T_max",), floor=("eta_min",)))
def cosine_annealing_lr(p: Params) -> Native:
    """Cosine annealing from ``lr`` to ``eta_min`` over ``T_max`` steps, and back up over the next ``T_max``.

    ```python
    def get_lr():        # step()
        if (last_epoch - 1 - T_max) % (2 * T_max) == 0:
            return lr + (base_lr - eta_min) * (1 - math.cos(math.pi / T_max)) / 2
        return ((1 + math.cos(math.pi * last_epoch / T_max))
                / (1 + math.cos(math.pi * (last_epoch - 1) / T_max)) * (lr - eta_min) + eta_min)
    closed_form = eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * last_epoch / T_max)) / 2
    ```

    The recursion drifts from the closed form (577 ULP after 10,000 steps,
    SPEC section 6); it has no shortcut, so the stepped form reaches at most
    2**27 steps per call.
    """
    return Native("TORCH_COSINE_ANNEALING_LR", real=(p.lr, p.eta_min), integer=(p.T_max, int(p.closed_form)))


@family("torch.CosineAnnealingWarmRestarts", LR, Integer("T_0", ge=1), Integer("T_mult", 1, ge=1, le=2**31 - 1),
        Real("eta_min", 0.0), CLOSED_FORM, dtype="float64", oracle=oracle("CosineAnnealingWarmRestarts"),
        anatomy=Anatomy(base="lr", period=("T_0",), period_growth="T_mult", floor=("eta_min",)))
def cosine_annealing_warm_restarts(p: Params) -> Native:
    """SGDR: cosine annealing restarted every ``T_i`` steps, ``T_i`` growing by ``T_mult``.

    ```python
    def step():          # integer T_cur, T_i
        T_cur = T_cur + 1
        if T_cur >= T_i: T_cur, T_i = T_cur % T_i, T_i * T_mult
        lr = eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * T_cur / T_i)) / 2
    def step(epoch):     # closed_form: the restart from a logarithm, T_cur a float
        n = int(math.log((epoch / T_0 * (T_mult - 1) + 1), T_mult))
        T_cur = epoch - T_0 * (T_mult ** n - 1) / (T_mult - 1); T_i = T_0 * T_mult ** n
    ```

    The logarithm can miss an exact restart boundary; the stepped form cannot.
    """
    return Native("TORCH_COSINE_ANNEALING_WARM_RESTARTS", real=(p.lr, p.eta_min),
                  integer=(p.T_0, p.T_mult, int(p.closed_form)))


CYCLIC_MODES = ("triangular", "triangular2", "exp_range")


@family("torch.CyclicLR", Real("base_lr", ge=0), Real("max_lr", ge=0), Real("step_size_up", 2000.0, ge=0),
        Real("step_size_down", None, ge=0), Choice("mode", "triangular", choices=CYCLIC_MODES),
        Real("gamma", 1.0), Choice("scale_mode", "cycle", choices=("cycle", "iterations")),
        Bool("cycle_momentum", True), Real("base_momentum", 0.8), Real("max_momentum", 0.9), dtype="float64",
        oracle=oracle("CyclicLR"), raises="2.0 ** (cycle - 1) or gamma ** step overflows (OverflowError)",
        anatomy=Anatomy(base="base_lr", marks=("step_size_up",), floor=("max_lr",),
                        period=("step_size_up + step_size_down", "2 * step_size_up")))
def cyclic_lr(p: Params) -> Native:
    """Cyclical learning rate between ``base_lr`` and ``max_lr`` (triangular, triangular2, exp_range).

    ```python
    cycle = math.floor(1 + last_epoch / total_size)      # total_size = step_size_up + step_size_down
    x = 1.0 + last_epoch / total_size - cycle
    scale_factor = x / step_ratio if x <= step_ratio else (x - 1) / (step_ratio - 1)
    lr = base_lr + (max_lr - base_lr) * scale_factor * scale_fn
    # scale_fn: triangular 1.0, triangular2 1 / 2.0 ** (cycle - 1), exp_range gamma ** last_epoch
    ```

    The value depends on the step alone. ``scale_mode`` only matters with a
    custom ``scale_fn`` (which pysched does not take) and the momentum
    parameters cycle the optimizer's momentum, not its learning rate; they
    are accepted as torch accepts them.
    """
    down = p.step_size_down if p.step_size_down is not None else p.step_size_up
    if float(p.step_size_up) + float(down) == 0:
        raise SpecError("step_size_up + step_size_down must be > 0 (torch divides by it)")
    return Native("TORCH_CYCLIC_LR", real=(p.base_lr, p.max_lr, float(p.step_size_up), float(down), p.gamma),
                  integer=(CYCLIC_MODES.index(p.mode),))


@family("torch.OneCycleLR", Real("max_lr", ge=0), Integer("total_steps", None, ge=1), Integer("epochs", None, ge=1),
        Integer("steps_per_epoch", None, ge=1), Real("pct_start", 0.3, ge=0, le=1),
        Choice("anneal_strategy", "cos", choices=("cos", "linear")), Bool("cycle_momentum", True),
        Real("base_momentum", 0.85), Real("max_momentum", 0.95), Real("div_factor", 25.0),
        Real("final_div_factor", 1e4), Bool("three_phase", False), dtype="float64", oracle=oracle("OneCycleLR"),
        raises="OneCycleLR raises ValueError past total_steps",
        anatomy=Anatomy(base="max_lr", horizon=("total_steps", "epochs * steps_per_epoch"),
                        marks=("pct_start * total_steps", "pct_start * epochs * steps_per_epoch")))
def one_cycle_lr(p: Params) -> Native:
    """The 1cycle policy: up from ``max_lr / div_factor`` to ``max_lr``, then down to a minimum.

    ```python
    initial_lr = max_lr / div_factor; min_lr = initial_lr / final_div_factor
    # phases end at float(pct_start * total_steps) - 1 [, float(2 * pct_start * total_steps) - 2], total_steps - 1
    pct = (step - start_step) / (end_step - start_step)
    cos: end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1);   linear: (end - start) * pct + start
    ```

    ``total_steps`` or ``epochs * steps_per_epoch``; torch raises past
    ``total_steps`` and so does pysched. The momentum parameters do not touch
    the learning rate.
    """
    total = p.total_steps
    if total is None:
        if p.epochs is None or p.steps_per_epoch is None:
            raise SpecError("give total_steps, or epochs and steps_per_epoch")
        total = p.epochs * p.steps_per_epoch
    if p.div_factor == 0 or p.final_div_factor == 0:
        raise SpecError("div_factor and final_div_factor must not be 0 (torch divides by them)")
    return Native("TORCH_ONE_CYCLE_LR", real=(p.max_lr, p.pct_start, p.div_factor, p.final_div_factor),
                  integer=(total, int(p.anneal_strategy == "linear"), int(p.three_phase)))


@family("torch.MultiplicativeLR", LR, Real("lr_lambda", doc="the constant the lambda returns"), dtype="float64",
        oracle=oracle("MultiplicativeLR"),
        anatomy=Anatomy(base="lr"))
def multiplicative_lr(p: Params) -> Native:
    """Multiply the rate by a constant factor every step (``lr_lambda = lambda epoch: factor``).

    ```python
    def get_lr():        # step()
        return lr * lr_lambda(last_epoch)
    ```

    torch has no closed form for it.
    """
    return Native("TORCH_MULTIPLICATIVE_LR", real=(p.lr, p.lr_lambda))


SCHEDULERS = Children("schedulers", prefix="torch.", inherit=("lr", "dtype"),
                      doc="torch specs without lr: they share the optimizer")


def children(p: Params) -> tuple[Native, ...]:
    for index, child in enumerate(p.schedulers):
        if child.get("closed_form"):
            raise SpecError(f"schedulers[{index}].closed_form must be False: torch steps every scheduler")
    return SCHEDULERS.natives(p.schedulers, {"lr": p.lr, "dtype": p.dtype})


@family("torch.SequentialLR", LR, SCHEDULERS, ListOf("milestones", item=Integer("milestone"), min_length=0),
        dtype="float64", oracle=oracle("SequentialLR"),
        raises="SequentialLR restarts a nested composite at its milestone with get_lr, which raises",
        composition=Composition("schedulers", boundaries="milestones"))
def sequential_lr(p: Params) -> Native:
    """Schedulers one after another: ``schedulers[i]`` from ``milestones[i - 1]`` on.

    ```python
    def step():
        last_epoch += 1
        idx = bisect_right(milestones, last_epoch)
        if idx > 0 and milestones[idx - 1] == last_epoch:
            schedulers[idx]._update_lr(0)     # its closed form at epoch 0, else get_lr
        else:
            schedulers[idx].step()
    ```

    As torch builds it: every scheduler's constructor takes its initial step
    on the shared optimizer, then SequentialLR resets the lr, steps every
    scheduler back one epoch and takes the initial step of the one active at
    epoch 0. A milestone 0 skips the first scheduler; a composite after the
    first place raises at its milestone, as in torch.
    """
    if len(p.milestones) != len(p.schedulers) - 1:
        raise SpecError(f"milestones must have one element fewer than schedulers ({len(p.schedulers)}), "
                        f"got {len(p.milestones)}")
    if any(b < a for a, b in pairwise(p.milestones)):
        raise SpecError(f"milestones must not decrease, got {p.milestones}")
    return Native("TORCH_SEQUENTIAL_LR", real=(p.lr,), integer=tuple(p.milestones), children=children(p))


@family("torch.ChainedScheduler", LR, SCHEDULERS, dtype="float64", oracle=oracle("ChainedScheduler"),
        composition=Composition("schedulers"))
def chained_scheduler(p: Params) -> Native:
    """Schedulers stepped together, in order, on the same optimizer.

    ```python
    def step():
        for scheduler in schedulers:
            scheduler.step()
    ```

    Each multiplies the rate the previous one left, so the order matters.
    """
    return Native("TORCH_CHAINED_SCHEDULER", real=(p.lr,), children=children(p))
