"""The raw JSON Hubstaff sends (the fields Hourglass reads), per the v2 spec's definitions."""

from __future__ import annotations

from typing import TypedDict


class UserPayload(TypedDict, total=False):
    id: int
    name: str
    first_name: str
    last_name: str
    email: str
    time_zone: str
    status: str
    created_at: str
    updated_at: str


class MemberPayload(TypedDict, total=False):
    user_id: int
    membership_role: str
    membership_status: str
    created_at: str
    updated_at: str
    removed_at: str | None


class ProjectPayload(TypedDict, total=False):
    id: int
    name: str
    status: str
    billable: bool
    client_id: int | None
    created_at: str
    updated_at: str


class ClientPayload(TypedDict, total=False):
    id: int
    name: str
    status: str
    project_ids: list[int]
    created_at: str
    updated_at: str


class TaskPayload(TypedDict, total=False):
    id: int
    summary: str
    status: str
    project_id: int | None
    created_at: str
    updated_at: str


class ActivityPayload(TypedDict, total=False):
    """One 10-minute slot: tracking covered ``[starts_at, starts_at + tracked)``."""

    id: int
    date: str  # the organization's day
    time_slot: str
    starts_at: str
    user_id: int
    project_id: int | None
    task_id: int | None
    tracked: int
    billable: bool
    time_type: str
    created_at: str
    updated_at: str


class DailyActivityPayload(TypedDict, total=False):
    id: int
    date: str
    user_id: int
    project_id: int | None
    task_id: int | None
    tracked: int
    billable: int  # seconds, a subset of tracked
    manual: int
    idle: int
    created_at: str
    updated_at: str


class TokenGrantPayload(TypedDict, total=False):
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str


class ManualTimePayload(TypedDict, total=False):
    """The body of ``POST /v2/users/{user_id}/time_entries``."""

    project_id: int
    task_id: int
    start_time: str
    tracked: int
    billable: bool
    note: str
