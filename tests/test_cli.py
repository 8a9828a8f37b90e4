"""The ``pysched`` command, run as a user runs it: the installed console script,
in a subprocess, on real files."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import pysched

from examples import spec

COMMAND = Path(sys.executable).with_name("pysched")
SPEC = spec("keras.CosineDecay")


def run(*args, stdin=None):
    return subprocess.run([str(COMMAND), *args], input=stdin, capture_output=True, text=True, timeout=120)


def test_list_names_every_kind_with_its_defaults():
    done = run("list")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert [line.split("(")[0] for line in lines] == sorted(pysched.families())
    assert "keras.ExponentialDecay(initial_learning_rate, decay_steps, decay_rate, staircase=False" in done.stdout


def test_eval_writes_npy_and_csv_from_a_spec_file(tmp_path):
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(SPEC))
    expected = pysched.schedule(SPEC)(range(0, 20_000, 7))
    assert run("eval", str(spec_file), "--steps", "0:20000:7", "--out", str(tmp_path / "lr.npy")).returncode == 0
    assert np.load(tmp_path / "lr.npy").tobytes() == expected.tobytes()
    assert run("eval", str(spec_file), "--steps", "0:20000:7", "--out", str(tmp_path / "lr.csv")).returncode == 0
    table = np.loadtxt(tmp_path / "lr.csv", delimiter=",", skiprows=1)
    assert table[:, 0].tolist() == list(range(0, 20_000, 7))
    assert table[:, 1].astype(np.float32).tobytes() == expected.tobytes()


def test_eval_reads_a_json_string_or_stdin_and_prints_csv():
    expected = pysched.schedule(SPEC)(range(5, 9))
    for args, stdin in [((json.dumps(SPEC),), None), (("-",), json.dumps(SPEC))]:
        done = run("eval", *args, "--steps", "5:9", stdin=stdin)
        assert done.returncode == 0
        assert [float(line.split(",")[1]) for line in done.stdout.splitlines()] == expected.tolist()


@pytest.mark.parametrize("args, status, message", [
    (('{"kind": "keras.ExponentialDecay", "decay_steps": 0}', "--steps", "0:3"), 1, "missing required parameter"),
    ((json.dumps(SPEC), "--steps", "3"), 1, "steps must be A:B or A:B:S"),
    (("{not json", "--steps", "0:3"), 1, "pysched: "),
    (("--steps", "0:3"), 2, "usage"),
    ((), 2, "usage"),
])
def test_errors_have_exit_codes_scripts_can_rely_on(args, status, message):
    done = run("eval", *args) if args else run()
    assert done.returncode == status
    assert message in done.stderr
