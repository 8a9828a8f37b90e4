"""optax: each schedule applied by ``optax.sgd`` to a zeroed float32 parameter
with gradient -1, under JAX on the CPU.

Oracle ``optax``: the training step (``tx.update``, then
``optax.apply_updates``) op by op, as JAX runs it without ``jax.jit``, one
update per step. (Not batched: XLA's vectorised ``pow`` on an array of counts
differs from its scalar one by 1 ULP at about 5% of the steps.)

Oracle ``optax.jit``: the same training step under ``jax.jit``.

A far step is reached by setting the state's count: past 2**31 - 1 the count is
2**31 - 1, where optax's ``safe_int32_increment`` stops.
"""

import numpy as np

from . import Trace, drive, require, serve

require("jax", "optax")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import optax  # noqa: E402

FUNCTIONS = {
    "constant": "constant_schedule",
    "linear": "linear_schedule",
    "polynomial": "polynomial_schedule",
    "exponential_decay": "exponential_decay",
    "piecewise_constant": "piecewise_constant_schedule",
    "cosine_decay": "cosine_decay_schedule",
    "warmup_cosine_decay": "warmup_cosine_decay_schedule",
    "warmup_exponential_decay": "warmup_exponential_decay_schedule",
    "sgdr": "sgdr_schedule",
    "cosine_onecycle": "cosine_onecycle_schedule",
    "linear_onecycle": "linear_onecycle_schedule",
}
INT32_MAX = 2**31 - 1


def build(spec: dict):
    """The optax schedule a spec names, with the spec's arguments."""
    name = spec["kind"].removeprefix("optax.")
    args = {key: value for key, value in spec.items() if key not in ("kind", "dtype")}
    if name == "join":
        return optax.join_schedules([build(child) for child in args["schedules"]], args["boundaries"])
    if args.get("boundaries_and_scales") is not None:  # JSON made the steps strings
        args["boundaries_and_scales"] = {int(step): scale for step, scale in args["boundaries_and_scales"].items()}
    return getattr(optax, FUNCTIONS[name])(**args)


def train_step(tx):
    """One update of a float32 parameter: its new value, and the new state."""
    grad = jnp.full((), -1.0, jnp.float32)

    def step(params, state):
        updates, state = tx.update(grad, state, params)
        return optax.apply_updates(params, updates), state

    return step


def with_count(state, count):
    return optax.tree_utils.tree_set(state, count=jnp.asarray(np.minimum(count, INT32_MAX), jnp.int32))


def run(spec: dict, steps: np.ndarray, jit: bool) -> Trace:
    """The updates in order from tx.init; a far step by setting the count."""
    tx = optax.sgd(build(spec))
    step, zero = train_step(tx), jnp.zeros((), jnp.float32)
    step = jax.jit(step) if jit else step
    state = tx.init(zero)

    def update(_):
        nonlocal state
        value, state = step(zero, state)
        return np.asarray(value)

    def jump(first: int) -> None:
        nonlocal state
        state = with_count(state, first)

    values = np.array(drive(steps, update, jump), dtype=np.float32)
    return Trace(values, "" if np.isfinite(values).all() else "the update is inf or NaN")


def versions() -> dict:
    import jaxlib

    return {"jax": jax.__version__, "jaxlib": jaxlib.__version__, "optax": optax.__version__,
            "backend": jax.default_backend()}


ORACLES = {"optax": lambda spec, steps: run(spec, steps, jit=False),
           "optax.jit": lambda spec, steps: run(spec, steps, jit=True)}

if __name__ == "__main__":
    serve(ORACLES, versions)
