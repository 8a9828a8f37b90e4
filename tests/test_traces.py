"""Recorded trace sets: exact storage, provenance, staleness, and the drift report."""

import json

import numpy as np
import pytest

from conformance import diff, traces
from conformance.cases import Case, Steps
from conformance.runner import OracleRun

TRICKY = [0.0, -0.0, 1e-45, 5e-324, np.nan, np.inf, -np.inf, 0.1, 1.0, 1.0000001, 3e38, -2.5]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_values_come_back_bit_for_bit(dtype):
    rng = np.random.default_rng(1)
    values = np.concatenate([np.array(TRICKY, dtype=dtype), rng.standard_normal(5000).astype(dtype),
                             np.full(3000, 0.05, dtype=dtype)])
    back = traces.decode(traces.encode(values), dtype, values.size)
    assert back.dtype == values.dtype
    np.testing.assert_array_equal(back.view(f"u{values.itemsize}"), values.view(f"u{values.itemsize}"))


def test_a_smooth_schedule_stores_in_a_few_bytes_per_step():
    values = (0.1 * 0.96 ** (np.arange(100_000) / 1000)).astype(np.float32)
    assert len(traces.encode(values)) < values.nbytes / 2


def test_same_bits_tells_signed_zeros_apart_and_takes_any_nan():
    assert traces.same_bits(np.array([np.nan, 1.0]), np.array([-np.nan, 1.0]))
    assert not traces.same_bits(np.array([0.0]), np.array([-0.0]))
    assert not traces.same_bits(np.array([1.0], np.float32), np.array([1.0]))


def case(label="a", stop=100, oracle="python", **spec):
    return Case({"kind": "seed.gradual_warmup", "init_lr": 0.1, "warmup_steps": 10, **spec}, oracle, Steps(stop),
                label)


def run_of(values, versions=None):
    return OracleRun(values=np.asarray(values), versions=versions or {"python": "3.11", "libc": "glibc 2.36"})


def test_a_set_records_its_provenance_and_shares_equal_values(tmp_path):
    first, second = case("a"), case("b")
    values = np.linspace(0.0, 0.1, 100)
    recorded = traces.record("one", [first, second], {first.id: run_of(values), second.id: run_of(values)},
                             "python -m conformance record", tmp_path)
    manifest = json.loads((tmp_path / "sets" / "one.json").read_text())
    assert manifest["command"] == "python -m conformance record" and manifest["platform"]["libc"]
    assert manifest["cases"][first.id]["steps"] == {"start": 0, "stop": 100, "far": []}
    assert len(list((tmp_path / "values").iterdir())) == 1
    np.testing.assert_array_equal(traces.load("one", tmp_path).cases[first.id].values(), values)
    assert recorded.cases[first.id].stale(first) == ""
    assert recorded.cases[first.id].stale(case("a", stop=200)) == "its steps changed"
    assert recorded.cases[first.id].stale(case("a", warmup_steps=11)) == "its spec changed"


def test_an_oracle_error_is_recorded_as_such(tmp_path):
    failing = case("fails")
    recorded = traces.record("errs", [failing], {failing.id: OracleRun(error="Traceback\nTypeError: no")}, "cmd",
                             tmp_path)
    run = recorded.cases[failing.id].oracle_run({})
    assert run.error == "TypeError: no" and run.values is None


def test_diff_finds_the_first_differing_step_and_its_distance(tmp_path):
    same, drifted, only = case("same"), case("drifted"), case("only")
    base = np.linspace(0.0, 0.1, 100)
    moved = base.copy()
    moved[40] = np.nextafter(moved[40], 1.0)
    moved[41:43] = np.nan
    a = traces.record("a", [same, drifted, only], {same.id: run_of(base), drifted.id: run_of(base),
                                                   only.id: run_of(base)}, "cmd", tmp_path)
    b = traces.record("b", [same, drifted], {same.id: run_of(base), drifted.id: run_of(moved)}, "cmd", tmp_path)
    rows = {row["id"]: row for row in diff.diff_sets(a, b)["cases"]}
    assert rows[same.id]["status"] == "identical"
    assert rows[only.id]["status"] == "only in A"
    changed = rows[drifted.id]
    assert changed["status"] == "differ" and changed["differing_steps"] == 3 and changed["nan_in_one"] == 2
    assert changed["first"] == {"step": 40, "a": base[40], "b": moved[40], "ulp": 1}
    assert "| `seed.gradual_warmup[drifted]@python` | differ | 3 | 1 | 40:" in diff.markdown(diff.diff_sets(a, b))


def test_diff_can_pair_two_frameworks_oracles_of_a_family(tmp_path):
    keras3, tf_keras = case("x", oracle="keras3"), case("x", oracle="tf_keras")
    values = np.linspace(0.0, 0.1, 100)
    a = traces.record("a", [keras3], {keras3.id: run_of(values)}, "cmd", tmp_path)
    b = traces.record("b", [tf_keras], {tf_keras.id: run_of(values)}, "cmd", tmp_path)
    assert {row["status"] for row in diff.diff_sets(a, b)["cases"]} == {"only in A", "only in B"}
    assert [row["status"] for row in diff.diff_sets(a, b, ignore_oracle=True)["cases"]] == ["identical"]


def test_live_and_recorded_runs_pair_up_by_framework_version(tmp_path):
    recorded_case = case("v")
    traces.record("old", [recorded_case], {recorded_case.id: run_of([0.1] * 100, {"torch": "2.13.0"})}, "cmd",
                  tmp_path)
    platform = traces.load("old", tmp_path).manifest["platform"]
    found = traces.recordings_like(recorded_case, {**platform, "torch": "2.13.0"}, tmp_path)
    assert [name for name, _ in found] == ["old"]
    assert traces.recordings_like(recorded_case, {**platform, "torch": "2.14.1"}, tmp_path) == []
