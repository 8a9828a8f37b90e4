"""``python -m conformance``: run the oracles, compare pysched, write the report.

Exits 0 when every case passes, 1 when any fails or errs, 2 when a selected
framework is not installed (unless --allow-missing).
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
import time
from pathlib import Path

from . import report
from .cases import DRIVERS, all_cases
from .compare import compare
from .runner import run_oracles

DEFAULT_REPORT = Path(__file__).resolve().parent / "reports" / "latest"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m conformance", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    drivers = sorted(set(DRIVERS.values()))
    parser.add_argument("--frameworks", nargs="+", choices=drivers, default=drivers,
                        help="drivers to run (default: all)")
    parser.add_argument("--cases", nargs="+", default=["*"], metavar="PATTERN",
                        help="glob patterns on case ids, e.g. 'seed.*' or '*@keras3'")
    parser.add_argument("--steps", type=int, metavar="N",
                        help="check at most N contiguous steps per case (far steps are kept)")
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT, help="report folder")
    parser.add_argument("--jobs", type=int, default=2, help="driver processes at a time")
    parser.add_argument("--allow-missing", action="store_true",
                        help="report cases of missing frameworks as unavailable instead of failing")
    parser.add_argument("--list", action="store_true", help="list the selected cases and exit")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    cases = [c for c in all_cases() if c.driver in args.frameworks
             and any(fnmatch.fnmatchcase(c.id, pattern) for pattern in args.cases)]
    if args.list:
        print("\n".join(c.id for c in cases))
        return 0
    started = time.monotonic()
    runs = run_oracles(cases, args.steps, args.jobs)
    results = [compare(case, runs[case.id], args.steps) for case in cases]
    built = report.build(results)
    report.write(built, args.report)
    summary = built["summary"]
    for result in results:
        if result.verdict != "pass":
            print(f"{result.verdict.upper()} {result.case.id}\n{result.message}\n", file=sys.stderr)
    print(f"{summary['cases']} cases, {summary['steps_checked']:,} steps: {summary['pass']} pass, "
          f"{summary['fail']} fail, {summary['error']} error, {summary['unavailable']} unavailable; "
          f"max ULP {summary['max_ulp']} ({time.monotonic() - started:.0f} s). Report: {args.report}/report.md")
    if summary["fail"] or summary["error"]:
        return 1
    return 2 if summary["unavailable"] and not args.allow_missing else 0


if __name__ == "__main__":
    sys.exit(main())
