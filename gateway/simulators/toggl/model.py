"""Internal records of the simulated workspace (times as Unix seconds) and their rendering."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

from gateway.simulators.toggl.payloads import (
    Client,
    Project,
    Tag,
    Task,
    TimeEntry,
    WorkspaceUser,
)


def rfc3339(epoch: int) -> str:
    """Toggl v9 writes UTC times with an explicit ``+00:00`` offset."""
    # A report page writes three times per entry (~3,000 a month); the date part repeats, so
    # it is looked up by day and only the clock is formatted here.
    day, rest = divmod(int(epoch), 86400)
    hour, rest = divmod(rest, 3600)
    minute, second = divmod(rest, 60)
    return f"{_date_prefix(day)}{hour:02d}:{minute:02d}:{second:02d}+00:00"


@functools.lru_cache(maxsize=1024)
def _date_prefix(day: int) -> str:
    t = time.gmtime(day * 86400)
    return f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T"


@dataclass(slots=True)
class UserRec:
    id: int
    fullname: str
    email: str
    timezone: str
    is_active: bool
    is_admin: bool
    api_token: str
    created_at: int

    def render(self) -> WorkspaceUser:
        return {
            "id": self.id,
            "email": self.email,
            "fullname": self.fullname,
            "is_active": self.is_active,
            "is_admin": self.is_admin,
            "role": "admin" if self.is_admin else "user",
            "timezone": self.timezone,
            "at": rfc3339(self.created_at),
        }


@dataclass(slots=True)
class ClientRec:
    id: int
    wid: int
    name: str
    archived: bool
    notes: str | None
    at: int

    def render(self) -> Client:
        return {
            "id": self.id,
            "wid": self.wid,
            "name": self.name,
            "archived": self.archived,
            "notes": self.notes,
            "at": rfc3339(self.at),
        }


@dataclass(slots=True)
class ProjectRec:
    id: int
    workspace_id: int
    client_id: int | None
    name: str
    active: bool
    billable: bool
    color: str
    rate: float | None
    estimated_seconds: int | None
    created_at: int
    actual_seconds: int = 0

    def render(self) -> Project:
        return {
            "id": self.id,
            "workspace_id": self.workspace_id,
            "client_id": self.client_id,
            "name": self.name,
            "active": self.active,
            "billable": self.billable,
            "color": self.color,
            "currency": "USD" if self.rate is not None else None,
            "rate": self.rate,
            "estimated_seconds": self.estimated_seconds,
            "actual_seconds": self.actual_seconds,
            "status": "active" if self.active else "archived",
            "created_at": rfc3339(self.created_at),
            "at": rfc3339(self.created_at),
        }


@dataclass(slots=True)
class TaskRec:
    id: int
    name: str
    workspace_id: int
    project_id: int
    user_id: int | None
    active: bool
    estimated_seconds: int | None
    at: int
    tracked_seconds: int = 0

    def render(self) -> Task:
        return {
            "id": self.id,
            "name": self.name,
            "workspace_id": self.workspace_id,
            "project_id": self.project_id,
            "user_id": self.user_id,
            "active": self.active,
            "estimated_seconds": self.estimated_seconds,
            "tracked_seconds": self.tracked_seconds,
            "at": rfc3339(self.at),
        }


@dataclass(slots=True)
class TagRec:
    id: int
    workspace_id: int
    name: str
    at: int

    def render(self) -> Tag:
        return {
            "id": self.id,
            "workspace_id": self.workspace_id,
            "name": self.name,
            "at": rfc3339(self.at),
        }


@dataclass(slots=True)
class EntryRec:
    """A time entry. ``duration < 0`` means running: ``-1`` (current style) or minus the
    start epoch (older data); both mean elapsed = now - start."""

    id: int
    workspace_id: int
    user_id: int
    project_id: int | None
    task_id: int | None
    description: str
    start: int
    stop: int | None
    duration: int
    billable: bool
    tag_ids: list[int] = field(default_factory=list)
    at: int = 0
    deleted_at: int | None = None

    @property
    def running(self) -> bool:
        return self.duration < 0

    def key(self) -> tuple[int, int]:
        return (self.start, self.id)

    def render(self, tag_names: dict[int, str]) -> TimeEntry:
        return {
            "id": self.id,
            "workspace_id": self.workspace_id,
            "project_id": self.project_id,
            "task_id": self.task_id,
            "user_id": self.user_id,
            "description": self.description,
            "start": rfc3339(self.start),
            "stop": None if self.stop is None else rfc3339(self.stop),
            "duration": self.duration,
            "billable": self.billable,
            "tags": [tag_names[t] for t in self.tag_ids],
            "tag_ids": list(self.tag_ids),
            "duronly": False,
            "at": rfc3339(self.at),
            "server_deleted_at": None if self.deleted_at is None else rfc3339(self.deleted_at),
        }
