"""Logged learning-rate traces: read them (CSV, TensorBoard event files) and
compare them with a schedule.

TensorBoard files are read here without TensorFlow or tensorboard: TFRecord
framing (a little-endian uint64 length, its masked CRC-32C, the data, the
data's masked CRC-32C), then just the protobuf fields a scalar needs:
``Event{step=2, summary=5}``, ``Summary{value=1}``, ``Value{tag=1,
simple_value=2, tensor=8}`` and ``TensorProto{dtype=1, tensor_content=4,
float_val=5, double_val=6}``. A CRC that does not match, or a record cut
short, is a TraceError naming the file and the byte offset.
"""

from __future__ import annotations

import csv
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._progress import Progress, evaluate_in_chunks
from ._schedule import Schedule
from ._ulp import ulp_distance

STEP_COLUMNS = ("step", "steps", "global_step", "iteration", "iter", "it", "batch", "epoch")
RATE_COLUMNS = ("lr", "learning_rate", "learning-rate", "learning rate", "value")
RATE_TAGS = ("learning_rate", "lr")
FIRST_DIFFERENCES = 5
DT_FLOAT, DT_DOUBLE = 1, 2
_CRC_TABLE_POLYNOMIAL = 0x82F63B78
_MASK_DELTA = 0xA282EAD8
_SHORT_RECORD = 4096


class TraceError(ValueError):
    """A trace that cannot be read: the message names the file and what is wrong."""


@dataclass(frozen=True)
class Trace:
    """Logged steps and rates, the dtype the rates were logged in, and where they came from."""

    steps: np.ndarray
    values: np.ndarray
    dtype: str
    source: str


def read_trace(path: str | Path, *, column: str | None = None, tag: str | None = None) -> Trace:
    """A trace from a CSV file (``column`` names the rate column) or a
    TensorBoard event file or log directory (``tag`` names the scalar)."""
    path = Path(path)
    if not path.exists():
        raise TraceError(f"trace {path}: no such file or directory")
    if path.is_dir() or "tfevents" in path.name:
        return read_events(path, tag)
    return read_csv(path, column)


def read_csv(path: Path, column: str | None = None) -> Trace:
    """A step column and a rate column, found by their headers (or the first
    two columns of a file without one; a single column is the rate at steps 0, 1, ...)."""
    try:
        rows = [row for row in csv.reader(path.read_text().splitlines()) if row]
    except (OSError, UnicodeDecodeError) as error:
        raise TraceError(f"trace {path}: cannot read it as text: {error}") from None
    if not rows:
        raise TraceError(f"trace {path}: the file is empty")
    header = [cell.strip() for cell in rows[0]]
    has_header = not all(_is_number(cell) for cell in header)
    body = rows[1:] if has_header else rows
    step_index, rate_index = _columns(path, header if has_header else [], column, len(rows[0]))
    try:
        values = np.array([float(row[rate_index]) for row in body])
        steps = np.array([int(float(row[step_index])) for row in body] if step_index is not None
                         else range(len(body)), dtype=np.int64)
    except (ValueError, IndexError) as error:
        raise TraceError(f"trace {path}: a row is not numbers in every column: {error}") from None
    rate_name = header[rate_index] if has_header else f"column {rate_index + 1}"
    return Trace(steps, values, "float64", f"{path} (CSV, rate column {rate_name!r})")


def _columns(path: Path, header: list[str], column: str | None, width: int) -> tuple[int | None, int]:
    """The indices of the step column (None: the row number) and of the rate column."""
    if not header:
        if column is not None:
            raise TraceError(f"trace {path}: --column {column!r} needs a header row, and the file has none")
        return (0, 1) if width >= 2 else (None, 0)
    names = [name.lower() for name in header]
    step = next((names.index(name) for name in STEP_COLUMNS if name in names), None)
    if column is not None:
        if column not in header:
            raise TraceError(f"trace {path}: no column {column!r}; the columns are {', '.join(header)}")
        return step, header.index(column)
    rate = next((names.index(name) for name in RATE_COLUMNS if name in names), None)
    if rate is None:
        rate = next((i for i, name in enumerate(names) if name.startswith("lr") or "learning_rate" in name), None)
    if rate is None:
        raise TraceError(f"trace {path}: no learning-rate column among {', '.join(header)}: name it with --column")
    return step, rate


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_events(path: Path, tag: str | None = None) -> Trace:
    """The scalar ``tag`` (or the one learning-rate tag) of a TensorBoard event
    file, or of every event file under a log directory; a step logged twice keeps its last value."""
    files = sorted(path.rglob("*tfevents*")) if path.is_dir() else [path]
    if not files:
        raise TraceError(f"trace {path}: no TensorBoard event files (events.out.tfevents.*) in the directory")
    scalars: dict[str, dict[int, tuple[float, str]]] = {}
    for file in files:
        for step, name, value, dtype in _scalars(file):
            scalars.setdefault(name, {})[step] = (value, dtype)
    chosen = _chosen_tag(path, scalars, tag)
    logged = sorted(scalars[chosen].items())
    dtypes = {dtype for _, (_, dtype) in logged}
    return Trace(np.array([step for step, _ in logged], dtype=np.int64),
                 np.array([value for _, (value, _) in logged]),
                 "float32" if dtypes == {"float32"} else "float64",
                 f"{path} (TensorBoard, tag {chosen!r})")


def _chosen_tag(path: Path, scalars: dict, tag: str | None) -> str:
    if tag is not None:
        if tag not in scalars:
            raise TraceError(f"trace {path}: no scalar tagged {tag!r}; the tags are {_listed(scalars)}")
        return tag
    candidates = [name for name in RATE_TAGS if name in scalars] or \
        [name for name in scalars if name.split("/")[-1].lower().startswith(("lr", "learning_rate"))]
    if len(candidates) != 1:
        problem = "several learning-rate tags" if candidates else "no learning-rate tag"
        raise TraceError(f"trace {path}: {problem} among {_listed(scalars)}: name one with --tag")
    return candidates[0]


def _listed(scalars: dict) -> str:
    return ", ".join(repr(name) for name in sorted(scalars)) or "none"


def _scalars(file: Path) -> Iterator[tuple[int, str, float, str]]:
    """``(step, tag, value, dtype)`` for each scalar summary of one event file."""
    for data in records(file):
        event = _fields(data, file)
        step = _signed(event.get(2, [0])[-1])
        for summary in event.get(5, []):
            for value in _fields(summary, file).get(1, []):
                yield (step, *_scalar(_fields(value, file), file))


def _scalar(value: dict[int, list], file: Path) -> tuple[str, float, str]:
    tag = value.get(1, [b""])[-1].decode("utf-8", "replace")
    if 2 in value:
        return tag, struct.unpack("<f", value[2][-1])[0], "float32"
    if 8 in value:
        tensor = _fields(value[8][-1], file)
        dtype = tensor.get(1, [DT_FLOAT])[-1]
        if dtype not in (DT_FLOAT, DT_DOUBLE):
            raise TraceError(f"trace {file}: the scalar {tag!r} has tensor dtype {dtype}, not float or double")
        code, name, field_number = ("<f", "float32", 5) if dtype == DT_FLOAT else ("<d", "float64", 6)
        raw = tensor.get(4, []) or tensor.get(field_number, [])
        numbers = [x for chunk in raw for x in struct.unpack(f"<{len(chunk) // struct.calcsize(code)}{code[1]}",
                                                              chunk)]
        if len(numbers) != 1:
            raise TraceError(f"trace {file}: the value tagged {tag!r} holds {len(numbers)} numbers, not one")
        return tag, numbers[0], name
    return tag, float("nan"), "float64"


def records(file: Path) -> Iterator[bytes]:
    """The data of every TFRecord in ``file``, after checking both CRCs of each."""
    try:
        content = file.read_bytes()
    except OSError as error:
        raise TraceError(f"trace {file}: cannot read it: {error}") from None
    framed = list(_framed(content, file))
    _check_crcs(content, framed, file)
    return (content[start + 12:start + 12 + length] for start, length in framed)


def _framed(content: bytes, file: Path) -> Iterator[tuple[int, int]]:
    """The offset and data length of each record."""
    position = 0
    while position < len(content):
        if position + 12 > len(content):
            raise TraceError(f"trace {file}: truncated record header at byte {position}")
        (length,) = struct.unpack_from("<Q", content, position)
        if position + 16 + length > len(content):
            raise TraceError(f"trace {file}: truncated record at byte {position} (it claims {length} bytes)")
        yield position, length
        position += 16 + length


def _check_crcs(content: bytes, framed: list[tuple[int, int]], file: Path) -> None:
    pieces = [(start, content[start:start + 8], content[start + 8:start + 12]) for start, _ in framed]
    pieces += [(start, content[start + 12:start + 12 + length],
                content[start + 12 + length:start + 16 + length]) for start, length in framed]
    computed = masked_crc32c([data for _, data, _ in pieces])
    for (start, _, stored), crc in zip(pieces, computed.tolist(), strict=True):
        if struct.unpack("<I", stored)[0] != crc:
            raise TraceError(f"trace {file}: corrupt record at byte {start} (its CRC does not match)")


def _crc_table() -> np.ndarray:
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ np.uint32(_CRC_TABLE_POLYNOMIAL), table >> 1).astype(np.uint32)
    return table


CRC_TABLE = _crc_table()


def masked_crc32c(pieces: list[bytes]) -> np.ndarray:
    """TFRecord's masked CRC-32C of each piece: short pieces in numpy, side by
    side (byte j of every piece at once), long ones byte by byte."""
    crcs = np.zeros(len(pieces), dtype=np.uint32)
    order = sorted(range(len(pieces)), key=lambda i: len(pieces[i]))
    short = [i for i in order if len(pieces[i]) <= _SHORT_RECORD]
    for batch in (short[i:i + 4096] for i in range(0, len(short), 4096)):
        crcs[batch] = _crc32c_side_by_side([pieces[i] for i in batch])
    for i in order[len(short):]:
        crcs[i] = _crc32c_one(pieces[i])
    rotated = ((crcs >> np.uint32(15)) | (crcs << np.uint32(17))).astype(np.uint32)
    return (rotated + np.uint32(_MASK_DELTA)).astype(np.uint32)


def _crc32c_side_by_side(pieces: list[bytes]) -> np.ndarray:
    lengths = np.array([len(piece) for piece in pieces])
    padded = np.zeros((len(pieces), int(lengths.max(initial=0))), dtype=np.uint8)
    for row, piece in enumerate(pieces):
        padded[row, :len(piece)] = np.frombuffer(piece, dtype=np.uint8)
    crc = np.full(len(pieces), 0xFFFFFFFF, dtype=np.uint32)
    for j in range(padded.shape[1]):
        updated = CRC_TABLE[(crc ^ padded[:, j]) & 0xFF] ^ (crc >> np.uint32(8))
        crc = np.where(lengths > j, updated, crc)
    return crc ^ np.uint32(0xFFFFFFFF)


def _crc32c_one(piece: bytes) -> int:
    table, crc = CRC_TABLE.tolist(), 0xFFFFFFFF
    for byte in piece:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _fields(data: bytes, file: Path) -> dict[int, list]:
    """A protobuf message's fields by number, each a list of its occurrences
    (varints as ints, the rest as bytes)."""
    fields: dict[int, list] = {}
    position = 0
    while position < len(data):
        key, position = _varint(data, position, file)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, position = _varint(data, position, file)
        elif wire in (1, 2, 5):
            size = {1: 8, 5: 4}.get(wire)
            if size is None:
                size, position = _varint(data, position, file)
            value, position = data[position:position + size], position + size
        else:
            raise TraceError(f"trace {file}: a record is not a TensorBoard event (protobuf wire type {wire})")
        if position > len(data):
            raise TraceError(f"trace {file}: a record ends inside a protobuf field")
        fields.setdefault(number, []).append(value)
    return fields


def _varint(data: bytes, position: int, file: Path) -> tuple[int, int]:
    value = shift = 0
    while True:
        if position >= len(data) or shift > 63:
            raise TraceError(f"trace {file}: a record ends inside a protobuf varint")
        byte = data[position]
        value |= (byte & 0x7F) << shift
        position, shift = position + 1, shift + 7
        if not byte & 0x80:
            return value, position


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


@dataclass(frozen=True)
class Comparison:
    """How a trace compares with a schedule: steps compared, the dtype of the
    comparison, the largest ULP and relative differences, the differing steps
    (the first few with both values and their ULP distance) and hints."""

    compared: int
    skipped: int
    dtype: str
    max_ulp: int
    max_relative: float
    differing: int
    first: list[tuple[int, float, float, int]]
    hints: list[str] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return self.compared > 0 and self.differing == 0

    def report(self) -> str:
        """The comparison in a few lines, numpy style."""
        lines = [f"steps compared: {self.compared}" + (f" ({self.skipped} skipped: before step 0 with the offset)"
                                                       if self.skipped else ""),
                 f"compared in {self.dtype}: max ULP {self.max_ulp}, max relative difference {self.max_relative:.3g}"]
        if self.matches:
            lines.append("the trace matches the schedule at every step")
        else:
            share = 100 * self.differing / max(self.compared, 1)
            lines.append(f"Mismatched steps: {self.differing} / {self.compared} ({share:.3g}%)")
            lines += [f"  step {step}: trace {actual!r}, pysched {expected!r} ({ulp} ULP)"
                      for step, actual, expected, ulp in self.first]
        lines += [f"hint: {hint}" for hint in self.hints]
        return "\n".join(lines)


def compare(schedule: Schedule, trace: Trace, *, offset: int = 0) -> Comparison:
    """Compare the trace's value at step t with the schedule's at step t + offset,
    in the schedule's dtype (in float32 if the trace was logged in float32)."""
    dtype = "float32" if trace.dtype == "float32" else schedule.dtype
    comparison = _compared(schedule, trace, offset, dtype)
    if not comparison.matches and comparison.compared:
        comparison.hints.extend(_hints(schedule, trace, offset, dtype))
    return comparison


def _compared(schedule: Schedule, trace: Trace, offset: int, dtype: str) -> Comparison:
    kept = trace.steps + offset >= 0
    steps, actual = trace.steps[kept], trace.values[kept].astype(dtype)
    expected = _expected(schedule, steps + offset).astype(dtype)
    ulps = ulp_distance(actual, expected)
    differing = np.flatnonzero(ulps)
    scale = np.maximum(np.abs(expected), np.finfo(dtype).tiny)
    relative = np.abs(actual.astype(np.float64) - expected) / scale
    return Comparison(int(steps.size), int((~kept).sum()), dtype, int(ulps.max(initial=0)),
                      float(np.nanmax(relative, initial=0.0)), int(differing.size),
                      [(int(steps[i]), float(actual[i]), float(expected[i]), int(ulps[i]))
                       for i in differing[:FIRST_DIFFERENCES]])


def _expected(schedule: Schedule, steps: np.ndarray) -> np.ndarray:
    """The schedule at the trace's steps: consecutive steps in chunks, with a progress bar."""
    if steps.size and np.array_equal(steps, np.arange(steps[0], steps[0] + steps.size)):
        span = range(int(steps[0]), int(steps[0]) + steps.size)
        return np.concatenate([values for _, values in evaluate_in_chunks(schedule, span, "check")] or
                              [np.empty(0, schedule.dtype)])
    with Progress("check", 1) as progress:
        values = schedule(steps)
        progress.advance(1)
    return values


def _hints(schedule: Schedule, trace: Trace, offset: int, dtype: str) -> Iterator[str]:
    for shift in (-1, 1):
        if _compared(schedule, trace, offset + shift, dtype).matches:
            yield (f"the trace matches the schedule shifted by one step: use --offset {offset + shift} "
                   "(a trace logged after the update, or counted from 1, holds the previous step's rate: "
                   "SPEC section 6, conventions)")
    kept = trace.steps + offset >= 0
    expected = _expected(schedule, trace.steps[kept] + offset).astype(np.float64)
    nonzero = expected != 0
    if nonzero.any():
        ratios = trace.values[kept][nonzero] / expected[nonzero]
        ratio = float(np.median(ratios))
        if ratio != 1 and np.allclose(ratios, ratio, rtol=1e-6, atol=0):
            yield (f"the trace is the schedule times {ratio:.7g} at every step: a different base rate, "
                   "or a scaled optimizer (pysched.scale gives that schedule)")
