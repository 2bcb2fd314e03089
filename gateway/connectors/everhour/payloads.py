"""The raw JSON Everhour sends (the fields Hourglass reads).

Datetimes are zone-less wall times (``"2024-10-18 13:58:23"``), durations are seconds, money
is cents. User and client ids are integers; project and task ids are strings carrying the
platform they come from (``ev:``, ``as:`` Asana, ``jr:`` Jira, ...), kept opaque.
"""

from __future__ import annotations

from typing import TypedDict


class UserPayload(TypedDict, total=False):
    id: int
    name: str
    email: str
    role: str
    status: str  # "active", "invited", ...
    headline: str
    avatarUrl: str
    createdAt: str


class UserRef(TypedDict, total=False):
    """A user as embedded in a timer (records carry the bare id)."""

    id: int
    name: str


class BillingPayload(TypedDict, total=False):
    type: str  # "hourly", "fixed_fee", "non_billable"


class ProjectPayload(TypedDict, total=False):
    id: str
    name: str
    status: str  # "open", "archived"
    users: list[int]
    client: int | None
    type: str
    billing: BillingPayload
    createdAt: str


class ClientPayload(TypedDict, total=False):
    id: int
    name: str
    status: str
    projects: list[str]
    createdAt: str


class TaskPayload(TypedDict, total=False):
    id: str
    name: str
    status: str  # "open", "closed"
    projects: list[str]  # the first one is the task's project; may be empty
    createdAt: str


class TimeRecordPayload(TypedDict, total=False):
    """One record per (user, task, date): a day's total, no start or end."""

    id: int
    date: str
    user: int | UserRef
    time: int
    task: TaskPayload | None
    comment: str | None
    isLocked: bool
    isInvoiced: bool
    createdAt: str
    timerTime: int
    manualTime: int


class TimerPayload(TypedDict, total=False):
    """``/timers/current``, ``/team/timers``; ``{"status": "stopped"}`` alone when none runs."""

    status: str  # "active" | "stopped"
    duration: int  # seconds elapsed when read
    startedAt: str
    userDate: str  # the day the time counts for, in the user's calendar
    comment: str | None
    task: TaskPayload | None
    user: int | UserRef
