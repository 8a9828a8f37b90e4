"""cffi builder for pysched's C kernel (API, out-of-line mode).

``pip install .`` builds it through setuptools (``cffi_modules`` in setup.py);
``python build.py`` builds ``pysched/_kernel*.so`` in place for development.
With ``PYSCHED_SANITIZE=1`` in the environment the kernel is built with
AddressSanitizer and UndefinedBehaviorSanitizer, for ``make sanitize`` only
(tests/sanitize/run.sh builds that into a copy of the tree, never this one).
"""

import os
from pathlib import Path

from cffi import FFI

ROOT = Path(__file__).resolve().parent
CSRC = ROOT / "csrc"

# Exactness (SPEC 6): no contraction into FMA and no fast-math, on any flag set.
EXTRA_COMPILE_ARGS = ["-O3", "--param=max-unswitch-insns=1000", "--param=max-unswitch-level=6", "-std=c11", "-pthread",
                      "-ffp-contract=off", "-fno-fast-math", "-fopenmp-simd", "-Wall", "-Wextra"]
# Any report of either sanitizer stops the process (UBSan would otherwise carry on).
SANITIZE_ARGS = ["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined", "-fno-omit-frame-pointer", "-g"]
SANITIZE = os.environ.get("PYSCHED_SANITIZE") == "1"

ffibuilder = FFI()
ffibuilder.cdef((CSRC / "psk.h").read_text())
ffibuilder.set_source(
    "pysched._kernel",
    '#include <stdint.h>\n#include "psk.h"\n',
    sources=sorted(str(path.relative_to(ROOT)) for path in CSRC.glob("*.c")),
    include_dirs=[str(CSRC.relative_to(ROOT))],
    extra_compile_args=EXTRA_COMPILE_ARGS + (SANITIZE_ARGS if SANITIZE else []),
    libraries=["m"],
    extra_link_args=["-pthread"] + (SANITIZE_ARGS if SANITIZE else []),
)

if __name__ == "__main__":
    os.chdir(ROOT)
    ffibuilder.compile(verbose=False)
