"""Per-app mutable state over the shared seed: indexed reads and the manual-time write.

Reads cost O(page) (plus, for filtered time queries, a scan of at most one 7-day window):
lists are kept in ascending id order, time-indexed lists also in ascending time order, so a
time range is a ``bisect`` slice and ``page_start_id`` another ``bisect`` inside it. Activities
and daily records written through the API get ids above every seeded one and live in an
``extra`` list, which keeps both orders intact.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable, Iterable
from typing import TypeVar

from gateway.simulators.hubstaff.activities import (
    DailyKey,
    Source,
    add_to_daily,
    daily_key,
    empty_daily,
    make_activity,
    split,
)
from gateway.simulators.hubstaff.payloads import (
    Activity,
    Client,
    DailyActivity,
    Member,
    Organization,
    Project,
    Task,
    User,
)
from gateway.simulators.hubstaff.seed import Seed

T = TypeVar("T")
Match = Callable[[T], bool]
# An activity's updated_at is at most this long after its time slot began (slot length
# plus the upload delay in seed.py), which bounds the slice an ``updated[...]`` query scans.
UPDATE_LAG = 600 + 120


def page_of(
    records: Iterable[T], ident: Callable[[T], int], limit: int
) -> tuple[list[T], int | None]:
    """The first ``limit`` records and the id the next page starts at, if there is one."""
    out: list[T] = []
    for record in records:
        if len(out) == limit:
            return out, ident(record)
        out.append(record)
    return out, None


class Store:
    def __init__(self, seed: Seed) -> None:
        catalog = seed.catalog
        self.seed = seed
        self.organizations: list[Organization] = catalog.organizations
        self.users: dict[int, User] = {u["id"]: u for u in catalog.users}
        self.members: list[tuple[int, Member]] = catalog.members
        self.clients: list[Client] = catalog.clients
        self.projects: dict[int, Project] = {p["id"]: p for p in catalog.projects}
        self.tasks: list[Task] = catalog.tasks
        self.task_by_id: dict[int, Task] = {t["id"]: t for t in catalog.tasks}
        self.member_projects = {w.user_id: w.project_ids for w in catalog.workers}
        self.extra_activities: list[tuple[int, int, Activity]] = []  # (slot, updated, record)
        self.dailies: list[DailyActivity] = list(seed.dailies)
        self.extra_dailies: list[DailyActivity] = []
        self.daily_where: dict[DailyKey, tuple[bool, int]] = {
            key: (False, position) for key, position in seed.daily_index.items()
        }
        self.intervals = {user: list(spans) for user, spans in seed.intervals.items()}
        self.next_activity_id = seed.activities[-1]["id"] + 1_000 if seed.activities else 1
        self.next_daily_id = seed.dailies[-1]["id"] + 1_000 if seed.dailies else 1
        self.rng = random.Random(f"hubstaff:writes:{seed.now}")

    # -- time-indexed reads ------------------------------------------------------------------

    def activities(
        self, start: int, stop: int, match: Match[Activity] | None, start_id: int, limit: int
    ) -> tuple[list[Activity], int | None]:
        """A page of the activities in slots ``[start, stop)``; ``match=None`` keeps them all.

        Unfiltered (what a client walking a week does: ~32 pages of 500 a month), a page of
        seeded records is a slice: no per-record test or generator step.
        """
        rows = self.seed.activities
        lo, hi = self._slots(start, stop, start_id)
        if match is None and hi - lo > limit:
            return rows[lo : lo + limit], rows[lo + limit]["id"]
        keep = match or _everything

        def seeded() -> Iterable[Activity]:
            yield from (rows[i] for i in range(lo, hi) if keep(rows[i]))
            for slot, _, record in self.extra_activities:
                if start <= slot < stop and record["id"] >= start_id and keep(record):
                    yield record

        return page_of(seeded(), _ident, limit)

    def activity_updates(
        self, start: int, stop: int, match: Match[Activity] | None, start_id: int, limit: int
    ) -> tuple[list[Activity], int | None]:
        updated = self.seed.updated
        keep = match or _everything

        def seeded() -> Iterable[Activity]:
            lo = bisect.bisect_left(self.seed.slots, start - UPDATE_LAG)
            hi = bisect.bisect_left(self.seed.slots, stop)
            first = max(lo, bisect.bisect_left(self.seed.activities, start_id, lo, hi, key=_ident))
            for i in range(first, hi):
                record = self.seed.activities[i]
                if start <= updated[i] < stop and keep(record):
                    yield record
            for _, changed, record in self.extra_activities:
                if start <= changed < stop and record["id"] >= start_id and keep(record):
                    yield record

        return page_of(seeded(), _ident, limit)

    def _slots(self, start: int, stop: int, start_id: int) -> tuple[int, int]:
        """Index range of seeded activities in slots ``[start, stop)`` with id >= ``start_id``."""
        lo = bisect.bisect_left(self.seed.slots, start)
        hi = bisect.bisect_left(self.seed.slots, stop)
        return max(lo, bisect.bisect_left(self.seed.activities, start_id, lo, hi, key=_ident)), hi

    def daily(
        self, first: str, last: str, match: Match[DailyActivity] | None, start_id: int, limit: int
    ) -> tuple[list[DailyActivity], int | None]:
        keep = match or _everything

        def rows() -> Iterable[DailyActivity]:
            lo = bisect.bisect_left(self.dailies, first, key=_date)
            hi = bisect.bisect_right(self.dailies, last, key=_date)
            lo = max(lo, bisect.bisect_left(self.dailies, start_id, lo, hi, key=_ident))
            for i in range(lo, hi):
                if keep(self.dailies[i]):
                    yield self.dailies[i]
            for record in self.extra_dailies:
                if first <= record["date"] <= last and record["id"] >= start_id and keep(record):
                    yield record

        return page_of(rows(), _ident, limit)

    # -- manual time ---------------------------------------------------------------------------

    def overlaps(self, user_id: int, start: int, end: int) -> bool:
        spans = self.intervals.setdefault(user_id, [])
        i = bisect.bisect_left(spans, (start, start))
        before = spans[i - 1] if i else None
        after = spans[i] if i < len(spans) else None
        return bool((before and before[1] > start) or (after and after[0] < end))

    def add_manual(self, source: Source, start: int, end: int, now_us: int) -> list[Activity]:
        """Record ``[start, end)`` as manual activities and fold them into the daily sums."""
        bisect.insort(self.intervals.setdefault(source.user_id, []), (start, end))
        made = []
        for slot, starts_at, tracked in split(start, end):
            self.next_activity_id += self.rng.randint(1, 4)
            record = make_activity(
                self.next_activity_id, slot, starts_at, tracked, source, now_us, None
            )
            self.extra_activities.append((slot, now_us // 1_000_000, record))
            self._fold(record)
            made.append(record)
        return made

    def _fold(self, activity: Activity) -> None:
        key = daily_key(activity)
        where = self.daily_where.get(key)
        if where is None:
            self.next_daily_id += self.rng.randint(1, 4)
            self.extra_dailies.append(
                add_to_daily(empty_daily(self.next_daily_id, key, activity["created_at"]), activity)
            )
            self.daily_where[key] = (True, len(self.extra_dailies) - 1)
            return
        in_extra, position = where
        rows = self.extra_dailies if in_extra else self.dailies
        rows[position] = add_to_daily(rows[position], activity)


def _everything(record: object) -> bool:
    return True


def _ident(record: Activity | DailyActivity) -> int:
    return record["id"]


def _date(record: DailyActivity) -> str:
    return record["date"]
