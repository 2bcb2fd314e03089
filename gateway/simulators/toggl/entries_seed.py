"""Seeded time entries: working days from 07:00 UTC, a few activities per person per day that
recur (so Reports rows group several entries), running timers today, a few deletions."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from gateway.simulators.toggl import catalog
from gateway.simulators.toggl.model import EntryRec, ProjectRec, TagRec, TaskRec

RunningForm = Literal["epoch", "minus_one"]
# (project_id, task_id, description, billable, tag_ids)
Activity = tuple[int | None, int | None, str, bool, tuple[int, ...]]

_KINDS = {
    "QA": "qa", "Accessibility review": "qa", "Load testing": "qa", "Regression": "qa",
    "Design system": "design", "Schema design": "design", "Data mapping": "design",
    "Tickets": "support", "On-call": "support", "Interviews": "people",
    "Take-home reviews": "people", "Copywriting": "writing", "Landing pages": "writing",
}
_KIND_TAGS = {"qa": "bugfix", "support": "support", "design": "review", "build": "deep-work"}


@dataclass(frozen=True, slots=True)
class DayPlan:
    user_id: int
    last_day: date
    per_day: tuple[int, int]
    running: RunningForm | None


@dataclass(slots=True)
class _Ctx:
    rng: random.Random
    wid: int
    projects: list[ProjectRec]
    tasks_by_project: dict[int, list[TaskRec]]
    tag_ids: dict[str, int]
    archived_cutoff: date
    next_id: int
    out: list[EntryRec]

    def new_id(self) -> int:
        self.next_id += self.rng.randint(1, 40)
        return self.next_id


def _day_epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _activity(ctx: _Ctx, favourites: list[ProjectRec], day: date) -> Activity:
    rng = ctx.rng
    roll = rng.random()
    if roll < 0.1:
        return (None, None, rng.choice(catalog.UNASSIGNED), False, ())
    usable = [p for p in favourites if p.active or day < ctx.archived_cutoff]
    project = rng.choice(usable or [p for p in ctx.projects if p.active])
    billable = project.billable and rng.random() < 0.92
    if roll < 0.22:
        desc = rng.choice(catalog.DESCRIPTIONS["meeting"])
        return (project.id, None, desc, billable, (ctx.tag_ids["meeting"],))
    task = rng.choice(ctx.tasks_by_project[project.id])
    kind = _KINDS.get(task.name, "build")
    tags = (ctx.tag_ids[_KIND_TAGS[kind]],) if kind in _KIND_TAGS and rng.random() < 0.4 else ()
    return (project.id, task.id, rng.choice(catalog.DESCRIPTIONS[kind]), billable, tags)


def _add(ctx: _Ctx, user_id: int, act: Activity, start: int, seconds: int | None,
         form: RunningForm | None = None) -> int:
    """Append one entry; ``seconds=None`` makes it the running timer. Returns its stop."""
    pid, tid, desc, billable, tags = act
    if seconds is None:
        duration = -start if form == "epoch" else -1
        stop, at = None, start + ctx.rng.randint(1, 30)
    else:
        duration, stop = seconds, start + seconds
        at = stop + ctx.rng.randint(5, 600)
    ctx.out.append(EntryRec(
        id=ctx.new_id(), workspace_id=ctx.wid, user_id=user_id, project_id=pid, task_id=tid,
        description=desc, start=start, stop=stop, duration=duration, billable=billable,
        tag_ids=sorted(tags), at=at,
    ))
    return start + (seconds or 0)


def _work_day(ctx: _Ctx, plan: DayPlan, favourites: list[ProjectRec], day: date) -> None:
    rng = ctx.rng
    if day.weekday() >= 5 and rng.random() > 0.04:
        return
    count = rng.randint(*plan.per_day) if day.weekday() < 5 else rng.randint(1, 2)
    pool = [_activity(ctx, favourites, day) for _ in range(rng.choice((2, 3)))]
    t = _day_epoch(day) + 7 * 3600 + rng.randrange(0, 7200, 60)
    for i in range(count):
        seconds = rng.randint(15, 150) * 60 + rng.randint(0, 59)
        t = _add(ctx, plan.user_id, rng.choice(pool), t, seconds)
        t += rng.randint(0, 25) * 60 + (2700 if i == 1 else 0)  # lunch after the second


def _today(ctx: _Ctx, plan: DayPlan, favourites: list[ProjectRec], day: date) -> None:
    """Only the morning of ``data_date`` exists; runners have a timer going after it."""
    rng = ctx.rng
    act = _activity(ctx, favourites, day)
    t = _day_epoch(day) + 7 * 3600 + rng.randrange(0, 3600, 60)
    if day.weekday() < 5:
        t = _add(ctx, plan.user_id, act, t, rng.randint(30, 60) * 60) + rng.randint(1, 10) * 60
    if plan.running is not None:
        _add(ctx, plan.user_id, _activity(ctx, favourites, day), t, None, plan.running)


def _delete_some(ctx: _Ctx, owner_id: int, end: date) -> None:
    """A few of the owner's recent entries are deleted: only ``since`` still returns them."""
    recent = _day_epoch(end - timedelta(days=10))
    candidates = [e for e in ctx.out if e.user_id == owner_id and e.start >= recent
                  and e.stop is not None and e.start < _day_epoch(end)]
    for entry in ctx.rng.sample(candidates, min(3, len(candidates))):
        entry.deleted_at = entry.at = entry.at + ctx.rng.randint(3600, 86400)


def seed_entries(
    rng: random.Random, wid: int, first_day: date, end: date, plans: list[DayPlan],
    projects: list[ProjectRec], tasks: list[TaskRec], tags: list[TagRec], archived_cutoff: date,
) -> list[EntryRec]:
    by_project: dict[int, list[TaskRec]] = {p.id: [] for p in projects}
    for task in tasks:
        by_project[task.project_id].append(task)
    ctx = _Ctx(rng=rng, wid=wid, projects=projects, tasks_by_project=by_project,
               tag_ids={t.name: t.id for t in tags}, archived_cutoff=archived_cutoff,
               next_id=3_100_000_000 + rng.randrange(0, 50_000_000), out=[])
    favourites = {p.user_id: rng.sample(projects, rng.randint(2, 4)) for p in plans}
    day = first_day
    while day <= end:
        for plan in plans:
            if day <= plan.last_day:
                step = _today if day == end else _work_day
                step(ctx, plan, favourites[plan.user_id], day)
        day += timedelta(days=1)
    _delete_some(ctx, plans[0].user_id, end)
    return ctx.out
