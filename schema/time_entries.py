"""Time entries: tracked time, unified across vendors."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import replace
from datetime import date, datetime
from inspect import isawaitable
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types.nodes import SelectedField

from gateway import models
from gateway.errors import UserInputError
from gateway.listing import Listing
from gateway.models import Kind, Reference
from gateway.service import EntryGroup, ParentPage, TimeEntryFilter
from schema.common import MAX_PAGE_SIZE, Connection, SortOrder
from schema.context import Context, Info
from schema.node import Node
from schema.selection import Needs, covers, needs, node_selection, sub_selection

if TYPE_CHECKING:
    from schema.clients import Client
    from schema.projects import Project
    from schema.tasks import Task
    from schema.users import User


@strawberry.type(description="A block of tracked time, from any source.")
class TimeEntry(Node):
    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return isinstance(obj, models.TimeEntry)

    date: date = strawberry.field(
        description="The day the time counts for (in the tracker's own calendar)."
    )
    start: datetime | None = strawberry.field(
        description="Start (UTC); null for vendors that record only a date and a duration."
    )
    end: datetime | None = strawberry.field(
        description="End (UTC); null while running or for date-only vendors."
    )
    duration_seconds: int = strawberry.field(
        description="Tracked seconds; for a running entry, the time elapsed when it was read."
    )
    running: bool = strawberry.field(description="True while a timer is running on this entry.")
    billable: bool | None = strawberry.field(
        description="Whether the time is billable, when known."
    )
    description: str | None = strawberry.field(
        description="The note or description the person wrote."
    )
    tags: list[str] = strawberry.field(description="Tags or labels, as the vendor names them.")
    created_at: datetime | None = strawberry.field(
        description="When the vendor created the entry (UTC)."
    )
    updated_at: datetime | None = strawberry.field(
        description="When the vendor last changed the entry (UTC)."
    )

    @strawberry.field(description="Duration in decimal hours, rounded to 2 places (2.11 = 7596 s).")
    def hours(self) -> float:
        record: Any = self
        return round(record.duration_seconds / 3600, 2)

    @strawberry.field(description="Who tracked the time.")
    def user(self, info: Info) -> Annotated[User, strawberry.lazy("schema.users")] | None:
        record: Any = self
        return info.context.held_reference(Kind.USER, record, record.user_id, info)  # type: ignore[return-value]

    @strawberry.field(description="The project the time is tracked on.")
    def project(self, info: Info) -> Annotated[Project, strawberry.lazy("schema.projects")] | None:
        record: Any = self
        return info.context.held_reference(Kind.PROJECT, record, record.project_id, info)  # type: ignore[return-value]

    @strawberry.field(description="The task (kind of work) the time is tracked on.")
    def task(self, info: Info) -> Annotated[Task, strawberry.lazy("schema.tasks")] | None:
        record: Any = self
        return info.context.held_reference(Kind.TASK, record, record.task_id, info)  # type: ignore[return-value]

    @strawberry.field(description="The client, from the entry itself or through its project.")
    def client(self, info: Info) -> Annotated[Client, strawberry.lazy("schema.clients")] | None:
        record: Any = self
        return _client_of(record, info)  # type: ignore[return-value]


def _client_of(
    entry: models.TimeEntry, info: Info
) -> Reference | Awaitable[Reference | None] | None:
    ctx = info.context
    if not models.client_via_project(entry):
        return ctx.held_reference(Kind.CLIENT, entry, entry.client_id, info)
    project = ctx.reference(Kind.PROJECT, entry.source, entry.project_id, info)
    if not isawaitable(project):
        return _client_of_project(project, info)

    async def chained() -> Reference | None:
        found = _client_of_project(await project, info)
        return await found if isawaitable(found) else found

    return chained()


def _client_of_project(project: Any, info: Info) -> Any:
    if not isinstance(project, models.Project):
        return None
    return info.context.reference(Kind.CLIENT, project.source, project.client_id, info)


async def list_time_entries(
    info: Info, flt: TimeEntryFilter, *, first: int, after: str | None, order: SortOrder
) -> Connection[TimeEntry]:
    _check_first(first)
    selected = node_selection(info)
    # Look-ahead: connectors may skip calls only unselected fields need.
    flt = replace(flt, fields=frozenset(selected))
    listing = await info.context.gateway.time_entries(
        flt,
        first=first,
        after=after,
        order=order.domain(),
        prepare=info.context.render_ahead(info),
    )
    info.context.rendered(listing.items, listing.prepared_by)
    return await _connection(info, selected, listing, paged=after is not None)


async def nested_time_entries(
    info: Info, group: EntryGroup, page: ParentPage
) -> Connection[TimeEntry]:
    """A parent's ``timeEntries`` (a project's, a user's): the same page a top-level listing
    filtered to that parent gives, but batched with every sibling parent's listing of the
    request into one upstream listing per source (``Loaders.entries``)."""
    _check_first(page.first)
    selected = node_selection(info)
    # Siblings share the field node, so this keeps them in one group.
    group = replace(group, fields=frozenset(selected))
    listing = await info.context.loaders.entries.load(group, page)
    return await _connection(info, selected, listing, paged=page.after is not None)


def _check_first(first: int) -> None:
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise UserInputError(f"`first` must be between 0 and {MAX_PAGE_SIZE}")


async def _connection(
    info: Info,
    selected: dict[str, SelectedField],
    listing: Listing[models.TimeEntry],
    *,
    paged: bool,
) -> Connection[TimeEntry]:
    for outcome in listing.outcomes:
        if outcome.error is not None:
            info.context.problems.add(outcome.error, info.path.as_list(), "timeEntries")
    await _prefetch(listing.items, selected, info)
    return Connection.from_listing(listing, paged=paged)  # type: ignore[arg-type]


async def _prefetch(
    entries: list[models.TimeEntry], selected: dict[str, SelectedField], info: Info
) -> None:
    """Load the references the selection asks for once per page (no coroutine per entry).

    A reference the entries embed (``TimeEntry.embedded``) is served instead of loaded when it
    covers the selection under it, for every entry of its source that names one.
    """
    ctx = info.context
    wants_client = "client" in selected or (
        "project" in selected and "client" in sub_selection(selected["project"])
    )
    load: dict[Kind, list[models.TimeEntry]] = {}
    for name, kind, attr in _LINKS:
        if name in selected:
            load[kind] = _choose(ctx, kind, attr, entries, needs(kind, selected[name]))
    # An entry-level client without a client id comes through the (full) project.
    via_project = (
        [e for e in entries if models.client_via_project(e)] if "client" in selected else []
    )
    projects = load.get(Kind.PROJECT, []) + via_project
    wanted = {kind: _keys(load.get(kind, []), attr) for _, kind, attr in _LINKS[:2]}
    wanted[Kind.PROJECT] = _keys(projects, "project_id")
    # Which clients the projects name is known once they are loaded, a round trip later; a
    # source listing its clients whole (one call whatever the ids) is asked for them now.
    naming = via_project + load.get(Kind.CLIENT, [])
    if "project" in selected and "client" in sub_selection(selected["project"]):
        naming += load.get(Kind.PROJECT, [])
    ctx.loaders.start_listings(Kind.CLIENT, {e.source for e in naming})
    # gather makes a task of each coroutine: none for a kind with nothing to load.
    await asyncio.gather(*(ctx.prefetch(kind, keys, info) for kind, keys in wanted.items() if keys))
    if wants_client:
        keys = _keys(load.get(Kind.CLIENT, []), "client_id")
        for e in projects:
            project = ctx.prefetched.get((Kind.PROJECT, e.source, e.project_id or ""))
            if isinstance(project, models.Project) and project.client_id:
                keys.add((e.source, project.client_id))
        await ctx.prefetch(Kind.CLIENT, keys, info)


# (field, kind, id attribute) of the references an entry names; user and task first.
_LINKS = (
    ("user", Kind.USER, "user_id"),
    ("task", Kind.TASK, "task_id"),
    ("project", Kind.PROJECT, "project_id"),
    ("client", Kind.CLIENT, "client_id"),
)


def _choose(
    ctx: Context, kind: Kind, attr: str, entries: list[models.TimeEntry], need: Needs | None
) -> list[models.TimeEntry]:
    """Serve the embedded ``kind`` of each source whose entries naming one all embed it
    covering ``need``; return the entries whose reference must be loaded instead."""
    named = list(filter(attrgetter(attr), entries))
    # An entry embedding no ``kind`` covers nothing, and was never served one (only this
    # function serves an entry's reference): it needs no check and nothing withdrawn.
    embedding = [e for e in named if kind in e.embedded]
    if not embedding:  # no entry embeds one (most vendors): every one is loaded
        return named
    short = {e.source for e in named if kind not in e.embedded}
    short.update(e.source for e in embedding if need is None or not _embeds(e, kind, attr, need))
    for e in embedding:
        if e.source in short:
            ctx.withdraw_embedded(kind, e)
        else:
            ctx.serve_embedded(kind, e, e.embedded[kind])
    return [e for e in named if e.source in short]


def _embeds(entry: models.TimeEntry, kind: Kind, attr: str, need: Needs) -> bool:
    ref = entry.embedded.get(kind)
    return covers(ref, need) and ref is not None and ref.value.id == getattr(entry, attr)


def _keys(entries: list[models.TimeEntry], attr: str) -> set[tuple[str, str]]:
    # (source, id) pairs with an id, built and filtered in C: this runs per entry per page.
    return set(filter(itemgetter(1), map(attrgetter("source", attr), entries)))
