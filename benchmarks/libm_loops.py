"""The scalar-libm limit: the same formulas as plain C loops over 0 .. n-1,
one libm call per step, compiled like the kernel (-O2, -ffp-contract=off), so
that pysched's exact path can be measured against the cost of the libm calls
it cannot avoid. Built once per run into a temporary folder with cffi."""

from __future__ import annotations

import importlib.util
import sys
import tempfile
from functools import cache

import numpy as np

CDEF = """
void exponential(int64_t n, double *out);
void warmup_cosine_floor(int64_t n, double *out);
void lf(int64_t n, double *out);
void optax_warmup_cosine(int64_t n, float *out);
"""
SOURCE = """
#include <math.h>
#include <stdint.h>
#define PI 3.141592653589793
#define W 10000
#define T 10000000

void exponential(int64_t n, double *out)
{
    for (int64_t i = 0; i < n; i++)
        out[i] = 0.1 * pow((double)0.96f, (double)i / 1000); /* Keras takes a Python float as float32 */
}

void warmup_cosine_floor(int64_t n, double *out)
{
    for (int64_t i = 0; i < n; i++) {
        double t = (double)i;
        double target = 0.1f, alpha = 0.01f; /* Keras's order of operations */
        out[i] = i < W ? target * (t / W) + 0.0
                       : target * ((1 - alpha) * (0.5 * (1 + cos(PI * ((fmin(t, T + W) - W) / T)))) + alpha);
    }
}

void lf(int64_t n, double *out)
{
    for (int64_t i = 0; i < n; i++)
        out[i] = 0.01 * (((1 + cos((double)i * PI / T)) / 2) * (1 - 0.01) + 0.01);
}

void optax_warmup_cosine(int64_t n, float *out)
{
    double alpha = 0.001 / 0.1; /* optax's order of operations, powf for the float exponent 1.0 */
    for (int64_t i = 0; i < n; i++) {
        if (i < W) {
            float fraction = 1 - (float)i / W;
            out[i] = (float)(0.0 - 0.1) * fraction + 0.1f;
        } else {
            float count = fminf((float)(i - W), T - W);
            float cosine = 0.5f * (1.0f + cosf((float)PI * count / (float)(T - W)));
            out[i] = 0.1f * ((float)(1 - alpha) * powf(cosine, 1.0f) + (float)alpha);
        }
    }
}
"""
LOOPS = {"keras exponential": "exponential", "keras warmup cosine floor": "warmup_cosine_floor", "seed lf": "lf",
         "optax warmup cosine": "optax_warmup_cosine"}


@cache
def library():
    from cffi import FFI

    ffi = FFI()
    ffi.cdef(CDEF)
    ffi.set_source("_pysched_libm_loops", SOURCE, extra_compile_args=["-O2", "-ffp-contract=off"], libraries=["m"])
    built = ffi.compile(tmpdir=tempfile.mkdtemp(prefix="pysched-libm-"))
    spec = importlib.util.spec_from_file_location("_pysched_libm_loops", built)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.ffi, module.lib


def loop(schedule: str, steps: np.ndarray, dtype: str):
    """The call running the libm loop for ``schedule`` into a preallocated array."""
    ffi, lib = library()
    out = np.empty(steps.size, dtype=dtype)
    c_type = "float[]" if dtype == "float32" else "double[]"
    function, pointer = getattr(lib, LOOPS[schedule]), ffi.from_buffer(c_type, out, require_writable=True)
    return lambda: (function(steps.size, pointer), out)[1]
