"""The seeded account's directory: users, clients, projects and their tasks.

Each project names the platform it is synced from as its id prefix (``ev:`` native Everhour,
``as:`` Asana, ``jr:`` Jira) and its tasks share the prefix. A few "orphan" tasks belong to no
project that ``/projects`` lists: their ``projects`` is empty, or names a project that was deleted.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, time, timedelta
from typing import Literal

from gateway.simulators.everhour import catalog
from gateway.simulators.everhour.payloads import (
    BillingPayload,
    BudgetPayload,
    ClientPayload,
    ProjectPayload,
    RatePayload,
    TaskPayload,
    UserPayload,
)

Role = Literal["admin", "supervisor", "member"]

ROLES: dict[int, Role] = {0: "admin", 1: "admin", 2: "supervisor", 10: "supervisor"}


def created_text(rng: random.Random, today: date, oldest: int, newest: int) -> str:
    day = today - timedelta(days=rng.randint(newest, oldest))
    moment = datetime.combine(day, time(rng.randint(8, 18), rng.randrange(60), rng.randrange(60)))
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def make_users(rng: random.Random, today: date) -> list[UserPayload]:
    ids = sorted(rng.sample(range(1_100_000, 1_999_999), len(catalog.USERS)))
    users: list[UserPayload] = []
    for index, (uid, (name, headline)) in enumerate(zip(ids, catalog.USERS, strict=True)):
        email = f"{name.split()[0].lower()}.{name.split()[-1].lower()}@{catalog.EMAIL_DOMAIN}"
        digest = hashlib.md5(email.encode(), usedforsecurity=False).hexdigest()  # gravatar's scheme
        users.append(
            {
                "id": uid,
                "name": name,
                "email": email,
                "role": ROLES.get(index, "member"),
                "status": "active",
                "headline": headline,
                "avatarUrl": f"https://www.gravatar.com/avatar/{digest}?d=identicon",
                "createdAt": created_text(rng, today, 900, 120),
            }
        )
    return users


def make_clients(rng: random.Random, today: date) -> list[ClientPayload]:
    ids = sorted(rng.sample(range(400_000, 499_999), len(catalog.CLIENTS)))
    clients: list[ClientPayload] = []
    for index, (cid, name) in enumerate(zip(ids, catalog.CLIENTS, strict=True)):
        client: ClientPayload = {
            "id": cid, "name": name, "createdAt": created_text(rng, today, 800, 200),
            "projects": [],
        }
        if index < 2:
            client["budget"] = {"type": "money", "budget": rng.randrange(2, 9) * 1_000_000,
                                "period": "monthly"}
        clients.append(client)
    return clients


class IdMaker:
    """Unique prefixed ids in each platform's shape: Everhour numbers, Asana gids, Jira
    ``<site>-<id>`` pairs."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._jira_site = rng.randrange(100_000, 999_999)
        self._seen: set[str] = set()

    def project(self, prefix: str) -> str:
        return self._unique(prefix, (10**11, 10**12), (10_000, 11_000))

    def task(self, prefix: str) -> str:
        return self._unique(prefix, (10**13, 10**14), (11_000, 99_999))

    def _unique(self, prefix: str, native: tuple[int, int], jira: tuple[int, int]) -> str:
        while True:
            if prefix == "jr":
                new = f"jr:{self._jira_site}-{self._rng.randrange(*jira)}"
            elif prefix == "as":
                new = f"as:{self._rng.randrange(10**15, 10**16)}"
            else:
                new = f"ev:{self._rng.randrange(*native)}"
            if new not in self._seen:
                self._seen.add(new)
                return new


def make_projects(
    rng: random.Random, today: date, made: IdMaker, clients: list[ClientPayload], ids: list[int]
) -> list[ProjectPayload]:
    projects: list[ProjectPayload] = []
    for name, prefix, client_index, billing_type, archived in catalog.PROJECTS:
        project: ProjectPayload = {
            "id": made.project(prefix),
            "name": name,
            "workspaceName": catalog.WORKSPACE,
            "status": "archived" if archived else "open",
            "type": "board" if prefix != "jr" else "list",
            "foreign": prefix != "ev",
            "createdAt": created_text(rng, today, 700, 100),
            "users": sorted([ids[0], *rng.sample(ids[1:], rng.randint(4, 8))]),
            "billing": _billing(rng, billing_type),
        }
        if billing_type == "hourly":
            project["rate"] = _rate(rng)
        if rng.random() < 0.6:
            project["budget"] = _budget(rng)
        if client_index is not None:
            project["client"] = clients[client_index]["id"]
            clients[client_index]["projects"].append(project["id"])
        projects.append(project)
    _ensure_membership(rng, projects, ids)
    return projects


def _billing(rng: random.Random, billing_type: str) -> BillingPayload:
    if billing_type == "fixed_fee":
        return {"type": "fixed_fee", "fee": rng.randrange(15, 80) * 100_000}
    return {"type": "hourly"} if billing_type == "hourly" else {"type": "non_billable"}


def _rate(rng: random.Random) -> RatePayload:
    if rng.random() < 0.5:
        return {"type": "user_rate"}
    return {"type": "project_rate", "rate": rng.randrange(9_000, 18_000, 500)}


def _budget(rng: random.Random) -> BudgetPayload:
    if rng.random() < 0.5:
        return {"type": "time", "budget": rng.randrange(100, 800, 20) * 3600, "period": "general"}
    return {"type": "money", "budget": rng.randrange(20, 200) * 100_000, "period": "general"}


def _ensure_membership(rng: random.Random, projects: list[ProjectPayload], ids: list[int]) -> None:
    """Everyone works on at least two live projects, so everyone logs time."""
    live = [p for p in projects if p["status"] == "open"]
    for uid in ids:
        while sum(uid in p["users"] for p in live) < 2:
            target = rng.choice([p for p in live if uid not in p["users"]])
            target["users"] = sorted([*target["users"], uid])


def make_tasks(
    rng: random.Random, today: date, made: IdMaker, projects: list[ProjectPayload]
) -> dict[str, list[TaskPayload]]:
    """Tasks by project id; the orphans under the key ``""``."""
    by_project: dict[str, list[TaskPayload]] = {}
    for project in projects:
        prefix = project["id"][:2]
        by_project[project["id"]] = [
            _task(rng, today, made.task(prefix), name, [project["id"]])
            for name in rng.sample(catalog.TASKS, rng.randint(4, 7))
        ]
    by_project[""] = [
        _task(rng, today, made.task(prefix), name,
              [made.project(prefix)] if names_gone_project else [])
        for name, prefix, names_gone_project in catalog.ORPHAN_TASKS
    ]
    return by_project


def _task(
    rng: random.Random, today: date, task_id: str, name: str, projects: list[str]
) -> TaskPayload:
    task: TaskPayload = {
        "id": task_id,
        "name": name,
        "type": "task",
        "status": "closed" if rng.random() < 0.15 else "open",
        "projects": projects,
        "createdAt": created_text(rng, today, 400, 95),
        "time": {"total": 0, "users": {}},
    }
    if rng.random() < 0.4:
        task["estimate"] = {"total": rng.choice((4, 8, 16, 24, 40)) * 3600, "type": "overall"}
    return task

