"""The kernel's count of steps where Keras finds ``step % period == 0`` in float32,
against brute force over the steps around 2**24 and 2**25, where float32 rounds."""

import numpy as np
import pytest
from cffi import FFI

from pysched import _native  # noqa: F401  (the package builds first)

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
END = 2**25 + 2**22


@pytest.fixture(scope="module")
def modulo(tmp_path_factory):
    ffi = FFI()
    ffi.cdef("int64_t psk_count_multiples_f32(float period, int64_t end);")
    ffi.set_source("_modulo_under_test", '#include "kernel.h"', sources=[str(ROOT / "csrc" / "modulo.c")],
                   include_dirs=[str(ROOT / "csrc")], extra_compile_args=["-ffp-contract=off"])
    folder = tmp_path_factory.mktemp("modulo")
    library = ffi.dlopen(ffi.compile(tmpdir=str(folder)))
    yield library  # the library stays open (and its functions valid) while it is referenced


def brute_force_hits(period: np.float32) -> np.ndarray:
    """Every step t < END with fmodf(float32(t), period) == 0, chunk by chunk."""
    hits = []
    for start in range(0, END, 2**22):
        t = np.arange(start, start + 2**22, dtype=np.int64)
        hits.append(t[np.fmod(t.astype(np.float32), period) == 0])
    return np.concatenate(hits)


@pytest.mark.parametrize("period", [1.0, 2.0, 3.0, 7.0, 10.5, 937.5, 1875.0, 12345.25, 65536.0, 3.0 * 2**21,
                                    16777215.0, 2.0**24, 2.0**25])
def test_float32_modulo_count_matches_brute_force(modulo, period):
    period = np.float32(period)
    hits = brute_force_hits(period)
    rng = np.random.default_rng(int(period))
    edges = [2**24, 2**25]
    ends = np.unique(np.concatenate([
        np.arange(0, 40), rng.integers(0, END, 300),
        *[np.arange(edge - 40, edge + 40) for edge in edges],
        np.arange(END - 40, END + 1), hits[-5:], hits[-5:] + 1,
    ]))
    ends = ends[(ends >= 0) & (ends <= END)]
    expected = np.searchsorted(hits, ends)
    got = np.array([modulo.psk_count_multiples_f32(period, int(end)) for end in ends])
    mismatch = np.flatnonzero(got != expected)
    assert not len(mismatch), f"end {ends[mismatch[0]]}: kernel {got[mismatch[0]]}, brute force {expected[mismatch[0]]}"
