"""Bulk reads through GraphQL: 100k time entries, per-entry cost and peak memory (issue #10).

What is measured is what a BI client pulling everything through GraphQL costs Hourglass:
``schema.execute`` of ``timeEntries(first: 5000, after: $cursor)`` page after page (20 pages,
each asking from the previous ``pageInfo.endCursor``, the Relay way every GraphQL client
pages; 5000 is the schema's page cap), plus orjson encoding of each page's result, which is
what the HTTP layer would send. The source is in memory (``bench.memory``), so the figure is
Hourglass's own CPU per entry, not a vendor's latency. HTTP itself is not included.

Each measurement runs in a fresh process (``ru_maxrss`` is a high-water mark, and a warm heap
would flatter the next run), with the garbage collector set as ``hourglass serve`` sets it
and the memory reserved as ``hourglass serve`` does (``gateway.heap.reserve`` and ``settle``
once the schema is built, before the entries exist); figures are
medians over ``runs`` processes.

    python -m bench.bulk            # all four measurements, 3 runs each
    python -m bench.bulk --runs 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

import orjson

ENTRIES = 100_000
PAGE = 5000
FLAT = "id date start end durationSeconds hours billable description tags updatedAt"
SHAPES = {"flat": FLAT, "nested": f"{FLAT} user {{ name email }} project {{ name }}"}
BOUNDS_US = {"flat": 10.0, "nested": 15.0}  # issue #10, with the compiled path
RSS_BOUND_MB = 500.0
QUERY = """query Bulk($after: String) {
  timeEntries(first: %d, after: $after) {
    nodes { %s }
    pageInfo { hasNextPage endCursor }
  }
}"""


@dataclass(frozen=True)
class Figure:
    """One reported number and the bound it must stay within (None: for comparison only)."""

    name: str
    value: float
    bound: float | None
    unit: str
    cpu: float | None = None  # the same per entry in process CPU time, for a busy machine


@dataclass(frozen=True)
class Sample:
    us_per_entry: float
    cpu_us_per_entry: float  # the process's CPU time: steadier than wall time on a busy machine
    peak_rss_mb: float
    entries: int
    pages: int


async def _pull(shape: str, compiled: bool, entries: int) -> Sample:
    from bench.memory import memory_gateway
    from gateway import heap
    from gateway.settings import Settings
    from schema import Context, build_schema

    schema = build_schema(compiled=compiled)
    # The heap and the collector as a serving process has them (``hourglass serve``): memory
    # reserved and the collector settled once the app is built, before any vendor data
    # arrives (here, the in-memory source's entries).
    heap.reserve(Settings().heap_reserve_mb)
    heap.settle()
    gateway = memory_gateway(entries)
    query = QUERY % (PAGE, SHAPES[shape])
    after: str | None = None
    count = pages = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    while True:
        result = await schema.execute(
            query, variable_values={"after": after}, context_value=Context(gateway)
        )
        if result.errors:
            raise RuntimeError(result.errors[0].message)
        body = orjson.dumps({"data": result.data})  # what the HTTP response would carry
        assert result.data is not None and body
        page = result.data["timeEntries"]
        count += len(page["nodes"])
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return Sample(elapsed / count * 1e6, cpu / count * 1e6, rss_mb, count, pages)


def measure(shape: str, compiled: bool, entries: int = ENTRIES) -> Sample:
    """One measurement in a fresh Python process."""
    args = [sys.executable, "-m", "bench.bulk", "--one", shape, "--entries", str(entries)]
    if not compiled:
        args.append("--plain")
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return Sample(**json.loads(out))


def figures(runs: int = 3, entries: int = ENTRIES) -> list[Figure]:
    """Medians over ``runs`` processes: us/entry per shape, compiled and plain; peak RSS."""
    out: list[Figure] = []
    peak = 0.0
    for shape in SHAPES:
        for compiled in (True, False):
            samples = [measure(shape, compiled, entries) for _ in range(runs)]
            label = "compiled" if compiled else "graphql-core"
            out.append(
                Figure(
                    f"{entries // 1000}k entries, {shape}, {label}",
                    statistics.median(s.us_per_entry for s in samples),
                    BOUNDS_US[shape] if compiled else None,
                    "us/entry",
                    statistics.median(s.cpu_us_per_entry for s in samples),
                )
            )
            if compiled:
                peak = max(peak, *(s.peak_rss_mb for s in samples))
    out.append(Figure("peak RSS, compiled (whole process)", peak, RSS_BOUND_MB, "MB"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--entries", type=int, default=ENTRIES)
    parser.add_argument("--one", choices=sorted(SHAPES), help=argparse.SUPPRESS)
    parser.add_argument("--plain", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # the child process of ``measure``
        sample = asyncio.run(_pull(args.one, not args.plain, args.entries))
        print(json.dumps(sample.__dict__))
        return
    print("| figure | wall (median) | CPU (median) | bound |\n|---|---|---|---|")
    for f in figures(args.runs, args.entries):
        bound = "-" if f.bound is None else f"<= {f.bound:g} {f.unit}"
        cpu = "-" if f.cpu is None else f"{f.cpu:.2f} {f.unit}"
        print(f"| {f.name} | {f.value:.2f} {f.unit} | {cpu} | {bound} |")


if __name__ == "__main__":
    main()
