"""The family table, one module per namespace; importing them registers the families."""

from . import keras, seed, tf1  # noqa: F401
