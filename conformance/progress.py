"""A one-line progress display on stderr, rewritten in place while the oracles
run, and nothing at all when stderr is not a terminal (CI logs stay as they were)."""

from __future__ import annotations

import shutil
import sys
import threading
import time
from typing import TextIO

TICK = 1.0
"""Seconds between redraws when nothing happens, so the elapsed time moves."""


class Progress:
    """Which drivers are running, how many cases are done of how many, and the
    elapsed time. A context manager: the line is cleared on exit."""

    def __init__(self, total: int, stream: TextIO | None = None):
        self.stream = sys.stderr if stream is None else stream
        self.shown = self.stream.isatty()
        self.total, self.done = total, 0
        self.running: list[str] = []
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, daemon=True)

    def __enter__(self) -> Progress:
        if self.shown:
            self._ticker.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self.shown:
            self._ticker.join()
            self._write("")

    def started_driver(self, driver: str) -> None:
        with self._lock:
            self.running.append(driver)
        self.draw()

    def finished_driver(self, driver: str, cases: int) -> None:
        with self._lock:
            self.running.remove(driver)
            self.done += cases
        self.draw()

    def line(self) -> str:
        elapsed = int(time.monotonic() - self.started)
        running = f" · running {', '.join(self.running)}" if self.running else ""
        return f"conformance: {self.done}/{self.total} cases{running} · {elapsed // 60}:{elapsed % 60:02d}"

    def draw(self) -> None:
        if self.shown:
            with self._lock:
                self._write(self.line())

    def _write(self, text: str) -> None:
        width = shutil.get_terminal_size().columns - 1
        self.stream.write(f"\r\x1b[K{text[:width]}")
        self.stream.flush()

    def _tick(self) -> None:
        while not self._stop.wait(TICK):
            self.draw()
