"""Nested time-entry listings: many parents' pages from one upstream listing of the source."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING

from gateway.connectors.base import Order, TimeEntryQuery
from gateway.demux import Demux
from gateway.errors import HourglassError
from gateway.filters import (
    Axis,
    EntryGroup,
    ParentPage,
    TimeEntryFilter,
    date_order,
    entry_key,
    past,
)
from gateway.ids import GlobalId
from gateway.listing import Listing, SortKey, SourceOutcome, SourceStream, decode_cursor, merge
from gateway.models import Kind, TimeEntry

if TYPE_CHECKING:
    from gateway.service import SourceRuntime


async def time_entries_by_parent(
    rt: SourceRuntime,
    group: EntryGroup,
    pages: Sequence[ParentPage],
    *,
    entry_query: Callable[[TimeEntryFilter], TimeEntryQuery | None],
    filtered: Callable[[TimeEntryQuery], AsyncIterator[TimeEntry]],
) -> list[Listing[TimeEntry] | HourglassError]:
    """``Gateway.time_entries_by_parent`` for the source ``rt``: ``entry_query`` is what to ask
    ``rt`` for a filter (in the group's order), ``filtered`` its locally filtered listing."""
    afters: list[SortKey | HourglassError | None] = [_cursor(p.after) for p in pages]
    if Kind.TIME_ENTRY not in rt.connector.capabilities.kinds:
        return [
            a
            if isinstance(a, HourglassError)
            else Listing([], [], False, [SourceOutcome(rt.name, supported=False)])
            for a in afters
        ]
    parents = {p.parent for p in pages}
    gids = [GlobalId(group.axis.kind, rt.name, p) for p in sorted(parents)]
    flt = TimeEntryFilter(
        sources=[rt.name],
        date_from=group.date_from,
        date_to=group.date_to,
        project_ids=gids if group.axis is Axis.PROJECT else None,
        user_ids=gids if group.axis is Axis.USER else None,
        fields=group.fields,
    )
    query = entry_query(flt)
    assert query is not None  # every parent id is of this source
    attr = f"{group.axis.value}_id"
    shared = Demux(filtered(query), lambda e: getattr(e, attr), parents)
    try:
        results = await asyncio.gather(
            *(
                _parent_page(rt, shared, page, after, group.order)
                for page, after in zip(pages, afters, strict=True)
            )
        )
    finally:
        await shared.aclose()
    return list(results)


async def _parent_page(
    rt: SourceRuntime,
    shared: Demux[TimeEntry],
    page: ParentPage,
    after: SortKey | HourglassError | None,
    order: Order,
) -> Listing[TimeEntry] | HourglassError:
    if isinstance(after, HourglassError):
        return after
    stream = SourceStream(
        SourceOutcome(rt.name), shared.stream(page.parent), sorted_by=date_order(rt, order)
    )
    return await merge(
        [stream],
        key=entry_key,
        order=order,
        keep=lambda e: after is None or past(entry_key(e), after, order),
        limit=page.first,
    )


def _cursor(after: str | None) -> SortKey | HourglassError | None:
    try:
        return decode_cursor(after) if after else None
    except HourglassError as exc:
        return exc
