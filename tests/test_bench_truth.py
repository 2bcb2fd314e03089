"""Where bench/scenarios.py has Hubstaff's minimum for the dashboard start reading."""

from __future__ import annotations

from datetime import UTC, date, datetime

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
