"""Reading logged traces (pysched.trace) and the progress bar, below the command line."""

import io
from itertools import pairwise

import numpy as np
import pytest

from pysched._progress import Progress, chunks
from pysched.trace import TraceError, masked_crc32c, read_csv, ulp_distance


def test_crc32c_gives_the_standard_check_value():
    # CRC-32C("123456789") is 0xE3069283 (RFC 3720, B.4); TFRecord masks it: rotate right 15, add 0xa282ead8
    crc = 0xE3069283
    masked = (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF
    long_piece = bytes(range(256)) * 20
    assert masked_crc32c([b"123456789", long_piece, b"123456789"]).tolist()[::2] == [masked, masked]


@pytest.mark.parametrize("text, steps, values, column", [
    ("step,lr\n0,0.1\n1,0.05\n", [0, 1], [0.1, 0.05], "lr"),
    ("Wall time,Step,Value\n1.5,10,0.1\n1.6,20,0.05\n", [10, 20], [0.1, 0.05], "Value"),
    ("epoch,loss,lr-SGD\n0,2.0,0.1\n1,1.0,0.05\n", [0, 1], [0.1, 0.05], "lr-SGD"),
    ("3,0.1\n4,0.05\n", [3, 4], [0.1, 0.05], "column 2"),
    ("0.1\n0.05\n", [0, 1], [0.1, 0.05], "column 1"),
], ids=["step-lr", "tensorboard-export", "lightning", "no-header", "one-column"])
def test_csv_columns_are_found_by_their_headers(tmp_path, text, steps, values, column):
    path = tmp_path / "trace.csv"
    path.write_text(text)
    trace = read_csv(path)
    assert trace.steps.tolist() == steps and trace.values.tolist() == values
    assert repr(column) in trace.source or column in trace.source


@pytest.mark.parametrize("text, column, message", [
    ("step,loss\n0,1.0\n", None, "no learning-rate column among step, loss: name it with --column"),
    ("step,lr\n0,1.0\n", "rate", "no column 'rate'; the columns are step, lr"),
    ("step,lr\n0,abc\n", None, "a row is not numbers"),
    ("", None, "the file is empty"),
])
def test_unreadable_csv_says_why(tmp_path, text, column, message):
    path = tmp_path / "trace.csv"
    path.write_text(text)
    with pytest.raises(TraceError, match=message):
        read_csv(path, column)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ulp_distance_counts_floats_between(dtype):
    one = np.array([1.0], dtype)
    up = np.nextafter(np.nextafter(one, dtype(2)), dtype(2))
    assert ulp_distance(up, one).tolist() == [2]
    assert ulp_distance(np.array([-0.0], dtype), np.array([0.0], dtype)).tolist() == [0]
    tiny = np.array([np.finfo(dtype).smallest_subnormal], dtype)
    assert ulp_distance(tiny, -tiny).tolist() == [2]


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_appears_only_after_the_delay_and_only_on_a_terminal():
    now = [0.0]
    terminal, pipe = FakeTerminal(), io.StringIO()
    bars = [Progress("eval", 100, stream=stream, clock=lambda: now[0]) for stream in (terminal, pipe)]
    for bar in bars:
        bar.advance(10)
    assert terminal.getvalue() == ""
    now[0] = 1.5
    for bar in bars:
        bar.advance(40)
        bar.close()
    assert "eval [###############...............]  50%" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r") and pipe.getvalue() == ""


def test_chunks_cover_the_steps_in_order():
    steps = range(3, 60_000_000, 2)
    pieces = list(chunks(steps))
    assert sum(map(len, pieces)) == len(steps) and pieces[0][0] == 3 and pieces[-1][-1] == steps[-1]
    assert all(a[-1] + 2 == b[0] for a, b in pairwise(pieces))
