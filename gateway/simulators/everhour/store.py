"""The simulator's mutable, indexed account: what the routes read and write.

Time records are kept in one list of ``(date, id)`` sorted ascending; the API serves them newest
first (date descending, then id descending), so a page is a bisect plus a slice, whatever the
account's size. Adding time to a (user, task, date) that already has a record grows that record,
as Everhour does; a new record gets the next id.
"""

from __future__ import annotations

import sys
from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from gateway.simulators.everhour.data import Dataset
from gateway.simulators.everhour.payloads import (
    ClientPayload,
    ProjectPayload,
    TaskPayload,
    TaskRefPayload,
    TimeRecordPayload,
    TimerPayload,
    UserPayload,
)
from gateway.simulators.everhour.timesheet import task_ref


@dataclass(slots=True)
class Timer:
    user: int
    task: str
    started: datetime  # aware UTC
    comment: str


class Store:
    def __init__(self, data: Dataset, zone: ZoneInfo) -> None:
        self.zone = zone
        self.keys = data.keys
        self.users = data.users
        self.users_by_id = {u["id"]: u for u in data.users}
        self.cost_rates = data.cost_rates
        self.clients: list[ClientPayload] = data.clients
        self.projects: list[ProjectPayload] = data.projects
        self.project_tasks = {pid: ts for pid, ts in data.tasks.items() if pid}
        self.tasks: dict[str, TaskPayload] = {t["id"]: t for ts in data.tasks.values() for t in ts}
        self.refs: dict[str, TaskRefPayload] = {tid: task_ref(t) for tid, t in self.tasks.items()}
        self.records: dict[int, TimeRecordPayload] = {}
        self.order: list[tuple[str, int]] = []
        self.by_key: dict[tuple[int, str, str], int] = {}
        for record in data.records:
            self._index(record)
        self.next_id = max(self.records, default=0) + 1
        self.timers = {t.user: Timer(t.user, t.task, t.started, t.comment) for t in data.timers}

    def _index(self, record: TimeRecordPayload) -> None:
        self.records[record["id"]] = record
        insort(self.order, (record["date"], record["id"]))
        self.by_key[(record["user"], record["task"]["id"], record["date"])] = record["id"]
        self._count(record["task"]["id"], record["user"], record["time"])

    def _count(self, task_id: str, user: int, seconds: int) -> None:
        totals = self.tasks[task_id]["time"]
        totals["total"] += seconds
        totals["users"][str(user)] = totals["users"].get(str(user), 0) + seconds

    def time_page(
        self, start: str | None, end: str | None, page: int, limit: int
    ) -> list[TimeRecordPayload]:
        """Records with ``start <= date <= end``, newest first, one page of them."""
        low = bisect_left(self.order, (start, 0)) if start else 0
        high = bisect_right(self.order, (end, sys.maxsize)) if end else len(self.order)
        top = high - (page - 1) * limit
        if top <= low:
            return []
        keys = self.order[max(low, top - limit) : top]
        return [self.records[record_id] for _, record_id in reversed(keys)]

    def add_time(
        self, task_id: str, user: int, day: str, seconds: int, comment: str | None,
        now: datetime, *, timer: bool = False,
    ) -> tuple[TimeRecordPayload, bool]:
        """Add ``seconds`` to the user's record for the task and day; True if it was created."""
        existing = self.by_key.get((user, task_id, day))
        if existing is None:
            record = self._new_record(task_id, user, day, comment or "", now)
            record["time"], record["cost"] = seconds, self._cost(user, seconds)
            record["timerTime" if timer else "manualTime"] = seconds
            self._index(record)
            return record, True
        record = self.records[existing]
        record["time"] += seconds
        record["cost"] = self._cost(user, record["time"])
        record["timerTime" if timer else "manualTime"] += seconds
        if comment:
            record["comment"] = comment
        self._count(task_id, user, seconds)
        return record, False

    def _cost(self, user: int, seconds: int) -> int:
        return round(self.cost_rates[user] * seconds / 3600)

    def _new_record(
        self, task_id: str, user: int, day: str, comment: str, now: datetime
    ) -> TimeRecordPayload:
        self.next_id += 1
        return {
            "id": self.next_id - 1, "date": day, "user": user, "time": 0,
            "task": self.refs[task_id], "comment": comment, "isLocked": False,
            "isInvoiced": False, "createdAt": self.local_text(now), "cost": 0,
            "costRate": self.cost_rates[user], "timerTime": 0, "manualTime": 0,
        }

    def start_timer(self, user: int, task_id: str, comment: str, now: datetime) -> Timer:
        """Starting a timer stops the user's running one first, as the Everhour app does."""
        self.stop_timer(user, now)
        timer = self.timers[user] = Timer(user, task_id, now.replace(microsecond=0), comment)
        return timer

    def stop_timer(
        self, user: int, now: datetime
    ) -> tuple[Timer, TimeRecordPayload | None] | None:
        """The stopped timer and the record its time went to (None when under a second)."""
        timer = self.timers.pop(user, None)
        if timer is None:
            return None
        seconds = self.duration(timer, now)
        if seconds <= 0:
            return timer, None
        day = self.user_date(timer)
        record, _ = self.add_time(timer.task, user, day, seconds, timer.comment, now, timer=True)
        return timer, record

    def duration(self, timer: Timer, now: datetime) -> int:
        return max(0, int((now - timer.started).total_seconds()))

    def user_date(self, timer: Timer) -> str:
        return timer.started.astimezone(self.zone).date().isoformat()

    def local_text(self, moment: datetime) -> str:
        """Everhour's zone-less datetime: wall time in the account's zone."""
        return moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M:%S")

    def timer_payload(self, timer: Timer, now: datetime, status: str = "active") -> TimerPayload:
        user: UserPayload = self.users_by_id[timer.user]
        return {
            "status": "active" if status == "active" else "stopped",
            "duration": self.duration(timer, now),
            "startedAt": self.local_text(timer.started),
            "userDate": self.user_date(timer),
            "comment": timer.comment,
            "task": self.refs[timer.task],
            "user": {"id": user["id"], "name": user["name"], "headline": user["headline"],
                     "avatarUrl": user["avatarUrl"]},
        }
