"""Clockify JSON -> domain objects, and drafts -> request bodies. Pure functions."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Reversible
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from gateway.connectors.base import TimeEntryDraft
from gateway.connectors.clockify.payloads import (
    ClientPayload,
    ProjectPayload,
    ReportEntryPayload,
    ReportTagPayload,
    TaskPayload,
    TimeEntryPayload,
    UserPayload,
)
from gateway.connectors.embedding import Named, embedded_refs
from gateway.errors import UserInputError
from gateway.models import Client, EmbeddedRef, Kind, Project, Task, TimeEntry, User
from gateway.normalize import parse_datetime, parse_iso_duration


def user(source: str, raw: UserPayload) -> User:
    settings = raw.get("settings") or {}
    return User(
        source=source,
        id=raw["id"],
        name=raw.get("name") or raw.get("email") or raw["id"],
        email=raw.get("email"),
        timezone=settings.get("timeZone"),
        active=raw.get("status", "ACTIVE") == "ACTIVE",
        raw=raw,
    )


def client(source: str, raw: ClientPayload) -> Client:
    return Client(
        source=source,
        id=raw["id"],
        name=raw["name"],
        active=not raw.get("archived", False),
        currency=raw.get("currencyCode"),
        raw=raw,
    )


def project(source: str, raw: ProjectPayload) -> Project:
    return Project(
        source=source,
        id=raw["id"],
        name=raw["name"],
        client_id=raw.get("clientId") or None,
        active=not raw.get("archived", False),
        billable=raw.get("billable"),
        raw=raw,
    )


def task(source: str, raw: TaskPayload) -> Task:
    return Task(
        source=source,
        id=raw["id"],
        name=raw["name"],
        project_id=raw.get("projectId"),
        active=raw.get("status", "ACTIVE") == "ACTIVE",
        billable=raw.get("billable"),
        raw=raw,
    )


def iso_duration_seconds(text: str | None) -> int | None:
    """Clockify's ``timeInterval.duration`` (``"PT1H30M"``, ``"PT0S"``; null while running)."""
    return parse_iso_duration(text)


def _seconds(
    start: datetime, end: datetime | None, stated: int | None, now: datetime | None
) -> int:
    if stated is not None:
        return stated
    # Running (no end, no duration): the elapsed time when read, as the model asks.
    return max(0, int(((end or now or datetime.now(UTC)) - start).total_seconds()))


def start_of(raw: TimeEntryPayload | ReportEntryPayload) -> datetime:
    """An entry's start, reading ``timeInterval.start`` alone: what a listing sorts rows by
    before it maps them. Parsed, not compared as text: offsets may differ from row to row."""
    start = parse_datetime(raw["timeInterval"]["start"])
    if start is None:  # every Clockify entry has one: a vendor answer without it is garbage
        raise ValueError("a Clockify time entry without a start")
    return start


def time_entry(
    source: str,
    raw: TimeEntryPayload,
    zone: ZoneInfo,
    now: datetime | None = None,
    *,
    start: datetime | None = None,
) -> TimeEntry:
    """An entry of the regular API: ISO 8601 duration, ``end: null`` while running.

    ``start``: the row's ``start_of``, when the caller has read it already (to sort by it).
    """
    interval = raw["timeInterval"]
    start = start_of(raw) if start is None else start
    end = parse_datetime(interval.get("end"))
    try:
        stated = iso_duration_seconds(interval.get("duration"))
    except ValueError:
        stated = None  # an unexpected spelling: the interval itself is authoritative
    return TimeEntry(
        source=source,
        id=raw["id"],
        date=start.astimezone(zone).date(),
        duration_seconds=_seconds(start, end, stated, now),
        start=start,
        end=end,
        running=end is None,
        billable=raw.get("billable"),
        description=raw.get("description") or None,
        tags=tuple(raw.get("tagIds") or ()),
        user_id=raw.get("userId"),
        project_id=raw.get("projectId") or None,
        task_id=raw.get("taskId") or None,
        raw=raw,
    )


class ReportMemo:
    """The names report rows carry, read once per distinct set for one listing: a month's
    ~2,700 rows name ~140 (user, project, client) sets, and building each row's references
    cost more than the rest of its mapping. Rows naming the same set share one mapping."""

    def __init__(self, source: str) -> None:
        self._source = source
        self._names: dict[tuple[str | None, ...], Mapping[Kind, EmbeddedRef]] = {}

    def embedded(self, raw: ReportEntryPayload) -> Mapping[Kind, EmbeddedRef]:
        key = (
            raw.get("userId"),
            raw.get("userName"),
            raw.get("clientId"),
            raw.get("clientName"),
            raw.get("projectId"),
            raw.get("projectName"),
        )
        found = self._names.get(key)
        if found is None:
            found = self._names[key] = report_embedded(self._source, raw)
        return found


def report_entry(
    source: str,
    raw: ReportEntryPayload,
    zone: ZoneInfo,
    now: datetime | None = None,
    *,
    start: datetime | None = None,
    memo: ReportMemo | None = None,
) -> TimeEntry:
    """An entry of the detailed report: integer-second duration, ``_id``, tags as objects.

    ``start``: the row's ``start_of``, when the caller has read it already (to sort by it).
    ``memo``: the listing's, when it maps many rows.
    """
    interval = raw["timeInterval"]
    start = start_of(raw) if start is None else start
    end = parse_datetime(interval.get("end"))
    stated = interval.get("duration")
    return TimeEntry(
        source=source,
        id=raw["_id"],
        date=start.astimezone(zone).date(),
        duration_seconds=_seconds(
            start, end, None if end is None or stated is None else int(stated), now
        ),
        start=start,
        end=end,
        running=end is None,
        billable=raw.get("billable"),
        description=raw.get("description") or None,
        tags=_tag_ids(raw.get("tags")),
        user_id=raw.get("userId"),
        project_id=raw.get("projectId") or None,
        task_id=raw.get("taskId") or None,
        client_id=raw.get("clientId") or None,
        raw=raw,
        embedded=report_embedded(source, raw) if memo is None else memo.embedded(raw),
    )


def _tag_ids(tags: list[ReportTagPayload] | None) -> tuple[str, ...]:
    # Most rows have no tag: no loop for them.
    return tuple([t["id"] for t in tags if t.get("id")]) if tags else ()


def report_embedded(source: str, raw: ReportEntryPayload) -> Mapping[Kind, EmbeddedRef]:
    """The names a detailed-report row carries next to its ids, as partial references.

    They are what the report shows for the entry (the vendor's own view; acceptable should one
    ever lag a rename). A row's client is its project's client, so the project links to it.
    Clockify writes ``""`` for a missing name: nothing is embedded then.
    """
    client_id = raw.get("clientId")
    return embedded_refs(
        source,
        user=_pair(raw.get("userId"), raw.get("userName")),
        client=_pair(client_id, raw.get("clientName")),
        project=_pair(raw.get("projectId"), raw.get("projectName")),
        names_client=bool(client_id),
    )


def _pair(id_: str | None, name: str | None) -> Named | None:
    return (id_, name) if id_ and name else None


Names = Mapping[tuple[Kind, str], EmbeddedRef]


def names_from(
    source: str, rows: Reversible[ReportEntryPayload], entries: Collection[TimeEntry]
) -> Names:
    """The users and projects (with their clients) of ``entries``, each as the last of the
    report ``rows`` naming it names it: rows are read from the end, only until all are found,
    so a listing pays for a few rows, not for mapping every row's names."""
    wanted = {(Kind.USER, e.user_id) for e in entries if e.user_id}
    wanted |= {(Kind.PROJECT, e.project_id) for e in entries if e.project_id}
    found: dict[tuple[Kind, str], EmbeddedRef] = {}
    for raw in reversed(rows):
        if not wanted:
            break
        user, project = (Kind.USER, raw.get("userId")), (Kind.PROJECT, raw.get("projectId"))
        if user not in wanted and project not in wanted:
            continue
        for kind, ref in report_embedded(source, raw).items():
            if (kind, ref.value.id) in wanted:
                found[kind, ref.value.id] = ref
                wanted.discard((kind, ref.value.id))
    return found


def with_names(entry: TimeEntry, names: Names) -> TimeEntry:
    """An entry of the regular API (ids only) with the user and project that report rows of the
    same listing name, and the project's client: what the report would show for it, without a
    list call. An id no row names stays without a name (the caller loads that reference)."""
    found: dict[Kind, EmbeddedRef] = {}
    client_id = entry.client_id
    if entry.user_id and (user := names.get((Kind.USER, entry.user_id))):
        found[Kind.USER] = user
    if entry.project_id and (project := names.get((Kind.PROJECT, entry.project_id))):
        found[Kind.PROJECT] = project
        if client := project.links.get(Kind.CLIENT):
            found[Kind.CLIENT] = client
            client_id = client.value.id  # a report row's client is its project's
    return replace(entry, embedded=found, client_id=client_id) if found else entry


def instant(value: datetime) -> str:
    """Clockify's ``yyyy-MM-ddThh:mm:ssZ`` (UTC, whole seconds)."""
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def create_body(
    draft: TimeEntryDraft, *, zone: ZoneInfo, timer: bool, now: datetime
) -> dict[str, Any]:
    """``POST .../time-entries``: a finished entry needs ``end`` or a duration; a timer none."""
    start = draft.start or _day_start(draft, zone) or (now if timer else None)
    if start is None:
        raise UserInputError("Clockify needs `start` for a time entry")
    end = None if timer else _end(draft, start)
    if not timer and end is None:
        raise UserInputError("Clockify needs `end` or `durationSeconds` for a finished time entry")
    body: dict[str, Any] = {"start": instant(start)}
    if end is not None:
        body["end"] = instant(end)
    return {**body, **_fields(draft)}


def update_body(current: TimeEntryPayload, draft: TimeEntryDraft) -> dict[str, Any]:
    """``PUT`` replaces the whole entry, so unset draft fields are filled from ``current``."""
    interval = current["timeInterval"]
    start = draft.start or start_of(current)
    end = _end(draft, start) or parse_datetime(interval.get("end"))
    body: dict[str, Any] = {
        "start": instant(start),
        "billable": current.get("billable", False),
        "description": current.get("description") or "",
        "projectId": current.get("projectId"),
        "taskId": current.get("taskId"),
        "tagIds": list(current.get("tagIds") or ()),
    }
    if end is not None:
        body["end"] = instant(end)
    return {**body, **_fields(draft)}


def _day_start(draft: TimeEntryDraft, zone: ZoneInfo) -> datetime | None:
    if draft.date is None:
        return None
    return datetime.combine(draft.date, datetime.min.time(), tzinfo=zone)


def _end(draft: TimeEntryDraft, start: datetime) -> datetime | None:
    if draft.end is not None:
        return draft.end
    if draft.duration_seconds is not None:
        return start + timedelta(seconds=draft.duration_seconds)
    return None


def _fields(draft: TimeEntryDraft) -> dict[str, Any]:
    fields = {
        "billable": draft.billable,
        "description": draft.description,
        "projectId": draft.project_id,
        "taskId": draft.task_id,
        "tagIds": list(draft.tags) if draft.tags is not None else None,
    }
    return {k: v for k, v in fields.items() if v is not None}
