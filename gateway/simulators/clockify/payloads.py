"""TypedDicts of the JSON the Clockify simulator serves and accepts.

Field names follow the published spec (``clockify-v1.openapi.json``) and the vendor sheet; the
few fields the spec omits but the real API returns (``clientId``/``clientName`` on projects,
``_id`` on report rows) are noted where they appear.
"""

from __future__ import annotations

from typing import TypedDict


class Rate(TypedDict):
    amount: int  # minor units (cents), as Clockify sends them
    currency: str


class ErrorBody(TypedDict):
    message: str
    code: int


class UserSettings(TypedDict):
    timeZone: str
    dateFormat: str
    timeFormat: str
    weekStart: str


class Membership(TypedDict):
    userId: str
    targetId: str
    membershipType: str
    membershipStatus: str
    hourlyRate: Rate | None
    costRate: Rate | None


class User(TypedDict):
    id: str
    email: str
    name: str
    status: str  # account status: ACTIVE, NOT_REGISTERED, ...
    activeWorkspace: str
    defaultWorkspace: str
    profilePicture: str
    settings: UserSettings
    memberships: list[Membership]
    customFields: list[object]


class Client(TypedDict):
    id: str
    name: str
    workspaceId: str
    archived: bool
    email: str
    address: str
    note: str
    currencyId: str
    currencyCode: str
    ccEmails: list[str]


class Estimate(TypedDict):
    estimate: str
    type: str


class Project(TypedDict):
    id: str
    name: str
    workspaceId: str
    clientId: str  # returned by the real API although the spec omits it; "" without a client
    clientName: str
    archived: bool
    billable: bool
    public: bool
    template: bool
    color: str
    note: str
    hourlyRate: Rate
    costRate: Rate | None
    duration: str  # ISO 8601 total tracked time
    estimate: Estimate
    memberships: list[Membership]


class Task(TypedDict):
    id: str
    name: str
    projectId: str
    assigneeIds: list[str]
    assigneeId: str | None
    userGroupIds: list[str]
    status: str  # ACTIVE | DONE
    billable: bool
    duration: str
    estimate: str
    hourlyRate: Rate | None
    costRate: Rate | None


class TimeInterval(TypedDict):
    start: str
    end: str | None  # null while the timer runs
    duration: str | None  # ISO 8601 ("PT1H30M"); null while the timer runs


class TimeEntry(TypedDict):
    id: str
    description: str
    userId: str
    workspaceId: str
    projectId: str | None
    taskId: str | None
    tagIds: list[str]
    billable: bool
    isLocked: bool
    type: str
    kioskId: str | None
    hourlyRate: Rate | None
    costRate: Rate | None
    customFieldValues: list[object]
    timeInterval: TimeInterval


class ReportTag(TypedDict):
    id: str
    name: str


class ReportInterval(TypedDict):
    start: str
    end: str
    duration: int  # integer seconds here, unlike the ISO string of the regular API


class ReportEntry(TypedDict):
    _id: str  # the report rows use Mongo's "_id" (the spec's "get_id" is a generator artefact)
    description: str
    userId: str
    userName: str
    userEmail: str
    projectId: str
    projectName: str
    projectColor: str
    clientId: str
    clientName: str
    taskId: str
    taskName: str
    billable: bool
    locked: bool
    tags: list[ReportTag]
    timeInterval: ReportInterval


class ReportAmount(TypedDict):
    type: str
    value: float


class ReportTotals(TypedDict):
    _id: str
    totalTime: int
    totalBillableTime: int
    entriesCount: int
    amounts: list[ReportAmount]


class DetailedReport(TypedDict):
    totals: list[ReportTotals]
    timeEntries: list[ReportEntry]
