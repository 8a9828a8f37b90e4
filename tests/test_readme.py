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


def test_the_committed_report_covers_the_current_cases():
    assert [case["id"] for case in REPORT["cases"]] == [case.id for case in all_cases()]
    assert {case["kind"] for case in REPORT["cases"]} == set(pysched.families())


FAMILY_ROW = re.compile(r"^\| `([\w.]+)` \|.*\| (\d+) \| ([\d,]+) \| ([^|]+) \|$", re.MULTILINE)


def test_the_readme_table_is_the_reports():
    rows = {kind: (int(cases), int(steps.replace(",", "")), status.strip())
            for kind, cases, steps, status in FAMILY_ROW.findall(README)}
    for kind in pysched.families():
        cases = [c for c in REPORT["cases"] if c["kind"] == kind]
        worst = max(c["max_ulp"] for c in cases)
        passed = all(c["verdict"] == "pass" for c in cases)
        expected = (len(cases), sum(c["steps_checked"] for c in cases), f"{worst} ULP" if passed else "FAIL")
        assert rows.get(kind) == expected, kind
