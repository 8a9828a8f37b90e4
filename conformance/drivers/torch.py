"""PyTorch: torch.optim.lr_scheduler's schedulers, LambdaLR schedulers (seed 001's
YOLOv3-SPP code, transformers' schedules), all driven by ``torch.optim.SGD``,
stepped in the documented order: ``optimizer.step()`` then ``scheduler.step()``
(``scheduler.step(epoch)`` for torch's closed forms). Far steps are reached by
setting ``last_epoch``, as YOLOv3-SPP's own resume does, where the lr depends on
the epoch alone.

dtype float32 gives the optimizer a float32 tensor lr (and a float32 parameter).
A case with several groups builds one param group per lr.

Oracle ``torch.adapter`` checks pysched's torch adapters, not torch: the case's
scheduler, built as above, imported by ``pysched.from_torch``, turned back into
a torch scheduler by ``to_torch`` on a fresh optimizer and stepped the same way."""

import io
import warnings

from . import Trace, drive, require, serve

require("torch", "transformers")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402

import pysched  # noqa: E402

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


def seed_scheduler(spec: dict, optimizer, last_epoch: int = -1):
    """Seed 001's YOLOv3-SPP schedulers, built by the seed's own code (which has no last_epoch)."""
    if last_epoch != -1:
        raise ValueError("the seed's code builds its schedulers without last_epoch")
    if spec["kind"] == "seed.warmup_lr_scheduler":
        return seed001.warmup_lr_scheduler(optimizer, spec["warmup_iters"], spec["warmup_factor"])
    return seed001.cosine_scheduler(optimizer, spec["epochs"], {"lrf": spec["lrf"]}, spec.get("start_epoch", 0))


NOT_API = ("kind", "dtype", "lr", "closed_form", "groups", "resume_at")
# The stepped lr of these depends on the epoch alone, so setting last_epoch resumes them.
EPOCH_ONLY = {"CyclicLR", "OneCycleLR"}


def torch_scheduler(spec: dict, optimizer, last_epoch: int = -1):
    name = spec["kind"].split(".")[1]
    args = {key: value for key, value in spec.items() if key not in NOT_API}
    if name == "MultiplicativeLR":
        factor = args.pop("lr_lambda")
        args["lr_lambda"] = lambda epoch: factor
    if name in ("SequentialLR", "ChainedScheduler"):
        args["schedulers"] = [torch_scheduler(child, optimizer, last_epoch) for child in args["schedulers"]]
    if name == "ChainedScheduler":
        return torch.optim.lr_scheduler.ChainedScheduler(args["schedulers"], optimizer)
    if last_epoch != -1:
        args["last_epoch"] = last_epoch
    return getattr(torch.optim.lr_scheduler, name)(optimizer, **args)


# Seed 001's warmups are transformers' schedules under the seed's parameter names.
SEED_WARMUPS = {
    "seed.constant_warmup": ("hf.constant_with_warmup", {}),
    "seed.linear_warmup": ("hf.linear_with_warmup", {"max_steps": "num_training_steps"}),
    "seed.cosine_warmup": ("hf.cosine_with_warmup", {"max_steps": "num_training_steps"}),
}


def transformers_scheduler(spec: dict, optimizer, last_epoch: int = -1):
    kind = spec["kind"]
    args = {k: v for k, v in spec.items() if k not in ("kind", "dtype", "lr", "init_lr", "resume_at")}
    if kind in SEED_WARMUPS:
        kind, renames = SEED_WARMUPS[kind]
        args = {renames.get(k, "num_warmup_steps" if k == "warmup_steps" else k): v for k, v in args.items()}
    function = pysched.families()[kind].mirrors.removeprefix("transformers.")
    return getattr(transformers, function)(optimizer, **args, last_epoch=last_epoch)


def scheduler_for(spec: dict):
    """The function that builds this spec's scheduler on an optimizer (and a last_epoch)."""
    if spec["kind"].startswith("hf.") or spec["kind"] in SEED_WARMUPS:
        return transformers_scheduler
    return seed_scheduler if spec["kind"].startswith("seed.") else torch_scheduler


def base_lrs(spec: dict) -> list[float]:
    return spec.get("groups") or [spec.get("lr", spec.get("init_lr", spec.get("lr0", 0.1)))]


def run(spec: dict, steps: np.ndarray) -> Trace:
    optimizer, params = sgd(spec, base_lrs(spec))
    scheduler = scheduler_for(spec)(spec, optimizer)
    lambda_lr = not spec["kind"].startswith("torch.")  # transformers' and the seed's: epoch alone
    return scheduler_trace(spec, steps, optimizer, params, scheduler, start=spec.get("start_epoch", 0),
                           closed_form=spec.get("closed_form", False),
                           jumps=lambda_lr or spec["kind"].split(".")[1] in EPOCH_ONLY)


def run_adapter(spec: dict, steps: np.ndarray) -> Trace:
    """spec -> torch's (or transformers') scheduler -> pysched.from_torch ->
    to_torch, stepped by a fresh SGD optimizer."""
    imported = pysched.from_torch(scheduler_for(spec)(spec, sgd(spec, base_lrs(spec))[0]))
    optimizer, params = sgd(spec, base_lrs(spec))
    return scheduler_trace(spec, steps, optimizer, params, imported.to_torch(optimizer))


def run_resumed(spec: dict, steps: np.ndarray, with_last_epoch: bool) -> Trace:
    """Stepped up to ``resume_at``, checkpointed (torch.save of both state
    dicts), then continued by a fresh optimizer and scheduler restored the
    documented way: ``load_state_dict`` on both, or the optimizer's state and a
    scheduler built with ``last_epoch=resume_at - 1``."""
    resume_at, build = spec["resume_at"], scheduler_for(spec)
    optimizer, params = sgd(spec, base_lrs(spec))
    scheduler = build(spec, optimizer)
    before = scheduler_trace(spec, steps[steps < resume_at], optimizer, params, scheduler, jumps=False)
    checkpoint = io.BytesIO()
    torch.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}, checkpoint)
    checkpoint.seek(0)
    saved = torch.load(checkpoint)
    optimizer, params = sgd(spec, base_lrs(spec))
    if with_last_epoch:
        optimizer.load_state_dict(saved["optimizer"])
        scheduler = build(spec, optimizer, last_epoch=resume_at - 1)
    else:
        scheduler = build(spec, optimizer)
        optimizer.load_state_dict(saved["optimizer"])
        scheduler.load_state_dict(saved["scheduler"])
    after = scheduler_trace(spec, steps[steps >= resume_at], optimizer, params, scheduler, start=resume_at,
                            jumps=False)
    failure = "; ".join(text for text in (before.failure, after.failure) if text)
    return Trace(np.concatenate([before.values, after.values]), failure)


def versions() -> dict:
    return {"torch": torch.__version__, "transformers": transformers.__version__}


ORACLES = {"torch": run, "transformers": run, "torch.adapter": run_adapter,
           "torch.resume": lambda spec, steps: run_resumed(spec, steps, with_last_epoch=False),
           "torch.last_epoch": lambda spec, steps: run_resumed(spec, steps, with_last_epoch=True)}

if __name__ == "__main__":
    serve(ORACLES, versions)
