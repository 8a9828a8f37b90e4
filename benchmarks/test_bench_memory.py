"""Peak memory of a 10**8-step float64 evaluation: the output array plus what
the evaluation adds, measured as the growth of the peak resident set in a fresh
process whose output array is already allocated and touched."""

import json
import subprocess
import sys

import pytest

N = 10**8
PROBE = """
import json, resource, sys, numpy as np, pysched
schedule = pysched.schedule(json.loads(sys.argv[1]))
out = np.ones({n}, dtype=schedule.dtype)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
schedule(range({n}), out=out, threads=1)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"output_bytes": out.nbytes, "added_bytes": (after - before) * 1024}}))
"""
SPECS = {
    "closed form (seed.lf)": {"kind": "seed.lf", "lr0": 0.01, "epochs": N, "lrf": 0.01},
    "staircase (keras.ExponentialDecay)": {"kind": "keras.ExponentialDecay", "initial_learning_rate": 0.1,
                                           "decay_steps": 1000, "decay_rate": 0.96, "staircase": True,
                                           "dtype": "float64"},
    "replayed (torch.CosineAnnealingLR)": {"kind": "torch.CosineAnnealingLR", "lr": 0.1, "T_max": N},
}


@pytest.mark.parametrize("name", SPECS)
def test_memory(benchmark, name):
    def measure():
        probe = subprocess.run([sys.executable, "-c", PROBE.format(n=N), json.dumps(SPECS[name])],
                               capture_output=True, text=True, check=True)
        return json.loads(probe.stdout)

    benchmark.group = "memory, 10**8 float64 steps"
    result = benchmark.pedantic(measure, rounds=1, iterations=1)
    benchmark.extra_info.update(memory=name, **result)
