"""pysched schedules as framework objects. Each module imports its framework
when first used, never before: ``import pysched`` needs numpy and cffi only."""
