"""The seeded dataset, built once per (seed, data date, now) and shared read-only.

Records are plain dicts that are never mutated after this module returns them: the per-app
:class:`~gateway.simulators.hubstaff.store.Store` copies the lists it may change, so a reset
(or a second app with the same seed) reuses this work instead of regenerating ~50k activities.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from gateway.simulators.hubstaff.activities import (
    DailyKey,
    Source,
    add_to_daily,
    daily_key,
    empty_daily,
    make_activity,
    split,
)
from gateway.simulators.hubstaff.catalog import Catalog, build_catalog
from gateway.simulators.hubstaff.payloads import Activity, DailyActivity, LastActivity
from gateway.simulators.hubstaff.sessions import Session, build_sessions
from gateway.simulators.hubstaff.timefmt import micro_stamp

DAYS = 90
FIRST_ACTIVITY_ID = 2_418_000_000
FIRST_DAILY_ID = 611_000_000


@dataclass(frozen=True, slots=True)
class Seed:
    catalog: Catalog
    activities: list[Activity]  # ascending time_slot and id
    slots: list[int]  # time_slot epoch of each activity
    updated: list[int]  # updated_at epoch second of each activity
    dailies: list[DailyActivity]  # ascending date and id
    daily_index: dict[DailyKey, int]
    intervals: dict[int, list[tuple[int, int]]]  # user -> sorted (start, end) tracked
    last_activities: list[tuple[int, LastActivity]]  # (membership id, record)
    now: int


@lru_cache(maxsize=4)
def build_seed(seed: int, today: date, now: int, live: bool) -> Seed:
    """The dataset of the ``DAYS`` days ending on ``today``, cut at epoch second ``now``."""
    catalog = build_catalog(seed, today)
    first = today - timedelta(days=DAYS - 1)
    sessions = sorted(build_sessions(catalog, seed, first, now, live))
    rows = _cut(catalog, sessions, seed, now)
    activities = [row[3] for row in rows]
    dailies, daily_index = _dailies(activities)
    intervals: dict[int, list[tuple[int, int]]] = {w.user_id: [] for w in catalog.workers}
    for session in sessions:
        intervals[session.user_id].append((session.start, session.end))
    return Seed(
        catalog=catalog, activities=activities, slots=[row[0] for row in rows],
        updated=[row[2] // 1_000_000 for row in rows], dailies=dailies,
        daily_index=daily_index, intervals=intervals,
        last_activities=_last_activities(catalog, sessions, now if live else -1), now=now,
    )


def _cut(catalog: Catalog, sessions: list[Session], seed: int,
         now: int) -> list[tuple[int, int, int, Activity]]:
    """Activities as ``(slot, user, updated_us, record)`` in id order."""
    rng = random.Random(f"hubstaff:{seed}:activities")
    billable = {p["id"]: p["billable"] for p in catalog.projects}
    desktop = {w.user_id: w.desktop for w in catalog.workers}
    pieces = []
    for s in sessions:
        source = Source(s.user_id, s.project_id, s.task_id, billable[s.project_id], s.manual,
                        desktop[s.user_id])
        for slot, starts_at, tracked in split(s.start, s.end):
            pieces.append((slot, s.user_id, starts_at, tracked, source))
    pieces.sort(key=lambda p: (p[0], p[1], p[2]))
    rows = []
    activity_id = FIRST_ACTIVITY_ID
    draw = rng.random
    for slot, user_id, starts_at, tracked, source in pieces:
        activity_id += 1 + int(draw() * 4)  # other organizations' activities interleave
        # The desktop app uploads a slot shortly after it closes (manual time: when saved).
        created_us = min((starts_at + tracked + 2) * 1_000_000 + int(draw() * 88_000_000),
                         now * 1_000_000)
        record = make_activity(activity_id, slot, starts_at, tracked, source, created_us, rng)
        rows.append((slot, user_id, created_us, record))
    return rows


def _dailies(activities: list[Activity]) -> tuple[list[DailyActivity], dict[DailyKey, int]]:
    sums: dict[DailyKey, DailyActivity] = {}
    for activity in activities:
        key = daily_key(activity)
        daily = sums.get(key) or empty_daily(0, key, activity["created_at"])
        sums[key] = add_to_daily(daily, activity)
    dailies: list[DailyActivity] = []
    index: dict[DailyKey, int] = {}
    for position, key in enumerate(sorted(sums)):
        daily = sums[key]
        daily["id"] = FIRST_DAILY_ID + position * 3
        dailies.append(daily)
        index[key] = position
    return dailies, index


def _last_activities(catalog: Catalog, sessions: list[Session],
                     live_now: int) -> list[tuple[int, LastActivity]]:
    """Each member's latest session; online when it is still running at ``live_now``."""
    last: dict[int, Session] = {}
    for session in sessions:  # sorted by start, so the latest wins
        last[session.user_id] = session
    out: list[tuple[int, LastActivity]] = []
    for membership_id, member in catalog.members:
        if member["user_id"] not in last:
            continue
        session = last[member["user_id"]]
        seen = micro_stamp(session.end * 1_000_000)
        member["last_client_activity"] = seen
        out.append((membership_id, LastActivity(
            last_client_activity=seen, online=session.end == live_now,
            last_project_id=session.project_id, last_task_id=session.task_id,
            user_id=member["user_id"])))
    return out
