"""Plain Python: seed 001's gradual warmup loops, run as the seed writes them."""

import numpy as np

from ..oracles import seed001
from . import Trace, serve

LOOPS = {"seed.gradual_warmup": seed001.gradual_warmup,
         "seed.gradual_warmup_simulation": seed001.gradual_warmup_simulation}

def run(spec: dict, steps: np.ndarray) -> Trace:
    """Run the loop up to the last step; where the seed's code raises, the trace
    stops and says so."""
    loop = LOOPS[spec["kind"]](spec["warmup_steps"], spec["init_lr"], int(steps[-1]) + 1)
    values = []
    try:
        for learning_rate in loop:
            values.append(learning_rate)
    except OverflowError as error:
        failed_at = len(values)
        kept = np.searchsorted(steps, failed_at)
        return Trace(np.array(values, dtype=np.float64)[steps[:kept]].astype(spec.get("dtype", "float64")),
                     fails_from=failed_at, failure=f"OverflowError: {error}")
    return Trace(np.array(values, dtype=np.float64)[steps].astype(spec.get("dtype", "float64")))

def versions() -> dict:
    return {}

ORACLES = {"python": run}

if __name__ == "__main__":
    serve(ORACLES, versions)
