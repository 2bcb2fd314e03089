"""Toggl JSON -> domain objects. Pure functions.

Entries have no "spent date": ``date`` is the UTC date of ``start`` (the connector widens the
date filters it sends by a day on each side, and the service filters on this date).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

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

Embedded = Mapping[Kind, EmbeddedRef]


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


class _Shared(NamedTuple):
    """What every item of a report row takes from the row."""

    attributes: dict[str, Any]  # the row without its items: each item's ``raw`` starts as it
    user_id: str | None
    project_id: str | None
    task_id: str | None
    description: str | None
    billable: bool | None
    tags: tuple[str, ...]
    embedded: Embedded


def _shared(
    row: ReportRowPayload,
    tag_names: Mapping[int, str],
    users: Callable[[str | None, str], Embedded],
) -> _Shared:
    attributes = dict(row)  # a copy in the row's order, then without the items
    attributes.pop("time_entries", None)
    user_id, tag_ids = _id(row.get("user_id")), row.get("tag_ids")
    return _Shared(  # by position: the fields in order (a third of the cost by keyword)
        attributes,
        user_id,
        _id(row.get("project_id")),
        _id(row.get("task_id")),
        row.get("description") or None,
        row.get("billable"),
        tuple([tag_names[t] for t in tag_ids if t in tag_names]) if tag_ids else (),
        users(user_id, row.get("username", "")),
    )


class RowMemo:
    """Each report row's shared part read once for all of its items, for one listing (one
    source, one set of tag names): a month's ~1,200 items sit in ~600 rows, and copying the
    row's attributes was most of an item's mapping. Rows of one user share its reference."""

    def __init__(self, source: str, tag_names: Mapping[int, str]) -> None:
        self._source, self._tag_names = source, tag_names
        # By id: rows are unhashable. The row is kept with it, so its id stays its own.
        self._rows: dict[int, tuple[ReportRowPayload, _Shared]] = {}
        self._users: dict[tuple[str | None, str], Embedded] = {}

    def shared(self, row: ReportRowPayload) -> _Shared:
        found = self._rows.get(id(row))
        if found is None:
            found = self._rows[id(row)] = (row, _shared(row, self._tag_names, self._user))
        return found[1]

    def _user(self, user_id: str | None, name: str) -> Embedded:
        found = self._users.get((user_id, name))
        if found is None:
            found = self._users[user_id, name] = _user(self._source, user_id, name)
        return found


def report_entry(
    source: str,
    row: ReportRowPayload,
    item: ReportEntryPayload,
    start: datetime,
    tag_names: Mapping[int, str],
    now: datetime,
    memo: RowMemo | None = None,
) -> TimeEntry:
    """One item of ``row`` (its ``start`` as ``report_starts`` read it) as an entry sharing the
    row's attributes: its ``raw`` is the row's attributes with that item's fields on top.
    ``memo``: the listing's (for ``source`` and ``tag_names``), when it maps many items."""
    shared = RowMemo(source, tag_names).shared(row) if memo is None else memo.shared(row)
    running = item.get("seconds", 0) < 0
    return TimeEntry(
        source=source,
        id=str(item["id"]),
        date=start.date(),
        duration_seconds=elapsed_seconds(item.get("seconds", 0), start, now),
        start=start,
        end=None if running else parse_datetime(item.get("stop")),
        running=running,
        billable=shared.billable,
        description=shared.description,
        tags=shared.tags,
        user_id=shared.user_id,
        project_id=shared.project_id,
        task_id=shared.task_id,
        updated_at=parse_datetime(item.get("at")),
        raw={**shared.attributes, **item},
        embedded=shared.embedded,
    )


def _user(source: str, user_id: str | None, name: str) -> Embedded:
    """A report row's ``username`` next to its ``user_id``: the user as the report shows it
    (the vendor's own view of the entry; acceptable should it ever lag a rename)."""
    if user_id is None or not name:
        return NOTHING_EMBEDDED
    return embedded_refs(source, user=(user_id, name))
