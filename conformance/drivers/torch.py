"""PyTorch: torch.optim.lr_scheduler's schedulers, LambdaLR schedulers (seed 001's
YOLOv3-SPP code, transformers' schedules), all driven by ``torch.optim.SGD``,
stepped in the documented order: ``optimizer.step()`` then ``scheduler.step()``
(``scheduler.step(epoch)`` for torch's closed forms). Far steps are reached by
setting ``last_epoch``, as YOLOv3-SPP's own resume does, where the lr depends on
the epoch alone.

dtype float32 gives the optimizer a float32 tensor lr (and a float32 parameter).
A case with several groups builds one param group per lr."""

import warnings

from . import Trace, drive, require, serve

require("torch", "transformers")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402

from ..oracles import seed001  # noqa: E402

TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64}


def sgd(spec: dict, lrs) -> tuple[torch.optim.SGD, list[torch.Tensor]]:
    """SGD over one zero parameter per lr (one param group each)."""
    dtype = TORCH_DTYPES[spec.get("dtype", "float64")]
    params = [torch.zeros((), dtype=dtype, requires_grad=True) for _ in lrs]
    groups = [{"params": [p], "lr": torch.tensor(lr, dtype=dtype) if dtype == torch.float32 else lr}
              for p, lr in zip(params, lrs, strict=True)]
    return torch.optim.SGD(groups, lr=groups[0]["lr"]), params


def scheduler_trace(spec: dict, steps: np.ndarray, optimizer, params, scheduler, start: int = 0,
                    closed_form: bool = False, jumps: bool = True) -> Trace:
    """The lr each update applied to each group; NaN at a step whose lr torch
    could not compute (its exception caught, torch goes on from its state)."""
    failures: dict[int, str] = {}

    def attempt(step: int, stepping) -> None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                stepping()
        except Exception as error:  # the framework's own failure, recorded as the case's
            failures[step] = f"{type(error).__name__}: {error}"

    def update(step: int) -> list[float]:
        if closed_form:
            attempt(step, lambda: scheduler.step(step))
        applied = [np.nan] * len(params) if step in failures else apply(optimizer, params, step)
        if not closed_form:
            attempt(step + 1, scheduler.step)
        return applied

    def jump(step: int) -> None:
        def resume():
            scheduler.last_epoch = step - 1
            scheduler.step()
        if not closed_form:
            attempt(step, resume)

    values = np.array(drive(steps, update, jump if jumps or closed_form else None, start), dtype=np.float64)
    failure = "; ".join(f"step {step}: {text}" for step, text in list(failures.items())[:3])
    return Trace(values.T.astype(spec.get("dtype", "float64")).reshape(-1 if len(params) == 1 else (len(params), -1)),
                 failure)


def apply(optimizer, params, step: int) -> list[float]:
    """One SGD update with gradient -1 on zeroed parameters (momentum buffers
    cleared, as CyclicLR and OneCycleLR set a momentum): each parameter then
    holds its group's applied lr."""
    optimizer.state.clear()
    with torch.no_grad():
        for param in params:
            param.zero_()
    for param in params:
        param.grad = torch.full((), -1.0, dtype=param.dtype)
    group_lrs = [float(group["lr"]) for group in optimizer.param_groups]
    optimizer.step()
    applied = [param.item() for param in params]
    if applied != group_lrs:
        raise AssertionError(f"step {step}: SGD applied {applied!r}, the groups' lrs are {group_lrs!r}")
    return applied


def run_seed(spec: dict, steps: np.ndarray) -> Trace:
    kind = spec["kind"]
    optimizer, params = sgd(spec, [spec["lr0"]])
    if kind == "seed.warmup_lr_scheduler":
        scheduler = seed001.warmup_lr_scheduler(optimizer, spec["warmup_iters"], spec["warmup_factor"])
        return scheduler_trace(spec, steps, optimizer, params, scheduler)
    if kind == "seed.lf":
        start_epoch = spec.get("start_epoch", 0)
        scheduler = seed001.cosine_scheduler(optimizer, spec["epochs"], {"lrf": spec["lrf"]}, start_epoch)
        return scheduler_trace(spec, steps, optimizer, params, scheduler, start_epoch)
    raise KeyError(f"no torch oracle for {kind}")


NOT_API = ("kind", "dtype", "lr", "closed_form", "groups")
# The stepped lr of these depends on the epoch alone, so setting last_epoch resumes them.
EPOCH_ONLY = {"CyclicLR", "OneCycleLR"}


def build_scheduler(spec: dict, optimizer):
    name = spec["kind"].split(".")[1]
    args = {key: value for key, value in spec.items() if key not in NOT_API}
    if name == "MultiplicativeLR":
        factor = args.pop("lr_lambda")
        args["lr_lambda"] = lambda epoch: factor
    if name in ("SequentialLR", "ChainedScheduler"):
        args["schedulers"] = [build_scheduler(child, optimizer) for child in args["schedulers"]]
    if name == "ChainedScheduler":
        return torch.optim.lr_scheduler.ChainedScheduler(args["schedulers"], optimizer)
    return getattr(torch.optim.lr_scheduler, name)(optimizer, **args)


def run_torch(spec: dict, steps: np.ndarray) -> Trace:
    lrs = spec.get("groups") or [spec.get("lr", 0.1)]
    optimizer, params = sgd(spec, lrs)
    scheduler = build_scheduler(spec, optimizer)
    name = spec["kind"].split(".")[1]
    return scheduler_trace(spec, steps, optimizer, params, scheduler, closed_form=spec.get("closed_form", False),
                           jumps=name in EPOCH_ONLY)


HF_FUNCTIONS = {
    "hf.constant_with_warmup": "get_constant_schedule_with_warmup",
    "hf.linear_with_warmup": "get_linear_schedule_with_warmup",
    "hf.cosine_with_warmup": "get_cosine_schedule_with_warmup",
    "hf.cosine_with_hard_restarts_with_warmup": "get_cosine_with_hard_restarts_schedule_with_warmup",
    "hf.polynomial_decay_with_warmup": "get_polynomial_decay_schedule_with_warmup",
    "hf.inverse_sqrt": "get_inverse_sqrt_schedule",
    "hf.wsd": "get_wsd_schedule",
}
# Seed 001's warmups are transformers' schedules under the seed's parameter names.
SEED_WARMUPS = {
    "seed.constant_warmup": ("hf.constant_with_warmup", {}),
    "seed.linear_warmup": ("hf.linear_with_warmup", {"max_steps": "num_training_steps"}),
    "seed.cosine_warmup": ("hf.cosine_with_warmup", {"max_steps": "num_training_steps"}),
}


def run_transformers(spec: dict, steps: np.ndarray) -> Trace:
    kind, args = spec["kind"], {k: v for k, v in spec.items() if k not in ("kind", "dtype", "lr", "init_lr")}
    if kind in SEED_WARMUPS:
        kind, renames = SEED_WARMUPS[kind]
        args = {renames.get(k, "num_warmup_steps" if k == "warmup_steps" else k): v for k, v in args.items()}
    optimizer, params = sgd(spec, [spec.get("lr", spec.get("init_lr"))])
    scheduler = getattr(transformers, HF_FUNCTIONS[kind])(optimizer, **args)
    return scheduler_trace(spec, steps, optimizer, params, scheduler)


def versions() -> dict:
    return {"torch": torch.__version__, "transformers": transformers.__version__}


ORACLES = {"torch": lambda spec, steps: (run_seed if spec["kind"].startswith("seed.") else run_torch)(spec, steps),
           "transformers": run_transformers}

if __name__ == "__main__":
    serve(ORACLES, versions)
