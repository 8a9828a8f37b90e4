"""pysched.from_torch: torch's own schedulers (and transformers'), built as a
user builds them and stepped in a real SGD loop, apply the learning rates of
the schedule they import as, bit for bit; what cannot be imported is refused
with the reason."""

import numpy as np
import pytest

import pysched

from conftest import require_framework
from examples import EXAMPLES

STEPS = 2000


@pytest.fixture(scope="module")
def torch():
    return require_framework("torch")


@pytest.fixture(scope="module")
def transformers():
    return require_framework("transformers")


def sgd(torch, *lrs, dtype="float64"):
    """SGD over one parameter per lr, one param group each."""
    dtype = getattr(torch, dtype)
    groups = [{"params": [torch.zeros((), dtype=dtype, requires_grad=True)], "lr": lr} for lr in lrs]
    return torch.optim.SGD(groups, lr=groups[0]["lr"])


def stepped_lrs(optimizer, scheduler, steps=STEPS, group=0):
    """``param_groups[group]["lr"]`` before the first update and after each ``scheduler.step()``."""
    lrs = []
    for _ in range(steps):
        lrs.append(float(optimizer.param_groups[group]["lr"]))
        for param_group in optimizer.param_groups:
            for param in param_group["params"]:
                param.grad = -param.new_ones(())
        optimizer.step()
        scheduler.step()
    return np.array(lrs)


def assert_same_bits(imported, torch_lrs):
    expected = torch_lrs.astype(imported.dtype)
    actual = imported(np.arange(len(torch_lrs)))
    differing = np.flatnonzero(actual.view(np.uint64 if imported.dtype == "float64" else np.uint32)
                               != expected.view(np.uint64 if imported.dtype == "float64" else np.uint32))
    assert not len(differing), (f"{len(differing)} steps differ, first {differing[0]}: pysched "
                                f"{actual[differing[0]]!r}, torch {expected[differing[0]]!r}")


# The examples' specs (tests/examples.py) as a user writes them in torch; s is torch.optim.lr_scheduler.
EXAMPLE_SCHEDULERS = {
    "torch.StepLR": lambda s, opt: s.StepLR(opt, step_size=30),
    "torch.MultiStepLR": lambda s, opt: s.MultiStepLR(opt, milestones=[30, 80, 80]),
    "torch.ConstantLR": lambda s, opt: s.ConstantLR(opt, factor=0.5, total_iters=100),
    "torch.LinearLR": lambda s, opt: s.LinearLR(opt, start_factor=0.01, total_iters=1000),
    "torch.ExponentialLR": lambda s, opt: s.ExponentialLR(opt, gamma=0.999),
    "torch.PolynomialLR": lambda s, opt: s.PolynomialLR(opt, total_iters=1000, power=2.0),
    "torch.CosineAnnealingLR": lambda s, opt: s.CosineAnnealingLR(opt, T_max=1000, eta_min=0.001),
    "torch.CosineAnnealingWarmRestarts": lambda s, opt: s.CosineAnnealingWarmRestarts(opt, T_0=50, T_mult=2),
    "torch.CyclicLR": lambda s, opt: s.CyclicLR(opt, base_lr=0.001, max_lr=0.1, step_size_up=200, mode="exp_range",
                                                gamma=0.9999),
    "torch.OneCycleLR": lambda s, opt: s.OneCycleLR(opt, max_lr=0.1, total_steps=2**53),
    "torch.MultiplicativeLR": lambda s, opt: s.MultiplicativeLR(opt, lr_lambda=lambda epoch: 0.999),
    "torch.SequentialLR": lambda s, opt: s.SequentialLR(opt, milestones=[100], schedulers=[
        s.LinearLR(opt, start_factor=0.1, total_iters=100), s.StepLR(opt, step_size=1000, gamma=0.5)]),
    "torch.ChainedScheduler": lambda s, opt: s.ChainedScheduler([
        s.ConstantLR(opt, factor=0.1, total_iters=2), s.ExponentialLR(opt, gamma=0.9)]),
}
# More variants: id -> (lr, dtype of the lr, how the user builds the scheduler).
VARIANTS = {
    "CyclicLR triangular2, step_size_down": (0.1, "float64", lambda s, opt: s.CyclicLR(
        opt, base_lr=0.001, max_lr=0.1, step_size_up=100, step_size_down=300, mode="triangular2")),
    "CyclicLR fractional step sizes": (0.1, "float64", lambda s, opt: s.CyclicLR(
        opt, base_lr=0.01, max_lr=0.3, step_size_up=37.3, step_size_down=12.9, cycle_momentum=False)),
    # torch keeps up + down and up / (up + down): this up is not their product, but a float next to it.
    "CyclicLR, step_size_up recovered by search": (0.1, "float64", lambda s, opt: s.CyclicLR(
        opt, base_lr=0.01, max_lr=0.3, step_size_up=797.8029401138907, step_size_down=4132)),
    "CyclicLR float32": (0.1, "float32", lambda s, opt: s.CyclicLR(opt, base_lr=0.001, max_lr=0.1,
                                                                   step_size_up=150)),
    "OneCycleLR linear": (0.1, "float64", lambda s, opt: s.OneCycleLR(opt, max_lr=0.1, total_steps=2001,
                                                                      anneal_strategy="linear")),
    "OneCycleLR three phases": (0.1, "float64", lambda s, opt: s.OneCycleLR(opt, max_lr=0.1, total_steps=2101,
                                                                            three_phase=True)),
    "OneCycleLR epochs, odd factors": (0.1, "float64", lambda s, opt: s.OneCycleLR(
        opt, max_lr=0.37, epochs=7, steps_per_epoch=293, pct_start=0.2345, div_factor=7.3, final_div_factor=333.3,
        anneal_strategy="linear", three_phase=True)),
    "OneCycleLR float32": (0.1, "float32", lambda s, opt: s.OneCycleLR(opt, max_lr=0.1, total_steps=2003,
                                                                       div_factor=10.0)),
    "ExponentialLR float32": (0.1, "float32", lambda s, opt: s.ExponentialLR(opt, gamma=0.999)),
    "CosineAnnealingLR float32": (0.1, "float32", lambda s, opt: s.CosineAnnealingLR(opt, T_max=700, eta_min=1e-5)),
    "MultiplicativeLR float32": (0.1, "float32", lambda s, opt: s.MultiplicativeLR(opt, lambda epoch: 0.995)),
    "ConstantLR float64 tensor lr": (0.1, "float64 tensor", lambda s, opt: s.ConstantLR(opt, factor=0.3,
                                                                                        total_iters=50)),
    "SequentialLR nested first": (0.1, "float64", lambda s, opt: s.SequentialLR(opt, milestones=[300], schedulers=[
        s.SequentialLR(opt, milestones=[100], schedulers=[s.LinearLR(opt, start_factor=0.1, total_iters=100),
                                                          s.ExponentialLR(opt, gamma=0.99)]),
        s.CosineAnnealingWarmRestarts(opt, T_0=100)])),
    "SequentialLR restarts, cyclic, one cycle": (0.1, "float64", lambda s, opt: s.SequentialLR(
        opt, milestones=[700, 1500], schedulers=[
            s.CosineAnnealingWarmRestarts(opt, T_0=300), s.CyclicLR(opt, base_lr=0.01, max_lr=0.2, step_size_up=100),
            s.OneCycleLR(opt, max_lr=0.3, total_steps=2000)])),
    "SequentialLR warmup, hold, cosine, float32": (0.1, "float32", lambda s, opt: s.SequentialLR(
        opt, milestones=[500, 1000], schedulers=[
            s.LinearLR(opt, start_factor=0.01, total_iters=500), s.ConstantLR(opt, factor=1.0, total_iters=0),
            s.CosineAnnealingLR(opt, T_max=2000, eta_min=0.001)])),
    "ChainedScheduler with a SequentialLR": (0.1, "float64", lambda s, opt: s.ChainedScheduler([
        s.SequentialLR(opt, milestones=[200], schedulers=[s.ConstantLR(opt, factor=0.5, total_iters=200),
                                                          s.StepLR(opt, step_size=500)]),
        s.MultiplicativeLR(opt, lr_lambda=lambda epoch: 0.9995)])),
    "ChainedScheduler float32": (0.1, "float32", lambda s, opt: s.ChainedScheduler([
        s.ExponentialLR(opt, gamma=0.999), s.PolynomialLR(opt, total_iters=1500, power=0.9)])),
}
# transformers' schedules: id -> (lr, dtype of the lr, expected kind, how the user builds it); t is transformers.
TRANSFORMERS = {
    "constant": (0.001, "float64", "hf.constant_with_warmup", lambda t, opt: t.get_constant_schedule(opt)),
    "constant with warmup": (0.001, "float64", "hf.constant_with_warmup",
                             lambda t, opt: t.get_constant_schedule_with_warmup(opt, num_warmup_steps=500)),
    "linear, float32": (0.003, "float32", "hf.linear_with_warmup", lambda t, opt: t.get_linear_schedule_with_warmup(
        opt, num_warmup_steps=10, num_training_steps=1500)),
    "cosine": (0.001, "float64", "hf.cosine_with_warmup", lambda t, opt: t.get_cosine_schedule_with_warmup(
        opt, num_warmup_steps=300, num_training_steps=1500)),
    "cosine, min_lr_rate 0": (0.001, "float64", "hf.cosine_with_warmup",
                              lambda t, opt: t.get_cosine_with_min_lr_schedule_with_warmup(
                                  opt, num_warmup_steps=300, num_training_steps=1500, min_lr_rate=0.0)),
    "cosine hard restarts": (0.001, "float64", "hf.cosine_with_hard_restarts_with_warmup",
                             lambda t, opt: t.get_cosine_with_hard_restarts_schedule_with_warmup(
                                 opt, num_warmup_steps=250, num_training_steps=1750, num_cycles=4)),
    "polynomial": (0.001, "float64", "hf.polynomial_decay_with_warmup",
                   lambda t, opt: t.get_polynomial_decay_schedule_with_warmup(
                       opt, num_warmup_steps=100, num_training_steps=1500, lr_end=1e-5, power=2.0)),
    "inverse sqrt": (0.001, "float64", "hf.inverse_sqrt",
                     lambda t, opt: t.get_inverse_sqrt_schedule(opt, num_warmup_steps=400)),
    "wsd, training steps": (0.001, "float64", "hf.wsd", lambda t, opt: t.get_wsd_schedule(
        opt, num_warmup_steps=300, num_decay_steps=1000, num_training_steps=1900)),
    "wsd, stable steps, float32": (0.001, "float32", "hf.wsd", lambda t, opt: t.get_wsd_schedule(
        opt, num_warmup_steps=500, num_decay_steps=800, num_stable_steps=400, warmup_type="1-sqrt",
        decay_type="linear", min_lr_ratio=0.05)),
}


def lr_of(torch, lr, dtype):
    """The optimizer's lr as the user gives it: a Python float or a tensor."""
    if dtype == "float64":
        return lr
    return torch.tensor(lr, dtype=getattr(torch, dtype.split()[0]))


def optimizer_for(torch, lr, dtype):
    return sgd(torch, lr_of(torch, lr, dtype), dtype=dtype.split()[0])


TORCH_ROWS = {**{kind: (EXAMPLES[kind].get("lr", 0.1), "float64", build) for kind, build in EXAMPLE_SCHEDULERS.items()},
              **VARIANTS}


# torch warns of its own order when SequentialLR's constructor steps a nested composite.
@pytest.mark.filterwarnings("ignore:Detected call of `lr_scheduler.step\\(\\)` before `optimizer.step\\(\\)`")
@pytest.mark.parametrize("row", TORCH_ROWS.values(), ids=TORCH_ROWS)
def test_imports_the_rates_torch_steps_through(torch, row):
    lr, dtype, build = row
    optimizer = optimizer_for(torch, lr, dtype)
    scheduler = build(torch.optim.lr_scheduler, optimizer)
    imported = pysched.from_torch(scheduler)
    assert imported.kind == f"torch.{type(scheduler).__name__}"
    assert imported.dtype == dtype.split()[0]
    assert not imported.to_dict().get("closed_form")  # the stepped values, as training sees them
    assert_same_bits(imported, stepped_lrs(optimizer, scheduler))


@pytest.mark.parametrize("row", TRANSFORMERS.values(), ids=TRANSFORMERS)
def test_imports_transformers_schedules(torch, transformers, row):
    lr, dtype, kind, build = row
    optimizer = optimizer_for(torch, lr, dtype)
    scheduler = build(transformers, optimizer)
    imported = pysched.from_torch(scheduler)
    assert (imported.kind, imported.dtype) == (kind, dtype)
    assert_same_bits(imported, stepped_lrs(optimizer, scheduler))


@pytest.mark.parametrize("kind", EXAMPLE_SCHEDULERS)
def test_the_examples_import_as_their_specs(torch, kind):
    """The parameters are read back as given (closed_form aside: the import is the stepped form)."""
    example = {"kind": kind, **{k: v for k, v in EXAMPLES[kind].items() if k != "closed_form"}}
    optimizer = sgd(torch, EXAMPLES[kind].get("lr", 0.1))
    imported = pysched.from_torch(EXAMPLE_SCHEDULERS[kind](torch.optim.lr_scheduler, optimizer))
    assert imported.to_dict() == pysched.schedule(example).to_dict()


def test_a_stepped_scheduler_still_imports_from_step_0(torch):
    optimizer = sgd(torch, 0.1)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=300)
    before = pysched.from_torch(scheduler)
    lrs = stepped_lrs(optimizer, scheduler, 500)
    assert scheduler.last_epoch == 500
    assert pysched.from_torch(scheduler) == before
    assert_same_bits(before, lrs)


def test_a_pysched_scheduler_gives_its_own_schedule(torch):
    s = pysched.schedule({"kind": "keras.CosineDecay", "initial_learning_rate": 0.1, "decay_steps": 1000},
                         precision="fast")
    assert pysched.from_torch(s.to_torch(sgd(torch, 0.1))) is s


GROUPS = (0.1, 0.05, 0.2)
GROUP_SCHEDULERS = {
    "CosineAnnealingLR": lambda s, opt: s.CosineAnnealingLR(opt, T_max=500, eta_min=0.001),
    "CyclicLR, a max_lr each": lambda s, opt: s.CyclicLR(opt, base_lr=[0.001, 0.002, 0.003],
                                                         max_lr=[0.1, 0.05, 0.2], step_size_up=100),
    "OneCycleLR, a max_lr each": lambda s, opt: s.OneCycleLR(opt, max_lr=[0.1, 0.05, 0.2], total_steps=1500),
    "SequentialLR": lambda s, opt: s.SequentialLR(opt, milestones=[100], schedulers=[
        s.ConstantLR(opt, factor=0.1, total_iters=100), s.ExponentialLR(opt, gamma=0.999)]),
    "MultiplicativeLR, a lambda each": lambda s, opt: s.MultiplicativeLR(
        opt, [lambda epoch: 0.999, lambda epoch: 0.99, lambda epoch: 0.9]),
}


@pytest.mark.parametrize("build", GROUP_SCHEDULERS.values(), ids=GROUP_SCHEDULERS)
def test_each_param_group_imports_with_group(torch, build):
    imported = [pysched.from_torch(build(torch.optim.lr_scheduler, sgd(torch, *GROUPS)), group=g)
                for g in range(len(GROUPS))]
    for group, schedule in enumerate(imported):
        optimizer = sgd(torch, *GROUPS)
        assert_same_bits(schedule, stepped_lrs(optimizer, build(torch.optim.lr_scheduler, optimizer), 1500, group))
    assert len({str(schedule.to_dict()) for schedule in imported}) == len(GROUPS)


@pytest.mark.parametrize("group, error, message", [
    (None, ValueError, r"from_torch: the optimizer has 3 param groups; pass group= \(0 to 2\)"),
    (3, ValueError, r"from_torch: group must be in \[0, 2\], got 3"),
    (-1, ValueError, r"from_torch: group must be in \[0, 2\], got -1"),
    ("0", TypeError, r"from_torch: group must be an int, got '0'"),
    (True, TypeError, r"from_torch: group must be an int, got True"),
], ids=["missing", "past the end", "negative", "a string", "a bool"])
def test_a_bad_group_is_refused(torch, group, error, message):
    scheduler = torch.optim.lr_scheduler.StepLR(sgd(torch, *GROUPS), step_size=10)
    with pytest.raises(error, match=message):
        pysched.from_torch(scheduler, group=group)


# What from_torch refuses: id -> (how to build it from torch, transformers and an optimizer, error, message).
REFUSALS = {
    "LambdaLR, an arbitrary lambda": (
        lambda torch, t, opt: torch.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 0.95**epoch), TypeError,
        "from_torch: cannot import a LambdaLR whose lr_lambda is <function .*: pysched imports the lambdas of "
        "the transformers schedules it has hf kinds for, not another function"),
    "transformers, a schedule without an hf kind": (
        lambda torch, t, opt: t.get_cosine_with_min_lr_schedule_with_warmup_lr_rate(opt, 100, 1000, min_lr=1e-5),
        TypeError, "from_torch: cannot import a LambdaLR whose lr_lambda is functools.partial\\(<function "
        "_get_cosine_with_min_lr_schedule_with_warmup_lr_rate_lambda"),
    "ReduceLROnPlateau": (
        lambda torch, t, opt: torch.optim.lr_scheduler.ReduceLROnPlateau(opt), TypeError,
        "from_torch: cannot import torch.optim.lr_scheduler.ReduceLROnPlateau: its rate follows the metric "
        "passed to step\\(\\), not the step count"),
    "a subclass": (
        lambda torch, t, opt: type("WarmStepLR", (torch.optim.lr_scheduler.StepLR,), {})(opt, step_size=3),
        TypeError, "from_torch: cannot import test_from_torch.WarmStepLR: pysched imports torch's ChainedScheduler, "
        "ConstantLR, .*, not a subclass or another scheduler"),
    "MultiplicativeLR, a changing factor": (
        lambda torch, t, opt: torch.optim.lr_scheduler.MultiplicativeLR(opt, lambda e: 0.99 if e < 500 else 0.9),
        TypeError, "from_torch: MultiplicativeLR's lr_lambda must be a constant factor \\(pysched's "
        "torch.MultiplicativeLR\\), got 0.99 at epoch 1 and 0.9 at epoch 500"),
    "MultiplicativeLR, a factor changing far": (
        lambda torch, t, opt: torch.optim.lr_scheduler.MultiplicativeLR(opt, lambda e: 0.99 if e < 10**6 else 1.0),
        TypeError, "got 0.99 at epoch 1 and 1.0 at epoch 1048576"),
    "MultiplicativeLR, a tensor factor": (
        lambda torch, t, opt: torch.optim.lr_scheduler.MultiplicativeLR(opt, lambda e: torch.tensor(0.9)),
        TypeError, "from_torch: MultiplicativeLR's lr_lambda must return a number, got tensor\\(0.9000\\) at epoch 1"),
    "CyclicLR, a custom scale_fn": (
        lambda torch, t, opt: torch.optim.lr_scheduler.CyclicLR(opt, 0.001, 0.1, scale_fn=lambda x: 0.5**x),
        TypeError, "from_torch: cannot import a CyclicLR with a custom scale_fn: pysched's torch.CyclicLR has the "
        "triangular, triangular2 and exp_range modes"),
    "transformers cosine, min_lr_rate 0.1": (
        lambda torch, t, opt: t.get_cosine_with_min_lr_schedule_with_warmup(opt, 100, 1000, min_lr_rate=0.1),
        TypeError, "from_torch: cannot import transformers' _get_cosine_schedule_with_warmup_lr_lambda with "
        "min_lr_rate=0.1: pysched's hf.cosine_with_warmup implies min_lr_rate=0.0"),
    "transformers polynomial, a group lr apart": (
        lambda torch, t, opt: t.get_polynomial_decay_schedule_with_warmup(
            torch.optim.SGD([{"params": opt.param_groups[0]["params"], "lr": 0.002}], lr=0.001), 100, 1000),
        TypeError, "from_torch: cannot import transformers' _get_polynomial_decay_schedule_with_warmup_lr_lambda "
        "with lr_init=0.001: pysched's hf.polynomial_decay_with_warmup implies lr_init=0.002"),
    "a transformers schedule in a SequentialLR": (
        lambda torch, t, opt: torch.optim.lr_scheduler.SequentialLR(opt, milestones=[10], schedulers=[
            torch.optim.lr_scheduler.ConstantLR(opt), t.get_constant_schedule_with_warmup(opt, 5)]),
        ValueError, "torch.SequentialLR: schedulers\\[1\\] must be a schedule of the torch namespace, "
        "got kind 'hf.constant_with_warmup'"),
    "a bfloat16 lr": (
        lambda torch, t, opt: torch.optim.lr_scheduler.StepLR(
            torch.optim.SGD(opt.param_groups[0]["params"], lr=torch.tensor(0.1, dtype=torch.bfloat16)), 10),
        TypeError, "from_torch: the param group's lr must be a float or a float32 or float64 tensor, "
        "got a torch.bfloat16 tensor"),
    "not a scheduler": (
        lambda torch, t, opt: opt, TypeError, "from_torch: scheduler must be a torch LRScheduler on an optimizer, "
        "got SGD"),
}


@pytest.mark.parametrize("row", REFUSALS.values(), ids=REFUSALS)
def test_what_cannot_be_imported_is_refused_with_the_reason(torch, transformers, row):
    build, error, message = row
    scheduler = build(torch, transformers, sgd(torch, 0.1))
    with pytest.raises(error, match=message):
        pysched.from_torch(scheduler)
