"""What the fuzzer (tests/fuzz) found, each kept as a readable test; and its corpus replayed.

Each test below is a call that once escaped pysched as something other than a
value, a ValueError or a TypeError (SPEC section 5), written the way a user
would make it.
"""

from pathlib import Path

import numpy as np
import pytest

import pysched
from pysched.lint import lint

CORPUS = Path(__file__).parent / "fuzz" / "corpus"
CONSTANT = {"kind": "optax.constant", "value": 0.1}


@pytest.mark.parametrize(("composition", "child", "message"), [
    ({"kind": "pysched.scale", "factor": 0.5}, {"value": 0.1}, r"pysched\.scale: schedule: a spec needs a 'kind'"),
    ({"kind": "pysched.scale", "factor": 0.5}, {"kind": ["optax.constant"], "value": 0.1},
     r"pysched\.scale: schedule: kind must be a str, got \['optax\.constant'\]"),
    ({"kind": "pysched.sequential", "boundaries": [10]}, {"value": 0.1},
     r"pysched\.sequential: schedules\[1\]: a spec needs a 'kind'"),
], ids=["no-kind", "list-kind", "no-kind-in-list"])
def test_a_child_without_a_string_kind_is_a_type_error(composition, child, message):
    """Was KeyError: 'kind' (or TypeError: unhashable type: 'list') from the composition's check."""
    key = "schedule" if composition["kind"] == "pysched.scale" else "schedules"
    spec = {**composition, key: child if key == "schedule" else [CONSTANT, child]}
    with pytest.raises(TypeError, match=message):
        pysched.schedule(spec)


@pytest.mark.parametrize("steps", [[10**400], [3, -(10**400)], np.array([1, 10**400], dtype=object)],
                         ids=["list", "negative-second", "object-array"])
def test_steps_beyond_float64_are_out_of_range(steps):
    """Was OverflowError: int too large to convert to float, from the check of whole numbers."""
    with pytest.raises(ValueError, match=r"optax\.constant: steps must be in \[0, 2\*\*53\], got an int of 1329 bits"):
        pysched.schedule(CONSTANT)(steps)
    with pytest.raises(ValueError, match=r"evaluate_many: steps must be in \[0, 2\*\*53\]"):
        pysched.evaluate_many([CONSTANT], steps)


def test_the_corpus_gives_values_or_errors():
    """Every input the fuzzer kept (for the coverage it reached) passes its checks again."""
    pytest.importorskip("atheris")
    from fuzz.target import one_input

    inputs = sorted(CORPUS.iterdir())
    assert len(inputs) > 100
    for path in inputs:
        try:
            one_input(path.read_bytes())
        except BaseException as finding:
            raise AssertionError(f"tests/fuzz/corpus/{path.name}: {finding!r}") from finding


def test_lint_looks_past_training_without_failing_on_a_stepped_form():
    """Was ValueError (step 268435456 is beyond the stepped form's reach) from never-changes, which looks
    for the first change after training: lint of a valid schedule reports findings, it does not fail."""
    findings = lint({"kind": "torch.PolynomialLR", "lr": 0.1, "total_iters": 2**28, "power": 2.0}, 1)
    assert [finding.rule for finding in findings] == ["decay-past-end", "never-changes"]


def test_lint_of_periods_that_grow_past_every_step():
    """Was OverflowError (cannot convert float infinity to integer): a CyclicLR period of 1.6e308 steps
    summed to inf while the anatomy marked its period ends; ends past 2**53 are no steps to mark."""
    cyclic = {"kind": "torch.CyclicLR", "base_lr": 0.001, "max_lr": 0.1, "step_size_up": 200, "mode": "exp_range",
              "gamma": 0.9999, "step_size_down": 1.6143989325299024e308, "dtype": "float32"}
    for spec in (cyclic, {"kind": "pysched.scale", "schedule": cyclic, "factor": 0.5}):
        assert "never-changes" in [finding.rule for finding in lint(spec, 1)]  # one step: it cannot change
