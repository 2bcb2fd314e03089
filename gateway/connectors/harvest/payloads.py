"""The raw JSON Harvest sends (the fields Hourglass reads)."""

from __future__ import annotations

from typing import TypedDict


class NamedRef(TypedDict):
    id: int
    name: str


class UserPayload(TypedDict, total=False):
    id: int
    first_name: str
    last_name: str
    email: str
    timezone: str
    is_active: bool
    roles: list[str]
    created_at: str
    updated_at: str


class ClientPayload(TypedDict, total=False):
    id: int
    name: str
    is_active: bool
    currency: str
    created_at: str
    updated_at: str


class ProjectPayload(TypedDict, total=False):
    id: int
    name: str
    code: str | None
    client: NamedRef | None
    is_active: bool
    is_billable: bool
    created_at: str
    updated_at: str


class TaskPayload(TypedDict, total=False):
    id: int
    name: str
    billable_by_default: bool
    is_active: bool


class TimeEntryPayload(TypedDict, total=False):
    id: int
    spent_date: str
    user: NamedRef
    client: NamedRef | None
    project: NamedRef
    task: NamedRef | None
    hours: float
    notes: str | None
    is_running: bool
    timer_started_at: str | None
    started_time: str | None
    ended_time: str | None
    billable: bool
    created_at: str
    updated_at: str
