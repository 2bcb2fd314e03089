"""Harvest mapping: one listing's memo gives each entry what mapping it alone gives."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest

from gateway.connectors.harvest import mapping
from gateway.connectors.harvest.payloads import TimeEntryPayload
from gateway.normalize import local_to_utc

NEW_YORK, BERLIN = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")


def entry(day: str, started: str | None, ended: str | None, **fields: Any) -> TimeEntryPayload:
    raw = {
        "id": 1,
        "spent_date": day,
        "started_time": started,
        "ended_time": ended,
        "hours": 1.5,
        "created_at": "2026-03-08T07:00:00Z",
        "updated_at": "2026-03-08T07:00:00Z",
        "user": {"id": 5, "name": "Ann"},
        **fields,
    }
    return cast(TimeEntryPayload, raw)  # the vendor's JSON as it arrives: any field, any value


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param(
            [
                (entry("2026-03-16", "9:00am", "10:30am"), NEW_YORK),
                (entry("2026-03-16", "9:00am", "10:30am"), BERLIN),
            ],
            id="same-texts-two-zones",
        ),
        pytest.param(
            [
                (entry("2026-11-01", "1:30am", "1:45am"), NEW_YORK),  # an ambiguous hour
                (entry("2026-03-08", "1:30am", "3:30am"), NEW_YORK),  # spring forward
                (entry("2026-03-09", "1:30am", "3:30am"), NEW_YORK),
            ],
            id="dst-edges",
        ),
        pytest.param(
            [
                (entry("2026-03-16", "11:00pm", "1:00am"), NEW_YORK),
                (entry("2026-03-17", "11:00pm", "1:00am"), NEW_YORK),
                (entry("2026-03-16", "11:00pm", "11:00pm"), NEW_YORK),
            ],
            id="past-midnight-and-same-clock",
        ),
        pytest.param(
            [
                (
                    entry(
                        "2026-03-16",
                        None,
                        None,
                        is_running=True,
                        hours=None,
                        timer_started_at="2026-03-16T13:00:00Z",
                    ),
                    NEW_YORK,
                ),
                (entry("2026-03-16", None, None, created_at="2026-03-16T13:00:00Z"), NEW_YORK),
                (entry("2026-03-16", "", "nonsense", updated_at=None), NEW_YORK),
            ],
            id="timers-unreadable-clocks-missing-stamps",
        ),
    ],
)
def test_a_shared_memo_maps_each_entry_as_mapping_it_alone_does(
    rows: list[tuple[TimeEntryPayload, ZoneInfo]],
) -> None:
    now = datetime(2026, 3, 16, 14, tzinfo=UTC)
    memo = mapping.EntryMemo()
    for raw, zone in rows * 2:  # twice: the second pass reads only what the memo holds
        shared = mapping.time_entry("h", raw, zone, now, memo)
        alone = mapping.time_entry("h", raw, zone, now)
        assert shared == alone
        assert (shared.start, shared.end) == (alone.start, alone.end)
        assert [d and d.utcoffset() for d in (shared.start, shared.end)] == [
            d and d.utcoffset() for d in (alone.start, alone.end)
        ]


def test_the_same_wall_clock_in_two_zones_is_two_instants() -> None:
    memo = mapping.EntryMemo()
    raw = entry("2026-03-16", "9:00am", "10:30am")
    ny, berlin = (mapping.time_entry("h", raw, z, None, memo) for z in (NEW_YORK, BERLIN))
    assert ny.start == datetime(2026, 3, 16, 13, tzinfo=UTC)
    assert berlin.start == datetime(2026, 3, 16, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    "zone",
    [NEW_YORK, BERLIN, ZoneInfo("Australia/Lord_Howe"), ZoneInfo("Asia/Kolkata"), ZoneInfo("UTC")],
)
def test_wall_clocks_convert_as_the_zone_says_through_its_clock_changes(zone: ZoneInfo) -> None:
    # Every quarter hour of the days around each 2026 clock change (Lord Howe's is 30 minutes).
    memo = mapping.EntryMemo()
    changes = [date(2026, m, d) for m, d in ((3, 8), (3, 29), (4, 5), (10, 4), (10, 25), (11, 1))]
    days = {c + timedelta(days=k) for c in changes for k in (-1, 0, 1)}
    for day in sorted(days):
        for minutes in range(0, 24 * 60, 15):
            wall = time(minutes // 60, minutes % 60)
            converted = memo.local(day, wall, zone)
            assert converted == local_to_utc(day, wall, zone), (day, wall)
            assert converted.tzinfo is UTC
