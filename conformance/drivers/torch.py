"""PyTorch: LambdaLR schedulers (seed 001's YOLOv3-SPP code, and transformers'
warmup schedules for the seed's warmups) driven by ``torch.optim.SGD``, stepped in
the documented order: ``optimizer.step()`` then ``scheduler.step()``. Far steps
are reached by setting ``last_epoch`` as YOLOv3-SPP's own resume does.

dtype float32 gives the optimizer a float32 tensor lr (and a float32 parameter)."""

from . import Trace, drive, require, serve

require("torch", "transformers")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402

from ..oracles import seed001  # noqa: E402

TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64}


def sgd(spec: dict, lr: float) -> tuple[torch.optim.SGD, torch.Tensor]:
    dtype = TORCH_DTYPES[spec.get("dtype", "float64")]
    param = torch.zeros((), dtype=dtype, requires_grad=True)
    lr = torch.tensor(lr, dtype=dtype) if dtype == torch.float32 else lr
    return torch.optim.SGD([param], lr=lr), param


def scheduler_trace(spec: dict, steps: np.ndarray, optimizer, param, scheduler, start: int = 0) -> Trace:
    def update(step: int) -> float:
        group_lr = float(optimizer.param_groups[0]["lr"])
        with torch.no_grad():
            param.zero_()
        param.grad = torch.full((), -1.0, dtype=param.dtype)
        optimizer.step()
        scheduler.step()
        if param.item() != group_lr:
            raise AssertionError(f"step {step}: SGD applied {param.item()!r}, the group's lr is {group_lr!r}")
        return param.item()

    def jump(step: int) -> None:
        scheduler.last_epoch = step - 1
        scheduler.step()

    values = drive(steps, update, jump, start)
    return Trace(np.array(values, dtype=spec.get("dtype", "float64")))


def run_seed(spec: dict, steps: np.ndarray) -> Trace:
    kind = spec["kind"]
    optimizer, param = sgd(spec, spec["lr0"])
    if kind == "seed.warmup_lr_scheduler":
        scheduler = seed001.warmup_lr_scheduler(optimizer, spec["warmup_iters"], spec["warmup_factor"])
        return scheduler_trace(spec, steps, optimizer, param, scheduler)
    if kind == "seed.lf":
        start_epoch = spec.get("start_epoch", 0)
        scheduler = seed001.cosine_scheduler(optimizer, spec["epochs"], {"lrf": spec["lrf"]}, start_epoch)
        return scheduler_trace(spec, steps, optimizer, param, scheduler, start_epoch)
    raise KeyError(f"no torch oracle for {kind}")


def run_transformers(spec: dict, steps: np.ndarray) -> Trace:
    kind = spec["kind"]
    optimizer, param = sgd(spec, spec["init_lr"])
    warmup = spec["warmup_steps"]
    if kind == "seed.constant_warmup":
        scheduler = transformers.get_constant_schedule_with_warmup(optimizer, warmup)
    elif kind == "seed.linear_warmup":
        scheduler = transformers.get_linear_schedule_with_warmup(optimizer, warmup, spec["max_steps"])
    elif kind == "seed.cosine_warmup":
        scheduler = transformers.get_cosine_schedule_with_warmup(optimizer, warmup, spec["max_steps"])
    else:
        raise KeyError(f"no transformers oracle for {kind}")
    return scheduler_trace(spec, steps, optimizer, param, scheduler)


def versions() -> dict:
    return {"torch": torch.__version__, "transformers": transformers.__version__}


ORACLES = {"torch": run_seed, "transformers": run_transformers}

if __name__ == "__main__":
    serve(ORACLES, versions)
