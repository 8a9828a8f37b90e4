"""optax: each schedule applied by ``optax.sgd`` to a zeroed float32 parameter
with gradient -1, under JAX on the CPU.

Oracle ``optax``: the training step (``tx.update``, then
``optax.apply_updates``) op by op, as JAX runs it without ``jax.jit``, one
update per step. (Not batched: XLA's vectorised ``pow`` on an array of counts
differs from its scalar one by 1 ULP at about 5% of the steps.)

Oracle ``optax.jit``: the same training step under ``jax.jit``.

Oracle ``optax.adapter`` checks pysched's ``to_optax``, not optax: it is
``optax.sgd``'s schedule in the same training step, op by op and under
``jax.jit``, which must agree bit for bit.

A far step is reached by setting the state's count: past 2**31 - 1 the count is
2**31 - 1, where optax's ``safe_int32_increment`` stops.
"""

import numpy as np

from . import Trace, drive, require, serve

require("jax", "optax")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import optax  # noqa: E402

import pysched  # noqa: E402

INT32_MAX = 2**31 - 1


def build(spec: dict):
    """The optax schedule a spec names, with the spec's arguments."""
    name = spec["kind"].removeprefix("optax.")
    args = {key: value for key, value in spec.items() if key not in ("kind", "dtype")}
    if name == "join":
        return optax.join_schedules([build(child) for child in args["schedules"]], args["boundaries"])
    if args.get("boundaries_and_scales") is not None:  # JSON made the steps strings
        args["boundaries_and_scales"] = {int(step): scale for step, scale in args["boundaries_and_scales"].items()}
    return getattr(optax, pysched.families()[spec["kind"]].mirrors.removeprefix("optax."))(**args)


def train_step(tx):
    """One update of a float32 parameter: its new value, and the new state."""
    grad = jnp.full((), -1.0, jnp.float32)

    def step(params, state):
        updates, state = tx.update(grad, state, params)
        return optax.apply_updates(params, updates), state

    return step


def with_count(state, count):
    return optax.tree_utils.tree_set(state, count=jnp.asarray(np.minimum(count, INT32_MAX), jnp.int32))


def run(spec: dict, steps: np.ndarray, jit: bool, schedule_of=build) -> Trace:
    """The updates in order from tx.init; a far step by setting the count."""
    tx = optax.sgd(schedule_of(spec))
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


def pysched_schedule(spec: dict):
    return pysched.schedule(spec).to_optax()


def run_adapter(spec: dict, steps: np.ndarray) -> Trace:
    """pysched's to_optax as the schedule, op by op; under jax.jit it must give the same bits."""
    eager, jitted = (run(spec, steps, jit, pysched_schedule) for jit in (False, True))
    parted = np.flatnonzero(eager.values.view(np.uint32) != jitted.values.view(np.uint32))
    if len(parted):
        first = parted[0]
        raise AssertionError(f"under jax.jit to_optax's update at step {steps[first]} is {jitted.values[first]!r}, "
                             f"op by op {eager.values[first]!r} ({len(parted)} steps differ)")
    return eager


def versions() -> dict:
    import jaxlib

    return {"jax": jax.__version__, "jaxlib": jaxlib.__version__, "optax": optax.__version__,
            "backend": jax.default_backend()}


ORACLES = {"optax": lambda spec, steps: run(spec, steps, jit=False),
           "optax.jit": lambda spec, steps: run(spec, steps, jit=True), "optax.adapter": run_adapter}

if __name__ == "__main__":
    serve(ORACLES, versions)
