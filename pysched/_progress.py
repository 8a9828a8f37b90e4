"""Progress bars for long commands, and the chunked evaluation that feeds them.

A bar goes to standard error, only when it is a terminal, and only once the
work has run for a second: short commands and scripts never see one. No
dependency: a carriage return and a line of ``#``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from typing import TextIO

import numpy as np

FIRST_CHUNK = 2**22
LARGEST_CHUNK = 2**24
BAR_WIDTH = 30


class Progress:
    """A bar counting ``done`` of ``total`` units, drawn on ``stream`` (standard
    error by default) when it is a terminal and ``delay`` seconds have passed."""

    def __init__(self, label: str, total: int, *, stream: TextIO | None = None, delay: float = 1.0,
                 clock: Callable[[], float] = time.monotonic):
        self.label, self.total, self.done = label, max(total, 1), 0
        self._stream = sys.stderr if stream is None else stream
        self._clock, self._start, self._delay = clock, clock(), delay
        self._shown = False

    def advance(self, amount: int) -> None:
        """Count ``amount`` more units done, and redraw the bar if it is due."""
        self.done = min(self.done + amount, self.total)
        if self._clock() - self._start >= self._delay and self._stream.isatty():
            filled = BAR_WIDTH * self.done // self.total
            percent = 100 * self.done // self.total
            self._stream.write(f"\r{self.label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {percent:3d}%")
            self._stream.flush()
            self._shown = True

    def close(self) -> None:
        """Erase the bar, if it was drawn, so that what follows starts on a clean line."""
        if self._shown:
            self._stream.write("\r" + " " * (len(self.label) + BAR_WIDTH + 8) + "\r")
            self._stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def chunks(steps: range) -> Iterator[range]:
    """``steps`` in consecutive pieces that grow from 4M to 16M steps.

    They grow because a stepped (recursive) schedule replays every step from 0
    on each call: growing pieces keep that replay to a few times the work of
    one call, while the first pieces still report progress early.
    """
    size, position = FIRST_CHUNK, 0
    while position < len(steps):
        yield steps[position:position + size]
        position += size
        size = min(2 * size, LARGEST_CHUNK)


def evaluate_in_chunks(schedule, steps: range, label: str) -> Iterator[tuple[range, np.ndarray]]:
    """``(piece, schedule(piece))`` for consecutive pieces of ``steps``, with a progress bar."""
    with Progress(label, len(steps)) as progress:
        for piece in chunks(steps):
            yield piece, schedule(piece)
            progress.advance(len(piece))
