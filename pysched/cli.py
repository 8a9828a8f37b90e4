"""The ``pysched`` command line.

    pysched list [--kind PATTERN] [--json]        every kind, its parameters and defaults
    pysched show SPEC [--steps N]                 formula, oracle, values at step 0, every boundary, the last step
    pysched eval SPEC --steps A:B[:S] [--out F]   learning rates to F (.npy or .csv) or stdout
    pysched plot SPEC... --steps A:B[:S] [--out F.png|F.svg] [--log] [--labels ...]
                                                  curves overlaid: an image, or an ASCII plot in the terminal
    pysched lint SPEC --total-steps N             warnings for schedules that silently do nothing or surprise
    pysched check SPEC --trace F [--column C] [--tag T] [--offset K]
                                                  compare a logged trace (CSV, TensorBoard events) with the spec
    pysched convert SPEC --to torch|keras|tf1|optax [--steps N]
                                                  the target framework's own constructor, proven step by step

SPEC is a JSON file, a JSON string, or ``-`` (standard input). Long commands
show a progress bar on standard error when it is a terminal.

Exit codes:
    0  done; lint clean; the trace matches; the conversion is exact
    1  a bad spec, steps or input file (the message names the parameter or the file)
    2  a bad command line
    3  a finding: lint findings, a trace that parts from the spec, an inexact conversion
    4  a missing optional dependency (matplotlib, a framework)
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import math
import shutil
import sys
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from ._anatomy import anatomy, first_of, marks, parts
from ._params import REQUIRED
from ._progress import evaluate_in_chunks
from ._schedule import Schedule, families, schedule

FINDING, MISSING = 3, 4
CONVERT_TARGETS = ("torch", "keras", "tf1", "optax")


def read_spec(text: str) -> Any:
    """A spec from a JSON file, a JSON string, or ``-`` for standard input:
    strict JSON, each key once per object; ValueError names what is wrong."""
    if text == "-":
        return parse_json(sys.stdin.buffer.read(), "standard input")
    path = Path(text)
    if text.lstrip().startswith(("{", "[", '"')):
        return parse_json(text.encode(errors="surrogateescape"), "the spec argument")
    if not _is_a_path(path):
        try:
            return parse_json(text.encode(errors="surrogateescape"), "the spec argument")
        except ValueError:
            raise ValueError(f"{text} is no file, nor a JSON spec") from None
    if path.is_dir():
        raise ValueError(f"{text} is a directory, not a spec file")
    return parse_json(path.read_bytes(), text)


def _is_a_path(path: Path) -> bool:
    """Whether something is there; a name the system cannot take (too long, a NUL) is no file."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def parse_json(data: bytes, source: str) -> Any:
    """A JSON document in UTF-8; ValueError naming ``source`` and the problem."""
    try:
        document = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{source} is not UTF-8 text: {error}") from None
    if not document.strip():
        raise ValueError(f"{source} is empty: a spec is a JSON object such as "
                         '{"kind": "torch.StepLR", "lr": 0.1, "step_size": 30}')
    try:
        return json.loads(document, object_pairs_hook=_unique_keys)
    except RecursionError:
        raise ValueError(f"{source} nests arrays or objects too deeply to read") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{source} is not valid JSON: {error}") from None
    except ValueError as error:  # a repeated key, an int of more than 4300 digits
        raise ValueError(f"{source}: {error}") from None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys are all different: a repeated key is ambiguous."""
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"the key {key!r} appears twice in one object (with {seen[key]!r} and {value!r})")
        seen[key] = value
    return seen


def parse_steps(text: str) -> range:
    """``A:B`` or ``A:B:S``: the steps A, A + S, ... below B."""
    parts = text.split(":")
    if len(parts) not in (2, 3) or not all(part.strip().lstrip("-").isdigit() for part in parts):
        raise ValueError(f"steps must be A:B or A:B:S with integers, got {text!r}")
    start, stop, *stride = (int(part) for part in parts)
    if start < 0 or (stride and stride[0] < 1):
        raise ValueError(f"steps must start at 0 or later with a stride of 1 or more, got {text!r}")
    return range(start, stop, *stride)


def list_families(args: argparse.Namespace, out: TextIO) -> int:
    chosen = {kind: family for kind, family in families().items()
              if args.kind is None or _matches(kind, args.kind)}
    if args.json:
        print(json.dumps({kind: {"params": {p.name: None if p.default is REQUIRED else p.default
                                            for p in family.params},
                                 "required": [p.name for p in family.params if p.default is REQUIRED],
                                 "dtype": family.dtype, "oracle": family.oracle}
                          for kind, family in chosen.items()}, indent=2, default=repr), file=out)
        return 0
    for kind, family in chosen.items():
        params = ", ".join(param.name if param.default is REQUIRED else f"{param.name}={param.default!r}"
                           for param in family.params)
        print(f"{kind}({params}) dtype={family.dtype}", file=out)
    return 0


def _matches(kind: str, pattern: str) -> bool:
    """A shell pattern (``torch.*``), or else a part of the kind, either case."""
    pattern = pattern.lower()
    return fnmatch.fnmatch(kind.lower(), pattern) if any(c in pattern for c in "*?[") else pattern in kind.lower()


def show(args: argparse.Namespace, out: TextIO) -> int:
    s = schedule(read_spec(args.spec))
    last = _last_step(s, args.steps)
    family = s.family
    print(f"kind    {s.kind}\ndtype   {s.dtype}\noracle  {family.oracle}", file=out)
    print(f"spec    {json.dumps(s.to_dict())}\n", file=out)
    print("\n".join("    " + line if line else "" for line in family.doc.splitlines()), file=out)
    print(f"\n{'step':>12}  {'learning rate':<24}  where", file=out)
    for step, label in _shown_steps(s, last):
        print(f"{step:>12}  {s(step)!r:<24}  {label}", file=out)
    return 0


def _last_step(s: Schedule, steps: int | None) -> int:
    if steps is not None:
        if steps < 0:
            raise ValueError(f"steps must be >= 0, got {steps}")
        return steps
    last = horizon(s)
    if last is None:
        raise ValueError(f"{s.kind} has no horizon of its own (no decay_steps, total_steps, T_max...): "
                         "give the last step with --steps N")
    return last


def horizon(s: Schedule) -> int | None:
    """The step where the schedule's decay ends: its own, or its children's latest."""
    own = first_of(anatomy(s.kind).horizon, s.to_dict())
    if own is not None:
        return math.ceil(own[1])
    ends = [part.start + end for part in parts(s) if (end := horizon(part.schedule)) is not None]
    return max(ends, default=None)


def _shown_steps(s: Schedule, last: int) -> list[tuple[int, str]]:
    """Step 0, each boundary with the steps just before and after it, and the last step."""
    labels: dict[int, list[str]] = {0: ["start"], last: ["last step"]}
    for mark in marks(s):
        if 0 < mark.step <= last:
            labels.setdefault(mark.step, []).append(mark.label)
            for near in (mark.step - 1, mark.step + 1):
                if 0 <= near <= last:
                    labels.setdefault(near, [])
    return [(step, ", ".join(labels[step])) for step in sorted(labels)]


def evaluate(args: argparse.Namespace, out: TextIO) -> int:
    s = schedule(read_spec(args.spec), precision=args.precision)
    steps = parse_steps(args.steps)
    if args.out is not None and args.out.suffix == ".npy":
        values = np.empty(len(steps), dtype=s.dtype)
        position = 0
        for piece, chunk in evaluate_in_chunks(s, steps, "eval"):
            values[position:position + len(piece)] = chunk
            position += len(piece)
        np.save(args.out, values)
        return 0
    with open(args.out, "w") if args.out is not None else _kept_open(out) as sink:
        if args.out is not None:
            sink.write("step,lr\n")
        for piece, chunk in evaluate_in_chunks(s, steps, "eval"):
            sink.write("".join(f"{step},{value!r}\n" for step, value in zip(piece, chunk.tolist(), strict=True)))
    return 0


class _kept_open:
    """Standard output as a context manager that leaves it open."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def __enter__(self) -> TextIO:
        return self.stream

    def __exit__(self, *exc_info: object) -> None:
        self.stream.flush()


def plot(args: argparse.Namespace, out: TextIO) -> int:
    schedules = [schedule(read_spec(text)) for text in args.specs]
    labels = args.labels or [s.kind for s in schedules]
    if len(labels) != len(schedules):
        raise ValueError(f"labels must give one label per spec ({len(schedules)}), got {len(labels)}")
    steps = parse_steps(args.steps)
    if len(steps) == 0:
        raise ValueError(f"steps must not be empty, got {args.steps!r}")
    from .plot import ascii_plot, save_plot

    if args.out is None:
        size = shutil.get_terminal_size()
        print(ascii_plot(schedules, labels, steps, width=args.width or size.columns,
                         height=args.height or min(size.lines, 24), log=args.log), file=out)
        return 0
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print("pysched: plot --out needs matplotlib (pip install 'pysched[plot]'); "
              "without --out, pysched plots in the terminal", file=sys.stderr)
        return MISSING
    save_plot(schedules, labels, steps, args.out, log=args.log)
    print(f"wrote {args.out}", file=out)
    return 0


def lint_command(args: argparse.Namespace, out: TextIO) -> int:
    from .lint import lint

    findings = lint(read_spec(args.spec), args.total_steps)
    for finding in findings:
        print(finding, file=out)
    return FINDING if findings else 0


def check(args: argparse.Namespace, out: TextIO) -> int:
    from .trace import compare, read_trace

    s = schedule(read_spec(args.spec))
    trace = read_trace(args.trace, column=args.column, tag=args.tag)
    comparison = compare(s, trace, offset=args.offset)
    print(f"trace: {trace.source}\nspec: {s.kind} ({s.dtype})", file=out)
    print(comparison.report(), file=out)
    return 0 if comparison.matches else FINDING


def convert_command(args: argparse.Namespace, out: TextIO) -> int:
    from .adapters.convert import convert

    s = schedule(read_spec(args.spec))
    try:
        conversion = convert(s, args.to, steps=args.steps)
    except ImportError as missing:
        print(f"pysched: convert --to {args.to} needs {args.to}'s framework: {missing}", file=sys.stderr)
        return MISSING
    print(conversion.report(), file=out)
    return 0 if conversion.exact else FINDING


SPEC_HELP = "a JSON file, a JSON string, or - for standard input"


def parser() -> argparse.ArgumentParser:
    """The command line: every command, its arguments and its help."""
    root = argparse.ArgumentParser(prog="pysched", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = root.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="every kind, its parameters and defaults")
    listing.add_argument("--kind", help="only the kinds matching this pattern (torch.*, or a part: cosine)")
    listing.add_argument("--json", action="store_true", help="as JSON: parameters, defaults, dtype, oracle")
    showing = commands.add_parser("show", help="formula, oracle, and the values at every boundary")
    showing.add_argument("spec", help=SPEC_HELP)
    showing.add_argument("--steps", type=int, help="the last step to show (default: the schedule's horizon, "
                                                   "decay_steps, T_max, total_steps...)")
    evaluating = commands.add_parser("eval", help="learning rates at a range of steps")
    evaluating.add_argument("spec", help=SPEC_HELP)
    evaluating.add_argument("--steps", required=True, help="A:B or A:B:S")
    evaluating.add_argument("--out", type=Path, help="a .npy or .csv file (default: CSV lines on stdout)")
    evaluating.add_argument("--precision", choices=("exact", "fast"), default="exact")
    plotting = commands.add_parser("plot", help="schedules overlaid: an image, or an ASCII plot")
    plotting.add_argument("specs", nargs="+", metavar="spec", help=SPEC_HELP)
    plotting.add_argument("--steps", required=True, help="A:B or A:B:S")
    plotting.add_argument("--out", type=Path, help="an image, F.png or F.svg (needs matplotlib); "
                                                   "default: an ASCII plot on stdout")
    plotting.add_argument("--ascii", action="store_true", help="an ASCII plot on stdout (the default)")
    plotting.add_argument("--log", action="store_true", help="a logarithmic rate axis")
    plotting.add_argument("--labels", nargs="+", help="one legend label per spec (default: the kinds)")
    plotting.add_argument("--width", type=int, help="ASCII plot width (default: the terminal's)")
    plotting.add_argument("--height", type=int, help="ASCII plot height (default: the terminal's, at most 24)")
    linting = commands.add_parser("lint", help="warnings for schedules that silently do nothing or surprise")
    linting.add_argument("spec", help=SPEC_HELP)
    linting.add_argument("--total-steps", type=int, required=True, help="how many steps training runs")
    checking = commands.add_parser("check", help="compare a logged learning-rate trace with the spec")
    checking.add_argument("spec", help=SPEC_HELP)
    checking.add_argument("--trace", type=Path, required=True,
                          help="a CSV file (step and lr columns) or a TensorBoard event file or log directory")
    checking.add_argument("--column", help="the CSV column of the rate (default: lr, learning_rate, ...)")
    checking.add_argument("--tag", help="the TensorBoard scalar tag (default: learning_rate, lr, lr-*)")
    checking.add_argument("--offset", type=int, default=0,
                          help="the trace's step t holds the schedule's step t + K (default 0)")
    converting = commands.add_parser("convert", help="the target framework's own schedule, proven step by step")
    converting.add_argument("spec", help=SPEC_HELP)
    converting.add_argument("--to", required=True, choices=CONVERT_TARGETS)
    converting.add_argument("--steps", type=int, help="how many steps the proof runs")
    return root


COMMANDS = {"list": list_families, "show": show, "eval": evaluate, "plot": plot, "lint": lint_command,
            "check": check, "convert": convert_command}


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit code is in the module docstring."""
    args = parser().parse_args(argv)
    if args.command == "plot" and args.ascii and args.out is not None:
        parser().error("plot: give --out or --ascii, not both")
    try:
        return COMMANDS[args.command](args, sys.stdout)
    except (ValueError, TypeError, OSError) as error:  # json.JSONDecodeError and TraceError are ValueErrors
        print(f"pysched: {error}", file=sys.stderr)
        return 1
    except ImportError as missing:
        print(f"pysched: {args.command} needs an optional dependency: {missing}", file=sys.stderr)
        return MISSING
