"""Domain drafts -> Toggl write bodies. Pure functions.

Toggl needs a ``start`` and a ``duration`` (seconds) for every entry; ``duration: -1`` with
``stop: null`` starts a timer. A draft with only a ``date`` is written at 00:00 UTC of that day
as a duration-only entry (``duronly``), which is what Toggl's own "duration" mode stores.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from gateway.connectors.base import TimeEntryDraft
from gateway.errors import UserInputError


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _native(value: str | None, what: str) -> int | None:
    if value is None:
        return None
    if not value.isdigit():
        raise UserInputError(f"{what} is not a Toggl id")
    return int(value)


def _common(draft: TimeEntryDraft) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "project_id": _native(draft.project_id, "projectId"),
        "task_id": _native(draft.task_id, "taskId"),
        "user_id": _native(draft.user_id, "userId"),
        "description": draft.description,
        "billable": draft.billable,
        "tags": list(draft.tags) if draft.tags is not None else None,
    }
    return {k: v for k, v in fields.items() if v is not None}


def create_body(draft: TimeEntryDraft, workspace_id: int, created_with: str) -> dict[str, Any]:
    if draft.start is None and draft.date is None:
        raise UserInputError("a new Toggl entry needs `start` or `date`")
    start = draft.start or datetime.combine(draft.date or datetime.now(UTC).date(), time(), UTC)
    duration = draft.duration_seconds
    if duration is None and draft.end is not None:
        duration = int((draft.end - start).total_seconds())
    if duration is None:
        raise UserInputError("a new Toggl entry needs `end` or `durationSeconds`")
    if duration <= 0:
        raise UserInputError("the entry must end after it starts")
    return {
        "created_with": created_with,
        "workspace_id": workspace_id,
        "start": rfc3339(start),
        "stop": rfc3339(start + timedelta(seconds=duration)),
        "duration": duration,
        "duronly": draft.start is None,
        **_common(draft),
    }


def timer_body(
    draft: TimeEntryDraft, workspace_id: int, created_with: str, now: datetime
) -> dict[str, Any]:
    return {
        "created_with": created_with,
        "workspace_id": workspace_id,
        "start": rfc3339(draft.start or now),
        "duration": -1,
        "stop": None,
        **_common(draft),
    }


def update_body(draft: TimeEntryDraft) -> dict[str, Any]:
    """Only what the draft sets; ``stop``/``duration`` derived from the times that are given."""
    body = _common(draft)
    if draft.date is not None and draft.start is None:
        body["start"] = rfc3339(datetime.combine(draft.date, time(), UTC))
    if draft.start is not None:
        body["start"] = rfc3339(draft.start)
    duration = draft.duration_seconds
    if duration is None and draft.start is not None and draft.end is not None:
        duration = int((draft.end - draft.start).total_seconds())
    if duration is not None:
        if duration <= 0:
            raise UserInputError("the entry must end after it starts")
        body["duration"] = duration
    if draft.end is not None:
        body["stop"] = rfc3339(draft.end)
    elif draft.start is not None and duration is not None:
        body["stop"] = rfc3339(draft.start + timedelta(seconds=duration))
    if not body:
        raise UserInputError("nothing to update")
    return body
