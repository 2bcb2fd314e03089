"""The JSON the simulator serves, as TypedDicts (field names exactly as Toggl spells them)."""

from __future__ import annotations

from typing import TypedDict


class Me(TypedDict):
    id: int
    api_token: str
    email: str
    fullname: str
    timezone: str
    default_workspace_id: int
    beginning_of_week: int
    image_url: str
    created_at: str
    updated_at: str
    at: str


class Workspace(TypedDict):
    id: int
    organization_id: int
    name: str
    premium: bool
    business_ws: bool
    admin: bool
    role: str
    default_currency: str
    default_hourly_rate: float | None
    rounding: int
    rounding_minutes: int
    at: str


class WorkspaceUser(TypedDict):
    id: int
    email: str
    fullname: str
    is_active: bool
    is_admin: bool
    role: str
    timezone: str
    at: str


class Client(TypedDict):
    id: int
    wid: int
    name: str
    archived: bool
    notes: str | None
    at: str


class Project(TypedDict):
    id: int
    workspace_id: int
    client_id: int | None
    name: str
    active: bool
    billable: bool
    color: str
    currency: str | None
    rate: float | None
    estimated_seconds: int | None
    actual_seconds: int
    status: str
    created_at: str
    at: str


class Task(TypedDict):
    id: int
    name: str
    workspace_id: int
    project_id: int
    user_id: int | None
    active: bool
    estimated_seconds: int | None
    tracked_seconds: int
    at: str


class TaskPage(TypedDict):
    data: list[Task]
    page: int
    per_page: int
    total_count: int


class Tag(TypedDict):
    id: int
    workspace_id: int
    name: str
    at: str


class TimeEntry(TypedDict):
    id: int
    workspace_id: int
    project_id: int | None
    task_id: int | None
    user_id: int
    description: str
    start: str
    stop: str | None
    duration: int
    billable: bool
    tags: list[str]
    tag_ids: list[int]
    duronly: bool
    at: str
    server_deleted_at: str | None


class ReportEntry(TypedDict):
    id: int
    seconds: int
    start: str
    stop: str | None
    at: str


class ReportRow(TypedDict):
    user_id: int
    username: str
    project_id: int | None
    task_id: int | None
    description: str
    billable: bool
    tag_ids: list[int]
    hourly_rate_in_cents: int | None
    billable_amount_in_cents: int | None
    currency: str
    row_number: int
    time_entries: list[ReportEntry]
