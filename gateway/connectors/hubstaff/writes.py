"""Manual time: the body of ``POST /v2/users/{user_id}/time_entries``. Pure functions.

Hubstaff answers ``{"success": true}`` (201 in the spec, 200 seen live) and no id: the
connector reads the new time back as the session it became part of. Until Hubstaff shows it
(activity data may lag by minutes), the entry gets a provisional id ``0.<user>.<slot>`` that
finds the session starting in that slot once it is there.
"""

from __future__ import annotations

from datetime import UTC, datetime

from gateway import errors
from gateway.connectors.base import TimeEntryDraft
from gateway.connectors.hubstaff import mapping
from gateway.connectors.hubstaff.mapping import Session
from gateway.connectors.hubstaff.payloads import ManualTimePayload
from gateway.connectors.hubstaff.windows import floor_slot, stamp


def numeric(value: str, field: str) -> int:
    if not value.isdigit():
        raise errors.UserInputError(f"{field} {value!r} is not a Hubstaff id")
    return int(value)


def manual_time(draft: TimeEntryDraft) -> tuple[ManualTimePayload, datetime, int]:
    """The request body, the start and the tracked seconds; ``UserInputError`` if incomplete.

    A note is sent when the draft has a description; whether one is required is an
    organization setting, so its absence is left for Hubstaff to judge."""
    if draft.project_id is None:
        raise errors.UserInputError("Hubstaff needs a project for manual time")
    if draft.start is None:
        raise errors.UserInputError("Hubstaff needs a start time for manual time")
    start = _utc(draft.start)
    tracked = draft.duration_seconds
    if tracked is None and draft.end is not None:
        tracked = int((_utc(draft.end) - start).total_seconds())
    if tracked is None or tracked <= 0:
        raise errors.UserInputError(
            "Hubstaff needs a positive duration (or an end after the start)"
        )
    body: ManualTimePayload = {
        "project_id": numeric(draft.project_id, "projectId"),
        "start_time": stamp(start),
        "tracked": tracked,
    }
    if draft.task_id is not None:
        body["task_id"] = numeric(draft.task_id, "taskId")
    if draft.billable is not None:
        body["billable"] = draft.billable
    if draft.description:
        body["note"] = draft.description
    return body, start, tracked


def provisional_id(user_id: str, start: datetime) -> str:
    return f"0.{user_id}.{int(floor_slot(start).timestamp())}"


def is_provisional_match(native_id: str, session: Session) -> bool:
    """Is ``session`` the one a provisional id (``0.<user>.<slot>``) stands for?"""
    ref = mapping.parse_session_id(native_id)
    return (
        ref is not None
        and ref.activity_id == 0
        and ref.user_id == session.user_id
        and floor_slot(session.start) == ref.slot
    )


def _utc(moment: datetime) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
