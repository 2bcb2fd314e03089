"""Time-entry writes: request bodies -> validated entry records, and the timer rules.

Judgement calls (the sheet is silent): ``start`` is required on create and update; a create or
update without ``end`` makes a running timer, and the user's other running timer, if any, is
stopped at the new entry's start (Clockify keeps one timer per user); PUT replaces the entry,
so omitted fields go back to their defaults. Unknown or deleted project, task or tag ids are
400/501 like any unknown id.
"""

from __future__ import annotations

from datetime import datetime

from gateway.simulators.clockify.context import Context
from gateway.simulators.clockify.errors import bad_request, not_found
from gateway.simulators.clockify.params import parse_time
from gateway.simulators.clockify.seed_entries import EntryRecord

ENTRY_TYPES = ("REGULAR", "BREAK")
MAX_DESCRIPTION = 3000


def record_from_body(
    ctx: Context, body: dict[str, object], entry_id: str, user_id: str
) -> EntryRecord:
    if body.get("start") is None:
        raise bad_request("start: must not be null")
    start = parse_time(body["start"], "start")
    end = None if body.get("end") is None else parse_time(body["end"], "end")
    if end is not None and end < start:
        raise bad_request("end: must not be before start")
    record = EntryRecord(entry_id, user_id, start, end)
    record.description = _text(body.get("description"))
    record.billable = _flag(body.get("billable"), "billable")
    record.type = _entry_type(body.get("type"))
    record.project_id = _project(ctx, body.get("projectId"))
    record.task_id = _task(ctx, body.get("taskId"), record.project_id)
    record.tag_ids = _tags(ctx, body.get("tagIds"))
    return record


def save(ctx: Context, record: EntryRecord, old: EntryRecord | None = None) -> None:
    """Store ``record`` (replacing ``old``), stopping the user's other timer if it runs."""
    store = ctx.store
    if old is not None:
        store.remove(old)
    other = store.running.get(record.user_id)
    if record.end is None and other is not None:
        stop(ctx, other, max(record.start, other.start))
    store.add(record)


def stop(ctx: Context, running: EntryRecord, end: datetime) -> EntryRecord:
    if end < running.start:
        raise bad_request("end: must not be before start")
    stopped = EntryRecord(
        running.id, running.user_id, running.start, end, running.description,
        running.project_id, running.task_id, list(running.tag_ids), running.billable,
        running.type,
    )
    ctx.store.replace(running, stopped)
    return stopped


def _text(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_DESCRIPTION:
        raise bad_request(f"description: must be a string of at most {MAX_DESCRIPTION} characters")
    return value


def _flag(value: object, name: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise bad_request(f"{name}: must be a boolean")
    return value


def _entry_type(value: object) -> str:
    if value is None:
        return "REGULAR"
    if value not in ENTRY_TYPES:
        raise bad_request(f"type: must be one of {', '.join(ENTRY_TYPES)}")
    return str(value)


def _project(ctx: Context, value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not ctx.store.project_exists(value):
        raise not_found("Project", str(value))
    return value


def _task(ctx: Context, value: object, project_id: str | None) -> str | None:
    if value is None or value == "":
        return None
    task = ctx.store.task_by_id.get(value) if isinstance(value, str) else None
    if task is None or task["projectId"] != project_id:
        raise not_found("Task", str(value))
    return task["id"]


def _tags(ctx: Context, value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad_request("tagIds: must be an array of ids")
    for tag in value:
        if not isinstance(tag, str) or tag not in ctx.store.catalogue.tags:
            raise not_found("Tag", str(tag))
    return [str(tag) for tag in value]
