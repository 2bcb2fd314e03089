"""The Relay ``Node`` interface and fields every vendor object has.

GraphQL objects here are resolved straight from the frozen domain dataclasses (no per-item
wrapper objects): a resolver's ``self`` is the domain object, and ``is_type_of`` tells the
types apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON

from gateway import ids
from gateway.models import KIND_OF
from schema.context import Info

if TYPE_CHECKING:
    from schema.sources import Source


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    @strawberry.field(description="Global id: opaque, stable across restarts.")
    def id(self) -> strawberry.ID:
        record: Any = self
        return strawberry.ID(ids.encode(KIND_OF[type(record)], record.source, record.id))

    @strawberry.field(description="The id the vendor itself uses for this object.")
    def native_id(self) -> str:
        record: Any = self
        return str(record.id)

    @strawberry.field(description="The configured source this object comes from.")
    def source(self, info: Info) -> Annotated[Source, strawberry.lazy("schema.sources")]:
        record: Any = self
        return info.context.gateway.sources[record.source]  # type: ignore[return-value]

    @strawberry.field(
        description="The vendor's JSON for this object, unchanged (for debugging and BI)."
    )
    def raw(self) -> JSON | None:
        record: Any = self
        return record.raw
