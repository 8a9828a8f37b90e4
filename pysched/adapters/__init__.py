"""pysched schedules as framework objects. Each module imports its framework
when first used, never before: ``import pysched`` needs numpy and cffi only."""

from typing import Any

from .keras import from_keras as from_keras  # imports no framework: it reads a Keras schedule through its config


def from_torch(scheduler: Any, group: int | None = None) -> Any:
    """The pysched schedule that a torch scheduler steps through, read from its
    constructor arguments (the attributes torch keeps) and its param group's
    initial lr; with an optimizer of several param groups, ``group`` says whose.

    Imports torch's StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR,
    PolynomialLR, CosineAnnealingLR, CosineAnnealingWarmRestarts, CyclicLR,
    OneCycleLR, MultiplicativeLR (whose lr_lambda must return one constant:
    checked at epochs 1 to 1000 and at powers of two up to 2**53),
    SequentialLR and ChainedScheduler (their schedulers imported in turn),
    LambdaLR built by transformers' ``get_*_schedule*`` functions (the hf
    kinds), and pysched's own PyschedLR (its schedule). Anything else (a
    LambdaLR with an arbitrary lambda, ReduceLROnPlateau, a subclass) raises
    TypeError saying why.

    The schedule's dtype is float64 for a Python-float lr and float32 for a
    float32 tensor lr, as torch's arithmetic follows the lr. ``closed_form``
    is False: the values are those ``scheduler.step()`` gives.

    The schedule starts at the scheduler's construction: for a scheduler that
    has been stepped already, it is still the whole schedule from step 0, and
    ``scheduler.last_epoch`` is the step the scheduler is at.

        >>> optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        >>> pysched.from_torch(torch.optim.lr_scheduler.StepLR(optimizer, step_size=30))
        pysched.schedule({'kind': 'torch.StepLR', 'lr': 0.1, 'step_size': 30, 'gamma': 0.1, ...})
    """
    from .torch import from_torch as import_scheduler

    return import_scheduler(scheduler, group)
