"""The family table, one module per namespace; importing them registers the families."""

from . import hf, keras, od, optax, pysched, seed, tf1, torch  # noqa: F401
