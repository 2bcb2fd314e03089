"""Hub Planner JSON <-> domain objects. Pure functions.

Time entries are a date and a number of minutes: no start/end, no timers, no billable flag.
``EMPTY`` rows are timesheet padding (0 minutes), not time, and never become a ``TimeEntry``.
The entry's category (``categoryName``) has no listing endpoint to resolve tasks from, so it
is surfaced as the entry's one tag rather than as a dangling task id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from gateway.connectors.base import TimeEntryDraft
from gateway.connectors.hubplanner.payloads import (
    ClientPayload,
    ProjectPayload,
    ResourcePayload,
    TimeEntryPayload,
    TimeEntryWrite,
)
from gateway.errors import UserInputError
from gateway.models import Client, Project, TimeEntry, User
from gateway.normalize import parse_datetime

EMPTY = "EMPTY"
ARCHIVED = "STATUS_ARCHIVED"
OBJECT_ID = re.compile(r"^[0-9a-fA-F]{24}$")


def is_object_id(text: str) -> bool:
    return bool(OBJECT_ID.match(text))


def user(source: str, raw: ResourcePayload) -> User:
    name = f"{raw.get('firstName') or ''} {raw.get('lastName') or ''}".strip()
    return User(
        source=source,
        id=raw["_id"],
        name=name or raw.get("email") or raw["_id"],
        email=raw.get("email") or None,
        active=raw.get("status") != ARCHIVED,
        role=raw.get("role"),
        created_at=parse_datetime(raw.get("createdDate")),
        updated_at=parse_datetime(raw.get("updatedDate")),
        raw=raw,
    )


def client(source: str, raw: ClientPayload) -> Client:
    return Client(
        source=source,
        id=raw["_id"],
        name=raw["name"],
        created_at=parse_datetime(raw.get("createdDate")),
        updated_at=parse_datetime(raw.get("updatedDate")),
        raw=raw,
    )


def project(source: str, raw: ProjectPayload) -> Project:
    """The client is the first of ``customers`` (Hub Planner allows several; we model one)."""
    customers = raw.get("customers") or []
    client_id = next((c.get("customerId") for c in customers if c.get("customerId")), None)
    return Project(
        source=source,
        id=raw["_id"],
        name=raw["name"],
        client_id=client_id,
        code=raw.get("projectCode") or None,
        active=raw.get("status") != ARCHIVED,
        created_at=parse_datetime(raw.get("createdDate")),
        updated_at=parse_datetime(raw.get("updatedDate")),
        raw=raw,
    )


def minutes_to_seconds(minutes: int | float | str | None) -> int:
    return 0 if minutes is None else round(float(minutes) * 60)


def time_entry(source: str, raw: TimeEntryPayload) -> TimeEntry | None:
    """The entry, or ``None`` for an ``EMPTY`` padding row."""
    if raw.get("status") == EMPTY:
        return None
    category = raw.get("categoryName")
    return TimeEntry(
        source=source,
        id=raw["_id"],
        date=date.fromisoformat(raw["date"][:10]),
        duration_seconds=minutes_to_seconds(raw.get("minutes")),
        description=raw.get("note") or None,
        tags=(category,) if category else (),
        user_id=raw.get("resource") or None,
        project_id=raw.get("project") or None,
        created_at=parse_datetime(raw.get("createdDate")),
        updated_at=parse_datetime(raw.get("updatedDate")),
        raw=raw,
    )


# --- writes: domain draft -> request body -------------------------------------------------


def new_entry(draft: TimeEntryDraft) -> TimeEntryWrite:
    """The ``POST /timeentry`` body; ``UserInputError`` names what is missing or impossible."""
    fields = _draft_fields(draft)
    missing = [name for name, key in _REQUIRED if key not in fields]
    if missing:
        raise UserInputError(
            "Hub Planner needs a user, a project, a date and a duration to log time "
            f"(missing: {', '.join(missing)})"
        )
    body: TimeEntryWrite = {
        "resource": fields["resource"],
        "project": fields["project"],
        "date": fields["date"],
        "minutes": fields["minutes"],
    }
    if "note" in fields:
        body["note"] = fields["note"]
    return body


def entry_changes(draft: TimeEntryDraft) -> dict[str, Any]:
    """The raw fields an update sets (validated before anything is read or written)."""
    return _draft_fields(draft)


def updated_entry(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``current`` (the whole object, as ``PUT`` needs it) with ``changes`` applied."""
    return {**current, **changes}


_REQUIRED = (
    ("user", "resource"), ("project", "project"), ("date", "date"), ("duration", "minutes")
)


def _draft_fields(draft: TimeEntryDraft) -> dict[str, Any]:
    _refuse_unsupported(draft)
    fields: dict[str, Any] = {}
    ids = (("resource", draft.user_id, "user"), ("project", draft.project_id, "project"))
    for key, native_id, what in ids:
        if native_id is not None:
            if not is_object_id(native_id):
                raise UserInputError(f"{native_id!r} is not a Hub Planner {what} id")
            fields[key] = native_id
    day = draft.date or (draft.start.date() if draft.start else None)
    if day is not None:
        fields["date"] = day.isoformat()
    seconds = _seconds(draft)
    if seconds is not None:
        fields["minutes"] = _whole_minutes(seconds)
    if draft.description is not None:
        fields["note"] = draft.description
    return fields


def _refuse_unsupported(draft: TimeEntryDraft) -> None:
    values = (("task", draft.task_id), ("billable", draft.billable), ("tags", draft.tags))
    unsupported = [name for name, value in values if value is not None]
    if unsupported:
        raise UserInputError(
            f"Hub Planner time entries cannot store: {', '.join(unsupported)} "
            "(they hold a date and minutes)"
        )


def _seconds(draft: TimeEntryDraft) -> int | None:
    if draft.duration_seconds is not None:
        return draft.duration_seconds
    if draft.start is not None and draft.end is not None:
        return int(_span(draft.start, draft.end))
    return None


def _span(start: datetime, end: datetime) -> float:
    if end < start:
        raise UserInputError("`end` is before `start`")
    return (end - start).total_seconds()


def _whole_minutes(seconds: int) -> int:
    """Hub Planner records whole minutes: round to the nearest one (half up), at least one."""
    minutes = (seconds + 30) // 60
    if minutes < 1:
        raise UserInputError("Hub Planner records whole minutes: the duration must be >= 30 s")
    return minutes
