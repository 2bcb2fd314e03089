"""The Hourglass GraphQL schema: one module per domain, merged into the root types here."""

from __future__ import annotations

import asyncio
import logging
import os
from datetime import datetime
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

from gateway import ids
from gateway.errors import HourglassError, UserInputError
from gateway.graphql_params import MAX_TOKENS, PARSE_CACHE_SIZE
from gateway.models import Kind
from gateway.service import ReferenceFilter, TimeEntryFilter
from schema.clients import Client
from schema.common import (
    MAX_PAGE_SIZE,
    Active,
    After,
    ClientIds,
    Connection,
    First,
    FromDate,
    OrderArg,
    ProjectIds,
    Search,
    SortOrder,
    Sources,
    ToDate,
    UserIds,
)
from schema.context import Context, Info
from schema.execution import CompiledExecutor
from schema.extensions import SourceProblems, error_code, unexpected
from schema.node import Node
from schema.projects import Project
from schema.selection import prefetch_links
from schema.sources import Source, resolve_sources
from schema.tasks import Task
from schema.time_entries import TimeEntry, list_time_entries
from schema.users import User

log = logging.getLogger("hourglass.graphql")

IdList = list[strawberry.ID] | None


def _gids(values: IdList, kind: Kind) -> list[ids.GlobalId] | None:
    return None if values is None else [ids.decode_as(v, kind) for v in values]


async def _references(
    info: Info, kind: Kind, flt: ReferenceFilter, first: int, after: str | None
) -> Connection[object]:
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise UserInputError(f"`first` must be between 0 and {MAX_PAGE_SIZE}")
    listing = await info.context.gateway.references(kind, flt, first=first, after=after)
    for outcome in listing.outcomes:
        if outcome.error is not None:
            info.context.problems.add(outcome.error, info.path.as_list(), info.field_name)
    await prefetch_links(info, listing.items)
    return Connection.from_listing(listing, paged=after is not None)  # type: ignore[arg-type]


@strawberry.type(description="Read unified time data across every configured source.")
class Query:
    @strawberry.field(description="The configured sources and what each supports.")
    def sources(self, info: Info) -> list[Source]:
        return resolve_sources(info)

    @strawberry.field(description="Any object by its global id; null if it does not exist.")
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")],
    ) -> Node | None:
        return await info.context.gateway.node(id)  # type: ignore[return-value]

    @strawberry.field(
        description="Several objects by global id, in the same order (null where missing)."
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Global ids.")],
    ) -> list[Node | None]:
        # One id failing (a bad id, a source down) nulls that item with one error per source,
        # never the whole list.
        found = await asyncio.gather(
            *(info.context.gateway.node(i) for i in ids), return_exceptions=True
        )
        out: list[Any] = []
        for index, value in enumerate(found):
            if isinstance(value, HourglassError):
                info.context.problems.add(value, [*info.path.as_list(), index], "nodes")
                value = None
            elif isinstance(value, BaseException):
                raise value
            out.append(value)
        return out

    @strawberry.field(
        description="Time entries across sources, most recent first by default. Without `from`, "
        "the listing looks back the configured `default_lookback_days`."
    )
    async def time_entries(
        self,
        info: Info,
        first: First = 50,
        after: After = None,
        sources: Sources = None,
        from_: FromDate = None,
        to: ToDate = None,
        updated_since: Annotated[
            datetime | None,
            strawberry.argument(description="Only entries changed at or after this time."),
        ] = None,
        user_ids: UserIds = None,
        project_ids: ProjectIds = None,
        client_ids: ClientIds = None,
        billable: Annotated[
            bool | None,
            strawberry.argument(
                description="Only billable (true) or non-billable (false) entries."
            ),
        ] = None,
        running: Annotated[
            bool | None,
            strawberry.argument(description="Only running (true) or stopped (false) entries."),
        ] = None,
        order: OrderArg = SortOrder.DESC,
    ) -> Connection[TimeEntry]:
        flt = TimeEntryFilter(
            sources=sources,
            date_from=from_,
            date_to=to,
            updated_since=updated_since,
            user_ids=_gids(user_ids, Kind.USER),
            project_ids=_gids(project_ids, Kind.PROJECT),
            client_ids=_gids(client_ids, Kind.CLIENT),
            billable=billable,
            running=running,
        )
        return await list_time_entries(info, flt, first=first, after=after, order=order)

    @strawberry.field(description="Projects across sources, by name.")
    async def projects(
        self,
        info: Info,
        first: First = 100,
        after: After = None,
        sources: Sources = None,
        active: Active = None,
        search: Search = None,
        client_ids: ClientIds = None,
    ) -> Connection[Project]:
        flt = ReferenceFilter(sources, active, search, _gids(client_ids, Kind.CLIENT))
        return await _references(info, Kind.PROJECT, flt, first, after)  # type: ignore[return-value]

    @strawberry.field(description="Users across sources, by name.")
    async def users(
        self,
        info: Info,
        first: First = 100,
        after: After = None,
        sources: Sources = None,
        active: Active = None,
        search: Search = None,
    ) -> Connection[User]:
        return await _references(
            info, Kind.USER, ReferenceFilter(sources, active, search), first, after
        )  # type: ignore[return-value]

    @strawberry.field(description="Clients across sources, by name.")
    async def clients(
        self,
        info: Info,
        first: First = 100,
        after: After = None,
        sources: Sources = None,
        active: Active = None,
        search: Search = None,
    ) -> Connection[Client]:
        return await _references(
            info, Kind.CLIENT, ReferenceFilter(sources, active, search), first, after
        )  # type: ignore[return-value]

    @strawberry.field(description="Tasks across sources, by name.")
    async def tasks(
        self,
        info: Info,
        first: First = 100,
        after: After = None,
        sources: Sources = None,
        active: Active = None,
        search: Search = None,
    ) -> Connection[Task]:
        return await _references(
            info, Kind.TASK, ReferenceFilter(sources, active, search), first, after
        )  # type: ignore[return-value]


class HourglassSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Log each error as one line; a stack trace only for errors that are our bugs."""
        for error in errors:
            if unexpected(error):
                log.error("unexpected error in a resolver", exc_info=error.original_error)
            else:
                # The code the client is answered with, so that a log line and an answer match.
                code = error_code(error)
                log.info("graphql error", extra={"fields": {"code": code, "error": error.message}})


def build_schema(*, compiled: bool | None = None) -> strawberry.Schema:
    """The schema. ``compiled`` (default: on, unless ``HOURGLASS_GRAPHQL_COMPILED=0``) completes
    lists of plain objects with compiled plans (schema/execution/), with identical results."""
    if compiled is None:
        compiled = os.environ.get("HOURGLASS_GRAPHQL_COMPILED", "1").lower() not in _OFF
    # The limits' rule classes are made once: each QueryDepthLimiter / MaxAliasesLimiter makes
    # a new rule class, and ValidationCache keys on the rules, so limiters built per request
    # would make every validation a cache miss.
    limits = [
        *QueryDepthLimiter(max_depth=12).validation_rules,
        *MaxAliasesLimiter(max_alias_count=50).validation_rules,
    ]
    return HourglassSchema(
        query=Query,
        types=[TimeEntry, Project, User, Client, Task],
        extensions=[
            # Factories: a fresh extension per request; the parse/validation LRU caches live at
            # module level in Strawberry, so they are still shared across requests.
            # Parse options and cache size as gateway/graphql_params.Documents uses them: the
            # endpoint's operation check and the execution share one parse per text.
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            lambda: ParserCache(maxsize=PARSE_CACHE_SIZE),
            lambda: ValidationCache(maxsize=512),
            lambda: AddValidationRules(limits),
            SourceProblems,
        ],
        execution_context_class=CompiledExecutor if compiled else None,
    )


_OFF = frozenset({"0", "false", "no", "off"})


__all__ = ["Context", "build_schema"]
