"""What a listing asks for and how its entries are keyed, matched locally and ordered.

The value types resolvers build (``TimeEntryFilter``, ``ReferenceFilter``, the nested-listing
``EntryGroup`` and ``ParentPage``), the sort keys cursors are made of, and the local filter
every connector's entries pass through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING

from gateway.connectors.base import Frontier, Order, TimeEntryQuery
from gateway.ids import GlobalId
from gateway.listing import SortKey
from gateway.models import Kind, Reference, TimeEntry

if TYPE_CHECKING:
    from gateway.service import SourceRuntime


@dataclass(frozen=True, slots=True)
class TimeEntryFilter:
    sources: Sequence[str] | None = None
    date_from: date | None = None
    date_to: date | None = None
    updated_since: datetime | None = None
    user_ids: Sequence[GlobalId] | None = None
    project_ids: Sequence[GlobalId] | None = None
    client_ids: Sequence[GlobalId] | None = None
    billable: bool | None = None
    running: bool | None = None
    fields: frozenset[str] | None = None  # TimeEntry fields the caller reads; None: all


@dataclass(frozen=True, slots=True)
class ReferenceFilter:
    sources: Sequence[str] | None = None
    active: bool | None = None
    search: str | None = None
    client_ids: Sequence[GlobalId] | None = None


def entry_key(entry: TimeEntry) -> SortKey:
    start = entry.start.timestamp() if entry.start else -1.0
    return (entry.date.toordinal(), start, entry.source, entry.id)


# Sorts after every source name (descending: an entry dated ``day`` starting at ``moment``
# still comes after the frontier), and the empty string before every one (ascending).
_ABOVE_NAMES = "\U0010ffff"


def entry_frontier(order: Order) -> Frontier:
    """The ``Cuts`` frontier for ``order``: the key past which (in that order) every entry
    dated at or before ``day`` and starting at or before ``moment`` comes (ascending: at or
    after), entries that start exactly then included."""
    tail = _ABOVE_NAMES if order is Order.DESC else ""

    def frontier(day: date, moment: datetime) -> SortKey:
        return (day.toordinal(), moment.timestamp(), tail)

    return frontier


class Axis(Enum):
    """What a nested time-entry listing hangs off; the value names the id filter."""

    PROJECT = "project"
    USER = "user"

    @property
    def kind(self) -> Kind:
        return Kind.PROJECT if self is Axis.PROJECT else Kind.USER


@dataclass(frozen=True, slots=True)
class EntryGroup:
    """Nested listings that can share one upstream listing: the same source, axis, range and
    order (what differs per parent, ``first`` and ``after``, is applied after the split)."""

    source: str
    axis: Axis
    date_from: date | None
    date_to: date | None
    order: Order
    fields: frozenset[str] | None = None  # TimeEntry fields the parents' selection reads


@dataclass(frozen=True, slots=True)
class ParentPage:
    """One parent's page of a nested listing: the parent's native id, ``first`` and ``after``."""

    parent: str
    first: int
    after: str | None


def reference_key(ref: Reference) -> SortKey:
    return (ref.name.casefold(), ref.source, ref.id)


def matches(q: TimeEntryQuery, e: TimeEntry, client_of: Mapping[str, str | None]) -> bool:
    return not (
        (q.date_from and e.date < q.date_from)
        or (q.date_to and e.date > q.date_to)
        or (q.updated_since and e.updated_at and e.updated_at < q.updated_since)
        or (q.user_ids is not None and e.user_id not in q.user_ids)
        or (q.project_ids is not None and e.project_id not in q.project_ids)
        or (
            q.client_ids is not None
            and (e.client_id or client_of.get(e.project_id or "")) not in q.client_ids
        )
        or (q.billable is not None and bool(e.billable) is not q.billable)
        or (q.running is not None and e.running is not q.running)
    )


def by_date(entry: TimeEntry) -> date:
    return entry.date


def date_order(rt: SourceRuntime, order: Order) -> Callable[[TimeEntry], date] | None:
    """The merge's coarse key when the connector already yields dates in ``order``."""
    return by_date if rt.connector.capabilities.time_entry_order is order else None


def past(key: SortKey, after: SortKey, order: Order) -> bool:
    return key < after if order is Order.DESC else key > after


def native(ids: Iterable[GlobalId] | None, source: str) -> frozenset[str] | None:
    return None if ids is None else frozenset(g.native_id for g in ids if g.source == source)
