"""Conformance without the frameworks: pysched against the traces recorded with
the pinned frameworks (conformance/traces, ``python -m conformance record``).

Every case of conformance/cases.py but the adapter checks (which measure
pysched's adapters, not a framework) has a current recording here; a case whose
spec or steps changed since it was recorded fails until it is recorded again.
"""

import pytest

from conformance import traces
from conformance.cases import all_cases
from conformance.compare import compare

from conftest import RECORDED_SET

CASES = [case for case in all_cases() if not case.checks_adapter]
REFERENCE = traces.load(traces.REFERENCE)


@pytest.fixture(scope="session", autouse=True)
def _name_the_set(request):
    request.config.stash[RECORDED_SET] = REFERENCE.describe()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_recorded(case):
    recorded = REFERENCE.cases.get(case.id)
    assert recorded is not None, f"{case.id} has no recorded trace: run `python -m conformance record`"
    stale = recorded.stale(case)
    assert not stale, f"{case.id} was recorded before {stale}: run `python -m conformance record`"
    result = compare(case, recorded.oracle_run(REFERENCE.versions(case.driver)))
    assert result.verdict == "pass", result.message
