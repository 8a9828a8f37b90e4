# cffi_modules is a setup() keyword; everything else is in pyproject.toml.
from setuptools import setup

setup(cffi_modules=["build.py:ffibuilder"])
