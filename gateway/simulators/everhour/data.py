"""The seeded Everhour account, fixed by the seed, the data date and the clock's "now".

Everhour issues one API key per user, acting with that user's permissions: the owner's key is
configurable (the demo source uses it); every other user's key is :func:`member_key`.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime

from gateway.simulators.everhour.directory import (
    IdMaker,
    make_clients,
    make_projects,
    make_tasks,
    make_users,
)
from gateway.simulators.everhour.payloads import (
    ClientPayload,
    ProjectPayload,
    TaskPayload,
    TimeRecordPayload,
    UserPayload,
)
from gateway.simulators.everhour.timesheet import (
    Assignments,
    SeedTimer,
    make_records,
    make_timers,
)


@dataclass(slots=True)
class Dataset:
    users: list[UserPayload]
    cost_rates: dict[int, int]  # cents per hour, by user id
    keys: dict[str, int]  # API key -> user id
    clients: list[ClientPayload]
    projects: list[ProjectPayload]
    tasks: dict[str, list[TaskPayload]]  # by project id; orphans under ""
    records: list[TimeRecordPayload]  # by date, then id
    timers: list[SeedTimer]


def member_key(user_id: int, seed: int) -> str:
    """The API key of a user other than the owner."""
    return "evh_" + hashlib.sha256(f"{seed}:{user_id}".encode()).hexdigest()[:32]


def generate(seed: int, today: date, now: datetime, owner_key: str) -> Dataset:
    rng = random.Random(seed)
    users = make_users(rng, today)
    ids = [u["id"] for u in users]
    keys = {member_key(uid, seed): uid for uid in ids[1:]} | {owner_key: ids[0]}
    made = IdMaker(rng)
    clients = make_clients(rng, today)
    projects = make_projects(rng, today, made, clients, ids)
    tasks = make_tasks(rng, today, made, projects)
    cost_rates = {uid: rng.randrange(3500, 9500, 250) for uid in ids}
    work = Assignments(projects, tasks)
    records = make_records(rng, today, cost_rates, work)
    timers = make_timers(rng, now, ids, work)
    return Dataset(users, cost_rates, keys, clients, projects, tasks, records, timers)
