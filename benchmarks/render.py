"""Turn pytest-benchmark's ``--benchmark-json`` into a Markdown table (ns per
value, normalised to numpy, the best contender in bold) and a PNG chart (ns per
value against the number of steps, log-log, one line per contender).

    python benchmarks/render.py results.json [--out DIR] [--steps N] [--readme README.md]
"""

from __future__ import annotations

import argparse
import json
import math
from collections import defaultdict
from pathlib import Path

CONTENDERS = ["pysched", "pysched2", "pysched-fast", "pysched-fast2", "libm", "numpy", "torch", "keras", "tf",
              "optax", "loop", "fill"]
TITLES = {"pysched": "pysched (exact)", "pysched2": "pysched, 2 threads", "pysched-fast": "pysched fast",
          "pysched-fast2": "pysched fast, 2 threads", "libm": "libm loop in C",
          "numpy": "numpy", "torch": "torch ops",
          "keras": "Keras, tf.function", "tf": "TF, tf.function", "optax": "optax, jax.jit",
          "loop": "framework stepped", "fill": "fill limit"}


def schedule_rows(data: dict) -> list[dict]:
    return [{**bench["extra_info"], "min": bench["stats"]["min"], "median": bench["stats"]["median"]}
            for bench in data["benchmarks"] if "schedule" in bench["extra_info"]]


def machine(data: dict) -> str:
    info, commit = data["machine_info"], data.get("commit_info", {})
    cpu = info.get("cpu", {})
    dirty = " (dirty)" if commit.get("dirty") else ""
    return (f"{cpu.get('brand_raw', info.get('processor', '?'))}, {cpu.get('count', '?')} cores, "
            f"{info.get('system', '')} {info.get('release', '')}, Python {info.get('python_version', '?')}; "
            f"commit {commit.get('id', '?')[:10]}{dirty}, {data.get('datetime', '')[:16]}")


def _cell(row: dict, best: bool) -> str:
    ns = f"{row['ns_per_value']:.3g}"
    ns = f"**{ns}**" if best else ns
    exact = row.get("max_ulp") == 0 or row["contender"] == "fill"
    return f"{ns} ({row['speedup_vs_numpy']:.2g}x){'' if exact else ' ≈' if row.get('precision') else ' ≠'}"


def table(rows: list[dict], steps: int) -> str:
    """One row per schedule at ``steps`` steps (the stepped framework at its own size)."""
    by_schedule: dict[str, dict[str, dict]] = defaultdict(dict)
    for row in rows:
        if row["n"] == steps or row["contender"] == "loop":
            by_schedule[row["schedule"]][row["contender"]] = row
    present = [c for c in CONTENDERS if any(c in cells for cells in by_schedule.values())]
    lines = ["| schedule | dtype | " + " | ".join(TITLES[c] for c in present) + " |",
             "|---|---|" + "---:|" * len(present)]
    for schedule, cells in by_schedule.items():
        timed = {c: r["ns_per_value"] for c, r in cells.items()
                 if c not in ("fill", "pysched2", "pysched-fast2", "libm")}
        best = min(timed, key=timed.get) if timed else None
        dtype = next(iter(cells.values()))["dtype"]
        lines.append(f"| {schedule} | {dtype} | " + " | ".join(
            _cell(cells[c], c == best) if c in cells else "" for c in present) + " |")
    return "\n".join(lines)


def chart(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by_schedule: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        by_schedule[row["schedule"]][row["contender"]].append((row["n"], row["ns_per_value"]))
    columns = 4
    lines = math.ceil(len(by_schedule) / columns)
    figure, axes = plt.subplots(lines, columns, figsize=(4 * columns, 3.2 * lines), squeeze=False)
    for axis, (schedule, series) in zip(axes.flat, by_schedule.items(), strict=False):
        for contender in CONTENDERS:
            if contender in series:
                points = sorted(series[contender])
                axis.plot(*zip(*points, strict=True), marker="o", markersize=3, label=TITLES[contender],
                          color=plt.get_cmap("tab20")(CONTENDERS.index(contender)),
                          linestyle=":" if contender == "fill" else "-")
        axis.set(xscale="log", yscale="log", title=schedule, xlabel="steps", ylabel="ns per value")
        axis.title.set_size(10)
        axis.grid(True, which="major", alpha=0.3)
    for axis in list(axes.flat)[len(by_schedule):]:
        axis.axis("off")
    handles, labels = max((axis.get_legend_handles_labels() for axis in axes.flat), key=lambda h: len(h[1]))
    figure.legend(handles, labels, loc="lower right", ncol=2, fontsize=9)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def sweeps_and_scalars(data: dict) -> list[str]:
    infos = [bench["extra_info"] for bench in data["benchmarks"]]
    sweeps = [info for info in infos if "sweep" in info]
    memory = [info for info in infos if "memory" in info]
    scalars = [info for info in infos if "scalar" in info]
    batches = [info for info in infos if "batch_threads" in info]
    lines = []
    if sweeps:
        lines += ["", "| sweep (10**3 configs x 10**4 steps) | ns per value | cost vs long call + 1 µs/config |",
                  "|---|---:|---:|"]
        lines += [f"| {info['sweep']} | {info['ns_per_value']:.3g} | "
                  f"{info['cost_vs_target']:.2f}x |" if "cost_vs_target" in info else
                  f"| {info['sweep']} | {info['ns_per_value']:.3g} | |" for info in sweeps]
    if scalars:
        lines += ["", "| scalar call `s(12345)` | pysched ns | plain Python formula ns |", "|---|---:|---:|"]
        by_name: dict[str, dict] = defaultdict(dict)
        for info in scalars:
            by_name[info["scalar"]][info["contender"]] = info["ns_per_call"]
        lines += [f"| {name} | {calls.get('pysched', math.nan):,.0f} | {calls.get('python', math.nan):,.0f} |"
                  for name, calls in by_name.items()]
    if batches:
        lines += ["", f"| one batch, {batches[0]['calls']} calls x {batches[0]['steps']:,} steps, split between "
                  "Python threads | seconds | speed-up (target ≥ 1.8x on 2 cores) |", "|---|---:|---:|"]
        lines += [f"| {info['batch_threads']} thread{'s' if info['batch_threads'] > 1 else ''} | "
                  f"{info['seconds']:.3f} | {info.get('speedup', math.nan):.2f}x |" for info in batches]
    if memory:
        lines += ["", "| peak memory, 10**8 float64 steps as a range | output | added by the evaluation |",
                  "|---|---:|---:|"]
        lines += [f"| {info['memory']} | {info['output_bytes'] / 2**20:,.0f} MiB | "
                  f"{info['added_bytes'] / 2**20:,.2f} MiB |" for info in memory]
    return lines


PEERS = ("numpy", "torch", "keras", "tf", "optax")
STRETCHES = ("staircase", "piecewise")  # constant stretches: measured against the fill limit


def targets(rows: list[dict], steps: int) -> str:
    """Issue 5's targets at ``steps`` steps, each as the ratio measured in this run."""
    cells: dict[str, dict[str, dict]] = defaultdict(dict)
    for row in rows:
        if row["n"] == steps or row["contender"] == "loop":
            cells[row["schedule"]][row["contender"]] = row
    lines = ["| schedule | exact vs libm loop (≤ 1.1) | exact vs fill (≤ 1.2, stretches) | 2 threads (≥ 1.8x) "
             "| stepped framework / exact (≥ 1000x) | fastest peer / fast (≥ 1.5x) | fast error (of the largest) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for schedule, got in cells.items():
        ns = {contender: row["ns_per_value"] for contender, row in got.items()}
        exact, fast = ns.get("pysched"), ns.get("pysched-fast")
        peers = [ns[c] for c in PEERS if c in ns]
        stretch = any(word in schedule for word in STRETCHES)
        fast_error = got["pysched-fast"].get("max_scale_relative_error") if fast else None
        lines.append("| " + " | ".join([
            schedule,
            f"{exact / ns['libm']:.2f}" if "libm" in ns else "",
            f"{exact / ns['fill']:.2f}" if stretch and "fill" in ns else "",
            f"{exact / ns['pysched2']:.2f}x" if "pysched2" in ns else "",
            f"{ns['loop'] / exact:,.0f}x" if "loop" in ns else "",
            f"{min(peers) / fast:.2f}x ({min(peers) / ns['pysched-fast2']:.2f}x on 2 threads)"
            if fast and peers else "",
            f"{fast_error:.1e}" if fast_error is not None else "",
        ]) + " |")
    return "\n".join(lines)


def render(data: dict, steps: int | None = None) -> str:
    rows = schedule_rows(data)
    lines = [f"One thread each unless said. {machine(data)}."]
    if rows:
        sizes = sorted({row["n"] for row in rows})
        steps = steps or max((n for n in sizes if n <= 10**6), default=max(sizes))
        lines += ["", f"ns per value at {steps:,} steps (the stepped framework at 1,000), speed-up over numpy in "
                  "parentheses, the fastest single-threaded one in bold; ≠ marks values that are not pysched's "
                  "exact ones (max ULP and relative error in the JSON), ≈ pysched's fast precision within its "
                  "bound (1e-15 of the largest value in float64, 1e-6 in float32).", "", table(rows, steps),
                  "", f"The targets, as ratios measured in this run at {steps:,} steps (1 thread unless said):",
                  "", targets(rows, steps)]
    return "\n".join(lines + sweeps_and_scalars(data))


def splice(path: Path, table: str) -> None:
    """Replace what lies between the table's marker lines in a Markdown file."""
    start, end = "<!-- benchmarks/report/table.md -->\n", "<!-- /benchmarks/report/table.md -->"
    text = path.read_text()
    before, rest = text.split(start, 1)
    path.write_text(before + start + table + "\n" + end + rest.split(end, 1)[1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("json", type=Path)
    parser.add_argument("--out", type=Path, help="folder for table.md and chart.png (default: the JSON's)")
    parser.add_argument("--steps", type=int, help="the size the table shows (default: 10**6, or the largest)")
    parser.add_argument("--readme", type=Path, help="also put the table in this file, between its "
                        "<!-- benchmarks/report/table.md --> and <!-- /benchmarks/report/table.md --> lines")
    args = parser.parse_args(argv)
    data = json.loads(args.json.read_text())
    out = args.out or args.json.parent
    out.mkdir(parents=True, exist_ok=True)
    (out / "table.md").write_text(render(data, args.steps) + "\n")
    written = [out / "table.md"]
    if args.readme:
        splice(args.readme, render(data, args.steps))
        written.append(args.readme)
    if schedule_rows(data):
        chart(schedule_rows(data), out / "chart.png")
        written.append(out / "chart.png")
    print("wrote", " and ".join(map(str, written)))


if __name__ == "__main__":
    main()
