"""The seed documents' code, as the seeds write it: the oracles of the seed families.

Each module reproduces its seed's snippet (comments translated, printing and
plotting kept or noted), so that the drivers can run it in the framework it
was written for.
"""
