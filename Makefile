# The README's two commands, `make conformance` and `make test`, each set up
# .venv (the package, built in place, and the pinned frameworks) and run.
# `make test FRAMEWORKS=` runs the same suite in .venv-offline, with numpy and
# cffi only: every case is then checked against the recorded traces, and the
# live-oracle cases are skipped.
PYTHON ?= python3
FRAMEWORKS ?= yes
VENV ?= .venv$(if $(FRAMEWORKS),,-offline)
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: conformance record test bench bench-ci bench-ab fuzz sanitize memcheck clean

# The TF Object Detection API's last PyPI build pins TensorFlow 2.8 and a stack of
# heavy packages; the oracle, its utils/learning_schedules.py, needs only
# TensorFlow, numpy and six, so it is installed without its dependencies.
OBJECT_DETECTION := tf-models-research-object-detection==2.8.0.post1
PIP := $(PY) -m pip install --quiet --disable-pip-version-check

$(INSTALLED): pyproject.toml setup.py build.py $(wildcard csrc/*.c csrc/*.h)
	$(PYTHON) -m venv $(VENV)
	$(PIP) -e '.[$(if $(FRAMEWORKS),frameworks$(comma))test,bench,fuzz]'
	$(if $(FRAMEWORKS),$(PIP) --no-deps $(OBJECT_DETECTION))
	touch $@

comma := ,

conformance: $(INSTALLED)
	$(PY) -m conformance

# Re-record the pinned frameworks' traces (conformance/traces/sets/pinned.json).
record: $(INSTALLED)
	$(PY) -m conformance record

test: $(INSTALLED)
	PYSCHED_REQUIRE_FRAMEWORKS=$(if $(FRAMEWORKS),1,0) $(PY) -m pytest

# The benchmarks (not part of the test run): JSON, table.md and chart.png in
# benchmarks/report/. `bench-ci` is the short pass .ci/run makes after the tests;
# `bench-ab BASE=ref` times a base commit against the working tree in one job.
BENCH_REPORT := benchmarks/report
bench: $(INSTALLED)
	$(PY) -m pytest benchmarks --benchmark-only --benchmark-json=$(BENCH_REPORT)/results.json
	$(PY) benchmarks/render.py $(BENCH_REPORT)/results.json

bench-ci: $(INSTALLED)
	PYSCHED_BENCH_SIZES=1000,100000,1000000 $(PY) -m pytest benchmarks --benchmark-only -q \
		--benchmark-max-time=0.1 --benchmark-json=$(BENCH_REPORT)/results.json
	$(PY) benchmarks/render.py $(BENCH_REPORT)/results.json

# The coverage-guided fuzzer of the Python-to-C boundary (tests/fuzz/target.py)
# for FUZZ_SECONDS seconds, from the committed corpus; it exits non-zero on a finding
# and leaves the input in build/fuzz/ (see tests/fuzz/run.py).
FUZZ_SECONDS ?= 60
FUZZ_SEED ?= 0  # libFuzzer's 0: a new seed each run; .ci/run fixes one, so a run is repeatable
FUZZ_DIR := build/fuzz
fuzz: $(INSTALLED)
	mkdir -p $(FUZZ_DIR)/corpus
	$(PY) tests/fuzz/run.py -max_total_time=$(FUZZ_SECONDS) -seed=$(FUZZ_SEED) -timeout=60 -rss_limit_mb=4096 -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_DIR)/ $(FUZZ_DIR)/corpus tests/fuzz/corpus

# The C kernel checked as the tests run it (tests/sanitize/run.sh); each fails on any report.
# `sanitize`: built with AddressSanitizer and UBSan (PYSCHED_SANITIZE=1 python build.py) into a
# copy of the tree in a temporary directory (the dev build is left as it is), then the
# framework-free unit and property tests under it. `memcheck`: valgrind memcheck over the normal
# build, through test_kernel, test_errors and test_recorded (every entry point and family).
sanitize: $(INSTALLED)
	tests/sanitize/run.sh sanitize $(PY)

memcheck: $(INSTALLED)
	tests/sanitize/run.sh memcheck $(PY)

BASE ?= HEAD
bench-ab: $(INSTALLED)
	$(PY) benchmarks/ab.py --base $(BASE)

clean:
	rm -rf .venv .venv-offline build *.egg-info pysched/_kernel.* csrc/*.o
