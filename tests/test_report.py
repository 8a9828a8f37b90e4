"""The HTML conformance report (pictures of both curves and the ULP distance per
case) and the harness's progress line, on real oracle runs: live drivers, and
the traces recorded with the pinned frameworks."""

import html
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conformance import html_report, report, traces
from conformance.__main__ import recorded_runs
from conformance.cases import Case, all_cases
from conformance.compare import compare
from conformance.progress import Progress
from conformance.runner import OracleRun, run_oracles

from conftest import require_framework

ROOT = Path(__file__).resolve().parent.parent
CASES = {case.id: case for case in all_cases()}
PINNED = traces.load(traces.REFERENCE)
SIZE_BUDGET = 3 * 2**20
"""report.html for the ~420 cases of the catalogue."""
EXPONENTIAL = "keras.ExponentialDecay[continuous,eager]@keras3"   # 3,001 contiguous steps and 10 far ones
OVERFLOW = "seed.gradual_warmup_simulation[warmup ends above 1: OverflowError]@python"
OUTSIDE = re.compile(r"https?:|src=|<link|<script|url\(|@import", re.IGNORECASE)


def case_div(page: str, case_id: str) -> str:
    """The HTML of one case's section (up to the next case, family or heading)."""
    start = page.index(f"<code>{html.escape(case_id)}</code>")
    end = re.compile(r"<div class='case|</details>|<h2").search(page, start)
    return page[page.rindex("<div class='case", 0, start):end.start() if end else len(page)]


def recorded_result(case_id: str, perturb=None):
    """Compare pysched with the pinned recording of a case, its oracle values
    changed by ``perturb`` (values -> values) to make a failing case out of real data."""
    case = CASES[case_id]
    run = recorded_runs([case], PINNED)[case_id]
    if perturb:
        run = OracleRun(values=perturb(run.values.copy()), failure=run.failure, versions=run.versions)
    return compare(case, run)


def page_of(*results) -> str:
    return html_report.page(report.build(list(results)), list(results))


@pytest.fixture(scope="module")
def live_report(tmp_path_factory):
    """``python -m conformance`` on two cheap kinds, their oracles run for real."""
    require_framework("transformers")
    folder = tmp_path_factory.mktemp("report")
    done = subprocess.run([sys.executable, "-m", "conformance", "--cases", "hf.constant_with_warmup*@transformers",
                           "seed.gradual_warmup_simulation*", "--report", str(folder)],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == 0, done.stderr
    return folder, json.loads((folder / "report.json").read_text()), (folder / "report.html").read_text(), done


def test_the_html_report_sits_beside_the_json_and_markdown_and_needs_nothing_outside(live_report):
    folder, _, page, _ = live_report
    assert sorted(path.name for path in folder.iterdir()) == ["report.html", "report.json", "report.md"]
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert OUTSIDE.findall(page) == []


def test_every_live_case_has_both_curves_and_the_ulp_plot(live_report):
    _, data, page, _ = live_report
    assert len(data["cases"]) == 6 and page.count("<svg") == len(data["cases"])
    for record in data["cases"]:
        div = case_div(page, record["id"])
        assert div.count("<svg") == 1
        assert "class=p" in div and "class=o" in div, f"{record['id']}: a curve is missing"
        assert "0 ULP</text><line class=z" in div, f"{record['id']}: no zero line under an exact case"


def test_steps_where_the_oracle_fails_are_shaded(live_report):
    _, data, page, _ = live_report
    failing = {record["id"]: record["oracle_failing_steps"] for record in data["cases"]}
    assert failing[OVERFLOW] > 0
    for case_id, count in failing.items():
        assert ("<rect class=f" in case_div(page, case_id)) == bool(count), case_id


def test_the_json_stays_a_summary(live_report):
    _, data, _, _ = live_report
    assert all(len(json.dumps(record)) < 2000 for record in data["cases"])


def test_no_progress_line_when_stderr_is_not_a_terminal(live_report):
    *_, done = live_report
    assert "\r" not in done.stderr and "\x1b" not in done.stderr


NEXT_UP = np.nextafter


def one_ulp_at_three_steps(values):
    values[[10, 500, -1]] = NEXT_UP(values[[10, 500, -1]], np.inf)
    return values


def half_again_from_step_1000(values):
    values[1000:] *= values.dtype.type(1.5)
    return values


@pytest.mark.parametrize(("perturb", "max_ulp", "curves_apart"), [
    (one_ulp_at_three_steps, 1, False),
    (half_again_from_step_1000, None, True),
], ids=["1 ULP at three steps", "oracle x1.5 from step 1000"])
def test_a_failing_case_leads_the_page_and_shows_where_it_parts(perturb, max_ulp, curves_apart):
    failing = recorded_result(EXPONENTIAL, perturb)
    assert failing.verdict == "fail"
    page = page_of(recorded_result("keras.ExponentialDecay[staircase,eager]@keras3"), failing)
    div = case_div(page, EXPONENTIAL)
    assert page.index("Failing cases") < page.index(div) < page.index("<h2>Families")
    assert "<div class='case fail'" in div and "FAIL</span>" in div and "Mismatched steps" in div
    assert "<path class=u" in div, "no ULP bars"
    if max_ulp is not None:
        assert failing.max_ulp == max_ulp and f"text-anchor=end>{max_ulp}</text>" in div
    assert ("<path class=o" in div) == curves_apart, "the oracle's curve should be drawn apart exactly when it parts"
    assert "<details open><summary class=bad><code>keras.ExponentialDecay</code>" in page


def test_far_steps_are_a_table_beside_the_contiguous_run():
    result = recorded_result(EXPONENTIAL)
    case = CASES[EXPONENTIAL]
    div = case_div(page_of(result), EXPONENTIAL)
    assert f"text-anchor=end>{case.steps.stop - 1:,}</text></svg>" in div, "the x axis should end with the run"
    rows = re.findall(r"<tr><td class=n>([\d,]+)</td><td>([^<]*)</td><td>([^<]*)</td>", div)
    steps = result.curves.steps
    expected = [(f"{step:,}", str(result.curves.pysched[0, steps == step][0]),
                 str(result.curves.oracle[0, steps == step][0])) for step in case.steps.far]
    assert rows == expected


def test_the_whole_catalogue_fits_the_size_budget():
    cases = list(CASES.values())
    runs = recorded_runs(cases, PINNED)
    results = [compare(case, runs[case.id]) for case in cases]
    page = page_of(*results)
    pictured = sum(result.curves is not None for result in results)
    assert pictured > 400 and page.count("<svg") == pictured
    assert len(page.encode()) < SIZE_BUDGET * len(cases) / 420


def test_a_recording_older_than_its_case_is_an_error_and_a_missing_one_unavailable():
    case = CASES[OVERFLOW]
    changed = Case({**case.spec, "init_lr": 0.5}, case.oracle, case.steps, "not recorded")
    runs = recorded_runs([changed], PINNED)
    assert "has no recording" in runs[changed.id].unavailable
    moved = Case({**case.spec, "init_lr": 0.5}, case.oracle, case.steps, case.label)
    assert "recorded this case before its spec changed" in recorded_runs([moved], PINNED)[moved.id].error


def test_steps_cannot_cut_a_recorded_trace_set():
    done = subprocess.run([sys.executable, "-m", "conformance", "--traces", "pinned", "--steps", "5"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 2 and "--steps applies to the live oracles" in done.stderr


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize(("stream", "shown"), [(Terminal(), True), (io.StringIO(), False)],
                         ids=["terminal", "log file"])
def test_progress_names_the_driver_and_counts_cases_on_a_terminal_only(stream, shown):
    cases = [case for case in CASES.values() if case.driver == "python"]
    with Progress(len(cases), stream) as progress:
        runs = run_oracles(cases, progress=progress)
    assert all(runs[case.id].values is not None for case in cases)
    text = stream.getvalue()
    if not shown:
        assert text == ""
        return
    lines = text.split("\r\x1b[K")
    assert f"conformance: 0/{len(cases)} cases · running python · 0:0" in lines[1]
    assert f"conformance: {len(cases)}/{len(cases)} cases · 0:0" in text
    assert lines[-1] == "", "the line is cleared at the end"
