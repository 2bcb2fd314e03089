"""``./run bench``: run the benchmarks (median of 3) and write BENCHMARKS.md."""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
from datetime import UTC, datetime
from pathlib import Path

from bench.vendors import Figure, run_all

RUNS = 3
OUT = Path(__file__).resolve().parents[1] / "BENCHMARKS.md"

METHOD = """\
Each scenario runs {runs} times; the table shows the median wall time. Upstream calls are read
from each simulator's `/_simulator/stats` (they are the same in every run). Simulators run in
process behind `httpx.ASGITransport` with the simulated latency named per scenario, so the
figures measure Hourglass's call plan and pacing, not a network. Each figure stands next to its
lower bound: the fewest calls the vendor's API allows for the question, and the time the
critical path (latency x sequential steps, or the vendor's rate limit) cannot beat.
"""


def main() -> None:
    runs = [asyncio.run(run_all()) for _ in range(RUNS)]
    rows = []
    for index, first in enumerate(runs[0]):
        seconds = statistics.median(run[index].seconds for run in runs)
        rows.append(_row(first, seconds))
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    text = "\n".join(
        [
            "# Benchmarks",
            "",
            f"Produced by `./run bench` on {datetime.now(UTC):%Y-%m-%d}; machine: {machine}.",
            "",
            "## Method",
            "",
            METHOD.format(runs=RUNS),
            "## Vendor scenarios",
            "",
            "| scenario | upstream calls | minimum | ratio | wall time (median) | lower bound | ratio | 429s | note |",
            "|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            "Clockify chooses the detailed report when it needs fewer calls than the per-user fan-out",
            "(one call per user); the forced fan-out row shows what it saved.",
            "",
        ]
    )
    OUT.write_text(text)
    print(text)


def _row(f: Figure, seconds: float) -> str:
    bound = "n/a" if f.calls_bound is None else str(f.calls_bound)
    ratio = "n/a" if f.calls_bound is None else f"{f.calls / f.calls_bound:.2f}"
    return (
        f"| {f.scenario} | {f.calls} | {bound} | {ratio} | "
        f"{seconds:.2f} s | {f.seconds_bound:.2f} s | {seconds / f.seconds_bound:.2f} | "
        f"{f.rate_limited} | {f.note} |"
    )


if __name__ == "__main__":
    main()
