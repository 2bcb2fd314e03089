"""The seeded Clockify workspace: people, clients, projects, tasks and tags.

Everything is drawn from ``random.Random(seed)`` and ``data_date`` only, so one pair always gives
the same workspace. Time entries are generated in :mod:`.seed_entries` from this catalogue.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from gateway.simulators.clockify import names
from gateway.simulators.clockify.payloads import Client, Membership, Project, Rate, Task, User

# Fixed so that ``demo_source`` (which never sees the config) names the seeded account.
WORKSPACE_ID = "65f1c0de4b7a2e3d9c8b1a01"
DEMO_API_KEY = "NmQ0ZjJhOTEtY2xvY2tpZnktZGVtby1rZXktMDAwMQ"
OWNER_TIME_ZONE = "Europe/London"
EMAIL_DOMAIN = "lumenlabs.example"


class IdFactory:
    """24-hex ids shaped like Mongo ObjectIds: 4 bytes of creation time, 8 of randomness."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._counter = rng.getrandbits(24)

    def new(self, created: datetime) -> str:
        self._counter = (self._counter + 1) % (1 << 24)
        stamp = int(created.timestamp()) & 0xFFFFFFFF
        return f"{stamp:08x}{self._rng.getrandbits(40):010x}{self._counter:06x}"


@dataclass(slots=True)
class Person:
    """A workspace member and what the entry generator needs to know about them."""

    user: User
    membership_status: str  # ACTIVE | INACTIVE | PENDING
    project_ids: list[str]
    rate: Rate
    active_until: date | None = None  # deactivated members stop tracking on this day


@dataclass(slots=True)
class Catalogue:
    workspace_id: str
    people: list[Person]
    clients: list[Client]
    projects: list[Project]  # listed ones, archived included
    deleted_project_ids: list[str]
    rates: dict[str, Rate]  # project id (deleted ones too) -> hourly rate
    tasks: dict[str, list[Task]] = field(default_factory=dict)  # project id -> tasks
    tags: dict[str, str] = field(default_factory=dict)  # tag id -> name


def build_catalogue(rng: random.Random, ids: IdFactory, today: date, users: int) -> Catalogue:
    created = datetime.combine(today - timedelta(days=400), datetime.min.time(), UTC)
    people = _people(rng, ids, created, today, users)
    clients = [_client(ids.new(created), row) for row in names.CLIENTS]
    projects = [_project(rng, ids.new(created), row, clients) for row in names.PROJECTS]
    deleted = [ids.new(created) for _ in names.DELETED_PROJECTS]
    rates = {p["id"]: p["hourlyRate"] for p in projects}
    rates.update({pid: Rate(amount=9500, currency="USD") for pid in deleted})
    _assign(rng, people, projects, deleted)
    catalogue = Catalogue(WORKSPACE_ID, people, clients, projects, deleted, rates)
    for project in projects:
        members = [p.user["id"] for p in people if project["id"] in p.project_ids]
        project["memberships"] = [_project_membership(uid, project) for uid in members]
        catalogue.tasks[project["id"]] = _tasks(rng, ids, created, project, members)
    catalogue.tags = {ids.new(created): tag for tag in names.TAGS}
    return catalogue


def _people(
    rng: random.Random, ids: IdFactory, created: datetime, today: date, count: int
) -> list[Person]:
    pairs = [(f, last) for f in names.FIRST_NAMES for last in names.LAST_NAMES]
    people: list[Person] = []
    for index, (first, last) in enumerate(rng.sample(pairs, count)):
        status = "ACTIVE"
        if count >= 5 and index == count - 2:
            status = "INACTIVE"
        elif count >= 5 and index == count - 1:
            status = "PENDING"
        zone = OWNER_TIME_ZONE if index == 0 else rng.choice(names.TIME_ZONES)
        rate = Rate(amount=rng.choice((6000, 7500, 9000, 11000, 13500)), currency="USD")
        user = _user(ids.new(created), f"{first} {last}", _email(first, last), zone, status)
        until = today - timedelta(days=30) if status == "INACTIVE" else None
        people.append(Person(user, status, [], rate, until))
    return people


def _email(first: str, last: str) -> str:
    return f"{first}.{last}@{EMAIL_DOMAIN}".lower()


def _user(uid: str, name: str, email: str, zone: str, status: str) -> User:
    return User(
        id=uid,
        email=email,
        name=name,
        # A pending invitee has no Clockify account yet.
        status="NOT_REGISTERED" if status == "PENDING" else "ACTIVE",
        activeWorkspace=WORKSPACE_ID,
        defaultWorkspace=WORKSPACE_ID,
        profilePicture="https://img.clockify.me/no-user-image.png",
        settings={
            "timeZone": zone,
            "dateFormat": "DD/MM/YYYY",
            "timeFormat": "HOUR24",
            "weekStart": "MONDAY",
        },
        memberships=[],
        customFields=[],
    )


def workspace_membership(person: Person) -> Membership:
    return Membership(
        userId=person.user["id"],
        targetId=WORKSPACE_ID,
        membershipType="WORKSPACE",
        membershipStatus=person.membership_status,
        hourlyRate=person.rate,
        costRate=None,
    )


def _project_membership(user_id: str, project: Project) -> Membership:
    return Membership(
        userId=user_id,
        targetId=project["id"],
        membershipType="PROJECT",
        membershipStatus="ACTIVE",
        hourlyRate=None,
        costRate=None,
    )


def _client(cid: str, row: tuple[str, str, str, str]) -> Client:
    name, domain, address, currency = row
    return Client(
        id=cid,
        name=name,
        workspaceId=WORKSPACE_ID,
        archived=name == names.CLIENTS[-1][0],  # one archived client, like a finished account
        email=f"accounts@{domain}",
        address=address,
        note=f"Billing contact: accounts@{domain}",
        currencyId=f"{sum(map(ord, currency)):024x}",
        currencyCode=currency,
        ccEmails=[],
    )


def _project(
    rng: random.Random, pid: str, row: tuple[str, int | None, bool, bool], clients: list[Client]
) -> Project:
    name, client_index, billable, archived = row
    client = clients[client_index] if client_index is not None else None
    return Project(
        id=pid,
        name=name,
        workspaceId=WORKSPACE_ID,
        clientId=client["id"] if client else "",
        clientName=client["name"] if client else "",
        archived=archived,
        billable=billable,
        public=rng.random() < 0.7,
        template=False,
        color=rng.choice(names.COLORS),
        note="",
        hourlyRate=Rate(amount=rng.choice((9000, 12000, 15000)) if billable else 0, currency="USD"),
        costRate=None,
        duration="PT0S",  # filled from the entries by the store
        estimate={"estimate": "PT0S", "type": "AUTO"},
        memberships=[],
    )


def _assign(
    rng: random.Random, people: list[Person], projects: list[Project], deleted: list[str]
) -> None:
    live = [p["id"] for p in projects if not p["archived"]]
    archived = [p["id"] for p in projects if p["archived"]]
    for person in people:
        if person.membership_status == "PENDING":
            continue
        person.project_ids = rng.sample(live, rng.randint(2, 4))
        person.project_ids += rng.sample(archived, 1)
        if rng.random() < 0.5:
            person.project_ids.append(rng.choice(deleted))


def _tasks(
    rng: random.Random, ids: IdFactory, created: datetime, project: Project, members: list[str]
) -> list[Task]:
    tasks: list[Task] = []
    for name in sorted(rng.sample(names.TASKS, rng.randint(3, 6))):
        assignees = rng.sample(members, min(len(members), rng.randint(0, 2)))
        tasks.append(
            Task(
                id=ids.new(created),
                name=name,
                projectId=project["id"],
                assigneeIds=assignees,
                assigneeId=assignees[0] if assignees else None,
                userGroupIds=[],
                status="DONE" if rng.random() < 0.2 else "ACTIVE",
                billable=project["billable"],
                duration="PT0S",
                estimate="PT0S",
                hourlyRate=None,
                costRate=None,
            )
        )
    return tasks
