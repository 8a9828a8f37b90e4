"""The ``pysched`` command line.

    pysched list                                  every kind, its parameters and defaults
    pysched eval SPEC --steps A:B[:S] [--out F]   learning rates to F (.npy or .csv) or stdout

SPEC is a JSON file, a JSON string, or ``-`` (standard input). Exit codes: 0
done, 1 a bad spec or steps (the message names the parameter), 2 a bad command
line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from ._params import REQUIRED
from ._schedule import families, schedule


def read_spec(text: str) -> Any:
    """A spec from a JSON file, a JSON string, or ``-`` for standard input."""
    if text == "-":
        return json.loads(sys.stdin.read())
    path = Path(text)
    if not text.lstrip().startswith("{") and path.is_file():
        return json.loads(path.read_text())
    return json.loads(text)


def parse_steps(text: str) -> range:
    """``A:B`` or ``A:B:S``: the steps A, A + S, ... below B."""
    parts = text.split(":")
    if len(parts) not in (2, 3) or not all(part.strip().lstrip("-").isdigit() for part in parts):
        raise ValueError(f"steps must be A:B or A:B:S with integers, got {text!r}")
    start, stop, *stride = (int(part) for part in parts)
    if start < 0 or (stride and stride[0] < 1):
        raise ValueError(f"steps must start at 0 or later with a stride of 1 or more, got {text!r}")
    return range(start, stop, *stride)


def list_families(out) -> None:
    for kind, family in families().items():
        params = ", ".join(param.name if param.default is REQUIRED else f"{param.name}={param.default!r}"
                           for param in family.params)
        print(f"{kind}({params}) dtype={family.dtype}", file=out)


def evaluate(args: argparse.Namespace, out) -> None:
    s = schedule(read_spec(args.spec), precision=args.precision)
    steps = parse_steps(args.steps)
    values = s(steps)
    if args.out is None:
        for step, value in zip(steps, values.tolist(), strict=True):
            print(f"{step},{value!r}", file=out)
    elif args.out.suffix == ".npy":
        np.save(args.out, values)
    else:
        args.out.write_text("step,lr\n" + "".join(f"{step},{value!r}\n" for step, value in
                                                  zip(steps, values.tolist(), strict=True)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pysched", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="every kind, its parameters and defaults")
    eval_parser = commands.add_parser("eval", help="learning rates at a range of steps")
    eval_parser.add_argument("spec", help="a JSON file, a JSON string, or - for standard input")
    eval_parser.add_argument("--steps", required=True, help="A:B or A:B:S")
    eval_parser.add_argument("--out", type=Path, help="a .npy or .csv file (default: CSV lines on stdout)")
    eval_parser.add_argument("--precision", choices=("exact", "fast"), default="exact")
    args = parser.parse_args(argv)
    try:
        if args.command == "list":
            list_families(sys.stdout)
        else:
            evaluate(args, sys.stdout)
    except (ValueError, TypeError) as error:  # json.JSONDecodeError is a ValueError
        print(f"pysched: {error}", file=sys.stderr)
        return 1
    return 0
