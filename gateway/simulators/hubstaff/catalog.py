"""The seeded organization: users, memberships, clients, projects and tasks.

Everything is derived from ``random.Random`` seeded with the config seed, and dated relative
to the data date, so the same (seed, date) always yields the same records. Besides the JSON
records it returns the plan the activity generator needs (who works on what, and when each
project, task and membership stopped accepting time).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from gateway.simulators.hubstaff import names
from gateway.simulators.hubstaff.payloads import (
    Budget,
    Client,
    Member,
    Organization,
    Project,
    Task,
    User,
)
from gateway.simulators.hubstaff.timefmt import day_start, micro_stamp

ORGANIZATION_ID = 184402
# A second organization the PAT owner belongs to whose plan lapsed: every call scoped to it
# answers 403 "API access is only for organizations on an active plan" (spec).
INACTIVE_ORGANIZATION_ID = 184977
USER_COUNT = 16  # 15 active members and one removed a month ago
DOMAIN = "brightlane.io"


@dataclass(frozen=True, slots=True)
class WorkerPlan:
    user_id: int
    zone: str
    start_hour: int
    project_ids: tuple[int, ...]
    removed_on: date | None
    desktop: str


@dataclass(frozen=True, slots=True)
class TaskPlan:
    task_id: int
    project_id: int
    created_on: date
    completed_on: date | None
    assignee_ids: tuple[int, ...]


@dataclass(slots=True)
class Catalog:
    organizations: list[Organization] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    members: list[tuple[int, Member]] = field(default_factory=list)  # (membership id, member)
    clients: list[Client] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    workers: list[WorkerPlan] = field(default_factory=list)
    task_plans: list[TaskPlan] = field(default_factory=list)
    archived_on: dict[int, date] = field(default_factory=dict)  # project id -> archive day

    @property
    def owner_id(self) -> int:
        return self.users[0]["id"]


class _Stamper:
    """Creation stamps relative to the data date, with random sub-second parts."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today

    def on(self, day: date) -> str:
        seconds = day_start(day) + self.rng.randrange(8 * 3600, 18 * 3600)
        return micro_stamp(seconds * 1_000_000 + self.rng.randrange(1_000_000))

    def days_ago(self, low: int, high: int) -> tuple[date, str]:
        day = self.today - timedelta(days=self.rng.randint(low, high))
        return day, self.on(day)


def build_catalog(seed: int, today: date) -> Catalog:
    rng = random.Random(f"hubstaff:{seed}:catalog")
    stamp = _Stamper(rng, today)
    catalog = Catalog(organizations=_organizations(stamp))
    _add_people(catalog, rng, stamp)
    _add_clients_and_projects(catalog, rng, stamp)
    _add_tasks(catalog, rng, stamp)
    _assign_workers(catalog, rng)
    return catalog


def _organizations(stamp: _Stamper) -> list[Organization]:
    rows = ((ORGANIZATION_ID, "Brightlane Software", "active", 900),
            (INACTIVE_ORGANIZATION_ID, "Brightlane Labs (trial)", "inactive", 300))
    out: list[Organization] = []
    for org_id, name, status, age in rows:
        created = stamp.days_ago(age, age)[1]
        out.append(Organization(
            id=org_id, name=name, status=status, created_at=created, updated_at=created,
            member_profile_fields=[], metadata={},
            invite_url=f"https://app.hubstaff.com/organizations/{org_id}/invites/join",
        ))
    return out


def _add_people(catalog: Catalog, rng: random.Random, stamp: _Stamper) -> None:
    pairs = [(f, la) for f in names.FIRST_NAMES for la in names.LAST_NAMES]
    chosen = rng.sample(pairs, USER_COUNT)
    ages = sorted((rng.randint(120, 800) for _ in range(USER_COUNT)), reverse=True)
    user_id = 1_204_000 + rng.randrange(5_000)
    membership_id = 3_880_000 + rng.randrange(5_000)
    for index, ((first, last), age) in enumerate(zip(chosen, ages, strict=True)):
        user_id += rng.randint(1, 9_000)  # other Hubstaff accounts sign up in between
        membership_id += rng.randint(1, 400)
        day, created = stamp.days_ago(age, age)
        email_last = last.lower().replace("'", "").replace("ø", "o")
        catalog.users.append(User(
            id=user_id, name=f"{first} {last}", first_name=first, last_name=last,
            email=f"{first.lower().replace('é', 'e')}.{email_last}@{DOMAIN}",
            time_zone=rng.choice(names.TIME_ZONES)[0],
            ip_address=f"{rng.randint(23, 212)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}."
                       f"{rng.randint(1, 254)}",
            status="active", created_at=created, updated_at=stamp.on(day + timedelta(days=3)),
        ))
        catalog.members.append((membership_id, _member(rng, stamp, index, user_id, created)))


def _member(rng: random.Random, stamp: _Stamper, index: int, user_id: int,
            created: str) -> Member:
    role = "owner" if index == 0 else "manager" if index < 3 else "user"
    effective = {"owner": "organization_owner", "manager": "organization_manager"}
    pay = rng.choice((35, 40, 45, 52, 60, 68, 75))
    member = Member(
        user_id=user_id, pay_rate=f"{pay}.0", bill_rate=f"{pay * 2 + 10}.0", currency="USD",
        membership_role=role, membership_status="active", created_at=created,
        updated_at=created, last_client_activity=created, trackable="true",
        effective_role=effective.get(role, "project_user"), metadata={}, view_only=False,
    )
    if index == USER_COUNT - 1:
        removed = stamp.days_ago(28, 28)[1]
        member["membership_status"] = "removed"
        member["removed_at"] = member["updated_at"] = removed
    return member


def _add_clients_and_projects(catalog: Catalog, rng: random.Random, stamp: _Stamper) -> None:
    client_id = 301_000 + rng.randrange(2_000)
    for index, (name, email, phone, address) in enumerate(names.CLIENTS):
        client_id += rng.randint(1, 600)
        created = stamp.days_ago(700 - index * 120, 700 - index * 120)[1]
        catalog.clients.append(Client(
            id=client_id, organization_id=ORGANIZATION_ID, name=name, emails=[email],
            phone=phone, address=address, project_ids=[], inherit_invoice_notes=True,
            inherit_net_terms=index != 1, net_terms="30" if index != 1 else "14",
            status="archived" if index == 3 else "active", created_at=created,
            updated_at=created, metadata={},
        ))
    project_id = 2_140_000 + rng.randrange(10_000)
    for index, (name, description, client_index, billable) in enumerate(names.PROJECTS):
        project_id += rng.randint(1, 3_000)
        created = stamp.days_ago(600 - index * 40, 600 - index * 40)[1]
        project = Project(
            id=project_id, name=name, description=description, created_at=created,
            updated_at=created, status="active", type="project", billable=billable,
            metadata={},
        )
        if client_index is not None:
            project["client_id"] = catalog.clients[client_index]["id"]
            catalog.clients[client_index]["project_ids"].append(project_id)
        if index in (0, 2, 4):
            project["budget"] = _budget(rng, today=stamp.today)
        if index >= 10:  # the last two wound down during the 90 days
            day, archived = stamp.days_ago(35 + index, 50 + index)
            catalog.archived_on[project_id] = day
            project["status"], project["updated_at"] = "archived", archived
        catalog.projects.append(project)


def _budget(rng: random.Random, today: date) -> Budget:
    start = today.replace(day=1) - timedelta(days=90)
    budget = Budget(type="hours", rate="bill_rate", start_date=start.replace(day=1).isoformat(),
                    alerts={"near_limit": 80}, recurrence="monthly",
                    include_non_billable=False)
    if rng.random() < 0.5:
        budget["hours"] = float(rng.choice((120, 160, 200)))
    else:
        budget["type"], budget["cost"] = "cost", float(rng.choice((15_000, 24_000, 40_000)))
    return budget


def _add_tasks(catalog: Catalog, rng: random.Random, stamp: _Stamper) -> None:
    task_id = 88_400_000 + rng.randrange(100_000)
    for project in catalog.projects:
        prefix = "".join(word[0] for word in project["name"].split()[:2]).upper()
        for summary in rng.sample(names.TASKS, rng.randint(4, 7)):
            task_id += rng.randint(1, 5_000)
            created_on, created = stamp.days_ago(60, 200) if rng.random() < 0.7 \
                else stamp.days_ago(20, 59)
            task = Task(
                id=task_id, status="active", project_id=project["id"], project_type="project",
                summary=summary, details=f"{summary} for {project['name']}.",
                lock_version=rng.randint(0, 6), assignee_ids=[], metadata={},
                created_at=created, updated_at=created,
            )
            if rng.random() < 0.4:
                task["remote_id"] = f"{prefix}-{rng.randint(100, 999)}"
            completed_on: date | None = None
            if rng.random() < 0.25:
                completed_on, completed = stamp.days_ago(5, 40)
                task["status"] = "completed"
                task["completed_at"] = task["updated_at"] = completed
            catalog.tasks.append(task)
            catalog.task_plans.append(TaskPlan(task_id, project["id"], created_on,
                                               completed_on, ()))


def _assign_workers(catalog: Catalog, rng: random.Random) -> None:
    """Give each member 2-4 projects and make them assignees of some of those tasks."""
    project_ids = [p["id"] for p in catalog.projects]
    by_user: dict[int, list[int]] = {u["id"]: [] for u in catalog.users}
    for project_id in project_ids:  # every project gets at least three people
        for user in rng.sample(catalog.users, 3):
            by_user[user["id"]].append(project_id)
    live = [p for p in project_ids if p not in catalog.archived_on]
    for mine in by_user.values():  # and everyone has two projects that are still open
        while len([p for p in mine if p in live]) < 2:
            mine.append(rng.choice([p for p in live if p not in mine]))
        mine.sort()
    plans = []
    for plan, task in zip(catalog.task_plans, catalog.tasks, strict=True):
        team = [u for u, mine in by_user.items() if plan.project_id in mine]
        assignees = tuple(sorted(rng.sample(team, min(len(team), rng.randint(1, 2)))))
        task["assignee_ids"] = list(assignees)
        plans.append(TaskPlan(plan.task_id, plan.project_id, plan.created_on,
                              plan.completed_on, assignees))
    catalog.task_plans = plans
    removed = catalog.members[-1][1].get("removed_at")
    for user in catalog.users:
        zone, hour = next(z for z in names.TIME_ZONES if z[0] == user["time_zone"])
        removed_on = None
        if user["id"] == catalog.members[-1][1]["user_id"] and removed:
            removed_on = date.fromisoformat(removed[:10])
        catalog.workers.append(WorkerPlan(
            user["id"], zone, hour + rng.choice((-1, 0, 0, 1)), tuple(by_user[user["id"]]),
            removed_on, rng.choice(names.DESKTOP_CLIENTS)))
