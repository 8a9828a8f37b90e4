"""A pysched schedule as a real ``torch.optim.lr_scheduler.LRScheduler``."""

from __future__ import annotations

from typing import Any

import torch

from .._schedule import Schedule, schedule


class PyschedLR(torch.optim.lr_scheduler.LRScheduler):
    """Sets every parameter group's lr to ``schedule(t)`` after ``t`` calls of
    ``step()``: the lr the (t+1)-th ``optimizer.step()`` applies (SPEC section 1).

    Its ``state_dict`` holds the schedule as its spec (plain data, so
    ``torch.load(weights_only=True)`` reads it) and the epoch; ``load_state_dict``
    resumes exactly where it was saved.
    """

    def __init__(self, optimizer: torch.optim.Optimizer, pysched_schedule: Schedule, last_epoch: int = -1):
        self.schedule = pysched_schedule
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        lr = self.schedule(self.last_epoch)
        return [lr for _ in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        state["schedule"] = {"spec": self.schedule.to_dict(), "precision": self.schedule.precision}
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        saved = state.pop("schedule")
        super().load_state_dict(state)
        self.schedule = schedule(saved["spec"], precision=saved["precision"])


def to_torch(pysched_schedule: Schedule, optimizer: torch.optim.Optimizer) -> PyschedLR:
    return PyschedLR(optimizer, pysched_schedule)
