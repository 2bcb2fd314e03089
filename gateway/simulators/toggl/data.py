"""The seeded workspace: people, clients, projects, tasks, tags and nine months of entries.

Deterministic in ``(seed, data_date)`` (its own ``random.Random``). Built once per pair and
shared read-only; each app copies it into a mutable :class:`~.store.Store`.
"""

from __future__ import annotations

import functools
import random
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from gateway.simulators.toggl import catalog
from gateway.simulators.toggl.entries_seed import DayPlan, RunningForm, seed_entries
from gateway.simulators.toggl.model import (
    ClientRec,
    EntryRec,
    ProjectRec,
    TagRec,
    TaskRec,
    UserRec,
)

HISTORY_DAYS = 273  # about nine months, so a 6-month Reports range is well inside the data
ARCHIVED_BEFORE_DAYS = 120  # archived projects only have entries older than this


@dataclass(frozen=True, slots=True)
class Seed:
    workspace_id: int
    owner_id: int
    users: tuple[UserRec, ...]
    clients: tuple[ClientRec, ...]
    projects: tuple[ProjectRec, ...]
    tasks: tuple[TaskRec, ...]
    tags: tuple[TagRec, ...]
    entries: tuple[EntryRec, ...]  # sorted by (start, id)


def _epoch(day: date, seconds: int = 0) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) + seconds


def _email(fullname: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", fullname).encode("ascii", "ignore").decode()
    parts = [p.replace("'", "").lower() for p in ascii_name.split()]
    return f"{parts[0]}.{parts[-1]}@{catalog.EMAIL_DOMAIN}"


def _users(rng: random.Random, since: int) -> list[UserRec]:
    ids = rng.sample(range(5_100_000, 9_900_000), len(catalog.PEOPLE))
    users = []
    for i, (name, tz) in enumerate(catalog.PEOPLE):
        owner = i == 0
        active = i < len(catalog.PEOPLE) - 2  # the last two have left the company
        users.append(UserRec(
            id=ids[i], fullname=name, email=_email(name), timezone=tz, is_active=active,
            is_admin=owner or i == 3,
            api_token=catalog.DEMO_API_TOKEN if owner else f"{rng.getrandbits(128):032x}",
            created_at=since - rng.randrange(30, 900) * 86400,
        ))
    return users


def _clients(rng: random.Random, wid: int, since: int) -> list[ClientRec]:
    ids = sorted(rng.sample(range(61_000_000, 69_000_000), len(catalog.CLIENTS)))
    return [ClientRec(id=cid, wid=wid, name=name, archived=archived, notes=notes,
                      at=since - rng.randrange(1, 400) * 86400)
            for cid, (name, archived, notes) in zip(ids, catalog.CLIENTS, strict=True)]


def _projects(
    rng: random.Random, wid: int, clients: list[ClientRec], since: int
) -> tuple[list[ProjectRec], list[TaskRec]]:
    ids = sorted(rng.sample(range(190_000_000, 209_000_000), len(catalog.PROJECTS)))
    projects: list[ProjectRec] = []
    tasks: list[TaskRec] = []
    task_ids = iter(sorted(rng.sample(range(81_000_000, 89_000_000), 60)))
    for pid, spec, color in zip(ids, catalog.PROJECTS, catalog.COLORS, strict=True):
        name, client, active, billable, rate, hours, task_names = spec
        created = since - rng.randrange(20, 500) * 86400
        projects.append(ProjectRec(
            id=pid, workspace_id=wid, client_id=None if client is None else clients[client].id,
            name=name, active=active, billable=billable, color=color, rate=rate,
            estimated_seconds=None if hours is None else hours * 3600, created_at=created,
        ))
        for j, task_name in enumerate(task_names):
            done = not active or (j == 0 and len(task_names) > 2)  # a finished first phase
            tasks.append(TaskRec(
                id=next(task_ids), name=task_name, workspace_id=wid, project_id=pid,
                user_id=None, active=not done,
                estimated_seconds=rng.choice([None, 36_000, 72_000, 144_000]),
                at=created + rng.randrange(1, 30) * 86400,
            ))
    return projects, tasks


def _tags(rng: random.Random, wid: int, since: int) -> list[TagRec]:
    ids = sorted(rng.sample(range(14_000_000, 15_000_000), len(catalog.TAGS)))
    return [TagRec(id=tid, workspace_id=wid, name=name, at=since - rng.randrange(1, 200) * 86400)
            for tid, name in zip(ids, catalog.TAGS, strict=True)]


def _plans(rng: random.Random, users: list[UserRec], end: date) -> list[DayPlan]:
    left = {users[-2].id: end - timedelta(days=150), users[-1].id: end - timedelta(days=70)}
    runners = [users[0].id, *rng.sample([u.id for u in users[1:-2]], 3)]
    # The owner's timer is older-style (-start epoch); others mix both forms.
    styles: list[RunningForm] = ["epoch", "minus_one", "epoch", "minus_one"]
    forms = dict(zip(runners, styles, strict=True))
    return [
        DayPlan(
            user_id=u.id, last_day=left.get(u.id, end),
            per_day=(5, 7) if i == 0 else (3, 5), running=forms.get(u.id),
        )
        for i, u in enumerate(users)
    ]


@functools.lru_cache(maxsize=8)
def build(seed: int, data_date: date) -> Seed:
    rng = random.Random(seed)
    wid = catalog.DEMO_WORKSPACE_ID
    first_day = data_date - timedelta(days=HISTORY_DAYS)
    since = _epoch(first_day)
    users = _users(rng, since)
    clients = _clients(rng, wid, since)
    projects, tasks = _projects(rng, wid, clients, since)
    tags = _tags(rng, wid, since)
    entries = seed_entries(
        rng, wid, first_day, data_date, _plans(rng, users, data_date), projects, tasks, tags,
        archived_cutoff=data_date - timedelta(days=ARCHIVED_BEFORE_DAYS),
    )
    return Seed(
        workspace_id=wid, owner_id=users[0].id, users=tuple(users), clients=tuple(clients),
        projects=tuple(projects), tasks=tuple(tasks), tags=tuple(tags),
        entries=tuple(sorted(entries, key=EntryRec.key)),
    )
