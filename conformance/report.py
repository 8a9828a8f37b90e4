"""The conformance report: JSON for machines, Markdown for people (SPEC section 6);
the pictures are html_report's."""

from __future__ import annotations

import datetime
import json
import platform
import sys
from pathlib import Path

import pysched

from .compare import Result

VERDICT_MARK = {"pass": "pass", "fail": "**FAIL**", "error": "**ERROR**", "unavailable": "unavailable"}


def case_record(result: Result) -> dict:
    case = result.case
    return {
        "id": case.id, "kind": case.kind, "oracle": case.oracle, "spec": case.spec,
        "steps_checked": result.steps_checked, "max_ulp": result.max_ulp, "differing_steps": result.differing,
        "first_difference": result.first, "tolerance_ulp": case.ulp, "tolerance_reason": case.reason,
        "note": case.note, "oracle_raises": case.raises, "known_difference": case.known,
        "resumed_at": case.resume_at, "framework_differs": case.differs,
        "oracle_failing_steps": result.oracle_failures, "first_oracle_failure": result.first_failure,
        "verdict": result.verdict,
        "message": result.message, "versions": result.versions,
    }


def build(results: list[Result]) -> dict:
    versions: dict[str, dict] = {}
    for result in results:
        if result.versions:
            versions[result.case.driver] = result.versions
    counts = {verdict: sum(r.verdict == verdict for r in results) for verdict in VERDICT_MARK}
    # A case where the framework gets it wrong measures the framework, not pysched.
    checked = [r.max_ulp for r in results if r.max_ulp is not None and not r.case.differs]
    return {
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, "-m", "conformance", *sys.argv[1:]]),
        "pysched": pysched.__version__,
        "platform": {"python": platform.python_version(), "machine": platform.machine(),
                     "libc": " ".join(platform.libc_ver())},
        "frameworks": versions,
        "summary": {"cases": len(results), **counts, "steps_checked": sum(r.steps_checked for r in results),
                    "max_ulp": max(checked, default=None),
                    "framework_differs": sum(bool(r.case.differs) for r in results)},
        "cases": [case_record(r) for r in results],
    }


PLATFORM_KEYS = ("python", "numpy", "libc", "machine")


def framework(versions: dict) -> str:
    """The versions of the frameworks a driver ran, e.g. 'keras 3.15.1, tensorflow 2.21.0'."""
    shown = ", ".join(f"{k} {v}" for k, v in versions.items() if k not in PLATFORM_KEYS)
    return shown or (f"Python {versions['python']}" if "python" in versions else "")


def families_table(report: dict) -> list[str]:
    """One row per kind: its oracles, cases, steps, worst ULP and overall verdict."""
    rows: dict[str, dict] = {}
    for case in report["cases"]:
        row = rows.setdefault(case["kind"], {"oracles": set(), "cases": 0, "steps": 0, "max_ulp": 0, "verdicts": set()})
        row["oracles"].add(case["oracle"])
        row["cases"] += 1
        row["steps"] += case["steps_checked"]
        if not case["framework_differs"]:
            row["max_ulp"] = max(row["max_ulp"], case["max_ulp"] or 0)
        row["verdicts"].add(case["verdict"])
    lines = ["| kind | oracles | cases | steps | max ULP | status |", "|---|---|---:|---:|---:|---|"]
    for kind, row in sorted(rows.items()):
        status = "pass" if row["verdicts"] == {"pass"} else ", ".join(sorted(row["verdicts"] - {"pass"}))
        lines.append(f"| `{kind}` | {', '.join(sorted(row['oracles']))} | {row['cases']} | {row['steps']:,} | "
                     f"{row['max_ulp']} | {status} |")
    return lines


def markdown(report: dict) -> str:
    summary = report["summary"]
    lines = [
        "# pysched conformance report",
        "",
        f"{report['created']} · `{report['command']}` · pysched {report['pysched']} · "
        f"{report['platform']['libc']} on {report['platform']['machine']}, Python {report['platform']['python']}",
        "",
        "## Frameworks checked",
        "",
        "| driver | versions |",
        "|---|---|",
    ]
    for driver, versions in sorted(report["frameworks"].items()):
        lines.append(f"| {driver} | {framework(versions)} |")
    lines += [
        "",
        "## Summary",
        "",
        f"{summary['cases']} cases, {summary['steps_checked']:,} steps checked: {summary['pass']} pass, "
        f"{summary['fail']} fail, {summary['error']} error, {summary['unavailable']} unavailable; "
        f"max ULP {summary['max_ulp']}; {summary['framework_differs']} resumed runs where the framework gets it "
        "wrong (their distance from pysched, which gives the uninterrupted run, is in the table below).",
        "",
        "Every case pictured, pysched's and the oracle's values overlaid with the ULP distance per step: "
        "[report.html](report.html).",
        "",
        "## Families",
        "",
        *families_table(report),
        "",
        "## Cases",
        "",
        "| case | parameters | framework | steps | max ULP | differing | first difference (step: pysched vs oracle) "
        "| tolerance | verdict |",
        "|---|---|---|---:|---:|---:|---|---|---|",
    ]
    for case in report["cases"]:
        first = case["first_difference"]
        shown = f"{first['step']}: {first['pysched']!r} vs {first['oracle']!r}" if first else ""
        tolerance = f"{case['tolerance_ulp']} ({case['tolerance_reason']})" if case["tolerance_ulp"] else "0"
        notes = (case["note"], case["oracle_raises"] and f"the oracle raises: {case['oracle_raises']}",
                 case["known_difference"] and f"known difference: {case['known_difference']}",
                 case["framework_differs"] and f"the framework gets it wrong: {case['framework_differs']}")
        note = "".join(f" ({text})" for text in notes if text)
        fails = (f"; the oracle fails at {case['oracle_failing_steps']} steps from {case['first_oracle_failure']}, "
                 f"where pysched {'follows the other oracle' if case['known_difference'] else 'raises'}"
                 if case["oracle_failing_steps"] else "")
        parameters = ", ".join(f"{k}={v!r}" for k, v in case["spec"].items() if k != "kind")
        lines.append(f"| `{case['id']}`{note}{fails} | {parameters} | {framework(case['versions'])} | "
                     f"{case['steps_checked']:,} | {case['max_ulp']} | {case['differing_steps']} | {shown} | "
                     f"{tolerance} | {VERDICT_MARK[case['verdict']]} |")
    problems = [c for c in report["cases"] if c["verdict"] != "pass" and c["message"]]
    if problems:
        lines += ["", "## Details", ""]
        for case in problems:
            lines += [f"### `{case['id']}`", "", "```", case["message"], "```", ""]
    return "\n".join(lines) + "\n"


def write(report: dict, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(report, indent=1) + "\n")
    (folder / "report.md").write_text(markdown(report))
