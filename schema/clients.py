"""Clients: the customers projects are done for."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from gateway import ids, models
from gateway.models import Kind
from gateway.service import ReferenceFilter
from schema.common import After, Connection, First
from schema.context import Info
from schema.node import Node
from schema.selection import prefetch_links

if TYPE_CHECKING:
    from schema.projects import Project


@strawberry.type(description="A customer that projects are done for.")
class Client(Node):
    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return isinstance(obj, models.Client)

    name: str = strawberry.field(description="The client's name.")
    active: bool = strawberry.field(description="False for archived clients.")
    currency: str | None = strawberry.field(description="Billing currency (ISO 4217), when known.")
    created_at: datetime | None = strawberry.field(description="When the vendor created it (UTC).")
    updated_at: datetime | None = strawberry.field(
        description="When the vendor last changed it (UTC)."
    )

    @strawberry.field(description="This client's projects, by name.")
    async def projects(
        self, info: Info, first: First = 100, after: After = None
    ) -> Connection[Annotated[Project, strawberry.lazy("schema.projects")]]:
        record: Any = self
        flt = ReferenceFilter(
            sources=[record.source],
            client_ids=[ids.decode(ids.encode(Kind.CLIENT, record.source, record.id))],
        )
        listing = await info.context.gateway.references(Kind.PROJECT, flt, first=first, after=after)
        await prefetch_links(info, listing.items)
        return Connection.from_listing(listing, paged=after is not None)  # type: ignore[arg-type]
