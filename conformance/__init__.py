"""The conformance harness: pysched against the real frameworks, bit for bit.

Run it with ``python -m conformance``; see ``cases`` for what is checked,
``drivers`` for how each oracle runs, ``compare`` and ``report`` for the verdict.
It uses pysched's public API only.
"""
