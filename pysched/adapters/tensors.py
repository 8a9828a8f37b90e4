"""An array of learning rates as a framework's tensor."""

from __future__ import annotations

from typing import Any

import numpy as np

LIKES = ("numpy", "torch", "jax")


def as_tensor(values: np.ndarray, like: str) -> Any:
    if like == "torch":
        import torch

        return torch.from_numpy(values)
    if like == "jax":
        import jax.numpy as jnp

        return jnp.asarray(values)
    return values
