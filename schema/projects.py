"""Projects: what time is tracked against."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from gateway import models
from gateway.models import Kind
from gateway.service import Axis, EntryGroup, ParentPage
from schema.common import After, Connection, First, FromDate, OrderArg, SortOrder, ToDate
from schema.context import Info
from schema.node import Node

if TYPE_CHECKING:
    from schema.clients import Client
    from schema.time_entries import TimeEntry


@strawberry.type(description="A project that time is tracked against.")
class Project(Node):
    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return isinstance(obj, models.Project)

    name: str = strawberry.field(description="The project's name.")
    code: str | None = strawberry.field(
        description="The project's short code, when the vendor has one."
    )
    active: bool = strawberry.field(description="False for archived projects.")
    billable: bool | None = strawberry.field(
        description="Whether the project is billable, when known."
    )
    created_at: datetime | None = strawberry.field(description="When the vendor created it (UTC).")
    updated_at: datetime | None = strawberry.field(
        description="When the vendor last changed it (UTC)."
    )

    @strawberry.field(description="The client the project is done for.")
    def client(self, info: Info) -> Annotated[Client, strawberry.lazy("schema.clients")] | None:
        record: Any = self
        return info.context.held_reference(Kind.CLIENT, record, record.client_id, info)  # type: ignore[return-value]

    @strawberry.field(description="Time tracked on this project, most recent first by default.")
    async def time_entries(
        self,
        info: Info,
        first: First = 100,
        after: After = None,
        from_: FromDate = None,
        to: ToDate = None,
        order: OrderArg = SortOrder.DESC,
    ) -> Connection[Annotated[TimeEntry, strawberry.lazy("schema.time_entries")]]:
        from schema.time_entries import nested_time_entries

        record: Any = self
        group = EntryGroup(record.source, Axis.PROJECT, from_, to, order.domain())
        page = ParentPage(record.id, first, after)
        return await nested_time_entries(info, group, page)
