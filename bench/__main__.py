"""``bench/run`` (or ``./run bench``): run every benchmark and write BENCHMARKS.md.

``--runs N`` (default 3) sets how many times each figure is measured; the median is shown.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench import acceptance, bounds, bulk, hours, report, stack, throughput
from bench.acceptance import median_of
from bench.procs import CALIBRATION, VENDORS, calibration, machine, prefault, simulators
from bench.vendors import Figure, run_all

OUT = Path(__file__).resolve().parents[1] / "BENCHMARKS.md"
LATENCY_MS = 50
# Calibrations further apart than this (slowest over fastest) say the host's speed moved
# during the run. Readings a minute apart here have ranged from 284 to 440 ms on a shared VM;
# on a steady host, best-of-3 readings stay within a few percent.
SPEED_DRIFT = 1.15

# Why the dashboard's calls exceed the minimum at some hours (``_hours``).
WINDOWS_GUESSED = [
    "Where Hubstaff's calls are above the minimum: the minimum is derived from the answer, a",
    "window reaching back to the last entry shown, read in the fewest pages. A gateway picks",
    "its first window before it has seen an entry (6 hours; `gateway/connectors/hubstaff`),",
    "and where the 50 newest entries reach back further (late evenings; weekends, to Friday)",
    "it reads on to where the other vendors' entries say it must. Where the last entry shown",
    "lies also depends on Hubstaff's own activities not read yet, and the API pages them",
    "oldest first with no sort parameter: the one page that reaches exactly far enough can",
    "be asked for only by a plan that knows the answer before asking.",
]

METHOD = """\
Every figure is the median of {runs} run(s). Each vendor's simulator runs as its own process
(`hourglass simulate VENDOR --port P --latency-ms {latency}`, its documented rate limits on):
every answer takes {latency} ms from the request's arrival, the simulator's own work inside it,
and the simulators run at a lower CPU priority (`nice -n 10`), since they stand in for vendors'
servers, whose work is not done on the gateway's machine (on a 2-core machine, at equal
priority, their bursts made the cold month ~10% slower: 1.07 s against 0.95 s, median of 6
each); the gateway runs as its own process (`hourglass serve --config <generated toml>` whose
`[[sources]]` point at the simulators); the bench process speaks GraphQL over HTTP to it,
with its own garbage collector off while it times a query, as `timeit` does (a full
collection of its heap, set off by decoding a 5,000-entry page, once took 51 ms inside a
cold month: the client's pause, not the gateway's time).
Upstream calls are read from each simulator's `GET /_simulator/stats`.

- **Cold**: every simulator reset (`POST /_simulator/reset`: counters, rate windows, tokens)
  and a fresh gateway process (empty caches, no tokens). The simulator processes themselves
  have served each scenario once (untimed, before the first measurement), as a vendor's
  running servers have: their first request of a kind pays one-time set-up costs.
  Before anything runs, up to 3 GiB of memory is touched once and freed (`procs.prefault`):
  this machine's host backs a page on its first touch (3 GiB: 9.1 s the first time, 2.0 s
  the next), which made a cold gateway's page faults cost 250-300 ms in some runs and
  40-60 ms in others. The gateway is still a fresh process: it touches its heap reserve at
  start, as `hourglass serve` does (`heap_reserve_mb`, 128 MB by default), and pays page
  faults in a query only past it.
  **Warm**: the same query again on
  that process, once the one-second rate windows have passed, with `Cache-Control: no-cache`
  (the response cache bypassed); its calls are the counters' difference around it. The warm
  minimum re-reads the entries (they change) but no reference list (cached). **Cached**: the
  same query once more, as any client sends it: the response cache answers within its
  freshness window, and the minimum is no call.
- **Minimum** calls and the **lower bound** on wall time are derived per vendor from its API
  (vendor sheets, connector docstrings; rules in `bench/bounds.py`), not from what Hourglass
  does; the per-vendor tables below show each derivation. `n` is the number of entries the
  vendor holds for the question (the simulators' data as returned). Hubstaff's pages hold
  activities and Toggl's report pages hold rows (entries grouped), not entries: those pages
  are counted by walking the question's range once through the simulator's own API at the
  largest page, in the fewest windows the API allows (Hubstaff: only the projects the deep
  question pushes down, those with a client; and, from a fixed day on, the reads back a day at
  a time that an entry beginning exactly at the range's start needs, since it may have begun
  before); Clockify's running timers (ids only)
  are checked the same way against the report rows of the range, for names no row carries
  (`bench/truth.py`, untimed, counters reset afterwards). A bound marked `>=` is a floor (the
  exact minimum was not derived).
- **Throughput** (scenario 4) runs against simulators with their rate limits lifted
  (`bench/simulate.py`, same {latency} ms latency; also Toggl's hourly quota), since at the
  documented limits the warm dashboard measures Toggl's 1 request/s, not Hourglass: the cold,
  warm and cached rows above are that run at the documented limits. The load generator is a
  separate process (`bench/load.py`: aiohttp, keep-alive, N workers, 1 s warm-up then
  {seconds:.0f} s); the bare endpoint (`bench/bare.py`) is FastAPI under the same uvicorn
  settings answering the exact JSON the gateway returned.
- {stack}
"""


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args(argv).runs
    prefault()
    # The gateway scenarios' wall times hold the gateway's CPU work: read the host's speed
    # on either side of them, and at the end.
    speeds = [("before the gateway scenarios", calibration())]
    with simulators(LATENCY_MS) as sims:
        rows = report.measure(sims, runs)
    points = hours.measure()
    speeds.append(("after them", calibration()))
    with simulators(LATENCY_MS, relaxed=True) as sims:
        loads = [throughput.measure(sims) for _ in range(runs)]
    stacks = [stack.measure() for _ in range(runs)]
    bulks = bulk.figures(runs=runs)
    vendor_runs = [asyncio.run(run_all()) for _ in range(runs)]
    speeds.append(("at the end", calibration()))
    checks = [acceptance.calls(rows), acceptance.cold_wall(rows)]
    if points is not None:
        checks += [acceptance.hours_calls(points), acceptance.hours_wall(points)]
    checks += [acceptance.throughput_share(loads), acceptance.stack_rate(stacks)]
    checks += acceptance.bulk_figures(bulks)
    sections = [
        *_scenarios(rows),
        *_hours(points),
        *_throughput(loads),
        *_stack(stacks),
        *_bulk(bulks),
        *_vendors(vendor_runs),
    ]
    header = [
        "# Benchmarks",
        "",
        f"Produced by `bench/run` on {datetime.now(UTC):%Y-%m-%d}; machine: {machine()}.",
        "",
        _speed(speeds),
        "",
    ]
    method = [
        "## Method",
        "",
        METHOD.format(
            runs=runs,
            latency=LATENCY_MS,
            seconds=throughput.SECONDS,
            stack=stack.METHOD.replace("\n", "\n  "),
        ),
    ]
    # The verdict first, then how it was measured, then each figure's detail.
    verdict = acceptance.render(checks, acceptance.host_speed(loads))
    OUT.write_text("\n".join(header + verdict + method + sections) + "\n")
    print(OUT.read_text())


def _speed(readings: Sequence[tuple[str, float]]) -> str:
    """The host's calibration readings (seconds, by when taken), and whether its speed moved
    between them: a shared VM's does, and every wall time and CPU figure moves with it."""
    taken = ", ".join(f"{seconds * 1000:.0f} ms {when}" for when, seconds in readings)
    line = f"Calibration ({CALIBRATION}; lower is faster): {taken}."
    values = [seconds for _, seconds in readings]
    drift = max(values) / min(values)
    if drift > SPEED_DRIFT:
        line += (
            f" **The host's speed moved by {(drift - 1) * 100:.0f}% during this run:** "
            "its wall times and CPU figures are not comparable with a steadier run's."
        )
    return line


def _ratio(value: float, bound: float) -> str:
    return "n/a" if bound <= 0 else f"{value / bound:.2f}"


def _scenarios(rows: list[report.Row]) -> list[str]:
    out = [
        "## Gateway scenarios (GraphQL over HTTP, 50 ms simulated latency, documented limits)",
        "",
        "1. dashboard: the 50 most recent entries of all sources with user, project and client",
        "   names; 2. month: every entry of the last 30 days (5,000 a GraphQL page, so the",
        "   client follows `endCursor`); 3. deep: clients -> projects -> entries of the last",
        "   7 days (100 a project) -> user name.",
        "",
        "Wall time is next to its bound, and next to the CPU the gateway process and the seven",
        "simulator processes spent during the query (all threads; the machine has "
        f"{os.cpu_count()} cores):",
        "the bound counts round trips only, while on this machine the simulators' work and the",
        "gateway's share the cores with the round trips they wait on.",
        "",
        "| scenario | upstream calls | minimum | ratio | wall time | lower bound | ratio "
        "| gateway CPU | simulators' CPU | entries | problems |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        floor = "" if r.bound.exact else ">="
        out.append(
            f"| {r.scenario} ({r.phase}) | {r.calls} | {floor}{r.bound.calls} | "
            f"{_ratio(r.calls, r.bound.calls)} | {r.seconds:.2f} s | {r.bound.at_minimum:.2f} s | "
            f"{_ratio(r.seconds, r.bound.at_minimum)} | {r.gateway_cpu * 1000:.0f} ms | "
            f"{r.simulators_cpu * 1000:.0f} ms | {r.entries} | {'; '.join(r.problems) or '-'} |"
        )
    out += _named_after(rows)
    out += _busy(rows)
    for r in rows:
        out += [
            "",
            f"### {r.scenario} ({r.phase}): per vendor",
            "",
            "| vendor | calls | minimum | critical path | derivation | calls by route |",
            "|---|---|---|---|---|---|",
        ]
        for vendor in VENDORS:
            calls, b = r.per_vendor[vendor]
            routes = ", ".join(f"{k} x{v}" for k, v in sorted(r.routes.get(vendor, {}).items()))
            floor = "" if b.exact else ">="
            out.append(
                f"| {vendor} | {calls} | {floor}{b.calls} | {b.at_minimum:.2f} s | {b.derivation} | "
                f"{routes or '-'} |"
            )
    out += ["", "Per-vendor API facts behind the minimums:", ""]
    out += [f"- {vendor}: {fact.why}." for vendor, fact in bounds.VENDORS.items()]
    return [*out, ""]


def _busy(rows: list[report.Row]) -> list[str]:
    """The wall time split at the vendors' busy span (the simulators' request logs): the
    round trips themselves against their bound, and what the gateway and the client add
    outside them."""
    out = [
        "",
        "### Where the wall time goes",
        "",
        "*Vendors busy*: from the first request any simulator received for the query to the",
        "last answer any gave, from their request logs (`GET /_simulator/requests`, wall",
        "clock). It holds the round trips the bound counts, the gateway's turns between",
        "chained ones (decoding a page, sending the next), and any wait for the CPU the",
        "processes share. *Outside*: the wall time less that span: the query's way to its",
        "first upstream request, and everything after the last answer (merging, GraphQL,",
        "serialising, the client's decoding; the month's second page). Medians, run by run.",
        "",
        "| scenario | wall time | lower bound | vendors busy | busy / bound | outside |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        if r.phase == "cached" or r.vendors_busy is None or r.outside is None:
            continue
        out.append(
            f"| {r.scenario} ({r.phase}) | {r.seconds:.3f} s | {r.bound.at_minimum:.3f} s | "
            f"{r.vendors_busy:.3f} s | {_ratio(r.vendors_busy, r.bound.at_minimum)} | "
            f"{r.outside * 1000:.0f} ms |"
        )
    return out


def _named_after(rows: list[report.Row]) -> list[str]:
    """Where lists name the entries shown: why the bound asks them once the entries are in,
    and the faster path of a plan that would know the entries before asking."""
    out = []
    for r in rows:
        if r.bound.named_after is None:
            continue
        vendors = [v for v in VENDORS if r.per_vendor[v][1].named_after is not None]
        named = " and ".join(filter(None, (", ".join(vendors[:-1]), vendors[-1])))
        out.append(
            f"- {r.scenario} ({r.phase}): the entries shown of {named} need reference lists "
            "for their names (per-vendor table). Which lists, if any, is known only once the "
            "entries are in, so a plan spending the minimum calls asks them a round trip "
            f"later, and the bound is that path ({r.bound.named_after:.2f} s). A plan knowing "
            "the entries shown before asking would ask the lists with them: "
            f"{r.bound.seconds:.2f} s, {_ratio(r.seconds, r.bound.seconds)}x. A gateway can "
            "only come near it by asking lists it may not need: calls above the minimum at "
            "the hours whose entries need fewer lists (see the hours below)."
        )
    return ["", *out] if out else []


def _hours(points: list[hours.Point] | None) -> list[str]:
    out = [
        "## The dashboard at other hours of the week (bench/hours.py)",
        "",
        "Which entries are the 50 newest, and so what each vendor must be asked, changes with",
        "the hour and the weekday; the rows above are one hour's. Here the dashboard is run",
        f"{hours.RUNS} times a point, cold and warm, with the simulators' and gateway's wall clock",
        "shifted back by libfaketime (the monotonic clock, and so latency and rate windows, left",
        "alone), every 21 hours over a week: eight hours of the day, every weekday. Cold wall",
        "times are medians, next to the critical-path bound at the minimum calls and, where",
        "the entries shown need reference lists for their names, next to the path of a plan",
        "that would know those entries before asking (the lists asked with them).",
        "",
    ]
    if points is None:
        return [
            *out,
            "Not measured: libfaketime is not installed (`pip install -e '.[bench]'`).",
            "",
        ]
    out += [
        "| clock (UTC, shifted) | cold calls / minimum | warm calls / minimum | above the minimum "
        "(cold) | cold wall time | bound | ratio | knowing the entries before asking | ratio "
        "| problems |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for p in points:
        above = "; ".join(f"{vendor} {what}" for vendor, what in p.above.items()) or "-"
        ahead = "-" if p.named_after is None else f"{p.bound:.3f} s"
        ahead_ratio = "-" if p.named_after is None else _ratio(p.seconds, p.bound)
        out.append(
            f"| {p.at} | {p.cold[0]} / {p.cold[1]} | {p.warm[0]} / {p.warm[1]} | {above} | "
            f"{p.seconds:.3f} s | {p.at_minimum:.3f} s | {_ratio(p.seconds, p.at_minimum)} | "
            f"{ahead} | {ahead_ratio} | {'; '.join(p.problems) or '-'} |"
        )
    if any(p.above for p in points):
        out += ["", *WINDOWS_GUESSED]
    return [*out, ""]


def _throughput(loads: list[list[throughput.Load]]) -> list[str]:
    out = [
        "## Throughput: the warm dashboard query (limits lifted, 50 ms latency)",
        "",
        "| concurrency | gateway req/s | p50 | p99 | bare FastAPI req/s | p50 | p99 | gateway / bare |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for level in throughput.LEVELS:
        g, b = (
            median_of(
                (i for run in loads for i in run if i.target == target and i.concurrency == level),
                "rps",
                "p50_ms",
                "p99_ms",
            )
            for target in ("gateway", "bare FastAPI")
        )
        out.append(
            f"| {level} | {g[0]:.1f} | {g[1]:.0f} ms | {g[2]:.0f} ms | {b[0]:.1f} | "
            f"{b[1]:.0f} ms | {b[2]:.0f} ms | {g[0] / b[0]:.1%} |"
        )
    errors = sum(i.errors for run in loads for i in run)
    upstream = [i.upstream for run in loads for i in run if i.target == "gateway"]
    return [
        *out,
        "",
        f"Non-200 answers during the load: {errors}. Upstream calls while the gateway was under",
        f"load, per level and run: {upstream} (0: every answer came from the response cache).",
        "",
    ]


def _stack(figures: list[list[stack.StackFigure]]) -> list[str]:
    out = [
        "## Upstream HTTP stack: pages/s at concurrency 50",
        "",
        "| client -> server | pages/s | p50 | p99 | failures | client CPU per page |",
        "|---|---|---|---|---|---|",
    ]
    for name in [f.network for f in figures[0]]:
        rows = [f for run in figures for f in run if f.network == name]
        fields = ("pages_per_second", "p50_ms", "p99_ms", "client_cpu_us")
        rate, p50, p99, cpu = median_of(rows, *fields)
        failures = sum(f.failures for f in rows)
        out.append(
            f"| {name} | {rate:.0f} | {p50:.0f} ms | {p99:.0f} ms | {failures} | {cpu:.0f} us |"
        )
    return [*out, ""]


def _bulk(figures: list[bulk.Figure]) -> list[str]:
    out = [
        "## Bulk: 100k entries through GraphQL (bench/bulk.py)",
        "",
        "| figure | value | bound |",
        "|---|---|---|",
    ]
    for f in figures:
        bound = "-" if f.bound is None else f"<= {f.bound:g} {f.unit}"
        out.append(f"| {f.name} | {f.value:.2f} {f.unit} | {bound} |")
    return [*out, ""]


def _vendors(runs: list[list[Figure]]) -> list[str]:
    out = [
        "## Vendor scenarios (connectors alone, simulators in process)",
        "",
        "Simulators behind `httpx.ASGITransport` with the latency named per scenario: each",
        "connector's call plan and pacing, no network.",
        "",
        "| scenario | upstream calls | minimum | ratio | wall time | lower bound | ratio | 429s | note |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for index, f in enumerate(runs[0]):
        seconds = statistics.median(run[index].seconds for run in runs)
        bound = "n/a" if f.calls_bound is None else str(f.calls_bound)
        ratio = "n/a" if f.calls_bound is None else f"{f.calls / f.calls_bound:.2f}"
        out.append(
            f"| {f.scenario} | {f.calls} | {bound} | {ratio} | {seconds:.2f} s | "
            f"{f.seconds_bound:.2f} s | {seconds / f.seconds_bound:.2f} | {f.rate_limited} | "
            f"{f.note} |"
        )
    return [*out, ""]


if __name__ == "__main__":
    main(sys.argv[1:])
