"""``python -m conformance``: run the oracles, compare pysched, write the report.

    python -m conformance [run] [options]     compare pysched with the live oracles
    python -m conformance run --traces NAME   ... or offline, with a recorded trace set
    python -m conformance record [options]    store the oracles' traces as a trace set
    python -m conformance diff A B            compare two recorded trace sets

``run`` exits 0 when every case passes, 1 when any fails or errs, 2 when a
selected framework is not installed (unless --allow-missing). ``diff`` exits 1
when the sets differ.
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
import time
from pathlib import Path

from . import diff, html_report, report, traces
from .cases import DRIVERS, Case, all_cases
from .compare import compare
from .progress import Progress
from .runner import OracleRun, run_oracles

REPORTS = Path(__file__).resolve().parent / "reports"
COMMANDS = ("run", "record", "diff")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m conformance", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser("run", help="compare pysched with the live oracles (the default)")
    _selection(run)
    run.add_argument("--steps", type=int, metavar="N",
                     help="check at most N contiguous steps per case (far steps are kept)")
    run.add_argument("--traces", metavar="NAME",
                     help="compare with a recorded trace set (conformance/traces/sets/NAME.json, e.g. "
                     f"{traces.REFERENCE}) instead of the live oracles: offline, no framework needed")
    run.add_argument("--report", type=Path, default=REPORTS / "latest",
                     help="report folder (report.json, report.md, report.html)")
    run.add_argument("--allow-missing", action="store_true",
                     help="report cases of missing frameworks as unavailable instead of failing")
    run.add_argument("--list", action="store_true", help="list the selected cases and exit")
    record = commands.add_parser("record", help="store the live oracles' traces under conformance/traces")
    _selection(record)
    record.add_argument("--name", default=traces.REFERENCE,
                        help=f"the trace set, e.g. torch-2.14.1 (default: {traces.REFERENCE})")
    compared = commands.add_parser("diff", help="compare two recorded trace sets")
    compared.add_argument("a", help="a trace set name (conformance/traces/sets/<name>.json)")
    compared.add_argument("b", help="the other trace set")
    compared.add_argument("--report", type=Path, help="folder for diff.json and diff.md "
                          "(default: conformance/reports/diff/<a>--<b>)")
    compared.add_argument("--ignore-oracle", action="store_true",
                          help="pair cases by kind and label alone (to compare Keras 3 with tf_keras, say)")
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help"):
        argv = ["run", *argv]
    args = parser.parse_args(argv)
    if args.command == "run" and args.traces and args.steps:
        run.error("--steps applies to the live oracles; a trace set holds the steps it recorded")
    return args


def _selection(parser: argparse.ArgumentParser) -> None:
    drivers = sorted(set(DRIVERS.values()))
    parser.add_argument("--frameworks", nargs="+", choices=drivers, default=drivers,
                        help="drivers to run (default: all)")
    parser.add_argument("--cases", nargs="+", default=["*"], metavar="PATTERN",
                        help="glob patterns on case ids, e.g. 'seed.*' or '*@keras3'")
    parser.add_argument("--jobs", type=int, default=2, help="driver processes at a time")


def selected(args: argparse.Namespace) -> list[Case]:
    """The cases the patterns and frameworks select; with recorded traces (record,
    run --traces), not those that check pysched's adapters, which need the live frameworks."""
    recorded = args.command == "record" or getattr(args, "traces", None)
    return [c for c in all_cases() if c.driver in args.frameworks and not (recorded and c.checks_adapter)
            and any(fnmatch.fnmatchcase(c.id, pattern) for pattern in args.cases)]


def run(args: argparse.Namespace) -> int:
    cases = selected(args)
    if args.list:
        print("\n".join(c.id for c in cases))
        return 0
    started = time.monotonic()
    if args.traces:
        runs = recorded_runs(cases, traces.load(args.traces))
    else:
        with Progress(len(cases)) as progress:
            runs = run_oracles(cases, args.steps, args.jobs, progress)
    results = [compare(case, runs[case.id], args.steps) for case in cases]
    built = report.build(results)
    report.write(built, args.report)
    html_report.write(built, results, args.report)
    summary = built["summary"]
    for result in results:
        if result.verdict != "pass":
            print(f"{result.verdict.upper()} {result.case.id}\n{result.message}\n", file=sys.stderr)
    print(f"{summary['cases']} cases, {summary['steps_checked']:,} steps: {summary['pass']} pass, "
          f"{summary['fail']} fail, {summary['error']} error, {summary['unavailable']} unavailable; "
          f"max ULP {summary['max_ulp']} ({time.monotonic() - started:.0f} s). Report: {args.report}/report.md "
          "(and .json, .html)")
    if summary["fail"] or summary["error"]:
        return 1
    return 2 if summary["unavailable"] and not args.allow_missing else 0


def recorded_runs(cases: list[Case], trace_set: traces.TraceSet) -> dict[str, OracleRun]:
    """The cases' oracle runs as ``trace_set`` recorded them: a case it lacks is
    unavailable, one recorded before its spec or steps changed is an error."""
    runs = {}
    for case in cases:
        recorded = trace_set.cases.get(case.id)
        stale = recorded.stale(case) if recorded else ""
        if recorded is None:
            runs[case.id] = OracleRun(unavailable=f"trace set {trace_set.name!r} has no recording of this case")
        elif stale:
            runs[case.id] = OracleRun(error=f"trace set {trace_set.name!r} recorded this case before {stale}")
        else:
            runs[case.id] = recorded.oracle_run(trace_set.versions(case.driver))
    return runs


def record(args: argparse.Namespace) -> int:
    cases = selected(args)
    started = time.monotonic()
    with Progress(len(cases)) as progress:
        runs = run_oracles(cases, jobs=args.jobs, progress=progress)
    command = " ".join(["python -m conformance", *sys.argv[1:]])
    recorded = traces.record(args.name, cases, runs, command)
    for path in traces.unused_values():
        path.unlink()
    missing = sorted({runs[c.id].unavailable for c in cases if runs[c.id].unavailable})
    size = sum(path.stat().st_size for path in traces.ROOT.rglob("*") if path.is_file())
    print(f"recorded {len(cases) - sum(bool(runs[c.id].unavailable) for c in cases)} cases as "
          f"{recorded.describe()} ({time.monotonic() - started:.0f} s); conformance/traces holds "
          f"{size / 2**20:.2f} MiB")
    for message in missing:
        print(f"not recorded: {message}", file=sys.stderr)
    return 2 if missing else 0


def compare_sets(args: argparse.Namespace) -> int:
    drift = diff.diff_sets(traces.load(args.a), traces.load(args.b), args.ignore_oracle)
    folder = args.report or REPORTS / "diff" / f"{args.a}--{args.b}"
    diff.write(drift, folder)
    summary = ", ".join(f"{count} {status}" for status, count in drift["summary"].items())
    print(f"{args.a} vs {args.b}: {summary}. Report: {folder}/diff.md")
    return 1 if any(row["status"] in diff.CHANGED for row in drift["cases"]) else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    return {"run": run, "record": record, "diff": compare_sets}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
