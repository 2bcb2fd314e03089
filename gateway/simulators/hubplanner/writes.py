"""Time entry bodies for ``POST /timeentry`` and ``PUT /timeentry/{id}``, checked as the
timesheets section documents them.

- ``resource``, ``project``, ``date`` (``YYYY-MM-DD``) and ``minutes`` (a whole number, 0-1440)
  are required on both: PUT "must pass in the entire TimeEntry object", so a writable field
  left out of a PUT goes back to its default rather than keeping its old value.
- ``note`` is required when the project has ``timeEntryNoteRequired`` (the section's Required
  column says so). ``status`` may be any documented status but ``EMPTY`` (padding is the
  server's); ``categoryTemplateId`` must name a category or be null; ``locked`` may be set
  (changelog 2024-09-04); ``metadata`` is at most 255 characters.
- Read-only fields in the body (``_id``, ``projectName``, ``createdDate``...) are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import orjson

from gateway.simulators.hubplanner.data import LOCKED_STATUSES
from gateway.simulators.hubplanner.errors import ApiError
from gateway.simulators.hubplanner.payloads import Project, Resource, TimeEntry

WRITABLE_STATUSES = frozenset({"UNSUBMITTED", "SUBMITTED", "APPROVED", "REJECTED", "PENDING"})
REQUIRED = ("resource", "project", "date", "minutes")


@dataclass(frozen=True, slots=True)
class Catalogue:
    """What a body's references are checked against."""

    resources: dict[str, Resource]
    projects: dict[str, Project]
    categories: dict[str, str]


@dataclass(frozen=True, slots=True)
class Fields:
    """The writable part of a time entry, validated."""

    resource: str
    project: Project
    date: str
    minutes: int
    note: str
    status: str
    locked: bool
    metadata: str
    category_id: str | None
    category_name: str | None


def parse_body(body: bytes) -> dict[str, object]:
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ApiError(400, "request body is not valid JSON") from None
    if not isinstance(value, dict):
        raise ApiError(400, "request body must be a JSON object")
    return value


def validate(body: dict[str, object], catalogue: Catalogue) -> Fields:
    missing = [name for name in REQUIRED if name not in body]
    if missing:
        raise ApiError(400, f"missing required field(s): {', '.join(missing)}")
    project = catalogue.projects.get(_text(body, "project"))
    if project is None:
        raise ApiError(400, "project not found")
    if not project["timeEntryEnabled"]:
        raise ApiError(400, "time entries are not enabled on this project")
    resource = _text(body, "resource")
    if resource not in catalogue.resources:
        raise ApiError(400, "resource not found")
    note = _text(body, "note", "")
    if project["timeEntryNoteRequired"] and not note.strip():
        raise ApiError(400, "note is required on this project (timeEntryNoteRequired)")
    status = _text(body, "status", "UNSUBMITTED")
    if status not in WRITABLE_STATUSES:
        raise ApiError(400, f"status must be one of {', '.join(sorted(WRITABLE_STATUSES))}")
    category_id = body.get("categoryTemplateId")
    if category_id is not None and category_id not in catalogue.categories:
        raise ApiError(400, "categoryTemplateId not found")
    return Fields(resource, project, _date(body), _minutes(body), note, status,
                  _locked(body, status), _metadata(body), category_id,
                  catalogue.categories.get(category_id) if category_id else None)


def build(fields: Fields, entry_id: str, creator: str, created: str, updated: str) -> TimeEntry:
    project = fields.project
    return TimeEntry(
        _id=entry_id, resource=fields.resource, project=project["_id"],
        projectName=project["name"], projectType="REGULAR", projectStatus=project["status"],
        date=fields.date, minutes=fields.minutes, note=fields.note, metadata=fields.metadata,
        status=fields.status, locked=fields.locked, creator=creator,
        categoryTemplateId=fields.category_id, categoryName=fields.category_name,
        createdDate=created, updatedDate=updated,
    )


def _text(body: dict[str, object], name: str, default: str | None = None) -> str:
    value = body.get(name, default)
    if not isinstance(value, str):
        raise ApiError(400, f"{name} must be a string")
    return value


def _date(body: dict[str, object]) -> str:
    text = _text(body, "date")
    try:
        return date.fromisoformat(text).isoformat() if len(text) == 10 else _bad_date()
    except ValueError:
        return _bad_date()


def _bad_date() -> str:
    raise ApiError(400, "date must be YYYY-MM-DD")


def _minutes(body: dict[str, object]) -> int:
    value = body["minutes"]
    # The REST API takes a number; only webhooks carry minutes as a string.
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise ApiError(400, "minutes must be a whole number")
    if not 0 <= value <= 1440:
        raise ApiError(400, "minutes must be between 0 and 1440")
    return int(value)


def _locked(body: dict[str, object], status: str) -> bool:
    value = body.get("locked", status in LOCKED_STATUSES)
    if not isinstance(value, bool):
        raise ApiError(400, "locked must be a boolean")
    return value


def _metadata(body: dict[str, object]) -> str:
    value = _text(body, "metadata", "")
    if len(value) > 255:
        raise ApiError(400, "metadata is limited to 255 characters")
    return value
