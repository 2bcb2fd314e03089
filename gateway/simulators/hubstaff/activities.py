"""Cutting sessions into 10-minute activities, and summing activities into daily records.

An activity covers ``[starts_at, starts_at + tracked)`` inside its slot
``[time_slot, time_slot + 600)``: the first slot of a session may start late (``starts_at``
after ``time_slot``), every following slot starts on its boundary, and the last one is
partial unless the session ends on a boundary (seed 001: 10:05:00 tracked 300, 10:10:00
tracked 540). Used both for the seeded history and for manual time posted through the API,
so both look the same.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from gateway.simulators.hubstaff.payloads import Activity, DailyActivity
from gateway.simulators.hubstaff.timefmt import epoch_date, micro_stamp, seconds_stamp

SLOT = 600


def split(start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """``(time_slot, starts_at, tracked)`` for each slot ``[start, end)`` touches."""
    cursor = start
    while cursor < end:
        slot = cursor // SLOT * SLOT
        stop = min(end, slot + SLOT)
        yield slot, cursor, stop - cursor
        cursor = stop


@dataclass(frozen=True, slots=True)
class Source:
    """What one session or manual entry contributes to each of its activities."""

    user_id: int
    project_id: int
    task_id: int | None
    billable: bool
    manual: bool
    desktop: str


def make_activity(activity_id: int, slot: int, starts_at: int, tracked: int, source: Source,
                  created_us: int, rng: random.Random | None) -> Activity:
    if source.manual or rng is None:
        overall = keyboard = mouse = 0
    else:
        draw = rng.random
        overall = int(tracked * (0.35 + 0.57 * draw()))
        keyboard = int(overall * (0.3 + 0.55 * draw()))
        mouse = int(overall * (0.4 + 0.55 * draw()))
    stamp = micro_stamp(created_us)
    return Activity(
        id=activity_id, date=epoch_date(slot).isoformat(), created_at=stamp, updated_at=stamp,
        time_slot=(slot_text := seconds_stamp(slot)),
        starts_at=slot_text if starts_at == slot else seconds_stamp(starts_at),
        user_id=source.user_id, project_id=source.project_id, task_id=source.task_id,
        keyboard=keyboard, mouse=mouse, overall=overall, tracked=tracked,
        input_tracked=0 if source.manual else tracked, tracks_input=not source.manual,
        billable=source.billable, paid=False, client_invoiced=False, team_invoiced=False,
        immutable=False, timesheet_locked=False,
        time_type="manual" if source.manual else "normal",
        client="web" if source.manual else source.desktop,
    )


DailyKey = tuple[str, int, int, int | None]  # (date, user, project, task)


def daily_key(activity: Activity) -> DailyKey:
    return (activity["date"], activity["user_id"], activity["project_id"], activity["task_id"])


def empty_daily(daily_id: int, key: DailyKey, stamp: str) -> DailyActivity:
    day, user_id, project_id, task_id = key
    return DailyActivity(
        id=daily_id, date=day, user_id=user_id, project_id=project_id, task_id=task_id,
        keyboard=0, mouse=0, overall=0, tracked=0, input_tracked=0, manual=0, idle=0,
        resumed=0, billable=0, work_break=0, created_at=stamp, updated_at=stamp,
    )


def add_to_daily(daily: DailyActivity, activity: Activity) -> DailyActivity:
    """A new daily record with ``activity`` added (records are never mutated in place)."""
    tracked = activity["tracked"]
    out = daily.copy()
    out["keyboard"] += activity["keyboard"]
    out["mouse"] += activity["mouse"]
    out["overall"] += activity["overall"]
    out["tracked"] += tracked
    out["input_tracked"] += activity["input_tracked"]
    out["manual"] += tracked if activity["time_type"] == "manual" else 0
    out["billable"] += tracked if activity["billable"] else 0
    out["updated_at"] = max(daily["updated_at"], activity["updated_at"])
    return out
