"""Seeded time records and running timers.

Everhour keeps one record per (user, task, date) holding seconds, with no start or end; adding
time to the same task on the same day grows that record. Records cover the working days of the
90 days ending on the data date, two to four tasks per person per day. Some fall on orphan tasks
(see ``directory``), and some have ``createdAt`` late in the evening or the next morning so the
account's time zone matters when reading them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from gateway.simulators.everhour import catalog
from gateway.simulators.everhour.payloads import (
    ProjectPayload,
    TaskPayload,
    TaskRefPayload,
    TimeRecordPayload,
)

DAYS = 90
LOCKED_AFTER_DAYS = 60  # older records are locked (approved timesheets)
INVOICED_AFTER_DAYS = 45  # older billable records are invoiced; archived projects stop logging
ORPHAN_SHARE = 0.03
TIMER_USERS = (3, 6, 11)  # indexes into catalog.USERS; the owner (0) has no running timer


@dataclass(frozen=True, slots=True)
class SeedTimer:
    user: int
    task: str
    started: datetime  # aware UTC, whole seconds
    comment: str


def task_ref(task: TaskPayload) -> TaskRefPayload:
    return {"id": task["id"], "name": task["name"], "type": "task", "status": task["status"],
            "projects": task["projects"]}


class Assignments:
    """Which tasks each user may log time on: those of the projects they belong to."""

    def __init__(self, projects: list[ProjectPayload], by_project: dict[str, list[TaskPayload]]):
        self.live: dict[int, list[TaskPayload]] = {}
        self.archived: dict[int, list[TaskPayload]] = {}
        for project in projects:
            side = self.live if project["status"] == "open" else self.archived
            for uid in project["users"]:
                side.setdefault(uid, []).extend(by_project[project["id"]])
        self.orphans = by_project[""]
        self.hourly = {p["id"] for p in projects if p["billing"]["type"] == "hourly"}

    def for_day(self, uid: int, old: bool) -> list[TaskPayload]:
        return self.live.get(uid, []) + (self.archived.get(uid, []) if old else [])


def make_records(
    rng: random.Random, today: date, cost_rates: dict[int, int], work: Assignments
) -> list[TimeRecordPayload]:
    refs: dict[str, TaskRefPayload] = {}
    records: list[TimeRecordPayload] = []
    next_id = rng.randrange(40_000_000, 50_000_000)
    for offset in range(DAYS - 1, -1, -1):
        day = today - timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for uid, rate in cost_rates.items():
            if rng.random() < 0.05:  # a day off
                continue
            for task, seconds in _day_plan(rng, work, uid, offset):
                ref = refs.setdefault(task["id"], task_ref(task))
                records.append(_record(rng, next_id, day, uid, rate, ref, seconds, offset, work))
                next_id += 1
    return records


def _day_plan(
    rng: random.Random, work: Assignments, uid: int, offset: int
) -> list[tuple[TaskPayload, int]]:
    options = work.for_day(uid, offset > INVOICED_AFTER_DAYS)
    tasks = rng.sample(options, min(len(options), rng.randint(2, 4)))
    if rng.random() < ORPHAN_SHARE:
        tasks[-1] = rng.choice(work.orphans)
    quarters = rng.randint(24, 36)  # 6 to 9 hours in quarter hours
    cuts = sorted(rng.sample(range(1, quarters), len(tasks) - 1))
    sizes = [b - a for a, b in zip([0, *cuts], [*cuts, quarters], strict=True)]
    return [(task, size * 900) for task, size in zip(tasks, sizes, strict=True)]


def _record(
    rng: random.Random, record_id: int, day: date, uid: int, rate: int, ref: TaskRefPayload,
    seconds: int, offset: int, work: Assignments,
) -> TimeRecordPayload:
    mode = rng.random()
    if mode < 0.4:  # tracked by a timer: not a round number of quarters
        seconds = max(60, seconds + rng.randint(-420, 420))
    timer = seconds if mode < 0.4 else (seconds // 2 if mode > 0.8 else 0)
    billable = bool(ref["projects"]) and ref["projects"][0] in work.hourly
    return {
        "id": record_id,
        "date": day.isoformat(),
        "user": uid,
        "time": seconds,
        "task": ref,
        "comment": rng.choice(catalog.COMMENTS),
        "isLocked": offset > LOCKED_AFTER_DAYS,
        "isInvoiced": billable and offset > INVOICED_AFTER_DAYS,
        "createdAt": _created_at(rng, day),
        "cost": round(rate * seconds / 3600),
        "costRate": rate,
        "timerTime": timer,
        "manualTime": seconds - timer,
    }


def _created_at(rng: random.Random, day: date) -> str:
    """Wall time in the account's zone; some late at night, some the next morning."""
    roll = rng.random()
    if roll < 0.1:
        day, hour = day, rng.randint(22, 23)
    elif roll < 0.15:
        day, hour = day + timedelta(days=1), rng.randint(7, 9)
    else:
        hour = rng.randint(9, 19)
    moment = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)))
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def make_timers(
    rng: random.Random, now: datetime, ids: list[int], work: Assignments
) -> list[SeedTimer]:
    timers: list[SeedTimer] = []
    for index in TIMER_USERS:
        uid = ids[index]
        task = rng.choice([t for t in work.live[uid] if t["status"] == "open"])
        started = now.replace(microsecond=0) - timedelta(minutes=rng.randint(5, 170))
        timers.append(SeedTimer(uid, task["id"], started, rng.choice(catalog.COMMENTS)))
    return timers
