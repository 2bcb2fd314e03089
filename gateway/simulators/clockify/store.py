"""The workspace in memory, indexed so that a page costs O(page) rather than O(all entries).

Per user, entries are kept sorted by start (ascending lists of starts and records), so a
``start``/``end`` window is two bisections and a newest-first page is a slice. A global index in
the same shape serves the detailed report. Writes keep every index and the per-project and
per-task tracked-time totals in step.

A finished entry's report row is rendered when the entry is stored, not per report: a month's
report is ~2,900 rows over three pages, and rendering them (two ``strftime`` each) on every
request cost more CPU than the rest of the answer; its share of the report totals goes with it,
since every page carries the totals of the whole selection. The catalogue the rows name (users,
projects, tasks, tags) is never written, so only entry writes touch the rows, through
:meth:`Store.add` and :meth:`Store.remove`.
"""

from __future__ import annotations

import bisect
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from gateway.simulators.clockify import render
from gateway.simulators.clockify.data import Catalogue, IdFactory, Person, build_catalogue
from gateway.simulators.clockify.payloads import (
    Client,
    Project,
    Rate,
    ReportEntry,
    Task,
    TimeEntry,
)
from gateway.simulators.clockify.seed_entries import EntryRecord, build_entries
from gateway.simulators.clockify.timefmt import iso_duration


@dataclass(slots=True)
class Timeline:
    """Entries sorted by (start, id), with the starts alongside for bisection."""

    keys: list[tuple[datetime, str]] = field(default_factory=list)
    records: list[EntryRecord] = field(default_factory=list)

    def add(self, record: EntryRecord) -> None:
        index = bisect.bisect_left(self.keys, (record.start, record.id))
        self.keys.insert(index, (record.start, record.id))
        self.records.insert(index, record)

    def remove(self, record: EntryRecord) -> None:
        index = bisect.bisect_left(self.keys, (record.start, record.id))
        del self.keys[index]
        del self.records[index]

    def window(self, start: datetime | None, end: datetime | None) -> tuple[int, int]:
        """Index range of entries with ``start <= entry.start <= end`` (both inclusive)."""
        lo = 0 if start is None else bisect.bisect_left(self.keys, (start, ""))
        hi = len(self.keys) if end is None else bisect.bisect_right(self.keys, (end, "~"))
        return lo, hi


class Reported(NamedTuple):
    """A finished entry's report row and its share of the report totals."""

    row: ReportEntry
    seconds: int
    billable_seconds: int
    earned: int  # rate (minor units an hour) x seconds, 0 unless billable


@dataclass(slots=True)
class EntryQuery:
    start: datetime | None = None
    end: datetime | None = None
    project_id: str | None = None
    in_progress: bool | None = None

    def simple(self) -> bool:
        return self.project_id is None and self.in_progress is None

    def matches(self, record: EntryRecord) -> bool:
        if self.project_id is not None and record.project_id != self.project_id:
            return False
        return self.in_progress is None or (record.end is None) == self.in_progress


class Store:
    def __init__(self, seed: int, today: date, users: int, days: int) -> None:
        rng = random.Random(seed)
        self.ids = IdFactory(rng)
        self.catalogue: Catalogue = build_catalogue(rng, self.ids, today, users)
        self.people = sorted(self.catalogue.people, key=lambda p: p.user["name"].lower())
        self.person_by_id = {p.user["id"]: p for p in self.people}
        self.clients = sorted(self.catalogue.clients, key=lambda c: c["name"].lower())
        self.client_by_id: dict[str, Client] = {c["id"]: c for c in self.clients}
        self.projects = sorted(self.catalogue.projects, key=lambda p: p["name"].lower())
        self.project_by_id: dict[str, Project] = {p["id"]: p for p in self.projects}
        self.task_by_id: dict[str, Task] = {
            t["id"]: t for tasks in self.catalogue.tasks.values() for t in tasks
        }
        self.entries: dict[str, EntryRecord] = {}
        self.by_user: dict[str, Timeline] = defaultdict(Timeline)
        self.everyone = Timeline()
        self.running: dict[str, EntryRecord] = {}  # user id -> running entry
        self._seconds: dict[str, int] = defaultdict(int)  # project or task id -> tracked seconds
        self._payloads: dict[str, TimeEntry] = {}
        self._reported: dict[str, Reported] = {}  # finished entries, by id
        for record in build_entries(rng, self.ids, self.catalogue, today, days):
            self.add(record)

    # -- reads ---------------------------------------------------------------------------
    def page_for_user(
        self, user_id: str, query: EntryQuery, page: int, size: int
    ) -> tuple[list[TimeEntry], bool]:
        """One newest-first page of a user's entries and whether it is the last one."""
        timeline = self.by_user[user_id]
        lo, hi = timeline.window(query.start, query.end)
        if query.simple():
            top = hi - (page - 1) * size
            chosen = timeline.records[max(lo, top - size) : max(lo, top)][::-1]
            return [self.payload(r) for r in chosen], page * size >= hi - lo
        matching = [r for r in reversed(timeline.records[lo:hi]) if query.matches(r)]
        chosen = matching[(page - 1) * size : page * size]
        return [self.payload(r) for r in chosen], page * size >= len(matching)

    def running_entries(self) -> list[EntryRecord]:
        return sorted(self.running.values(), key=lambda r: (r.start, r.id), reverse=True)

    def payload(self, record: EntryRecord) -> TimeEntry:
        cached = self._payloads.get(record.id)
        if cached is None:
            cached = render.time_entry(record, self.rate(record))
            self._payloads[record.id] = cached
        return cached

    def reported(self, record: EntryRecord) -> Reported:
        """A finished entry as the detailed report shows it (rendered when it was stored)."""
        return self._reported[record.id]

    def rate(self, record: EntryRecord) -> Rate | None:
        """The hourly rate an entry bills at: its project's, else its member's."""
        if record.project_id is not None and record.project_id in self.catalogue.rates:
            return self.catalogue.rates[record.project_id]
        person: Person | None = self.person_by_id.get(record.user_id)
        return person.rate if person else None

    def project_payload(self, project: Project) -> Project:
        return {**project, "duration": iso_duration(self._seconds[project["id"]])}

    def task_payload(self, task: Task) -> Task:
        return {**task, "duration": iso_duration(self._seconds[task["id"]])}

    def project_exists(self, project_id: str) -> bool:
        """Listed (archived included); deleted projects are gone as far as the API goes."""
        return project_id in self.project_by_id

    # -- writes --------------------------------------------------------------------------
    def add(self, record: EntryRecord) -> None:
        self.entries[record.id] = record
        self.by_user[record.user_id].add(record)
        self.everyone.add(record)
        if record.end is None:
            self.running[record.user_id] = record
        else:
            self._reported[record.id] = self._report(record)
        self._count(record, 1)

    def remove(self, record: EntryRecord) -> None:
        del self.entries[record.id]
        self.by_user[record.user_id].remove(record)
        self.everyone.remove(record)
        if self.running.get(record.user_id) is record:
            del self.running[record.user_id]
        self._payloads.pop(record.id, None)
        self._reported.pop(record.id, None)
        self._count(record, -1)

    def replace(self, old: EntryRecord, new: EntryRecord) -> None:
        """Swap an entry for its edited copy (records are re-indexed, never edited in place)."""
        self.remove(old)
        self.add(new)

    def _count(self, record: EntryRecord, sign: int) -> None:
        seconds = record.seconds() or 0
        for key in (record.project_id, record.task_id):
            if key is not None:
                self._seconds[key] += sign * seconds

    def _report(self, record: EntryRecord) -> Reported:
        row = render.report_entry(
            record,
            self.person_by_id[record.user_id].user,
            self.project_by_id.get(record.project_id or ""),
            self.task_by_id.get(record.task_id or ""),
            self.catalogue.tags,
        )
        seconds = row["timeInterval"]["duration"]
        if not record.billable:
            return Reported(row, seconds, 0, 0)
        rate = self.rate(record)
        return Reported(row, seconds, seconds, (rate["amount"] if rate else 0) * seconds)
