"""The conformance cases as test items, each against its live oracle.

All oracles run once per session, one driver process per framework. A case whose
framework is not installed is skipped, unless PYSCHED_REQUIRE_FRAMEWORKS=1 (as
in CI), where it fails.
"""

import os

import numpy as np
import pytest

from conformance import traces
from conformance.cases import all_cases
from conformance.compare import compare
from conformance.runner import run_oracles

from conftest import ORACLE_VERSIONS

CASES = all_cases()
REQUIRE_FRAMEWORKS = os.environ.get("PYSCHED_REQUIRE_FRAMEWORKS") == "1"


@pytest.fixture(scope="session")
def oracle_runs(request):
    selected = {item.callspec.params["case"].id for item in request.session.items
                if item.originalname in ("test_conformance", "test_live_oracle_repeats_its_recordings")}
    runs = run_oracles([case for case in CASES if case.id in selected])
    request.config.stash[ORACLE_VERSIONS] = {case.driver: runs[case.id].versions
                                             for case in CASES if case.id in runs and runs[case.id].versions}
    return runs


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_conformance(case, oracle_runs):
    result = compare(case, oracle_runs[case.id])
    if result.verdict == "unavailable" and not REQUIRE_FRAMEWORKS:
        pytest.skip(result.message)
    assert result.verdict == "pass", result.message
    refused_whole = (case.raises or case.known) and result.max_ulp is None  # the oracle fails for the spec
    assert refused_whole or result.steps_checked >= 3000


RECORDED = [case for case in CASES if not case.checks_adapter]  # adapter checks measure pysched: never recorded


@pytest.mark.parametrize("case", RECORDED, ids=[case.id for case in RECORDED])
def test_live_oracle_repeats_its_recordings(case, oracle_runs):
    """A framework version gives today what it gave when it was recorded."""
    live = oracle_runs[case.id]
    if live.unavailable or live.error:
        pytest.skip(live.unavailable or "the oracle fails for this spec")
    recordings = traces.recordings_like(case, live.versions)
    if not recordings:
        pytest.skip(f"no recording of {case.id} with these framework versions")
    for name, recorded in recordings:
        assert traces.same_bits(np.ravel(live.values), recorded.values()), (
            f"{case.id}: the live {case.driver} oracle no longer gives what trace set {name!r} recorded "
            "with the same versions")
