"""Toggl JSON -> domain objects. Pure functions.

Entries have no "spent date": ``date`` is the UTC date of ``start`` (the connector widens the
date filters it sends by a day on each side, and the service filters on this date).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from gateway.connectors.embedding import embedded_refs
from gateway.connectors.toggl.payloads import (
    ClientPayload,
    ProjectPayload,
    ReportEntryPayload,
    ReportRowPayload,
    TaskPayload,
    TimeEntryPayload,
    UserPayload,
)
from gateway.models import (
    NOTHING_EMBEDDED,
    Client,
    EmbeddedRef,
    Kind,
    Project,
    Task,
    TimeEntry,
    User,
)
from gateway.normalize import parse_datetime


def _id(value: object) -> str | None:
    return None if value is None else str(value)


def user(source: str, raw: UserPayload) -> User:
    return User(
        source=source,
        id=str(raw["id"]),
        name=raw.get("fullname") or raw.get("email") or str(raw["id"]),
        email=raw.get("email"),
        timezone=raw.get("timezone"),
        active=raw.get("is_active", True),
        role=raw.get("role") or ("admin" if raw.get("is_admin") else None),
        updated_at=parse_datetime(raw.get("at")),
        raw=raw,
    )


def client(source: str, raw: ClientPayload) -> Client:
    return Client(
        source=source,
        id=str(raw["id"]),
        name=raw["name"],
        active=not raw.get("archived", False),
        updated_at=parse_datetime(raw.get("at")),
        raw=raw,
    )


def project(source: str, raw: ProjectPayload) -> Project:
    return Project(
        source=source,
        id=str(raw["id"]),
        name=raw["name"],
        client_id=_id(raw.get("client_id")),
        active=raw.get("active", True),
        billable=raw.get("billable"),
        created_at=parse_datetime(raw.get("created_at")),
        updated_at=parse_datetime(raw.get("at")),
        raw=raw,
    )


def task(source: str, raw: TaskPayload) -> Task:
    return Task(
        source=source,
        id=str(raw["id"]),
        name=raw["name"],
        project_id=_id(raw.get("project_id")),
        active=raw.get("active", True),
        raw=raw,
    )


def _start(text: str | None) -> datetime:
    start = parse_datetime(text)
    if start is None:
        raise ValueError("a Toggl time entry without a start")
    return start


def elapsed_seconds(duration: int, start: datetime | None, now: datetime) -> int:
    """A stored duration, or the elapsed time of a running entry (negative duration).

    Toggl marks a running entry with ``-1`` (v9) or with minus its start's Unix time (older
    data, where ``now + duration`` is the elapsed time). Both are computed from ``start`` when
    it is known, so they agree; without a start only the second form says anything.
    """
    if duration >= 0:
        return duration
    if start is not None:
        return max(0, int((now - start).total_seconds()))
    return max(0, int(now.timestamp()) + duration) if duration < -1 else 0


def time_entry(source: str, raw: TimeEntryPayload, now: datetime) -> TimeEntry:
    """A Track API v9 entry (``/me/time_entries``, writes, timers)."""
    start = _start(raw.get("start"))
    running = raw.get("duration", 0) < 0
    return TimeEntry(
        source=source,
        id=str(raw["id"]),
        date=start.date(),
        duration_seconds=elapsed_seconds(raw.get("duration", 0), start, now),
        start=start,
        end=None if running else parse_datetime(raw.get("stop")),
        running=running,
        billable=raw.get("billable"),
        description=raw.get("description") or None,
        tags=tuple(raw.get("tags") or ()),
        user_id=_id(raw.get("user_id")),
        project_id=_id(raw.get("project_id")),
        task_id=_id(raw.get("task_id")),
        updated_at=parse_datetime(raw.get("at")),
        raw=raw,
    )


def report_starts(row: ReportRowPayload) -> list[tuple[datetime, ReportEntryPayload]]:
    """Each item of a Reports API row (one entry per item of ``time_entries``) with its start,
    reading nothing else: what a listing sorts the items of a report by before it maps them
    (``report_entry``)."""
    return [(_start(item.get("start")), item) for item in row.get("time_entries") or ()]


def report_entry(
    source: str,
    row: ReportRowPayload,
    item: ReportEntryPayload,
    start: datetime,
    tag_names: Mapping[int, str],
    now: datetime,
) -> TimeEntry:
    """One item of ``row`` (its ``start`` as ``report_starts`` read it) as an entry sharing the
    row's attributes: its ``raw`` is the row's attributes with that item's fields on top."""
    shared = {k: v for k, v in row.items() if k != "time_entries"}
    running = item.get("seconds", 0) < 0
    return TimeEntry(
        source=source,
        id=str(item["id"]),
        date=start.date(),
        duration_seconds=elapsed_seconds(item.get("seconds", 0), start, now),
        start=start,
        end=None if running else parse_datetime(item.get("stop")),
        running=running,
        billable=row.get("billable"),
        description=row.get("description") or None,
        tags=tuple(tag_names[t] for t in row.get("tag_ids") or () if t in tag_names),
        user_id=_id(row.get("user_id")),
        project_id=_id(row.get("project_id")),
        task_id=_id(row.get("task_id")),
        updated_at=parse_datetime(item.get("at")),
        raw={**shared, **item},
        embedded=_row_user(source, row),
    )


def _row_user(source: str, row: ReportRowPayload) -> Mapping[Kind, EmbeddedRef]:
    """A report row's ``username`` next to its ``user_id``: the user as the report shows it
    (the vendor's own view of the entry; acceptable should it ever lag a rename)."""
    user_id, name = _id(row.get("user_id")), row.get("username")
    if user_id is None or not name:
        return NOTHING_EMBEDDED
    return embedded_refs(source, user=(user_id, name))
