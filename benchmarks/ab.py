"""Same-run A/B: pysched at a base commit against the working tree, built and
timed in one job on one machine, interleaved round by round so that both see
the same machine state. Exits 1 when the working tree is slower than the base
by more than the threshold on the chosen statistic (min or median).

    python benchmarks/ab.py [--base REF] [--rounds 3] [--stat min|median] [--threshold 1.10] [-k EXPR]

Both sides run the working tree's benchmarks (so the base must have the API
they call); each side imports its own pysched from its own checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HEAD = Path(__file__).resolve().parent.parent
DEFAULT_SELECTION = "pysched- or pysched] or evaluate_many"  # pysched's own rows


def checkout(base: str, folder: Path) -> Path:
    subprocess.run(["git", "-C", str(HEAD), "worktree", "add", "--detach", str(folder), base], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "build.py"], cwd=folder, check=True, stdout=subprocess.DEVNULL)
    return folder


def timings(side: Path, selection: str, out: Path) -> dict[str, float]:
    """Each selected benchmark's (min, median) seconds, with ``side``'s pysched."""
    env = {**os.environ, "PYSCHED_BENCH_SIZES": os.environ.get("PYSCHED_BENCH_SIZES", "1000,100000,1000000")}
    subprocess.run([sys.executable, "-m", "pytest", str(HEAD / "benchmarks"), "--benchmark-only", "-q",
                    "-p", "no:cacheprovider", "--benchmark-max-time=0.2", "-k", selection,
                    f"--benchmark-json={out}"], cwd=side, env=env, check=True, stdout=subprocess.DEVNULL)
    data = json.loads(out.read_text())
    return {bench["fullname"]: (bench["stats"]["min"], bench["stats"]["median"]) for bench in data["benchmarks"]}


def compare(base_runs: list[dict], head_runs: list[dict], stat: str) -> list[tuple[str, float]]:
    """Per benchmark, head / base on the statistic, best round of each side."""
    index = 0 if stat == "min" else 1
    ratios = []
    for name in base_runs[0]:
        base = min(run[name][index] for run in base_runs)
        head = min(run[name][index] for run in head_runs if name in run)
        ratios.append((name, head / base))
    return ratios


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="HEAD", help="the commit to compare with (default: HEAD)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--stat", choices=("min", "median"), default="min")
    parser.add_argument("--threshold", type=float, default=1.10, help="fail when head/base exceeds it")
    parser.add_argument("-k", dest="selection", default=DEFAULT_SELECTION, help="pytest -k expression")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        base = checkout(args.base, Path(scratch) / "base")
        try:
            base_runs, head_runs = [], []
            for round_ in range(args.rounds):
                base_runs.append(timings(base, args.selection, Path(scratch) / f"base{round_}.json"))
                head_runs.append(timings(HEAD, args.selection, Path(scratch) / f"head{round_}.json"))
        finally:
            subprocess.run(["git", "-C", str(HEAD), "worktree", "remove", "--force", str(base)], check=False)
    ratios = compare(base_runs, head_runs, args.stat)
    print(f"working tree / {args.base}, {args.stat} of {args.rounds} interleaved rounds:")
    for name, ratio in sorted(ratios, key=lambda item: -item[1]):
        print(f"  {ratio:6.3f}  {name}{'  SLOWER' if ratio > args.threshold else ''}")
    print(f"geometric mean {statistics.geometric_mean([r for _, r in ratios]):.3f}")
    return 1 if any(ratio > args.threshold for _, ratio in ratios) else 0


if __name__ == "__main__":
    sys.exit(main())
