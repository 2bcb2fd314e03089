"""Everhour JSON -> domain objects. Pure functions.

Zone-less datetimes are read in the source's configured zone and returned in UTC. Time
records are a day's total per (user, task, date), so their ``start``/``end`` are ``None``;
only a timer knows when it started. A record's project is its task's first project, kept as
the vendor's id even when that project is unknown (the reference loaders then answer null).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from gateway.connectors.everhour.payloads import (
    ClientPayload,
    ProjectPayload,
    TaskPayload,
    TimeRecordPayload,
    TimerPayload,
    UserPayload,
    UserRef,
)
from gateway.models import Client, Project, Task, TimeEntry, User
from gateway.normalize import parse_date, parse_datetime

TIMER_PREFIX = "timer:"
_NOT_BILLABLE = "non_billable"


def timer_id(user_id: str | None) -> str:
    """The native id of a user's timer: Everhour runs at most one per user and names it by none."""
    return f"{TIMER_PREFIX}{user_id or 'current'}"


def _user_id(ref: int | UserRef | None) -> str | None:
    if isinstance(ref, dict):
        ref = ref.get("id")
    return None if ref is None else str(ref)


def _project_of(task: TaskPayload | None) -> str | None:
    projects = (task or {}).get("projects") or []
    return str(projects[0]) if projects else None


def _task_id(task: TaskPayload | None) -> str | None:
    return str(task["id"]) if task and task.get("id") is not None else None


def user(source: str, raw: UserPayload, zone: ZoneInfo) -> User:
    return User(
        source=source,
        id=str(raw["id"]),
        name=raw.get("name") or "",
        email=raw.get("email"),
        active=(raw.get("status") or "active") == "active",
        role=raw.get("role"),
        created_at=parse_datetime(raw.get("createdAt"), zone=zone),
        raw=raw,
    )


def client(source: str, raw: ClientPayload, zone: ZoneInfo) -> Client:
    return Client(
        source=source,
        id=str(raw["id"]),
        name=raw.get("name") or "",
        active=raw.get("status") != "archived",
        created_at=parse_datetime(raw.get("createdAt"), zone=zone),
        raw=raw,
    )


def project(source: str, raw: ProjectPayload, zone: ZoneInfo) -> Project:
    client_id = raw.get("client")
    billing = (raw.get("billing") or {}).get("type")
    return Project(
        source=source,
        id=str(raw["id"]),
        name=raw.get("name") or "",
        client_id=None if client_id is None else str(client_id),
        active=raw.get("status") != "archived",
        billable=None if billing is None else billing != _NOT_BILLABLE,
        created_at=parse_datetime(raw.get("createdAt"), zone=zone),
        raw=raw,
    )


def task(source: str, raw: TaskPayload) -> Task:
    return Task(
        source=source,
        id=str(raw["id"]),
        name=raw.get("name") or "",
        project_id=_project_of(raw),
        active=raw.get("status") != "closed",
        raw=raw,
    )


def record_date(raw: TimeRecordPayload) -> date:
    """A time record's date, reading nothing else: what a listing sorts records by."""
    return parse_date(raw["date"])


def time_record(source: str, raw: TimeRecordPayload, zone: ZoneInfo) -> TimeEntry:
    task_ = raw.get("task")
    return TimeEntry(
        source=source,
        id=str(raw["id"]),
        date=record_date(raw),
        duration_seconds=int(raw.get("time") or 0),
        description=raw.get("comment") or None,
        user_id=_user_id(raw.get("user")),
        project_id=_project_of(task_),
        task_id=_task_id(task_),
        created_at=parse_datetime(raw.get("createdAt"), zone=zone),
        raw=raw,
    )


def timer(source: str, raw: TimerPayload, zone: ZoneInfo, now: datetime | None = None) -> TimeEntry:
    """A running timer (``status: active``) as a running entry; a stopped one (the answer to
    ``DELETE /timers/current``) as a finished entry ending ``duration`` after its start."""
    start = parse_datetime(raw.get("startedAt"), zone=zone)
    running = raw.get("status") == "active"
    now = now or datetime.now(UTC)
    duration = raw.get("duration")
    if duration is None:
        duration = int((now - start).total_seconds()) if start and running else 0
    user_date = raw.get("userDate")
    day = parse_date(user_date) if user_date else (start or now).astimezone(zone).date()
    task_ = raw.get("task")
    user_id = _user_id(raw.get("user"))
    return TimeEntry(
        source=source,
        id=timer_id(user_id),
        date=day,
        duration_seconds=int(duration),
        start=start,
        end=None if running or start is None else start + timedelta(seconds=int(duration)),
        running=running,
        description=raw.get("comment") or None,
        user_id=user_id,
        project_id=_project_of(task_),
        task_id=_task_id(task_),
        raw=raw,
    )
