"""Recorded oracle traces: what each framework version gave for each case, kept
under ``conformance/traces/`` so that pysched can be checked without the
frameworks, and two framework versions compared without running either.

A *trace set* is one environment's recording: ``sets/<name>.json`` holds its
provenance (the command, the date, the platform, each driver's framework
versions and backend) and, per case, the spec, the steps, the dtype, how the
oracle failed if it did, and the key of its values. The values live in
``values/<key>.bin``, shared by every set that recorded the same bits, so a
version matrix whose frameworks agree costs nothing more.

A values file is exact and compact: the trace's IEEE bit patterns (uint32 for
float32, uint64 for float64), each XORed with the one before it (a smooth or
constant schedule leaves mostly zero bytes), the bytes transposed so that equal
byte positions sit together, and zlib on top. Its key is the first 16 hex
digits of the SHA-256 of the dtype name and the raw values.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import platform
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .cases import Case
from .runner import OracleRun

ROOT = Path(__file__).resolve().parent / "traces"
REFERENCE = "pinned"
"""The set recorded with the Makefile's pinned frameworks: the offline conformance check."""

_UINT = {"float32": np.uint32, "float64": np.uint64}


def encode(values: np.ndarray) -> bytes:
    bits = np.ascontiguousarray(values).view(_UINT[values.dtype.name])
    deltas = bits.copy()
    deltas[1:] ^= bits[:-1]
    planes = deltas.view(np.uint8).reshape(-1, bits.itemsize).T
    return zlib.compress(planes.tobytes(), 9)


def decode(blob: bytes, dtype: str, size: int) -> np.ndarray:
    uint = _UINT[dtype]
    width = np.dtype(uint).itemsize
    planes = np.frombuffer(zlib.decompress(blob), dtype=np.uint8).reshape(width, size)
    bits = np.ascontiguousarray(planes.T).view(uint).ravel()
    return np.bitwise_xor.accumulate(bits).view(dtype)


def key_of(values: np.ndarray) -> str:
    digest = hashlib.sha256(values.dtype.name.encode() + np.ascontiguousarray(values).tobytes())
    return digest.hexdigest()[:16]


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal values bit for bit (0.0 and -0.0 differ), any NaN equal to any NaN."""
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    uint = _UINT[a.dtype.name]
    return bool(np.array_equal(nan_a, nan_b) and np.array_equal(a[~nan_a].view(uint), b[~nan_b].view(uint)))


@dataclass
class Recorded:
    """One case as a set recorded it."""

    case_id: str
    info: dict
    root: Path

    @property
    def driver(self) -> str:
        return self.info["driver"]

    def values(self) -> np.ndarray | None:
        """The trace, flat (param groups one after another), or None if the oracle raised."""
        if "values" not in self.info:
            return None
        blob = (self.root / "values" / f"{self.info['values']}.bin").read_bytes()
        return decode(blob, self.info["dtype"], self.info["size"])

    def stale(self, case: Case) -> str:
        """Why this recording no longer fits the case ('' if it does)."""
        if self.info["spec"] != json.loads(json.dumps(case.spec)):
            return "its spec changed"
        if self.info["steps"] != _steps(case):
            return "its steps changed"
        if self.info["rows"] != max(len(case.groups), 1):
            return "its param groups changed"
        return ""

    def oracle_run(self, versions: dict) -> OracleRun:
        """The recording as the runner would have returned it."""
        if "error" in self.info:
            return OracleRun(error=self.info["error"], versions=versions)
        return OracleRun(values=self.values(), failure=self.info["failure"], versions=versions)


@dataclass
class TraceSet:
    """One environment's recorded traces."""

    name: str
    manifest: dict
    root: Path = ROOT
    cases: dict[str, Recorded] = field(init=False)

    def __post_init__(self):
        self.cases = {case_id: Recorded(case_id, info, self.root) for case_id, info in self.manifest["cases"].items()}

    def versions(self, driver: str) -> dict:
        return {**self.manifest["platform"], **self.manifest["drivers"].get(driver, {})}

    def describe(self) -> str:
        from .report import framework

        drivers = sorted(self.manifest["drivers"])
        shown = "; ".join(f"{driver}: {framework(self.versions(driver))}" for driver in drivers)
        return f"{self.name} ({shown}; {self.manifest['platform']['libc']}, recorded {self.manifest['created'][:10]})"


def _steps(case: Case) -> dict:
    return {"start": case.steps.start, "stop": case.steps.stop, "far": list(case.steps.far)}


def set_names(root: Path = ROOT) -> list[str]:
    return sorted(path.stem for path in (root / "sets").glob("*.json"))


def load(name: str, root: Path = ROOT) -> TraceSet:
    path = root / "sets" / f"{name}.json"
    if not path.exists():
        known = ", ".join(set_names(root)) or "none yet"
        raise FileNotFoundError(f"no recorded trace set {name!r} in {root} (recorded: {known})")
    return TraceSet(name, json.loads(path.read_text()), root)


PLATFORM_KEYS = ("python", "numpy", "libc", "machine")


def record(name: str, cases: list[Case], runs: dict[str, OracleRun], command: str, root: Path = ROOT) -> TraceSet:
    """Store the runs of ``cases`` as the set ``name``, replacing the cases it
    had under the same ids and keeping the others."""
    path = root / "sets" / f"{name}.json"
    manifest = json.loads(path.read_text()) if path.exists() else {"cases": {}, "drivers": {}}
    manifest.update(name=name, command=command, platform=_platform(),
                    created=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"))
    (root / "values").mkdir(parents=True, exist_ok=True)
    for case in cases:
        run = runs[case.id]
        if run.unavailable:
            continue
        if run.versions:
            manifest["drivers"][case.driver] = {k: v for k, v in run.versions.items() if k not in PLATFORM_KEYS}
        manifest["cases"][case.id] = _case_entry(case, run, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return TraceSet(name, manifest, root)


def _case_entry(case: Case, run: OracleRun, root: Path) -> dict:
    entry = {"driver": case.driver, "oracle": case.oracle, "kind": case.kind, "spec": case.spec,
             "steps": _steps(case), "rows": max(len(case.groups), 1)}
    if run.error:
        return {**entry, "error": run.error.strip().splitlines()[-1]}
    values = np.ascontiguousarray(run.values).ravel()
    key = key_of(values)
    blob = root / "values" / f"{key}.bin"
    if not blob.exists():
        blob.write_bytes(encode(values))
    return {**entry, "dtype": values.dtype.name, "size": values.size, "values": key, "failure": run.failure}


def _platform() -> dict:
    libc, version = platform.libc_ver()
    return {"python": platform.python_version(), "numpy": np.__version__, "libc": f"{libc} {version}",
            "machine": platform.machine()}


def unused_values(root: Path = ROOT) -> list[Path]:
    """Values files no set refers to any more (left behind by re-recording)."""
    used = {info["values"] for name in set_names(root) for info in load(name, root).manifest["cases"].values()
            if "values" in info}
    return [path for path in (root / "values").glob("*.bin") if path.stem not in used]


@functools.cache
def _cached(name: str, root: Path) -> TraceSet:
    return load(name, root)


def same_versions(a: dict, b: dict) -> bool:
    """The same frameworks on the same platform (the Python and numpy patch level aside)."""
    def key(versions: dict) -> dict:
        return {k: v for k, v in versions.items() if k not in ("python", "numpy")}

    return key(a) == key(b)


def recordings_like(case: Case, versions: dict, root: Path = ROOT) -> list[tuple[str, Recorded]]:
    """The current recordings of ``case`` made with these framework versions on this platform."""
    found = []
    for name in set_names(root):
        trace_set = _cached(name, root)
        recorded = trace_set.cases.get(case.id)
        if recorded and not recorded.stale(case) and same_versions(trace_set.versions(case.driver), versions):
            found.append((name, recorded))
    return found
