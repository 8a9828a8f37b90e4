# The README's two commands, `make conformance` and `make test`, each set up
# .venv (the package, built in place, and the pinned frameworks) and run.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: conformance test bench clean

# The TF Object Detection API's last PyPI build pins TensorFlow 2.8 and a stack of
# heavy packages; the oracle, its utils/learning_schedules.py, needs only
# TensorFlow, numpy and six, so it is installed without its dependencies.
OBJECT_DETECTION := tf-models-research-object-detection==2.8.0.post1
PIP := $(PY) -m pip install --quiet --disable-pip-version-check

$(INSTALLED): pyproject.toml setup.py build.py $(wildcard csrc/*.c csrc/*.h)
	$(PYTHON) -m venv $(VENV)
	$(PIP) -e '.[frameworks,test,bench]'
	$(PIP) --no-deps $(OBJECT_DETECTION)
	touch $@

conformance: $(INSTALLED)
	$(PY) -m conformance

test: $(INSTALLED)
	PYSCHED_REQUIRE_FRAMEWORKS=1 $(PY) -m pytest

bench: $(INSTALLED)
	$(PY) -m pytest benchmarks --benchmark-only --benchmark-json=benchmarks/results.json

clean:
	rm -rf $(VENV) build *.egg-info pysched/_kernel.* csrc/*.o
