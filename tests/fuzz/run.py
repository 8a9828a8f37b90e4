"""Run the fuzz target under libFuzzer, with pysched's Python code instrumented for coverage.

    python tests/fuzz/run.py [libFuzzer options] [CORPUS_DIR ...]

e.g. ``-max_total_time=60`` (as ``make fuzz FUZZ_SECONDS=60`` does). A finding (an
exception other than ValueError, TypeError or MemoryError, a wrong value, a
crash, a timeout) stops the run with a non-zero exit and leaves its input in a
``crash-*`` (or ``timeout-*``) file: add it to tests/fuzz/findings/ and a
readable test to tests/test_fuzz_regressions.py.
"""

import sys
from pathlib import Path

import atheris
import numpy  # noqa: F401  (imported before instrumentation: its coverage is not ours)

sys.path.insert(0, str(Path(__file__).resolve().parent))

with atheris.instrument_imports(include=["pysched"]):
    import target


def main() -> None:
    atheris.Setup(sys.argv, target.one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
