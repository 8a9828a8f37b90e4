"""Plots of schedules: an image with matplotlib (imported only here, only when
asked), or an ASCII plot for a terminal with no dependency at all.

Long ranges are drawn from an envelope: the steps are split into as many
columns as the plot has pixels (or characters), and each column keeps its
smallest and largest rate, so a stair or a restart never falls between two
samples and 10**7 steps plot in well under a second.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._progress import evaluate_in_chunks
from ._schedule import Schedule

IMAGE_COLUMNS = 2000
MARKERS = "*+ox#@%&=~"
"""The character of each schedule in an ASCII plot, in order."""


@dataclass(frozen=True)
class Envelope:
    """Per column: its first step, its smallest and largest rate, and its first rate."""

    steps: np.ndarray
    low: np.ndarray
    high: np.ndarray
    first: np.ndarray


def envelope(schedule: Schedule, steps: range, columns: int) -> Envelope:
    """The schedule over ``steps`` in at most ``columns`` columns, evaluated in chunks."""
    if len(steps) == 0:
        raise ValueError(f"plot: steps must not be empty, got {steps.start}:{steps.stop}:{steps.step}")
    columns = min(columns, len(steps))
    starts = -(-np.arange(columns + 1, dtype=np.int64) * len(steps) // columns)
    low, high = np.full(columns, np.inf), np.full(columns, -np.inf)
    first = np.empty(columns)
    position = 0
    for piece, values in evaluate_in_chunks(schedule, steps, "plot"):
        end = position + len(piece)
        c0 = int(np.searchsorted(starts, position, side="right")) - 1
        c1 = int(np.searchsorted(starts, end - 1, side="right")) - 1
        cuts = np.maximum(starts[c0:c1 + 1], position) - position
        low[c0:c1 + 1] = np.fmin(low[c0:c1 + 1], np.minimum.reduceat(values, cuts))
        high[c0:c1 + 1] = np.fmax(high[c0:c1 + 1], np.maximum.reduceat(values, cuts))
        begins = (starts[c0:c1 + 1] >= position)
        first[c0:c1 + 1][begins] = values[starts[c0:c1 + 1][begins] - position]
        position = end
    column_steps = np.asarray(steps[0]) + steps.step * starts[:-1]
    return Envelope(column_steps, low, high, first)


def ascii_plot(schedules: Sequence[Schedule], labels: Sequence[str], steps: range, *, width: int, height: int,
               log: bool = False) -> str:
    """The schedules drawn with one character each (``*``, ``+``, ...) in a
    ``width`` by ``height`` block of text, with the rate and step ranges."""
    axis_width = 11
    columns, rows = max(width - axis_width - 1, 10), max(height - 3, 3)
    envelopes = [envelope(s, steps, columns) for s in schedules]
    scale = _Scale(envelopes, log)
    grid = [[" "] * columns for _ in range(rows)]
    for marker, shape in zip(MARKERS, envelopes, strict=False):
        for column, (low, high) in enumerate(zip(shape.low, shape.high, strict=True)):
            top, bottom = scale.row(high, rows), scale.row(low, rows)
            if top is None or bottom is None:
                continue
            for row in range(top, bottom + 1):
                grid[row][column] = marker
    lines = [f"{_axis_label(scale, row, rows):>{axis_width}}|{''.join(cells)}" for row, cells in enumerate(grid)]
    last = steps[-1]
    lines.append(" " * axis_width + "+" + "-" * columns)
    lines.append(" " * axis_width + f" {steps[0]}".ljust(columns - len(str(last)) + 1) + str(last))
    lines.append("  ".join(f"{marker} {label}" for marker, label in zip(MARKERS, labels, strict=False))
                 + ("   (log scale)" if log else ""))
    return "\n".join(lines)


class _Scale:
    """Rates to rows, linear or logarithmic; a rate a log scale cannot show has no row."""

    def __init__(self, envelopes: Sequence[Envelope], log: bool):
        values = np.concatenate([np.concatenate([e.low, e.high]) for e in envelopes])
        if log:
            values = values[values > 0]
        if values.size == 0:
            raise ValueError("plot: a log scale needs rates above 0, and every rate is 0 or below")
        self.log = log
        self.low, self.high = float(values.min()), float(values.max())

    def position(self, value: float) -> float:
        """0 at the smallest rate, 1 at the largest."""
        if self.high == self.low:
            return 0.5
        if self.log:
            return (math.log10(value) - math.log10(self.low)) / (math.log10(self.high) - math.log10(self.low))
        return (value - self.low) / (self.high - self.low)

    def row(self, value: float, rows: int) -> int | None:
        if self.log and value <= 0:
            return None
        return rows - 1 - round(self.position(value) * (rows - 1))


def _axis_label(scale: _Scale, row: int, rows: int) -> str:
    if row == 0:
        return f"{scale.high:.4g} "
    if row == rows - 1:
        return f"{scale.low:.4g} "
    return ""


def save_plot(schedules: Sequence[Schedule], labels: Sequence[str], steps: range, path: Path, *,
              log: bool = False) -> None:
    """The schedules overlaid in an image (PNG, SVG or any format matplotlib
    writes, by the file's suffix), one colour each, with a legend."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(9, 5), dpi=100)
    for schedule, label in zip(schedules, labels, strict=True):
        shape = envelope(schedule, steps, IMAGE_COLUMNS)
        x, y = _traced(shape)
        axes.plot(x, y, label=label, linewidth=1.5)
    axes.set_xlabel("step")
    axes.set_ylabel("learning rate")
    if log:
        axes.set_yscale("log", nonpositive="mask")
    axes.grid(True, alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path)
    pyplot.close(figure)


def _traced(shape: Envelope) -> tuple[np.ndarray, np.ndarray]:
    """A line through each column's extremes, entering at the end nearer its first rate."""
    high_first = shape.first >= (shape.low + shape.high) / 2
    y = np.empty(2 * shape.low.size)
    y[0::2] = np.where(high_first, shape.high, shape.low)
    y[1::2] = np.where(high_first, shape.low, shape.high)
    return np.repeat(shape.steps, 2), y
