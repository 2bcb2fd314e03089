"""Seeded time entries: several per member per working day for ``days`` days up to ``today``.

Variety the connector has to cope with, all drawn from the seed:
- running timers (no end) for a handful of members on ``today``;
- entries without a project, entries on archived projects, and older entries on projects
  that have since been deleted (a GET of those projects answers 400);
- very short timer entries (``PT45S``, ``PT0S``) and one forgotten timer over 24 hours.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from gateway.simulators.clockify import names
from gateway.simulators.clockify.data import Catalogue, IdFactory, Person

RUNNING_TIMERS = 5
ARCHIVED_BEFORE_DAYS = 45  # archived projects only appear on entries older than this
DELETED_BEFORE_DAYS = 60  # deleted projects only appear on entries older than this


@dataclass(slots=True)
class EntryRecord:
    """One time entry; ``end is None`` while its timer runs."""

    id: str
    user_id: str
    start: datetime
    end: datetime | None
    description: str = ""
    project_id: str | None = None
    task_id: str | None = None
    tag_ids: list[str] = field(default_factory=list)
    billable: bool = False
    type: str = "REGULAR"

    def seconds(self) -> int | None:
        return None if self.end is None else int((self.end - self.start).total_seconds())


def build_entries(
    rng: random.Random, ids: IdFactory, catalogue: Catalogue, today: date, days: int
) -> list[EntryRecord]:
    trackers = [p for p in catalogue.people if p.membership_status != "PENDING"]
    current = [p for p in trackers if p.active_until is None]
    running = {p.user["id"] for p in rng.sample(current, min(RUNNING_TIMERS, len(current)))}
    entries: list[EntryRecord] = []
    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for person in trackers:
            if person.active_until is not None and day > person.active_until:
                continue
            entries += _day(rng, ids, catalogue, person, day, offset, person.user["id"] in running)
    entries.append(_forgotten_timer(rng, ids, current, today))
    return entries


def _day(
    rng: random.Random,
    ids: IdFactory,
    catalogue: Catalogue,
    person: Person,
    day: date,
    age: int,
    runs_today: bool,
) -> list[EntryRecord]:
    cursor = datetime.combine(day, time(7, 30), UTC) + timedelta(minutes=rng.randint(0, 120))
    count = rng.randint(2, 5)
    out: list[EntryRecord] = []
    for index in range(count):
        entry = _entry(rng, ids, catalogue, person, cursor, age)
        if runs_today and age == 0 and index == count - 1:
            entry.end = None  # this member's timer is still running
        out.append(entry)
        if entry.end is None:
            break
        cursor = entry.end + timedelta(minutes=rng.choice((0, 0, 5, 10, 15, 30, 45)))
    return out


def _entry(
    rng: random.Random,
    ids: IdFactory,
    catalogue: Catalogue,
    person: Person,
    start: datetime,
    age: int,
) -> EntryRecord:
    record = EntryRecord(ids.new(start), person.user["id"], start, start + _length(rng))
    record.description = rng.choice(names.DESCRIPTIONS)
    record.project_id = _pick_project(rng, catalogue, person, age)
    if record.project_id is not None:
        tasks = catalogue.tasks.get(record.project_id, [])
        if tasks and rng.random() < 0.7:
            record.task_id = rng.choice(tasks)["id"]
        billable = catalogue.rates[record.project_id]["amount"] > 0
        record.billable = billable and rng.random() < 0.9
    if rng.random() < 0.3:
        record.tag_ids = [rng.choice(list(catalogue.tags))]
    return record


def _length(rng: random.Random) -> timedelta:
    roll = rng.random()
    if roll < 0.01:
        return timedelta(seconds=0)  # a timer started and stopped at once: "PT0S"
    if roll < 0.03:
        return timedelta(seconds=45)  # a mis-click timer: "PT45S"
    if roll < 0.35:
        # Timer-tracked entries carry seconds ("PT1H12M37S"); manual ones are whole minutes.
        return timedelta(seconds=rng.randint(10 * 60, 3 * 3600))
    return timedelta(minutes=rng.choice((15, 30, 45, 60, 90, 120, 150, 180, 240)))


def _pick_project(
    rng: random.Random, catalogue: Catalogue, person: Person, age: int
) -> str | None:
    if rng.random() < 0.06:
        return None
    archived = {p["id"] for p in catalogue.projects if p["archived"]}
    deleted = set(catalogue.deleted_project_ids)
    allowed = [
        pid
        for pid in person.project_ids
        if (pid not in archived or age > ARCHIVED_BEFORE_DAYS)
        and (pid not in deleted or age > DELETED_BEFORE_DAYS)
    ]
    return rng.choice(allowed) if allowed else None


def _forgotten_timer(
    rng: random.Random, ids: IdFactory, trackers: list[Person], today: date
) -> EntryRecord:
    person = rng.choice([p for p in trackers if p.active_until is None])
    start = datetime.combine(today - timedelta(days=20), time(17, 0), UTC)
    end = start + timedelta(hours=26, minutes=30)  # "PT26H30M": Clockify never writes days
    return EntryRecord(ids.new(start), person.user["id"], start, end, "Forgot to stop the timer")
