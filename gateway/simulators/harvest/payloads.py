"""The JSON Harvest API v2 serves, as TypedDicts (field sets follow the v2 object docs).

Source: help.getharvest.com/api-v2 object references, mirrored by the community OpenAPI spec
(shared/vendors/specs/harvest-v2.openapi.yaml), whose response schemas the tests validate against.
"""

from __future__ import annotations

from typing import TypedDict


class IdName(TypedDict):
    id: int
    name: str


class ClientRef(TypedDict):
    id: int
    name: str
    currency: str


class InvoiceRef(TypedDict):
    id: int
    number: str


class Client(TypedDict):
    id: int
    name: str
    is_active: bool
    address: str
    statement_key: str
    currency: str
    created_at: str
    updated_at: str


class Task(TypedDict):
    id: int
    name: str
    billable_by_default: bool
    default_hourly_rate: float | None
    is_default: bool
    is_active: bool
    created_at: str
    updated_at: str


class Project(TypedDict):
    id: int
    client: ClientRef
    name: str
    code: str
    is_active: bool
    is_billable: bool
    is_fixed_fee: bool
    bill_by: str
    hourly_rate: float | None
    budget: float | None
    budget_by: str
    budget_is_monthly: bool
    notify_when_over_budget: bool
    over_budget_notification_percentage: float
    over_budget_notification_date: str | None
    show_budget_to_all: bool
    cost_budget: float | None
    cost_budget_include_expenses: bool
    fee: float | None
    notes: str
    starts_on: str
    ends_on: str | None
    created_at: str
    updated_at: str


class User(TypedDict):
    id: int
    first_name: str
    last_name: str
    email: str
    telephone: str
    timezone: str
    has_access_to_all_future_projects: bool
    is_contractor: bool
    is_active: bool
    weekly_capacity: int
    default_hourly_rate: float
    cost_rate: float
    roles: list[str]
    access_roles: list[str]
    avatar_url: str
    created_at: str
    updated_at: str


class EntryUserAssignment(TypedDict):
    """The user assignment as embedded in a time entry (no project/user keys there)."""

    id: int
    is_project_manager: bool
    is_active: bool
    budget: float | None
    created_at: str
    updated_at: str
    hourly_rate: float | None


class EntryTaskAssignment(TypedDict):
    """The task assignment as embedded in a time entry."""

    id: int
    billable: bool
    is_active: bool
    created_at: str
    updated_at: str
    hourly_rate: float | None
    budget: float | None


class TimeEntry(TypedDict):
    id: int
    spent_date: str
    user: IdName
    client: IdName
    project: IdName
    task: IdName
    user_assignment: EntryUserAssignment
    task_assignment: EntryTaskAssignment
    hours: float
    hours_without_timer: float
    rounded_hours: float
    notes: str | None
    created_at: str
    updated_at: str
    is_locked: bool
    locked_reason: str | None
    is_closed: bool
    is_billed: bool
    timer_started_at: str | None
    started_time: str | None
    ended_time: str | None
    is_running: bool
    invoice: InvoiceRef | None
    external_reference: None
    billable: bool
    budgeted: bool
    billable_rate: float | None
    cost_rate: float | None


class Company(TypedDict):
    base_uri: str
    full_domain: str
    name: str
    is_active: bool
    week_start_day: str
    wants_timestamp_timers: bool
    time_format: str
    date_format: str
    plan_type: str
    expense_feature: bool
    invoice_feature: bool
    estimate_feature: bool
    approval_feature: bool
    team_feature: bool
    clock: str
    currency_code_display: str
    currency_symbol_display: str
    decimal_symbol: str
    thousands_separator: str
    color_scheme: str
    weekly_capacity: int


class Links(TypedDict):
    first: str
    next: str | None
    previous: str | None
    last: str


class Envelope(TypedDict):
    """Every list response carries these beside the list named after the resource."""

    per_page: int
    total_pages: int
    total_entries: int
    next_page: int | None
    previous_page: int | None
    page: int
    links: Links


class ErrorBody(TypedDict):
    error: str
    error_description: str
