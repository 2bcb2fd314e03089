"""Bench helpers: where Hubstaff's minimum for the dashboard starts reading (bench/scenarios.py),
the span the vendors were busy with a query and the memory touched before measuring
(bench/procs.py), and Hubstaff's critical path with reads back past a range's start
(bench/bounds.py)."""

from __future__ import annotations

import resource
import sys
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bench import bounds
from bench.procs import busy_span, prefault
from bench.scenarios import _cut_moment


def test_activities_are_needed_from_the_last_shown_entrys_start() -> None:
    assert _cut_moment(date(2026, 11, 27), "2026-11-27T20:00:00+00:00") == datetime(
        2026, 11, 27, 20, tzinfo=UTC
    )


def test_a_last_entry_whose_day_ends_before_its_start_in_utc_cuts_at_the_next_day() -> None:
    # A vendor's day in a zone west of UTC: dated the 27th, started 02:00 UTC on the 28th. A
    # Hubstaff session of the 28th (UTC) at 01:00 sorts before it, by date.
    assert _cut_moment(date(2026, 11, 27), "2026-11-28T02:00:00+00:00") == datetime(
        2026, 11, 28, tzinfo=UTC
    )


def test_the_vendors_busy_span_runs_from_the_first_arrival_to_the_last_answer() -> None:
    logged: list[dict[str, Any]] = [
        {"received": 5.0, "answered": 5.05},  # an earlier query's: left out
        {"received": 10.00, "answered": 10.05},
        {"received": 10.06, "answered": 10.11},  # chained after the first
        {"received": 10.01, "answered": None},  # dropped: starts nothing later, ends nothing
    ]
    assert busy_span(logged, 9.0) == pytest.approx(0.11)
    assert busy_span(logged[:1], 9.0) is None  # nothing asked since
    assert busy_span(logged[3:], 9.0) is None  # asked, never answered


def test_reads_back_past_the_start_chain_after_the_oldest_window_not_after_every_window() -> None:
    # Pages per 7-day window, newest first: the oldest (4 pages) and its read back (1) fit
    # beside the 8-page windows; an oldest window of 8 pages puts the read back after them.
    beside = bounds.month("hubstaff", 1615, cold=True, window_pages=[7, 8, 8, 8, 4], follows=1)
    after = bounds.month("hubstaff", 1615, cold=True, window_pages=[4, 8, 8, 7, 8], follows=1)
    assert beside.calls == after.calls == 1 + 35 + 1  # the token, the pages, the read back
    assert beside.seconds == pytest.approx((1 + 8) * bounds.LATENCY)
    assert after.seconds == pytest.approx((1 + 8 + 1) * bounds.LATENCY)


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/meminfo")
def test_prefault_touches_every_page_it_maps_in_a_child_process() -> None:
    size = 2**27  # two 64 MiB chunks
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt
    prefault(size)
    touched = resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt - before
    assert touched >= size // resource.getpagesize()
    # This process's peak did not grow by the memory touched (a fork would inherit it).
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - own < size // 1024 // 2
