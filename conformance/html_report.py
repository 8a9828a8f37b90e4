"""The conformance report as pictures: one self-contained HTML file.

Per case, pysched's values (a line) and the oracle's (a dashed line over it, so
that identical curves still show both) over the contiguous run of steps, the
per-step ULP distance below them, the steps where the oracle fails shaded, and
the far steps (reached by resuming) in a small table beside. The curves are
inline SVG drawn here: per pixel column the first, lowest, highest and last
value, then simplified to what a quarter of a pixel can show, so a case of 10,000
steps costs a few kilobytes and the file needs nothing from outside.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np

from .compare import Curves, Result
from .report import framework
from .ulp import ulp_distance

WIDTH, LEFT, RIGHT = 640, 58, 6
VALUES_HEIGHT, GAP, ULP_HEIGHT, BOTTOM = 150, 14, 50, 14
PLOT_WIDTH = WIDTH - LEFT - RIGHT
ULP_TOP = VALUES_HEIGHT + GAP
HEIGHT = ULP_TOP + ULP_HEIGHT + BOTTOM
TOLERANCE_PX = 0.25
"""How far a simplified curve may stray from the one drawn per pixel column."""
LOG_RANGE = 1e3
"""Positive values spanning more than this factor are drawn on a log scale."""
LINEAR_ULP = 16
"""ULP distances up to this are drawn on a linear scale, larger ones on log10(1 + ULP)."""
BROKEN = ("fail", "error")

STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:1100px;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}
td.n{text-align:right}code{font-size:92%}summary{cursor:pointer;padding:3px 0}
.case{border-left:4px solid #9c9;padding:2px 0 2px 10px;margin:14px 0}
.case.fail,.case.error{border-color:#d22;background:#fff4f4}.case.unavailable{border-color:#bbb}
.case h4{margin:0}.meta{color:#555;font-size:90%;margin:2px 0}.bad{color:#b00;font-weight:bold}
.pair{display:flex;gap:14px;align-items:flex-start;flex-wrap:wrap}.pair table{font-size:85%}
svg{width:640px;max-width:100%;height:auto}svg text{font:10px sans-serif;fill:#555}
.p{stroke:#1f5fbf;stroke-width:1.6;fill:none}.o{stroke:#f28e2b;stroke-width:1.6;stroke-dasharray:5 4;fill:none}
.u{stroke:#c33;fill:none}.z{stroke:#3a3;stroke-width:1.5}.ax{stroke:#bbb;fill:none}.f{fill:#e33;opacity:.2}
.kp,.ko{display:inline-block;width:26px;border-top:2px solid #1f5fbf;vertical-align:middle}
.ko{border-top:2px dashed #f28e2b}pre{background:#f6f6f6;padding:6px;overflow-x:auto;font-size:85%}
""".strip()


def write(report: dict, results: list[Result], folder: Path) -> Path:
    """Write ``report.html`` for ``report`` (as ``report.build(results)`` made it) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report.html"
    path.write_text(page(report, results))
    return path


def page(report: dict, results: list[Result]) -> str:
    """The whole page: the header, the failing cases' pictures first, then a
    collapsible section per family with its table of cases and the others' pictures."""
    results_by_id = {result.case.id: result for result in results}
    cases = [(record, results_by_id[record["id"]], f"case{index}") for index, record in enumerate(report["cases"])]
    failing = [case for case in cases if case[0]["verdict"] in BROKEN]
    parts = ["<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>pysched conformance report</title>"
             f"<style>{STYLE}</style></head><body>", header(report)]
    if failing:
        parts += ["<h2 class=bad>Failing cases</h2>", *(case_section(*case) for case in failing)]
    parts.append("<h2>Families</h2>")
    kinds: dict[str, list] = {}
    for case in cases:
        kinds.setdefault(case[0]["kind"], []).append(case)
    parts += [family_section(kind, kinds[kind]) for kind in sorted(kinds)]
    parts.append("</body></html>\n")
    return "\n".join(parts)


def header(report: dict) -> str:
    """When, what ran and where; the frameworks' versions; the counts, the max ULP and a key to the pictures."""
    summary, where = report["summary"], report["platform"]
    rows = "".join(f"<tr><td>{_e(driver)}</td><td>{_e(framework(versions))}</td></tr>"
                   for driver, versions in sorted(report["frameworks"].items()))
    verdicts = ", ".join(f"{summary[verdict]} {verdict}" for verdict in ("pass", "fail", "error", "unavailable"))
    return (f"<h1>pysched conformance report</h1><p>{_e(report['created'])} · <code>{_e(report['command'])}</code>"
            f" · pysched {_e(report['pysched'])} · {_e(where['libc'])} on {_e(where['machine'])}, Python "
            f"{_e(where['python'])}</p><table><tr><th>driver</th><th>versions</th></tr>{rows}</table>"
            f"<p><b>{summary['cases']} cases, {summary['steps_checked']:,} steps checked: {verdicts}; max ULP "
            f"{summary['max_ulp']}</b> (leaving out the {summary['framework_differs']} resumed runs where the "
            "framework gets it wrong).</p><p><span class=kp></span> pysched &nbsp; <span class=ko></span> the "
            f"oracle. Below each picture: the ULP distance per step (linear up to {LINEAR_ULP}, log10(1 + ULP) "
            "above). Shaded: steps where the oracle fails. Beside it: the far steps, reached by resuming.</p>")


def family_section(kind: str, cases: list[tuple[dict, Result, str]]) -> str:
    """A ``<details>`` for one kind: a table of its cases, then the pictures of
    those that did not fail (the failing ones lead the page); open when one fails."""
    verdicts = {record["verdict"] for record, _, _ in cases}
    status = "pass" if verdicts == {"pass"} else ", ".join(sorted(verdicts - {"pass"}))
    worst = max((record["max_ulp"] or 0 for record, _, _ in cases if not record["framework_differs"]), default=0)
    broken = bool(verdicts & set(BROKEN))
    rows = "".join(f"<tr><td><a href=#{anchor}>{_e(record['id'])}</a></td><td class=n>{record['steps_checked']:,}"
                   f"</td><td class=n>{_or_blank(record['max_ulp'])}</td><td class=n>{record['differing_steps']}</td>"
                   f"<td>{_verdict(record)}</td></tr>" for record, _, anchor in cases)
    pictures = "".join(case_section(*case) for case in cases if case[0]["verdict"] not in BROKEN)
    return (f"<details{' open' if broken else ''}><summary{' class=bad' if broken else ''}><code>{_e(kind)}"
            f"</code>: {len(cases)} cases, max ULP {worst}, {status}</summary><table><tr><th>case</th><th>steps</th>"
            f"<th>max ULP</th><th>differing</th><th>verdict</th></tr>{rows}</table>{pictures}</details>")


def _verdict(record: dict) -> str:
    verdict = record["verdict"]
    return f"<span class=bad>{verdict.upper()}</span>" if verdict in BROKEN else verdict


def _or_blank(number: int | None) -> str:
    return "" if number is None else str(number)


def case_section(record: dict, result: Result, anchor: str) -> str:
    """One case: its parameters and verdict, the picture and far steps, and the
    harness's message (in full when the case did not pass, or when there is no picture)."""
    curves = result.curves
    body = picture(curves, result.case.steps.far, anchor) if curves is not None and len(curves.steps) else ""
    if record["verdict"] != "pass":
        body += f"<pre>{_e(record['message'])}</pre>"
    elif not body:
        body = f"<p class=meta>{_e(record['message'])}</p>"
    return (f"<div class='case {record['verdict']}' id={anchor}><h4><code>{_e(record['id'])}</code> · "
            f"{_verdict(record)}</h4><p class=meta>{_e(' · '.join(_facts(record)))}</p>{body}</div>")


def _facts(record: dict) -> list[str]:
    facts = [", ".join(f"{k}={v!r}" for k, v in record["spec"].items() if k != "kind"), framework(record["versions"])]
    if record["max_ulp"] is not None:
        facts += [f"{record['steps_checked']:,} steps", f"max ULP {record['max_ulp']}"]
    facts.append(f"tolerance {record['tolerance_ulp']} ULP ({record['tolerance_reason']})" if record["tolerance_ulp"]
                 else "tolerance 0")
    if record["oracle_failing_steps"]:
        facts.append(f"the oracle fails at {record['oracle_failing_steps']:,} steps from "
                     f"{record['first_oracle_failure']:,}")
    notes = (record["note"], record["known_difference"] and f"known difference: {record['known_difference']}",
             record["framework_differs"] and f"the framework gets it wrong: {record['framework_differs']}")
    return facts + [note for note in notes if note]


def picture(curves: Curves, far_steps: tuple[int, ...], anchor: str) -> str:
    """The SVG of the contiguous run of steps, and the far steps' table beside it."""
    far = np.isin(curves.steps, far_steps)
    fails_far = np.isin(curves.oracle_fails_at, far_steps)
    table = far_table(curves, far, curves.oracle_fails_at[fails_far]) if far.any() or fails_far.any() else ""
    run, failing = curves.steps[~far], curves.oracle_fails_at[~fails_far]
    if not len(run):
        return table
    first, last = int(min(run[0], failing.min(initial=run[0]))), int(max(run[-1], failing.max(initial=run[-1])))
    positions = _positions(run, first, last)
    pysched, oracle = curves.pysched[:, ~far], curves.oracle[:, ~far]
    svg = (f"<svg viewBox='0 0 {WIDTH} {HEIGHT}' role=img>{_shade(_positions(failing, first, last))}"
           f"{_value_plot(positions, pysched, oracle, anchor)}"
           f"{_ulp_plot(positions, ulp_distance(pysched, oracle).max(axis=0))}"
           f"<text x={LEFT} y={HEIGHT - 2}>step {first:,}</text>"
           f"<text x={WIDTH - RIGHT} y={HEIGHT - 2} text-anchor=end>{last:,}</text></svg>")
    return f"<div class=pair>{svg}{table}</div>"


def far_table(curves: Curves, far: np.ndarray, failing: np.ndarray) -> str:
    """The far steps: both values (one per param group) and their ULP distance,
    and the far steps where the oracle fails."""
    ulps = ulp_distance(curves.pysched[:, far], curves.oracle[:, far]).max(axis=0)
    rows = [(int(step), _values(curves.pysched[:, i]), _values(curves.oracle[:, i]), str(ulp))
            for step, i, ulp in zip(curves.steps[far], np.flatnonzero(far), ulps, strict=True)]
    rows += [(int(step), "", "fails", "") for step in failing]
    body = "".join(f"<tr><td class=n>{step:,}</td><td>{p}</td><td>{o}</td><td class=n>{u}</td></tr>"
                   for step, p, o, u in sorted(rows))
    return f"<table><tr><th>far step</th><th>pysched</th><th>oracle</th><th>ULP</th></tr>{body}</table>"


def _values(column: np.ndarray) -> str:
    return " / ".join(str(value) for value in column)


def _positions(steps: np.ndarray, first: int, last: int) -> np.ndarray:
    """Where each step of [first, last] falls across the plot, in pixels from its left edge."""
    return (steps - first) * ((PLOT_WIDTH - 1) / max(last - first, 1))


def _shade(positions: np.ndarray) -> str:
    """Shade the pixel columns where the oracle fails, run by run of adjacent columns."""
    columns = np.unique(positions.astype(np.int64))
    if not len(columns):
        return ""
    breaks = np.flatnonzero(np.diff(columns) > 1)
    starts, ends = columns[np.r_[0, breaks + 1]], columns[np.r_[breaks, -1]]
    return "".join(f"<rect class=f x={LEFT + a} y=0 width={b - a + 1} height={ULP_TOP + ULP_HEIGHT} />"
                   for a, b in zip(starts, ends, strict=True))


def _value_plot(positions: np.ndarray, pysched: np.ndarray, oracle: np.ndarray, anchor: str) -> str:
    """Both curves on one scale (log when positive values span decades); an
    oracle curve that draws the same as pysched's shares its path."""
    scale = _ValueScale(np.concatenate([pysched.ravel(), oracle.ravel()]))
    drawn = []
    for row, (ours, theirs) in enumerate(zip(pysched, oracle, strict=True)):
        line = _polyline(positions, scale.pixels(ours))
        other = _polyline(positions, scale.pixels(theirs))
        if other == line:
            path_id = f"{anchor}r{row}"
            drawn.append(f"<defs><path id={path_id} d='{line}'/></defs>"
                         f"<use href=#{path_id} class=p /><use href=#{path_id} class=o />")
        else:
            drawn.append(f"<path class=p d='{line}'/><path class=o d='{other}'/>")
    return (f"<rect class=ax x={LEFT} y=0 width={PLOT_WIDTH} height={VALUES_HEIGHT} />{''.join(drawn)}"
            f"<text x={LEFT - 3} y=9 text-anchor=end>{scale.high:.3g}</text>"
            f"<text x={LEFT - 3} y={VALUES_HEIGHT} text-anchor=end>{scale.low:.3g}</text>"
            + (f"<text x={LEFT - 3} y={VALUES_HEIGHT // 2} text-anchor=end>log</text>" if scale.log else ""))


class _ValueScale:
    """Values to pixel rows of the value plot: linear, or log10 when the
    positive values span more than LOG_RANGE."""

    def __init__(self, values: np.ndarray):
        finite = values[np.isfinite(values)].astype(np.float64)
        self.low, self.high = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
        self.log = self.low > 0 and self.high / self.low > LOG_RANGE
        low, high = (np.log10(self.low), np.log10(self.high)) if self.log else (self.low, self.high)
        middle, half = (low + high) / 2, (high - low) / 2 or max(abs(low) / 10, 1e-300)
        self.bottom, self.span = middle - half, 2 * half

    def pixels(self, values: np.ndarray) -> np.ndarray:
        values = values.astype(np.float64)
        if self.log:
            values = np.log10(values)
        return 2 + (VALUES_HEIGHT - 4) * (1 - (values - self.bottom) / self.span)


def _ulp_plot(positions: np.ndarray, ulps: np.ndarray) -> str:
    """The ULP distance per step as bars from the zero line (the worst per pixel
    column), or the zero line alone, in green, when every step is exact."""
    base = ULP_TOP + ULP_HEIGHT
    top = int(ulps.max()) if len(ulps) else 0
    frame = (f"<rect class=ax x={LEFT} y={ULP_TOP} width={PLOT_WIDTH} height={ULP_HEIGHT} />"
             f"<text x={LEFT - 3} y={base} text-anchor=end>0 ULP</text>")
    if top == 0:
        return frame + f"<line class=z x1={LEFT} y1={base} x2={LEFT + PLOT_WIDTH} y2={base} />"
    worst = np.zeros(PLOT_WIDTH, dtype=np.uint64)
    np.maximum.at(worst, positions.astype(np.int64), ulps)
    if top <= LINEAR_ULP:
        heights = worst.astype(np.float64) / top
    else:
        heights = np.log10(1 + worst.astype(np.float64)) / np.log10(1 + top)
    bars = "".join(f"M{LEFT + column} {base}V{base - ULP_HEIGHT * height:.0f}"
                   for column, height in zip(np.flatnonzero(worst), heights[worst > 0], strict=True))
    shown = f"{top:,}" if top < 10**6 else f"{top:.3g}"
    return frame + f"<path class=u d='{bars}'/><text x={LEFT - 3} y={ULP_TOP + 9} text-anchor=end>{shown}</text>"


def _polyline(positions: np.ndarray, rows: np.ndarray) -> str:
    """An SVG path through the first, lowest, highest and last value of each
    pixel column (in step order, where they fall), simplified within TOLERANCE_PX."""
    finite = np.isfinite(rows)
    positions, rows = positions[finite], np.clip(rows[finite], -1.0, VALUES_HEIGHT + 1.0)
    if not len(rows):
        return ""
    columns = positions.astype(np.int64)
    starts = np.flatnonzero(np.r_[True, np.diff(columns) > 0])
    ends = np.r_[starts[1:], len(rows)] - 1
    by_value = np.lexsort((rows, columns))
    picks = np.unique(np.concatenate([starts, by_value[starts], by_value[ends], ends]))
    x, y = _simplify(positions[picks] + LEFT, rows[picks])
    return "M" + " ".join(f"{round(px, 1):g} {round(py, 1):g}" for px, py in zip(x, y, strict=True))


def _simplify(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ramer-Douglas-Peucker: keep the points without which the line would
    stray more than TOLERANCE_PX."""
    keep = np.zeros(len(x), dtype=bool)
    keep[[0, -1]] = True
    pending = [(0, len(x) - 1)]
    while pending:
        a, b = pending.pop()
        if b - a < 2:
            continue
        dx, dy = x[b] - x[a], y[b] - y[a]
        inner = slice(a + 1, b)
        length = np.hypot(dx, dy)
        if length == 0:
            distance = np.hypot(x[inner] - x[a], y[inner] - y[a])
        else:
            distance = np.abs(dy * (x[inner] - x[a]) - dx * (y[inner] - y[a])) / length
        worst = int(np.argmax(distance))
        if distance[worst] > TOLERANCE_PX:
            split = a + 1 + worst
            keep[split] = True
            pending += [(a, split), (split, b)]
    return x[keep], y[keep]


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
