"""Seeded time entries: 90 days of weekdays ending on the data date, 2-4 entries per person
per day, a few timers running on the data date, and the usual approval/invoicing history.

Two tracking habits coexist, as in an account that switched to timestamp timers: most people's
entries carry ``started_time``/``ended_time``, the others' carry only hours.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from gateway.simulators.harvest import names
from gateway.simulators.harvest.catalog import Catalog
from gateway.simulators.harvest.payloads import InvoiceRef
from gateway.simulators.harvest.timefmt import ACCOUNT_TZ, clock_time, local_moment

DAYS = 90
RUNNING_TIMERS = 3
APPROVED = "Item Approved and Locked for this Time Period"
INVOICED = "Item Invoiced and Approved and Locked for this Time Period"


@dataclass(slots=True)
class Entry:
    id: int
    spent_date: date
    user_id: int
    project_id: int
    task_id: int
    hours_without_timer: float
    timer_started_at: datetime | None
    started_time: str | None
    ended_time: str | None
    notes: str | None
    created_at: datetime
    updated_at: datetime
    is_locked: bool = False
    locked_reason: str | None = None
    is_closed: bool = False
    is_billed: bool = False
    invoice: InvoiceRef | None = None

    @property
    def is_running(self) -> bool:
        return self.timer_started_at is not None


def seed_entries(catalog: Catalog, rng: random.Random, today: date) -> list[Entry]:
    users = list(catalog.users)
    stamped = set(rng.sample(users, 10))
    active = [u for u in users if catalog.user_until[u] is None]
    running = set(rng.sample(active, RUNNING_TIMERS))
    # edits happen no later than the data date's evening
    limit = local_moment(today, time(18))
    drafts: list[Entry] = []
    for offset in range(DAYS):
        day = today - timedelta(days=DAYS - 1 - offset)
        for uid in users:
            until = catalog.user_until[uid]
            if until is not None and day > until:
                continue
            runs = day == today and uid in running
            if day.weekday() >= 5 and not runs:
                continue
            drafts += _day(catalog, rng, uid, day, stamped=uid in stamped, runs=runs,
                           limit=limit)
    drafts.sort(key=lambda e: (e.created_at, e.user_id))
    next_id = 2_300_000_000
    for entry in drafts:
        next_id += rng.randint(1, 40)
        entry.id = next_id
    _close_and_invoice(catalog, drafts, today)
    return drafts


def _day(catalog: Catalog, rng: random.Random, uid: int, day: date, *, stamped: bool,
         runs: bool, limit: datetime) -> list[Entry]:
    pids = [p for p in catalog.user_projects[uid] if _open(catalog, p, day)]
    count = rng.choices((2, 3, 4), (1, 2, 4))[0]
    minutes = _split(rng, rng.randint(90, 150) if runs else rng.randint(390, 510), count)
    cursor = datetime.combine(day, time(8), ACCOUNT_TZ) + timedelta(minutes=rng.randint(0, 90))
    out: list[Entry] = []
    for i, length in enumerate(minutes):
        pid = rng.choices(pids, [1 if p == pids[0] else 3 for p in pids])[0]
        tasks = [t for t in catalog.project_tasks[pid] if catalog.tasks[t]["is_active"]]
        tid = rng.choice(tasks)
        start, end = cursor, cursor + timedelta(minutes=length)
        last_running = runs and i == len(minutes) - 1
        entry = Entry(
            id=0, spent_date=day, user_id=uid, project_id=pid, task_id=tid,
            hours_without_timer=0.0 if last_running else round(length / 60, 2),
            timer_started_at=start.astimezone(UTC) if last_running else None,
            started_time=clock_time(start) if stamped else None,
            ended_time=clock_time(end) if stamped and not last_running else None,
            notes=_note(rng, catalog.tasks[tid]["name"]),
            created_at=_created(rng, day, start, end, stamped=stamped, running=last_running),
            updated_at=datetime.min.replace(tzinfo=UTC),
        )
        entry.updated_at = _updated(rng, entry.created_at, limit, running=last_running)
        out.append(entry)
        cursor = end + timedelta(minutes=rng.randint(0, 15) + (45 if i == count // 2 - 1 else 0))
    return out


def _note(rng: random.Random, task: str) -> str | None:
    return None if rng.random() < 0.06 else rng.choice(names.NOTES[task])


def _open(catalog: Catalog, pid: int, day: date) -> bool:
    starts, ends = catalog.project_window[pid]
    return starts <= day and (ends is None or day <= ends)


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    scale = total / sum(weights)
    return [max(10, round(w * scale)) for w in weights]


def _created(rng: random.Random, day: date, start: datetime, end: datetime, *, stamped: bool,
             running: bool) -> datetime:
    if running:
        return start.astimezone(UTC)
    if stamped:  # written when the timer stopped
        return end.astimezone(UTC) + timedelta(seconds=rng.randint(0, 300))
    # duration trackers fill in their timesheet at the end of the day
    return local_moment(day, time(17, rng.randint(0, 59), rng.randint(0, 59)))


def _updated(rng: random.Random, created: datetime, limit: datetime, *, running: bool) -> datetime:
    if running or rng.random() > 0.12:
        return created
    edited = created + timedelta(days=rng.randint(1, 6), seconds=rng.randint(0, 3600))
    return max(created, min(edited, limit))


def _close_and_invoice(catalog: Catalog, entries: list[Entry], today: date) -> None:
    """Last week and older is approved; billable time of past months is invoiced."""
    approved_before = today - timedelta(days=today.weekday() + 7)
    month_start = today.replace(day=1)
    invoices: dict[tuple[int, int, int], InvoiceRef] = {}
    for entry in sorted(entries, key=lambda e: (e.spent_date, e.id)):
        if entry.spent_date >= approved_before:
            continue
        entry.is_closed = entry.is_locked = True
        entry.locked_reason = APPROVED
        billable = catalog.task_assignments[(entry.project_id, entry.task_id)]["billable"]
        if billable and entry.spent_date < month_start:
            client = catalog.projects[entry.project_id]["client"]["id"]
            key = (entry.spent_date.year, entry.spent_date.month, client)
            if key not in invoices:
                invoices[key] = InvoiceRef(id=13_150_400 + len(invoices) * 37,
                                           number=str(1001 + len(invoices)))
            entry.invoice = invoices[key]
            entry.is_billed = True
            entry.locked_reason = INVOICED
