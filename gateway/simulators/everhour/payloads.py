"""The JSON the Everhour simulator serves, as TypedDicts (shared/vendors/everhour.md).

Everhour omits keys it has no value for rather than sending ``null`` (a project without a
client has no ``client`` key, a task without an estimate no ``estimate``), hence ``NotRequired``.
Datetimes are zone-less strings (``"2024-10-18 13:58:23"``) in the account's time zone, money is
in cents and durations are in seconds.
"""

# No "from __future__ import annotations": NotRequired must be visible at runtime, where
# __required_keys__ / __optional_keys__ are computed (the tests check served shapes with them).

from typing import Literal, NotRequired, TypedDict


class UserPayload(TypedDict):
    id: int
    name: str
    email: str
    role: Literal["admin", "supervisor", "member"]
    status: Literal["active", "invited", "removed"]
    headline: str
    avatarUrl: str
    createdAt: str


class TimerUserPayload(TypedDict):
    """The short user object embedded in a timer."""

    id: int
    name: str
    headline: str
    avatarUrl: str


class BillingPayload(TypedDict):
    type: Literal["hourly", "fixed_fee", "non_billable"]
    fee: NotRequired[int]


class RatePayload(TypedDict):
    type: Literal["project_rate", "user_rate"]
    rate: NotRequired[int]  # only for a project-wide rate; user rates live on the users


class BudgetPayload(TypedDict):
    type: Literal["money", "time"]
    budget: int
    period: Literal["general", "monthly"]


class ProjectPayload(TypedDict):
    id: str
    name: str
    workspaceName: str
    status: Literal["open", "archived"]
    type: Literal["board", "list"]
    foreign: bool
    createdAt: str
    users: list[int]
    client: NotRequired[int]
    billing: BillingPayload
    rate: NotRequired[RatePayload]
    budget: NotRequired[BudgetPayload]


class ClientPayload(TypedDict):
    id: int
    name: str
    createdAt: str
    projects: list[str]
    budget: NotRequired[BudgetPayload]


class TaskTimePayload(TypedDict):
    total: int
    # Keyed by user id as a string: JSON object keys are strings.
    users: dict[str, int]


class EstimatePayload(TypedDict):
    total: int
    type: Literal["overall"]


class TaskRefPayload(TypedDict):
    """A task as embedded in a time record or timer: its projects name where the time belongs."""

    id: str
    name: str
    type: Literal["task"]
    status: Literal["open", "closed"]
    projects: list[str]


class TaskPayload(TaskRefPayload):
    createdAt: str
    time: TaskTimePayload
    estimate: NotRequired[EstimatePayload]


class TimeRecordPayload(TypedDict):
    id: int
    date: str
    user: int
    time: int
    task: TaskRefPayload
    comment: str
    isLocked: bool
    isInvoiced: bool
    createdAt: str
    cost: int
    costRate: int
    timerTime: int
    manualTime: int


class TimerPayload(TypedDict):
    status: Literal["active", "stopped"]
    duration: NotRequired[int]
    startedAt: NotRequired[str]
    userDate: NotRequired[str]
    comment: NotRequired[str]
    task: NotRequired[TaskRefPayload]
    user: NotRequired[TimerUserPayload]
    # Only on the answer to DELETE /timers/current: the time record the timer was added to.
    taskTime: NotRequired[TimeRecordPayload]


class ErrorPayload(TypedDict):
    code: int
    message: str
    errors: NotRequired[dict[str, list[str]]]
