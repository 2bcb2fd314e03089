"""The raw JSON Clockify sends (the fields Hourglass reads).

The regular API writes durations as ISO 8601 strings (``"PT1H30M"``); the detailed report
writes them as integer seconds and names the entry id ``_id``.
"""

from __future__ import annotations

from typing import TypedDict


class UserSettingsPayload(TypedDict, total=False):
    timeZone: str


class UserPayload(TypedDict, total=False):
    id: str
    email: str
    name: str
    status: str  # ACTIVE, PENDING_EMAIL_VERIFICATION, NOT_REGISTERED, INACTIVE, ...
    settings: UserSettingsPayload


class ClientPayload(TypedDict, total=False):
    id: str
    name: str
    archived: bool
    currencyCode: str


class ProjectPayload(TypedDict, total=False):
    id: str
    name: str
    clientId: str | None  # returned although the spec omits it
    archived: bool
    billable: bool


class TaskPayload(TypedDict, total=False):
    id: str
    name: str
    projectId: str
    status: str  # ACTIVE or DONE
    billable: bool


class TimeIntervalPayload(TypedDict, total=False):
    start: str
    end: str | None
    duration: str | None  # ISO 8601; null while running


class TimeEntryPayload(TypedDict, total=False):
    id: str
    description: str | None
    userId: str
    workspaceId: str
    projectId: str | None
    taskId: str | None
    tagIds: list[str] | None
    billable: bool
    timeInterval: TimeIntervalPayload


class ReportIntervalPayload(TypedDict, total=False):
    start: str
    end: str | None
    duration: int | None  # seconds


class ReportTagPayload(TypedDict, total=False):
    id: str
    name: str


class ReportEntryPayload(TypedDict, total=False):
    _id: str
    description: str | None
    userId: str
    userName: str
    projectId: str | None
    projectName: str
    clientId: str | None
    clientName: str
    taskId: str | None
    billable: bool
    tags: list[ReportTagPayload]
    timeInterval: ReportIntervalPayload


class ReportTotalsPayload(TypedDict, total=False):
    entriesCount: int


class ReportPayload(TypedDict, total=False):
    totals: list[ReportTotalsPayload]
    timeEntries: list[ReportEntryPayload]
