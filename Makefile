# The README's two commands, `make conformance` and `make test`, each set up
# .venv (the package, built in place, and the pinned frameworks) and run.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: conformance test bench clean

$(INSTALLED): pyproject.toml setup.py build.py $(wildcard csrc/*.c csrc/*.h)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[frameworks,test,bench]'
	touch $@

conformance: $(INSTALLED)
	$(PY) -m conformance

test: $(INSTALLED)
	PYSCHED_REQUIRE_FRAMEWORKS=1 $(PY) -m pytest

bench: $(INSTALLED)
	$(PY) -m pytest benchmarks --benchmark-only --benchmark-json=benchmarks/results.json

clean:
	rm -rf $(VENV) build *.egg-info pysched/_kernel.* csrc/*.o
