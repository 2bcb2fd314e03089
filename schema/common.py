"""Types every domain shares: connections, page info, per-source results, sort order."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated, Any, Generic, TypeVar

import strawberry

from gateway.connectors.base import Order
from gateway.listing import Listing, SortKey, SourceOutcome, encode_cursor

T = TypeVar("T")

MAX_PAGE_SIZE = 5000


@strawberry.enum(description="Direction of a listing's order.")
class SortOrder(Enum):
    ASC = "asc"
    DESC = "desc"

    def domain(self) -> Order:
        return Order(self.value)


def _arg(description: str) -> Any:
    return strawberry.argument(description=description)


# Arguments shared by every list field.
First = Annotated[int, _arg(f"How many items to return (0 to {MAX_PAGE_SIZE}).")]
After = Annotated[
    str | None, _arg("Return items after this cursor (a previous `pageInfo.endCursor`).")
]
Sources = Annotated[
    list[str] | None, _arg("Only these sources, by name; every source when omitted.")
]
Active = Annotated[bool | None, _arg("Only active (true) or only archived (false) objects.")]
Search = Annotated[
    str | None, _arg("Only objects whose name contains this text (case-insensitive).")
]
OrderArg = Annotated[
    SortOrder, _arg("Most recent first (DESC, the default) or oldest first (ASC).")
]
FromDate = Annotated[
    date | None, strawberry.argument(name="from", description="First day, inclusive.")
]
ToDate = Annotated[date | None, _arg("Last day, inclusive.")]


UserIds = Annotated[list[strawberry.ID] | None, _arg("Only entries of these users (global ids).")]
ProjectIds = Annotated[
    list[strawberry.ID] | None, _arg("Only entries of these projects (global ids).")
]
ClientIds = Annotated[
    list[strawberry.ID] | None, _arg("Only objects of these clients (global ids).")
]


@strawberry.type(description="Relay page information.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether another page follows this one.")
    has_previous_page: bool = strawberry.field(
        description="Whether this page was asked for with `after` (pages before it exist)."
    )
    start_cursor: str | None = strawberry.field(description="Cursor of the first edge, if any.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last edge: pass it as `after` for the next page."
    )


@strawberry.type(description="Why a source's part of a result is missing or partial.")
class SourceProblem:
    code: str = strawberry.field(description="Machine-readable code, e.g. UPSTREAM_RATE_LIMITED.")
    message: str = strawberry.field(description="What went wrong, safe to show to users.")
    retry_after: float | None = strawberry.field(
        description="Seconds after which asking again may succeed, when the vendor said."
    )


@strawberry.type(description="How one source contributed to a list result.")
class SourceResult:
    source: str = strawberry.field(description="The source's configured name.")
    supported: bool = strawberry.field(
        description="False when the source's vendor has no such data (not an error)."
    )
    complete: bool = strawberry.field(
        description="True when every matching item of this source is accounted for."
    )
    problem: SourceProblem | None = strawberry.field(description="Set when `complete` is false.")

    @classmethod
    def from_outcome(cls, outcome: SourceOutcome) -> SourceResult:
        problem = None
        if outcome.error is not None:
            problem = SourceProblem(
                code=outcome.error.code,
                message=outcome.error.message,
                retry_after=outcome.error.retry_after,
            )
        return cls(
            source=outcome.source,
            supported=outcome.supported,
            complete=outcome.complete,
            problem=problem,
        )


@strawberry.type(description="An item in a connection, with its cursor.")
class Edge(Generic[T]):
    key: strawberry.Private[SortKey]

    @strawberry.field(description="Opaque, stable position of this item.")
    def cursor(self) -> str:
        # Encoded only when asked for: most bulk readers want one cursor per page, not per item.
        return encode_cursor(self.key)

    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list across sources (Relay connection).")
class Connection(Generic[T]):
    """A page, built lazily: edges and cursors exist only if the query selects them."""

    listing: strawberry.Private[Listing[Any]]
    paged: strawberry.Private[bool]

    @strawberry.field(description="The items with their cursors.")
    def edges(self) -> list[Edge[T]]:
        items = self.listing.items
        return [Edge(node=n, key=k) for n, k in zip(items, self.listing.keys, strict=True)]

    @strawberry.field(description="The items alone (shortcut for edges.node).")
    def nodes(self) -> list[T]:
        items: list[T] = self.listing.items
        return items

    @strawberry.field(description="Where this page sits in the list.")
    def page_info(self) -> PageInfo:
        keys = self.listing.keys
        return PageInfo(
            has_next_page=self.listing.has_next,
            has_previous_page=self.paged,
            start_cursor=encode_cursor(keys[0]) if keys else None,
            end_cursor=encode_cursor(keys[-1]) if keys else None,
        )

    @strawberry.field(
        description="Per source: whether it is supported and whether its part is complete."
    )
    def source_results(self) -> list[SourceResult]:
        return [SourceResult.from_outcome(o) for o in self.listing.outcomes]

    @classmethod
    def from_listing(cls, listing: Listing[T], *, paged: bool) -> Connection[T]:
        return cls(listing=listing, paged=paged)
