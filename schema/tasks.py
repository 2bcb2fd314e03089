"""Tasks: the kind of work within a project (Harvest tasks, Hubstaff to-dos, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from gateway import models
from gateway.models import Kind
from schema.context import Info
from schema.node import Node

if TYPE_CHECKING:
    from schema.projects import Project


@strawberry.type(description="A kind of work, or a to-do, that time is tracked against.")
class Task(Node):
    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return isinstance(obj, models.Task)

    name: str = strawberry.field(description="The task's name.")
    active: bool = strawberry.field(description="False for archived or closed tasks.")
    billable: bool | None = strawberry.field(
        description="Whether time on it is billable by default."
    )

    @strawberry.field(
        description="The project the task belongs to, for vendors whose tasks belong to one."
    )
    def project(self, info: Info) -> Annotated[Project, strawberry.lazy("schema.projects")] | None:
        record: Any = self
        return info.context.reference(Kind.PROJECT, record.source, record.project_id, info)  # type: ignore[return-value]
