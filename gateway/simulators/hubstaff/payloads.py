"""TypedDicts of the JSON the simulator serves, named after the spec's definitions.

Field names and required keys follow ``specs/hubstaff-v2.swagger.json`` (``Organization``,
``User``, ``OrganizationMember``, ``Project``, ``Client``, ``Task``, ``Activity``,
``DailyActivity``, ``LastActivity``, ``Hubstaff_Public_V2_Entities_Error``). Optional keys the
spec types as non-nullable (``client_id``, ``budget``, ``completed_at``...) are omitted rather
than sent as ``null``.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict


class Organization(TypedDict):
    id: int
    name: str
    status: str
    created_at: str
    updated_at: str
    member_profile_fields: list[object]
    metadata: dict[str, object]
    invite_url: str


class User(TypedDict):
    id: int
    name: str
    first_name: str
    last_name: str
    email: str
    time_zone: str
    ip_address: str
    status: str
    created_at: str
    updated_at: str


class Member(TypedDict):
    user_id: int
    pay_rate: str
    bill_rate: str
    currency: str
    membership_role: str
    membership_status: str
    created_at: str
    updated_at: str
    removed_at: NotRequired[str]
    last_client_activity: str
    trackable: str
    effective_role: str
    metadata: dict[str, object]
    view_only: bool


class BudgetAlerts(TypedDict):
    near_limit: int


class Budget(TypedDict):
    type: str
    rate: str
    cost: NotRequired[float]
    hours: NotRequired[float]
    start_date: str
    alerts: BudgetAlerts
    recurrence: str
    include_non_billable: bool


class Project(TypedDict):
    id: int
    name: str
    description: str
    created_at: str
    updated_at: str
    status: str
    type: str
    client_id: NotRequired[int]
    billable: bool
    budget: NotRequired[Budget]
    metadata: dict[str, object]


class Client(TypedDict):
    id: int
    organization_id: int
    name: str
    emails: list[str]
    phone: str
    address: str
    project_ids: list[int]
    inherit_invoice_notes: bool
    inherit_net_terms: bool
    net_terms: str
    status: str
    created_at: str
    updated_at: str
    metadata: dict[str, object]


class Task(TypedDict):
    id: int
    status: str
    project_id: int
    project_type: str
    summary: str
    details: str
    remote_id: NotRequired[str]
    lock_version: int
    assignee_ids: list[int]
    metadata: dict[str, object]
    completed_at: NotRequired[str]
    due_at: NotRequired[str]
    created_at: str
    updated_at: str


class Activity(TypedDict):
    id: int
    date: str
    created_at: str
    updated_at: str
    time_slot: str
    starts_at: str
    user_id: int
    project_id: int
    task_id: int | None  # null for manual time posted without a task
    keyboard: int
    mouse: int
    overall: int
    tracked: int
    input_tracked: int
    tracks_input: bool
    billable: bool
    paid: bool
    client_invoiced: bool
    team_invoiced: bool
    immutable: bool
    timesheet_locked: bool
    time_type: str
    client: str


class DailyActivity(TypedDict):
    id: int
    date: str
    user_id: int
    project_id: int
    task_id: int | None  # null for manual time posted without a task
    keyboard: int
    mouse: int
    overall: int
    tracked: int
    input_tracked: int
    manual: int
    idle: int
    resumed: int
    billable: int
    work_break: int
    created_at: str
    updated_at: str


class LastActivity(TypedDict):
    last_client_activity: str
    online: bool
    last_project_id: int
    last_task_id: int
    user_id: int


class ErrorBody(TypedDict):
    code: str
    error: str
    error_code: int


class TokenResponse(TypedDict):
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str
