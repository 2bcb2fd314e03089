"""The JSON the simulator serves, shaped after the Hub Planner API sections (2025-07).

Field names and nesting follow the vendor's README examples; fields the sheet does not name but
the section examples show (``links``, ``projectType``, ``creator``...) are included so a
connector sees a realistic object, never one trimmed to what it happens to read.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict


class Billing(TypedDict):
    useDefault: bool
    id: str | None
    rate: float


class Links(TypedDict):
    link1: str
    link2: str
    link3: str
    link4: str
    link5: str


class Resource(TypedDict):
    _id: str
    email: str
    metadata: str
    createdDate: str
    updatedDate: str
    note: str
    firstName: str
    lastName: str
    isProjectManager: bool
    status: str  # STATUS_ACTIVE | STATUS_ARCHIVED | STATUS_NON_BOOKABLE
    role: str  # ROLE_OWNER | ROLE_ADMIN | ROLE_PROJECT_MANAGER | ROLE_RESOURCE_MANAGER | ROLE_TEAM
    links: Links
    billing: Billing
    useCustomAvailability: bool
    customFields: list[object]


class CustomerLink(TypedDict):
    """A project's link to a client: ``customerId`` is the client's ``_id``; ``_id`` is the
    link's own id (a sub-document id, never a client id)."""

    customerId: str
    name: str
    _id: str


class Project(TypedDict):
    _id: str
    name: str
    # STATUS_ACTIVE | STATUS_ARCHIVED | STATUS_PENDING | STATUS_PLANNED | STATUS_FLOATING
    status: str
    projectCode: str
    note: str
    metadata: str
    backgroundColor: str
    budgetHours: float
    budgetCashAmount: float
    budgetCurrency: str
    resources: list[str]
    customers: list[CustomerLink]
    timeEntryEnabled: bool
    timeEntryNoteRequired: bool
    useProjectDuration: bool
    start: str | None
    end: str | None
    customFields: list[object]
    createdDate: str
    updatedDate: str


class Client(TypedDict):
    _id: str
    name: str
    metadata: str | None
    createdDate: str
    # The vendor's own example omits updatedDate on a client never edited since creation.
    updatedDate: NotRequired[str]


class TimeEntry(TypedDict):
    _id: str
    resource: str
    project: str
    projectName: str
    projectType: str  # REGULAR | EVENT
    projectStatus: str
    date: str  # YYYY-MM-DD; there is no start/end time
    minutes: int
    note: str
    metadata: str
    status: str  # UNSUBMITTED | SUBMITTED | APPROVED | REJECTED | PENDING | EMPTY
    locked: bool
    creator: str
    categoryTemplateId: str | None
    categoryName: str | None
    createdDate: str
    updatedDate: str


class ErrorBody(TypedDict):
    error: str
