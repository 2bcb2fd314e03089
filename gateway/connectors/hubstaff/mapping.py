"""Hubstaff JSON -> domain objects. Pure functions.

Hubstaff v2 has no time-entry list: time is recorded as 10-minute *activities*. Seed 001
rebuilds sessions from them: an activity covers ``[starts_at, starts_at + tracked)``, and
consecutive activities of the same user, project and task where one ends exactly where the
next starts are one session. A session's id is derived from its first activity (the id, plus
the user and the activity's slot, so the session can be found again by id).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from typing import Any, Literal, NamedTuple

from gateway.connectors.hubstaff.payloads import (
    ActivityPayload,
    ClientPayload,
    DailyActivityPayload,
    MemberPayload,
    ProjectPayload,
    TaskPayload,
    UserPayload,
)
from gateway.models import Client, Project, Task, TimeEntry, User
from gateway.normalize import parse_date, parse_datetime


def _id(value: int | None) -> str | None:
    return None if value is None else str(value)


def _active(status: str | None) -> bool:
    return status in (None, "active")


def user(source: str, member: MemberPayload, raw: UserPayload | None) -> User:
    """A member of the organization, with its user record when Hubstaff sent one."""
    record = raw or {}
    name = (
        record.get("name")
        or f"{record.get('first_name', '')} {record.get('last_name', '')}".strip()
    )
    return User(
        source=source,
        id=str(member["user_id"]),
        name=name or f"user {member['user_id']}",
        email=record.get("email"),
        timezone=record.get("time_zone"),
        active=_active(member.get("membership_status")) and _active(record.get("status")),
        role=member.get("membership_role"),
        created_at=parse_datetime(record.get("created_at") or member.get("created_at")),
        updated_at=parse_datetime(record.get("updated_at") or member.get("updated_at")),
        raw={"member": member, "user": raw},
    )


def project(source: str, raw: ProjectPayload) -> Project:
    return Project(
        source=source,
        id=str(raw["id"]),
        name=raw["name"],
        client_id=_id(raw.get("client_id")),
        active=_active(raw.get("status")),
        billable=raw.get("billable"),
        created_at=parse_datetime(raw.get("created_at")),
        updated_at=parse_datetime(raw.get("updated_at")),
        raw=raw,
    )


def client(source: str, raw: ClientPayload) -> Client:
    return Client(
        source=source,
        id=str(raw["id"]),
        name=raw["name"],
        active=_active(raw.get("status")),
        created_at=parse_datetime(raw.get("created_at")),
        updated_at=parse_datetime(raw.get("updated_at")),
        raw=raw,
    )


def task(source: str, raw: TaskPayload) -> Task:
    return Task(
        source=source,
        id=str(raw["id"]),
        name=raw.get("summary") or f"task {raw['id']}",
        project_id=_id(raw.get("project_id")),
        active=_active(raw.get("status")),
        raw=raw,
    )


@dataclass(frozen=True, slots=True)
class Session:
    """Contiguous activities of one user on one project and task, in time order."""

    activities: tuple[ActivityPayload, ...]
    start: datetime
    end: datetime

    @property
    def first(self) -> ActivityPayload:
        return self.activities[0]

    @property
    def user_id(self) -> int:
        return self.first["user_id"]


def span(raw: ActivityPayload) -> tuple[datetime, datetime]:
    """What an activity covers: ``[starts_at, starts_at + tracked)``."""
    start = parse_datetime(raw.get("starts_at") or raw.get("time_slot"))
    if start is None:
        raise ValueError("an activity without a start")
    return start, start + timedelta(seconds=raw.get("tracked", 0))


SpanOf = Callable[[ActivityPayload], tuple[datetime, datetime]]


class SpanMemo:
    """:func:`span` remembered by activity id (parsing timestamps is most of the CPU)."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[datetime, datetime]] = {}

    def __call__(self, raw: ActivityPayload) -> tuple[datetime, datetime]:
        known = self._known.get(raw["id"])
        if known is None:
            known = self._known[raw["id"]] = span(raw)
        return known


def _key(raw: ActivityPayload) -> tuple[int, int, int]:
    # ``None`` sorts as -1 so activities with and without a task never mix.
    project_id, task_id = raw.get("project_id"), raw.get("task_id")
    return (
        raw["user_id"],
        -1 if project_id is None else project_id,
        -1 if task_id is None else task_id,
    )


def sessions(activities: Iterable[ActivityPayload], span_of: SpanOf | None = None) -> list[Session]:
    """Merge activities into sessions (duplicates by id are read once), ordered by start.

    ``span_of`` may be a memo of :func:`span` shared by the calls for one query."""
    cover = span_of or span
    unique = {raw["id"]: raw for raw in activities}.values()
    rows = []
    for raw in unique:  # one loop, no call per item beyond the span: 15,000 a month
        group = _key(raw)
        begins, ends = cover(raw)
        rows.append(((*group, begins, ends, raw["id"]), group, begins, ends, raw))
    rows.sort(key=itemgetter(0))
    out: list[Session] = []
    run: list[ActivityPayload] = []
    key: tuple[int, int, int] | None = None
    start = end = datetime.min.replace(tzinfo=UTC)
    for _, this_key, begins, ends, raw in rows:
        if this_key == key and begins == end:
            run.append(raw)
            end = ends
            continue
        if run:
            out.append(Session(tuple(run), start, end))
        run, key, start, end = [raw], this_key, begins, ends
    if run:
        out.append(Session(tuple(run), start, end))
    out.sort(key=lambda s: (s.start, s.first["id"]))
    return out


class SessionRef(NamedTuple):
    """What a session's native id says: its first activity, whose it is, and its slot."""

    activity_id: int
    user_id: int
    slot: datetime


def session_id(session: Session) -> str:
    first = session.first
    slot = parse_datetime(first.get("time_slot")) or session.start
    return f"{first['id']}.{first['user_id']}.{int(slot.timestamp())}"


def parse_session_id(native_id: str) -> SessionRef | None:
    parts = native_id.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    activity_id, user_id, slot = (int(p) for p in parts)
    return SessionRef(activity_id, user_id, datetime.fromtimestamp(slot, UTC))


def time_entry(source: str, session: Session) -> TimeEntry:
    """A session as a time entry: it counts for its first activity's (organization) day and
    is billable only if all of its activities are."""
    acts = session.activities
    first = session.first
    return TimeEntry(
        source=source,
        id=session_id(session),
        date=parse_date(first["date"]) if first.get("date") else session.start.date(),
        duration_seconds=sum(a.get("tracked", 0) for a in acts),
        start=session.start,
        end=session.end,
        running=False,
        billable=all(a.get("billable", False) for a in acts),
        user_id=str(first["user_id"]),
        project_id=_id(first.get("project_id")),
        task_id=_id(first.get("task_id")),
        created_at=_extreme(acts, "created_at", latest=False),
        updated_at=_extreme(acts, "updated_at", latest=True),
        raw={"activities": list(acts)},
    )


def _extreme(
    acts: Sequence[ActivityPayload], key: Literal["created_at", "updated_at"], *, latest: bool
) -> datetime | None:
    """The earliest (or latest) of the activities' timestamps, parsing one instead of each.

    Hubstaff writes them all alike (``2026-03-20T10:00:00Z``): texts of one length ending in
    ``Z`` order as the instants do. Any other mix is parsed one by one."""
    texts: list[str] = [t for a in acts if (t := a.get(key))]
    if not texts:
        return None
    size = len(texts[0])
    if all(len(t) == size and t[-1] == "Z" for t in texts):
        return parse_datetime(max(texts) if latest else min(texts))
    parsed = [t for t in map(parse_datetime, texts) if t is not None]
    return (max(parsed) if latest else min(parsed)) if parsed else None


@dataclass(frozen=True, slots=True)
class DailyTotal:
    """Tracked seconds of one user on one project and task on one (organization) day."""

    source: str
    date: date
    user_id: str
    project_id: str | None
    task_id: str | None
    tracked_seconds: int
    billable_seconds: int
    manual_seconds: int
    idle_seconds: int
    raw: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)


def daily_total(source: str, raw: DailyActivityPayload) -> DailyTotal:
    return DailyTotal(
        source=source,
        date=parse_date(raw["date"]),
        user_id=str(raw["user_id"]),
        project_id=_id(raw.get("project_id")),
        task_id=_id(raw.get("task_id")),
        tracked_seconds=raw.get("tracked", 0),
        billable_seconds=raw.get("billable", 0),
        manual_seconds=raw.get("manual", 0),
        idle_seconds=raw.get("idle", 0),
        raw=raw,
    )
