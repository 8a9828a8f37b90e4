"""``python -m conformance diff A B``: two recorded trace sets compared case by case.

For each case both sets recorded: identical (bit for bit), or the first
differing step with both values and their ULP distance, the number of
differing steps and the largest distance; a case one side ran and the other
did not, or that failed on one side only, says so.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import numpy as np

from .cases import Steps
from .traces import Recorded, TraceSet
from .ulp import ulp_distance

CHANGED = ("differ", "fails in A only", "fails in B only")


def diff_sets(a: TraceSet, b: TraceSet, ignore_oracle: bool = False) -> dict:
    """Case by case; with ``ignore_oracle``, cases pair up by kind and label
    alone, so that two frameworks' oracles of a family compare (Keras 3 with
    tf_keras)."""
    cases_a, cases_b = _keyed(a, ignore_oracle), _keyed(b, ignore_oracle)
    rows = [_diff_case(key, cases_a.get(key), cases_b.get(key)) for key in sorted(set(cases_a) | set(cases_b))]
    statuses = sorted({row["status"] for row in rows})
    return {
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "a": {"name": a.name, "described": a.describe()},
        "b": {"name": b.name, "described": b.describe()},
        "summary": {status: sum(row["status"] == status for row in rows) for status in statuses},
        "cases": rows,
    }


def _keyed(trace_set: TraceSet, ignore_oracle: bool) -> dict[str, Recorded]:
    if not ignore_oracle:
        return trace_set.cases
    keyed: dict[str, Recorded] = {}
    for case_id, recorded in trace_set.cases.items():
        key = case_id.rsplit("@", 1)[0]
        if key in keyed:
            raise ValueError(f"{trace_set.name} has {key} under two oracles; compare it oracle by oracle")
        keyed[key] = recorded
    return keyed


def _diff_case(case_id: str, a: Recorded | None, b: Recorded | None) -> dict:
    row: dict = {"id": case_id}
    if a is None or b is None:
        return {**row, "status": "only in B" if a is None else "only in A"}
    if a.info["steps"] != b.info["steps"] or a.info["rows"] != b.info["rows"]:
        return {**row, "status": "not comparable (recorded at other steps)"}
    if "error" in a.info or "error" in b.info:
        status = ("both fail" if "error" in a.info and "error" in b.info
                  else "fails in A only" if "error" in a.info else "fails in B only")
        return {**row, "status": status, "a_error": a.info.get("error", ""), "b_error": b.info.get("error", "")}
    values_a, values_b = a.values(), b.values()
    if values_a.dtype != values_b.dtype:
        return {**row, "status": "differ", "message": f"dtype {values_a.dtype} vs {values_b.dtype}"}
    return {**row, **_compare_values(a.info, values_a.ravel(), values_b.ravel())}


def _compare_values(info: dict, a: np.ndarray, b: np.ndarray) -> dict:
    steps = np.tile(Steps(info["steps"]["stop"], info["steps"]["start"], tuple(info["steps"]["far"])).array(),
                    info["rows"])
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    both_finite = ~nan_a & ~nan_b
    ulps = np.zeros(a.size, dtype=np.int64)
    ulps[both_finite] = ulp_distance(a[both_finite], b[both_finite])
    differing = (ulps > 0) | (nan_a != nan_b)
    if not differing.any():
        return {"status": "identical", "steps": int(a.size)}
    first = int(np.flatnonzero(differing)[0])
    return {
        "status": "differ", "steps": int(a.size), "differing_steps": int(differing.sum()),
        "max_ulp": int(ulps.max()), "nan_in_one": int((nan_a != nan_b).sum()),
        "first": {"step": int(steps[first]), "a": float(a[first]), "b": float(b[first]),
                  "ulp": None if nan_a[first] or nan_b[first] else int(ulps[first])},
    }


def markdown(diff: dict) -> str:
    summary = ", ".join(f"{count} {status}" for status, count in diff["summary"].items())
    lines = [
        f"# Trace drift: {diff['a']['name']} vs {diff['b']['name']}",
        "",
        f"- A: {diff['a']['described']}",
        f"- B: {diff['b']['described']}",
        "",
        f"{len(diff['cases'])} cases: {summary}.",
        "",
    ]
    changed = [row for row in diff["cases"] if row["status"] in CHANGED]
    if changed:
        lines += ["| case | status | differing steps | max ULP | first difference (step: A vs B, ULP) |",
                  "|---|---|---:|---:|---|"]
        for row in changed:
            lines.append(f"| `{row['id']}` | {row['status']} | {row.get('differing_steps', '')} | "
                         f"{row.get('max_ulp', '')} | {_first(row)} |")
        lines.append("")
    others = [row for row in diff["cases"] if row["status"] not in (*CHANGED, "identical", "only in A", "only in B")]
    if others:
        lines += ["Not compared:", ""] + [f"- `{row['id']}`: {row['status']}" for row in others] + [""]
    return "\n".join(lines)


def _first(row: dict) -> str:
    if "first" in row:
        first = row["first"]
        ulp = "NaN on one side" if first["ulp"] is None else f"{first['ulp']} ULP"
        return f"{first['step']}: {first['a']!r} vs {first['b']!r}, {ulp}"
    return row.get("message") or row.get("a_error") or row.get("b_error", "")


def write(diff: dict, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "diff.json").write_text(json.dumps(diff, indent=1) + "\n")
    (folder / "diff.md").write_text(markdown(diff))
