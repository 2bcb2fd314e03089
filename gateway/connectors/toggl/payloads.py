"""The raw JSON Toggl sends (the fields Hourglass reads).

Track API v9 objects are flat; Reports API v3 rows group entries that share every attribute
but their times (``time_entries``), and carry ``tag_ids`` but no tag names.
"""

from __future__ import annotations

from typing import TypedDict


class MePayload(TypedDict, total=False):
    id: int
    email: str
    fullname: str
    timezone: str
    default_workspace_id: int


class UserPayload(TypedDict, total=False):
    id: int
    email: str
    fullname: str
    timezone: str
    is_active: bool
    is_admin: bool
    role: str
    at: str


class ClientPayload(TypedDict, total=False):
    id: int
    wid: int
    name: str
    archived: bool
    notes: str | None
    at: str


class ProjectPayload(TypedDict, total=False):
    id: int
    workspace_id: int
    client_id: int | None
    name: str
    active: bool
    billable: bool | None
    currency: str | None
    created_at: str
    at: str


class TaskPayload(TypedDict, total=False):
    id: int
    name: str
    project_id: int | None
    active: bool
    at: str


class TagPayload(TypedDict, total=False):
    id: int
    name: str


class TimeEntryPayload(TypedDict, total=False):
    id: int
    workspace_id: int
    project_id: int | None
    task_id: int | None
    user_id: int
    description: str | None
    start: str
    stop: str | None
    # Seconds; negative while running: -1, or minus the start's Unix time (older data).
    duration: int
    billable: bool
    tags: list[str] | None
    tag_ids: list[int] | None
    duronly: bool
    at: str
    server_deleted_at: str | None


class ReportEntryPayload(TypedDict, total=False):
    id: int
    seconds: int
    start: str
    stop: str | None
    at: str


class ReportRowPayload(TypedDict, total=False):
    user_id: int
    username: str
    project_id: int | None
    task_id: int | None
    description: str | None
    billable: bool
    tag_ids: list[int] | None
    row_number: int
    time_entries: list[ReportEntryPayload]
