"""Deterministic seeded data for the simulator's one Hub Planner account.

Everything comes from ``random.Random(seed)`` and the data date, so the same pair always gives
the same records. The account: 5 clients, 20 resources (two archived, one non-bookable), 12
projects (one archived, one planned, one pending, two internal without a client, one shared by
two clients) and 90 days of time entries ending on the data date, with ``EMPTY`` padding rows
(0 minutes) interleaved the way Hub Planner's timesheet grid leaves them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

from gateway.simulators.hubplanner import names
from gateway.simulators.hubplanner.payloads import (
    Client,
    CustomerLink,
    Links,
    Project,
    Resource,
    TimeEntry,
)

DAYS = 90
DOMAIN = "lanternworks.io"
LOCKED_STATUSES = frozenset({"SUBMITTED", "PENDING", "APPROVED"})
ROLES = ("ROLE_OWNER", "ROLE_ADMIN", "ROLE_PROJECT_MANAGER", "ROLE_PROJECT_MANAGER",
         "ROLE_RESOURCE_MANAGER")
# Client-project statuses by position; positions 0-7 take time, 8-9 never have.
PROJECT_STATUSES = ("STATUS_ACTIVE",) * 7 + ("STATUS_ARCHIVED", "STATUS_PLANNED", "STATUS_PENDING")
NO_LINKS = Links(link1="", link2="", link3="", link4="", link5="")


def iso_ms(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as the vendor writes ``createdDate``."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


class ObjectIds:
    """24-hex ids shaped like MongoDB ObjectIds: 4 bytes of creation time, 8 random bytes."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._seen: set[str] = set()

    def at(self, when: datetime) -> str:
        while True:
            oid = f"{int(when.timestamp()) & 0xFFFFFFFF:08x}{self._rng.getrandbits(64):016x}"
            if oid not in self._seen:
                self._seen.add(oid)
                return oid


@dataclass(slots=True)
class Dataset:
    clients: list[Client]
    resources: list[Resource]
    projects: list[Project]
    entries: list[TimeEntry]
    categories: dict[str, str]  # categoryTemplateId -> categoryName
    owner: str  # the account owner's resource id: the creator of entries made through the API


@dataclass(slots=True)
class _World:
    rng: random.Random
    ids: ObjectIds
    today: date
    origin: datetime

    def stamp(self, after: datetime, max_days: int) -> datetime:
        seconds = self.rng.randrange(max(1, max_days) * 86400)
        return after + timedelta(seconds=seconds, milliseconds=self.rng.randrange(1000))


def generate(seed: int, today: date) -> Dataset:
    rng = random.Random(seed)
    world = _World(rng, ObjectIds(rng), today, datetime.combine(today, time(9), UTC)
                   - timedelta(days=720))
    clients = _clients(world)
    resources, last_day = _resources(world)
    categories = {world.ids.at(world.origin): name for name in names.CATEGORIES}
    projects = _projects(world, clients, resources)
    entries = _entries(world, resources, last_day, projects, categories)
    return Dataset(clients, resources, projects, entries, categories, resources[0]["_id"])


def _clients(world: _World) -> list[Client]:
    clients: list[Client] = []
    for i, name in enumerate(world.rng.sample(names.CLIENT_NAMES, 5)):
        created = world.stamp(world.origin, 60)
        client = Client(_id=world.ids.at(created), name=name,
                        metadata=None if i % 2 else f"CRM-{world.rng.randrange(1000, 9999)}",
                        createdDate=iso_ms(created))
        if i != 4:  # the vendor's example: a client never edited has no updatedDate at all
            client["updatedDate"] = iso_ms(world.stamp(created, 300))
        clients.append(client)
    return clients


def _resources(world: _World) -> tuple[list[Resource], dict[str, date]]:
    rng = world.rng
    people = zip(rng.sample(names.FIRST_NAMES, 20), rng.sample(names.LAST_NAMES, 20), strict=True)
    resources: list[Resource] = []
    last_day: dict[str, date] = {}
    for i, (first, last) in enumerate(people):
        created = world.stamp(world.origin, 200)
        role = ROLES[i] if i < len(ROLES) else "ROLE_TEAM"
        status = "STATUS_ARCHIVED" if i in (17, 18) else "STATUS_ACTIVE"
        status = "STATUS_NON_BOOKABLE" if i == 19 else status
        rate = rng.choice((65, 80, 95, 110, 125, 150))
        resource = Resource(
            _id=world.ids.at(created),
            email=f"{first}.{last}@{DOMAIN}".lower().replace("'", ""),
            metadata="", createdDate=iso_ms(created),
            updatedDate=iso_ms(world.stamp(created, 400)), note="",
            firstName=first, lastName=last, isProjectManager=role == "ROLE_PROJECT_MANAGER",
            status=status, role=role, links=NO_LINKS,
            billing={"useDefault": i % 3 == 0, "id": None if i % 3 == 0 else world.ids.at(created),
                     "rate": rate},
            useCustomAvailability=False, customFields=[],
        )
        if status == "STATUS_ARCHIVED":
            last_day[resource["_id"]] = world.today - timedelta(days=rng.randrange(20, 50))
        resources.append(resource)
    return resources, last_day


def _projects(world: _World, clients: list[Client], resources: list[Resource]) -> list[Project]:
    rng, today = world.rng, world.today
    titles = rng.sample(names.PROJECT_NAMES, len(PROJECT_STATUSES))
    loggers = [r["_id"] for r in resources if r["status"] != "STATUS_NON_BOOKABLE"]
    projects: list[Project] = []
    for i, (title, status) in enumerate(zip(titles, PROJECT_STATUSES, strict=True)):
        owners = [clients[i % len(clients)]] + ([clients[(i + 2) % len(clients)]] if i == 3 else [])
        start = today - timedelta(days=rng.randrange(100, 400))
        end: date | None = today + timedelta(days=rng.randrange(30, 200)) if i % 2 else None
        if status == "STATUS_ARCHIVED":
            end = today - timedelta(days=35)
        if status in ("STATUS_PLANNED", "STATUS_PENDING"):
            start, end = today + timedelta(days=14 + i), None
        # Projects 0 and 1 are the agency's big accounts: most people log time on them.
        team = rng.sample(loggers, 14 if i < 2 else rng.randrange(4, 8)) if i < 8 else []
        projects.append(_project(world, title, status, owners, team, start, end))
    projects.append(_project(world, names.INTERNAL_PROJECTS[0], "STATUS_ACTIVE", [], loggers,
                             None, None))
    projects.append(_project(world, names.INTERNAL_PROJECTS[1], "STATUS_ACTIVE", [],
                             loggers[:5], None, None))
    return projects


def _project(world: _World, title: str, status: str, owners: list[Client], team: list[str],
             start: date | None, end: date | None) -> Project:
    created = world.stamp(world.origin, 300)
    links = [CustomerLink(customerId=c["_id"], name=c["name"], _id=world.ids.at(created))
             for c in owners]
    code = "".join(word[0] for word in title.split() if word[0].isalnum()).upper()
    return Project(
        _id=world.ids.at(created), name=title, status=status,
        projectCode=f"{code}-{world.rng.randrange(100, 999)}", note="", metadata="",
        backgroundColor=world.rng.choice(names.COLOURS),
        budgetHours=float(world.rng.randrange(200, 2000, 50)) if owners else 0.0,
        budgetCashAmount=float(world.rng.randrange(20, 250) * 1000) if owners else 0.0,
        budgetCurrency=world.rng.choice(names.CURRENCIES), resources=sorted(team),
        customers=links, timeEntryEnabled=status != "STATUS_PLANNED",
        timeEntryNoteRequired=bool(owners) and world.rng.random() < 0.3,
        useProjectDuration=start is not None,
        start=start.isoformat() if start else None, end=end.isoformat() if end else None,
        customFields=[], createdDate=iso_ms(created),
        updatedDate=iso_ms(world.stamp(created, 300)),
    )


def _entries(world: _World, resources: list[Resource], last_day: dict[str, date],
             projects: list[Project], categories: dict[str, str]) -> list[TimeEntry]:
    rng = world.rng
    by_name = {name: cid for cid, name in categories.items()}
    entries: list[TimeEntry] = []
    for age in range(DAYS - 1, -1, -1):
        day = world.today - timedelta(days=age)
        for resource in resources:
            rid = resource["_id"]
            if resource["status"] == "STATUS_NON_BOOKABLE" or day > last_day.get(rid, day):
                continue
            if day.weekday() >= 5 and rng.random() > 0.02:
                continue
            open_projects = [p for p in projects if rid in p["resources"] and _open(p, day)]
            count = min(len(open_projects), rng.choice((1, 2, 3, 3, 3, 4)))
            chosen = rng.sample(open_projects, count)
            for project, minutes in zip(chosen, _split(rng, count), strict=True):
                category = rng.choice(list(names.CATEGORIES)) if project["customers"] else None
                if rng.random() < 0.1:
                    category = None
                entries.append(_entry(world, rid, project, day, minutes, category,
                                      by_name.get(category or ""), _status(rng, age)))
            spare = [p for p in open_projects if p not in chosen]
            if spare and rng.random() < 0.2:
                entries.append(_entry(world, rid, rng.choice(spare), day, 0, None, None, "EMPTY"))
    return entries


def _open(project: Project, day: date) -> bool:
    start, end = project["start"], project["end"]
    if project["status"] in ("STATUS_PLANNED", "STATUS_PENDING"):
        return False
    return (start is None or start <= day.isoformat()) and (end is None or day.isoformat() <= end)


def _split(rng: random.Random, count: int) -> list[int]:
    """A working day of 6 to 8.5 hours cut into ``count`` quarter-hour chunks."""
    quarters = rng.randrange(24, 35)
    cuts = sorted(rng.sample(range(1, quarters), count - 1)) if count > 1 else []
    bounds = [0, *cuts, quarters]
    return [(b - a) * 15 for a, b in pairwise(bounds)]


def _status(rng: random.Random, age: int) -> str:
    roll = rng.random()
    if age <= 6:
        return "SUBMITTED" if roll < 0.15 else "UNSUBMITTED"
    if age <= 13:
        return "SUBMITTED" if roll < 0.45 else "PENDING" if roll < 0.6 else (
            "APPROVED" if roll < 0.92 else "REJECTED")
    return "APPROVED" if roll < 0.88 else "REJECTED" if roll < 0.94 else "SUBMITTED"


def _entry(world: _World, rid: str, project: Project, day: date, minutes: int,
           category: str | None, category_id: str | None, status: str) -> TimeEntry:
    rng = world.rng
    created = datetime.combine(day, time(16), UTC) + timedelta(
        seconds=rng.randrange(3 * 3600), milliseconds=rng.randrange(1000))
    updated = created
    if status in ("APPROVED", "REJECTED") or rng.random() < 0.2:
        latest = datetime.combine(world.today, time(8), UTC)
        updated = max(created, min(world.stamp(created, 5), latest))
    pool = names.CATEGORIES.get(category or "") or names.INTERNAL_NOTES
    note = "" if status == "EMPTY" or rng.random() < 0.1 else rng.choice(pool)
    return TimeEntry(
        _id=world.ids.at(created), resource=rid, project=project["_id"],
        projectName=project["name"], projectType="REGULAR", projectStatus=project["status"],
        date=day.isoformat(), minutes=minutes, note=note, metadata="", status=status,
        locked=status in LOCKED_STATUSES, creator=rid, categoryTemplateId=category_id,
        categoryName=category, createdDate=iso_ms(created), updatedDate=iso_ms(updated),
    )
