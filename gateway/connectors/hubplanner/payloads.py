"""The raw JSON Hub Planner sends (the fields Hourglass reads). Ids are 24-hex strings."""

from __future__ import annotations

from typing import TypedDict


class BillingPayload(TypedDict, total=False):
    rate: float | None


class ResourcePayload(TypedDict, total=False):
    _id: str
    email: str | None
    firstName: str
    lastName: str
    status: str  # STATUS_ACTIVE | STATUS_ARCHIVED | STATUS_NON_BOOKABLE | ...
    role: str
    billing: BillingPayload
    createdDate: str
    updatedDate: str


class CustomerRef(TypedDict, total=False):
    customerId: str
    name: str
    _id: str


class ProjectPayload(TypedDict, total=False):
    _id: str
    name: str
    status: str
    projectCode: str | None
    customers: list[CustomerRef]
    timeEntryEnabled: bool
    createdDate: str
    updatedDate: str


class ClientPayload(TypedDict, total=False):
    _id: str
    name: str
    metadata: str | None
    createdDate: str
    updatedDate: str


class TimeEntryPayload(TypedDict, total=False):
    _id: str
    resource: str
    project: str
    projectName: str
    date: str  # YYYY-MM-DD
    minutes: int | str  # a string in webhook payloads ("180")
    note: str | None
    status: str  # UNSUBMITTED | SUBMITTED | APPROVED | REJECTED | PENDING | EMPTY
    locked: bool
    categoryName: str | None
    createdDate: str
    updatedDate: str


class TimeEntryWrite(TypedDict, total=False):
    """``POST /timeentry`` (``resource``, ``project``, ``date``, ``minutes`` required)."""

    resource: str
    project: str
    date: str
    minutes: int
    note: str
