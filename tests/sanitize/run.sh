#!/bin/sh
# The kernel under the sanitizers or under valgrind, from the repository root:
#
#   tests/sanitize/run.sh sanitize PYTHON   AddressSanitizer + UndefinedBehaviorSanitizer: the kernel is
#                                           built with PYSCHED_SANITIZE=1 into a copy of the tree in a
#                                           temporary directory (the dev tree's build is left alone) and
#                                           the framework-free unit and property tests run there.
#   tests/sanitize/run.sh memcheck PYTHON   valgrind memcheck over the tree's own (normal) build: every
#                                           kernel entry point and family, through test_kernel (its
#                                           fuzz tests at a twentieth), test_errors and test_recorded
#                                           (a case per kind: memcheck_subset.py).
#
# PYTHON is a virtualenv's python with numpy, cffi, pytest and hypothesis (default .venv/bin/python).
# Either mode fails on the first sanitizer report, on any memcheck error, and on any definite leak;
# it ends with a line giving the tests run and the reports counted.
set -eu
cd "$(dirname "$0")/../.."
MODE=${1:-}
PYTHON=${2:-.venv/bin/python}
case $PYTHON in /*) ;; *) PYTHON=$PWD/$PYTHON ;; esac
HERE=$PWD/tests/sanitize
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pysched-$MODE.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PYTEST="-m pytest -q -p no:cacheprovider"

# The unit and property tests that need no framework.
SANITIZE_TESTS="tests/test_kernel.py tests/test_api.py tests/test_errors.py tests/test_families.py
tests/test_threads.py tests/test_fast.py tests/test_modulo.py tests/test_pysched_namespace.py
tests/test_recorded.py tests/test_lint.py tests/test_trace.py tests/test_properties.py"
MEMCHECK_TESTS="tests/test_kernel.py tests/test_errors.py tests/test_recorded.py"

sanitize() {
    tar -cf - --exclude='*.so' --exclude='*.o' --exclude=__pycache__ --exclude=pysched/_kernel.c \
        build.py setup.py pyproject.toml README.md pysched csrc conformance tests | tar -xf - -C "$WORK"
    cd "$WORK"
    PYSCHED_SANITIZE=1 "$PYTHON" build.py
    nm -D pysched/_kernel*.so | grep -q __asan_report || { echo "the kernel is not instrumented" >&2; exit 1; }
    # CPython itself is not instrumented and never frees some of its memory at exit: LeakSanitizer
    # is off here (leaks are memcheck's); everything else halts at its first report.
    export LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
    export ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    "$PYTHON" -c "import pysched._kernel as k, sys; sys.exit(not k.__file__.startswith('$WORK/'))" \
        || { echo "the tests would not load the sanitized copy" >&2; exit 1; }
    status=0
    "$PYTHON" $PYTEST $SANITIZE_TESTS >"$WORK/log" 2>&1 || status=$?
    unset LD_PRELOAD
    cat "$WORK/log"
    reports=$(grep -c -E '^(==[0-9]+==ERROR|.*runtime error:)' "$WORK/log" || true)
    echo "sanitize: pytest exit $status, $reports sanitizer reports"
    [ "$status" -eq 0 ] && [ "$reports" -eq 0 ]
}

memcheck() {
    status=0
    PYTHONPATH=$HERE PYSCHED_KERNEL_FUZZ_SCALE=0.05 PYTHONMALLOC=malloc \
    valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
        --error-exitcode=99 --num-callers=40 -s \
        --suppressions="$HERE/valgrind-python.supp" --log-file="$WORK/memcheck.log" \
        "$PYTHON" $PYTEST -p memcheck_subset $MEMCHECK_TESTS || status=$?
    errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$WORK/memcheck.log" | tail -1)
    kernel=$(grep -c -E '^==[0-9]+== +(at|by) 0x.*_kernel' "$WORK/memcheck.log" || true)
    if [ "$status" -ne 0 ]; then cat "$WORK/memcheck.log"; fi
    grep -E 'ERROR SUMMARY|definitely lost|suppressed:|used_suppression' "$WORK/memcheck.log" || true
    echo "memcheck: pytest and valgrind exit $status, ${errors:-?} errors, $kernel stack frames in _kernel"
    [ "$status" -eq 0 ] && [ "${errors:-1}" -eq 0 ] && [ "$kernel" -eq 0 ]
}

case $MODE in
sanitize | memcheck) "$MODE" ;;
*) echo "usage: tests/sanitize/run.sh sanitize|memcheck [PYTHON]" >&2; exit 2 ;;
esac
