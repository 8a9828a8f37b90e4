"""The ``pysched`` command, run as a user runs it: the installed console script,
in a subprocess, on real files."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import pysched

from conftest import require_framework
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


STEP_LR = {"kind": "torch.StepLR", "lr": 0.1, "step_size": 10, "gamma": 0.5}


def test_show_gives_formula_oracle_and_the_values_around_every_boundary():
    done = run("show", json.dumps(SPEC))
    assert done.returncode == 0, done.stderr
    assert f"oracle  {pysched.families()[SPEC['kind']].oracle}" in done.stdout
    assert "def warmup_then_decay(step):" in done.stdout
    rows = {int(line.split()[0]): float(line.split()[1]) for line in done.stdout.splitlines()
            if line.strip() and line.split()[0].isdigit()}
    # warmup_steps 500 and decay_steps 10000: the warmup ends at 500, the decay at 10500
    assert sorted(rows) == [0, 499, 500, 501, 10499, 10500]
    assert all(value == pysched.schedule(SPEC)(step) for step, value in rows.items())


def test_show_needs_steps_where_the_schedule_has_no_horizon():
    done = run("show", json.dumps(STEP_LR))
    assert done.returncode == 1 and "give the last step with --steps N" in done.stderr
    done = run("show", json.dumps(STEP_LR), "--steps", "25")
    steps = [int(line.split()[0]) for line in done.stdout.splitlines() if line.strip()[:1].isdigit()]
    assert steps == [0, 9, 10, 11, 19, 20, 21, 25]


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG\r\n\x1a\n"), (".svg", b"<?xml")])
def test_plot_writes_an_image_with_a_curve_per_schedule(tmp_path, suffix, magic):
    out = tmp_path / f"lr{suffix}"
    done = run("plot", json.dumps(SPEC), json.dumps(STEP_LR), "--steps", "0:12000", "--log", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(magic) and out.stat().st_size > 5000
    if suffix == ".png":
        from matplotlib import pyplot

        pixels = pyplot.imread(out).reshape(-1, 4)
        assert len(np.unique(pixels.round(2), axis=0)) > 10
    else:
        assert "keras.CosineDecay" in out.read_text() and "torch.StepLR" in out.read_text()


def test_plot_says_so_when_matplotlib_is_missing(tmp_path):
    (tmp_path / "matplotlib").mkdir()
    (tmp_path / "matplotlib" / "__init__.py").write_text("raise ImportError('No module named matplotlib')\n")
    done = subprocess.run([str(COMMAND), "plot", json.dumps(SPEC), "--steps", "0:10", "--out", str(tmp_path / "a.png")],
                          capture_output=True, text=True, timeout=120, env={"PYTHONPATH": str(tmp_path)})
    assert done.returncode == 4 and "needs matplotlib" in done.stderr


def test_ascii_plot_fills_the_size_it_is_given_with_one_character_per_schedule():
    stairs = {**STEP_LR, "step_size": 2_500_000}
    done = run("plot", json.dumps(stairs), json.dumps(SPEC), "--steps", "0:10000000", "--width", "60",
               "--height", "20", "--labels", "step", "cosine")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 20 and max(map(len, lines)) <= 60
    assert lines[-1] == "* step  + cosine" and lines[-2].split() == ["0", "9999999"]
    plot = "\n".join(lines[:-3])
    assert "*" in plot and "+" in plot
    assert lines[0].split("|")[0].strip() == "0.1" and lines[-4].split("|")[0].strip() == "0"


@pytest.mark.parametrize("spec, status, lines", [
    ({"kind": "torch.CosineAnnealingLR", "lr": 0.1, "T_max": 1000}, 0, 0),
    ({"kind": "torch.CosineAnnealingLR", "lr": 0.1, "T_max": 5000, "eta_min": 0.1}, 3, 3),
], ids=["clean", "findings"])
def test_lint_prints_a_line_per_finding_and_exits_3_on_findings(spec, status, lines):
    done = run("lint", json.dumps(spec), "--total-steps", "1000")
    assert done.returncode == status and len(done.stdout.splitlines()) == lines


@pytest.fixture(scope="module")
def torch_trace():
    """The rates a real torch loop applies, logged with get_last_lr() at each step."""
    torch = require_framework("torch")
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=STEP_LR["lr"])
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
    rates = []
    for _ in range(50):
        rates.append(scheduler.get_last_lr()[0])
        optimizer.step()
        scheduler.step()
    return rates


@pytest.mark.parametrize("rows, status, words", [
    (lambda rates: [(t, r) for t, r in enumerate(rates)], 0, "matches the schedule at every step"),
    (lambda rates: [(t + 1, r) for t, r in enumerate(rates)], 3, "use --offset -1"),
    (lambda rates: [(t, 2 * r) for t, r in enumerate(rates)], 3, "the schedule times 2 at every step"),
], ids=["matching", "shifted", "scaled"])
def test_check_compares_a_torch_trace_from_csv(tmp_path, torch_trace, rows, status, words):
    path = tmp_path / "lr.csv"
    path.write_text("step,learning_rate\n" + "".join(f"{t},{r!r}\n" for t, r in rows(torch_trace)))
    done = run("check", json.dumps(STEP_LR), "--trace", str(path))
    assert done.returncode == status, done.stdout + done.stderr
    assert words in done.stdout and "steps compared: 50" in done.stdout


@pytest.fixture(scope="module")
def event_dirs(tmp_path_factory, torch_trace):
    """TensorBoard event files written by TensorFlow itself: TF2's summary writer
    (the op tf.summary.scalar writes with) and TF1's FileWriter with simple_value."""
    tf = require_framework("tensorflow")
    root = tmp_path_factory.mktemp("events")
    writer = tf.summary.create_file_writer(str(root / "tf2"))
    with writer.as_default():
        for step, rate in enumerate(torch_trace):
            tf.summary.write("learning_rate", tf.constant(rate, tf.float32), step=step)
    writer.close()
    with tf.Graph().as_default():
        file_writer = tf.compat.v1.summary.FileWriter(str(root / "tf1"))
        for step, rate in enumerate(torch_trace):
            summary = tf.compat.v1.Summary(value=[tf.compat.v1.Summary.Value(tag="lr-SGD", simple_value=rate)])
            file_writer.add_summary(summary, global_step=step + 1)
        file_writer.close()
    return root


@pytest.mark.parametrize("writer, args, status, words", [
    ("tf2", (), 0, "matches the schedule at every step"),
    ("tf1", (), 3, "use --offset -1"),
    ("tf1", ("--offset", "-1", "--tag", "lr-SGD"), 0, "matches the schedule at every step"),
])
def test_check_reads_tensorboard_event_files_written_by_tensorflow(event_dirs, writer, args, status, words):
    done = run("check", json.dumps(STEP_LR), "--trace", str(event_dirs / writer), *args)
    assert done.returncode == status, done.stdout + done.stderr
    assert words in done.stdout and "compared in float32" in done.stdout


@pytest.mark.parametrize("damage, message", [
    (lambda data: data[:-3], "truncated record"),
    (lambda data: data[:-6] + bytes([data[-6] ^ 1]) + data[-5:], "corrupt record"),
], ids=["truncated", "corrupt"])
def test_a_damaged_event_file_is_a_clear_error(tmp_path, event_dirs, damage, message):
    original = next((event_dirs / "tf2").iterdir())
    broken = tmp_path / original.name
    broken.write_bytes(damage(original.read_bytes()))
    done = run("check", json.dumps(STEP_LR), "--trace", str(broken))
    assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr


def test_convert_is_wired_with_its_targets():
    done = run("convert", "--help")
    assert done.returncode == 0 and "{torch,keras,tf1,optax}" in done.stdout
    assert run("convert", json.dumps(SPEC), "--to", "mxnet").returncode == 2


def test_help_names_the_exit_codes():
    done = run("--help")
    assert done.returncode == 0
    assert "3  a finding" in done.stdout and "4  a missing optional dependency" in done.stdout
