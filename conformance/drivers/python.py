"""Plain Python: seed 001's gradual warmup loops, run as the seed writes them."""

import numpy as np

from ..oracles import seed001
from . import Trace, serve

LOOPS = {"seed.gradual_warmup": seed001.gradual_warmup,
         "seed.gradual_warmup_simulation": seed001.gradual_warmup_simulation}


def run(spec: dict, steps: np.ndarray) -> Trace:
    """Run the loop up to the last step; from where the seed's code raises, the
    trace is NaN and says why."""
    loop = LOOPS[spec["kind"]](spec["warmup_steps"], spec["init_lr"], int(steps[-1]) + 1)
    values, failure = np.full(int(steps[-1]) + 1, np.nan), ""
    try:
        for step, learning_rate in enumerate(loop):
            values[step] = learning_rate
    except OverflowError as error:
        failure = f"OverflowError: {error}"
    return Trace(values[steps].astype(spec.get("dtype", "float64")), failure)


def versions() -> dict:
    return {}


ORACLES = {"python": run}

if __name__ == "__main__":
    serve(ORACLES, versions)
