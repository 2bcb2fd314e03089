"""Work sessions: who tracked what, from when to when (the truth activities are cut from).

A member works most weekdays from a local start hour, in sessions of 15 minutes to 3 hours
separated by short breaks and a lunch break; sometimes switches task with no break at all,
sometimes adds an evening session. Members in the Americas routinely track across midnight
UTC, which is the organization's day boundary. Each (member, day) has its own random stream,
so the history does not change with the time of day the app is started; only the cut at
"now" does: a session running at that instant stays open, and a few members are always
tracking "now" so that ``last_activities`` shows somebody online.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from gateway.simulators.hubstaff.catalog import Catalog, TaskPlan, WorkerPlan
from gateway.simulators.hubstaff.timefmt import day_start, epoch_date

SLOT = 600
RUNNING_USERS = 3


class Session(NamedTuple):
    start: int  # epoch seconds, inclusive
    end: int  # epoch seconds, exclusive
    user_id: int
    project_id: int
    task_id: int
    manual: bool


def build_sessions(catalog: Catalog, seed: int, first: date, now: int,
                   live: bool) -> list[Session]:
    """Every session in ``[first 00:00 UTC, now)``, cut at ``now``, in no particular order.

    ``live`` says ``now`` is the real present (the data date is today): only then are a few
    members forced to be tracking at that instant.
    """
    window_start = day_start(first)
    out: list[Session] = []
    running = _running_users(catalog, seed) if live else set()
    for worker in catalog.workers:
        mine = [s for s in _worker_history(catalog, worker, seed, first, now)
                if window_start <= s.start < now]
        mine = [s._replace(end=min(s.end, now)) for s in mine]
        if worker.user_id in running:
            mine = _with_running(catalog, worker, mine, seed, now)
        out.extend(mine)
    return out


def _running_users(catalog: Catalog, seed: int) -> set[int]:
    rng = random.Random(f"hubstaff:{seed}:running")
    present = [w.user_id for w in catalog.workers if w.removed_on is None]
    return set(rng.sample(present, RUNNING_USERS))


def _with_running(catalog: Catalog, worker: WorkerPlan, mine: list[Session], seed: int,
                  now: int) -> list[Session]:
    """End the member's earlier work a little before a session still running at ``now``."""
    rng = random.Random(f"hubstaff:{seed}:running:{worker.user_id}")
    stop = now - rng.randint(15 * 60, 110 * 60)
    # Start in a later slot than the cut session ended in: one activity per slot and task.
    began = (stop // SLOT + 1) * SLOT + rng.randrange(0, 120)
    kept = [s._replace(end=min(s.end, stop)) for s in mine if s.start < stop]
    today = epoch_date(now)
    choice = _pick(rng, catalog, worker, today, None)
    if choice is not None:
        kept.append(Session(began, now, worker.user_id, choice[0], choice[1], False))
    return kept


def _worker_history(catalog: Catalog, worker: WorkerPlan, seed: int, first: date,
                    now: int) -> Iterator[Session]:
    zone = ZoneInfo(worker.zone)
    day = first - timedelta(days=1)
    last = epoch_date(now) + timedelta(days=1)
    while day <= last:
        if worker.removed_on is None or day < worker.removed_on:
            rng = random.Random(f"hubstaff:{seed}:{worker.user_id}:{day.isoformat()}")
            yield from _workday(rng, catalog, worker, day, zone)
        day += timedelta(days=1)


def _workday(rng: random.Random, catalog: Catalog, worker: WorkerPlan, day: date,
             zone: ZoneInfo) -> Iterator[Session]:
    if rng.random() > (0.93 if day.weekday() < 5 else 0.07):
        return
    local = datetime(day.year, day.month, day.day, worker.start_hour, tzinfo=zone)
    cursor = int(local.timestamp()) + rng.randrange(0, 50 * 60)
    target = rng.randint(int(6.5 * 3600), int(8.5 * 3600)) if day.weekday() < 5 else 7200
    worked, lunched, previous = 0, False, None
    while worked < target:
        choice = _pick(rng, catalog, worker, day, previous)
        if choice is None:
            return
        length = min(rng.randint(15 * 60, 180 * 60) + rng.randrange(60), target - worked + 300)
        session = Session(cursor, cursor + length, worker.user_id, *choice,
                          manual=rng.random() < 0.03)
        yield session
        worked += length
        cursor, previous = _next_start(rng, session, worked, lunched)
        lunched = lunched or worked > 3.5 * 3600
    if rng.random() < 0.12:  # an evening session after dinner
        evening = datetime(day.year, day.month, day.day, 20, tzinfo=zone)
        begin = max(cursor + 3600, int(evening.timestamp()) + rng.randrange(0, 150 * 60))
        choice = _pick(rng, catalog, worker, day, None)
        if choice is not None:
            yield Session(begin, begin + rng.randint(40 * 60, 150 * 60), worker.user_id,
                          *choice, manual=False)


def _next_start(rng: random.Random, session: Session, worked: float,
                lunched: bool) -> tuple[int, tuple[int, int] | None]:
    """Where the next session starts, and the (project, task) it must differ from if any.

    A zero-length break is only allowed with a different task (the member switched tasks);
    after a real break the same task may go on, but never inside the slot the previous
    session ended in, since Hubstaff keeps one activity per slot, project and task.
    """
    same = (session.project_id, session.task_id)
    if not lunched and worked > 3.5 * 3600:
        gap = rng.randint(30 * 60, 60 * 60)
    elif rng.random() < 0.15:
        return session.end, same
    else:
        gap = rng.randint(2 * 60, 25 * 60) + rng.randrange(60)
    start = session.end + gap
    slot_after_end = (session.end - 1) // SLOT * SLOT + SLOT
    return max(start, slot_after_end + rng.randrange(0, 120)), None


def _pick(rng: random.Random, catalog: Catalog, worker: WorkerPlan, day: date,
          avoid: tuple[int, int] | None) -> tuple[int, int] | None:
    projects = [p for p in worker.project_ids
                if p not in catalog.archived_on or day < catalog.archived_on[p]]
    rng.shuffle(projects)
    for project_id in projects:
        open_tasks = [t for t in catalog.task_plans if _open(t, project_id, day)
                      and (project_id, t.task_id) != avoid]
        if open_tasks:
            assigned = [t for t in open_tasks if worker.user_id in t.assignee_ids]
            pool = assigned if assigned and rng.random() < 0.8 else open_tasks
            return project_id, rng.choice(pool).task_id
    return None


def _open(task: TaskPlan, project_id: int, day: date) -> bool:
    return (task.project_id == project_id and task.created_on <= day
            and (task.completed_on is None or day <= task.completed_on))
