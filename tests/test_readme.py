"""The README's family table is the committed conformance report's, and that report
covers the current cases and families."""

import json
import re
from pathlib import Path

import pysched
from conformance.cases import all_cases

ROOT = Path(__file__).resolve().parent.parent
REPORT = json.loads((ROOT / "conformance" / "reports" / "latest" / "report.json").read_text())
README = (ROOT / "README.md").read_text()


WITHOUT_ORACLE = "pysched."
"""The namespace with no framework to run: its families have property tests, not cases."""


def test_the_committed_report_covers_the_current_cases():
    assert [case["id"] for case in REPORT["cases"]] == [case.id for case in all_cases()]
    with_oracle = {kind for kind in pysched.families() if not kind.startswith(WITHOUT_ORACLE)}
    assert {case["kind"] for case in REPORT["cases"]} == with_oracle


FAMILY_ROW = re.compile(r"^\| `([\w.]+)` \|.*\| (\d+) \| ([\d,]+) \| ([^|]+) \|$", re.MULTILINE)


def status(cases: list[dict]) -> str:
    """'0 ULP', or with toleranced oracles '0 ULP; optax.jit <= 8192 ULP'; 'FAIL' if a case fails.
    A resume case where the framework gets it wrong is a check of the framework, not of pysched."""
    if not cases:
        return "property tests"
    if any(c["verdict"] != "pass" for c in cases):
        return "FAIL"
    exact = max((c["max_ulp"] or 0 for c in cases if not c["tolerance_ulp"] and not c["framework_differs"]),
                default=0)
    tolerated: dict[str, int] = {}
    for c in cases:
        if c["tolerance_ulp"]:
            tolerated[c["oracle"]] = max(tolerated.get(c["oracle"], 0), c["max_ulp"] or 0)
    return "; ".join([f"{exact} ULP", *(f"{oracle} <= {worst} ULP" for oracle, worst in sorted(tolerated.items()))])


def test_the_readme_table_is_the_reports():
    rows = {kind: (int(cases), int(steps.replace(",", "")), shown.strip())
            for kind, cases, steps, shown in FAMILY_ROW.findall(README)}
    for kind in pysched.families():
        cases = [c for c in REPORT["cases"] if c["kind"] == kind]
        assert rows.get(kind) == (len(cases), sum(c["steps_checked"] for c in cases), status(cases)), kind
