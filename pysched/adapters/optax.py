"""A pysched schedule as an optax schedule, usable under ``jax.jit``."""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

from .._schedule import Schedule


def to_optax(pysched_schedule: Schedule) -> Callable[[jax.Array], jax.Array]:
    """``count -> learning rate``, pysched's values at the optimizer's step
    count, computed by pysched's kernel through ``jax.pure_callback`` (also
    under ``jax.jit`` and ``jax.vmap``). The values have JAX's dtype for the
    schedule's: a float64 schedule gives float32 values unless jax_enable_x64."""
    dtype = jax.dtypes.canonicalize_dtype(np.dtype(pysched_schedule.dtype))

    def values(count: np.ndarray) -> np.ndarray:
        return np.asarray(pysched_schedule(np.asarray(count, dtype=np.int64)), dtype=dtype)

    def optax_schedule(count: jax.Array) -> jax.Array:
        count = jnp.asarray(count)
        return jax.pure_callback(values, jax.ShapeDtypeStruct(count.shape, dtype), count,
                                 vmap_method="expand_dims")

    return optax_schedule
