"""The Connector protocol: what Hourglass needs from one configured account of one vendor.

A connector lists and fetches domain objects for its source as async iterators, pushes the
filters it can down to the vendor (the service re-applies every filter locally, so pushing
down is an optimisation, never a correctness requirement), and declares its capabilities so
that "this vendor has no time entries" is a flag, never a crash.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal, Protocol, TypeVar, runtime_checkable

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator

from gateway.http.breaker import CircuitBreaker
from gateway.http.client import ClientOptions, build_client
from gateway.http.limiter import RateLimiter
from gateway.http.pacing import ResponseObserver
from gateway.http.retry import RetryPolicy
from gateway.models import Kind, Reference, TimeEntry

SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
T = TypeVar("T")


class RateLimitOverride(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    requests: int = Field(gt=0)
    per_seconds: float = Field(gt=0)


class SourceConfig(BaseModel):
    """Fields every ``[[sources]]`` entry has; each vendor subclasses it with its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    vendor: str
    base_url: str | None = None
    rate_limit: RateLimitOverride | None = None
    timeout: float = Field(default=20.0, gt=0, le=30)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not SOURCE_NAME.match(value):
            raise ValueError("use lowercase letters, digits, '-' and '_' (it appears in ids)")
        return value

    def secrets(self) -> list[str]:
        """Every secret value in this entry, so logs can be scrubbed of them."""
        out: list[str] = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if hasattr(value, "get_secret_value"):
                out.append(value.get_secret_value())
        return [s for s in out if s]


class Order(str, Enum):
    ASC = "asc"
    DESC = "desc"


@dataclass(frozen=True, slots=True)
class Mark:
    """A cut a connector marked (``Cuts``): ``until``, if set, is the sort key that every
    entry it yields afterwards comes after in the listing's order, however far that is past
    the entry it marked before."""

    until: Any = None


# What ``Cuts`` turns a connector's (day, moment) frontier into: the merge's sort key.
Frontier = Callable[[date, datetime], Any]


class Cuts:
    """Where a listing read in order may be cut, as its connector tells the merge reading it.

    A connector yielding entries in the listing's order (``Capabilities.time_entry_order``)
    may call ``mark()`` just before yielding an entry that everything it yields afterwards
    comes after in that order: a later date, or the same date and a later start (descending:
    earlier). It knows so at the end of a window or of its range. The merge
    (gateway/listing.py) can then take the entries up to that one as soon as it arrives.
    Without the mark it must wait for an entry of another date to know the date is whole,
    and that entry may be a window away: a call the page may not need (Hubstaff's next
    activities window, when the page's entries are all in the first).

    ``mark(until=(day, moment))`` says more: everything yielded afterwards is dated at or
    before ``day`` and starts at or before ``moment`` (ascending: at or after). A window's
    lower edge is such a frontier, often hours past its last session. The merge may then
    take the other sources' entries down to there before reading this source on, so a page
    they complete costs this source's next window nothing.
    """

    __slots__ = ("_frontier", "_mark")

    def __init__(self, frontier: Frontier | None = None) -> None:
        self._frontier = frontier  # None: frontiers are not asked for (marks stay plain)
        self._mark: Mark | None = None

    def mark(self, until: tuple[date, datetime] | None = None) -> None:
        key = None if until is None or self._frontier is None else self._frontier(*until)
        self._mark = Mark(key)

    def take(self) -> Mark | None:
        """The mark made since the last ``take``, if one was."""
        mark, self._mark = self._mark, None
        return mark


def marked(
    entries: Sequence[T], cuts: Cuts | None, until: tuple[date, datetime] | None = None
) -> Iterator[T]:
    """``entries`` (a window's, in order), marking ``cuts`` just before the last one: what
    comes after this window comes after all of them, and after ``until`` if given."""
    if cuts is not None and entries:
        yield from entries[:-1]
        cuts.mark(until)
        yield entries[-1]
    else:
        yield from entries


class Floor:
    """How far a page still needs entries, as the merge reading the listing knows it: the
    entry a full page would end on if no source had any entry it has not read yet.

    Every entry a page takes comes at or before this one in the listing's order, so a
    connector choosing how much to read next (Hubstaff's activity windows) needs nothing past
    it for the page; ``None`` while the merge knows fewer entries than a page. It changes as
    entries are read, and from one page to the next: ask it when deciding, do not keep it.
    """

    __slots__ = ("_probe", "_settled")

    def __init__(self) -> None:
        self._probe: Callable[[], TimeEntry | None] | None = None
        self._settled: list[Callable[[TimeEntry | None], None]] = []

    def bind(self, probe: Callable[[], TimeEntry | None]) -> None:
        self._probe = probe

    def entry(self) -> TimeEntry | None:
        return None if self._probe is None else self._probe()

    def on_settled(self, callback: Callable[[TimeEntry | None], None]) -> None:
        """Call ``callback`` once the listing's first page is taken, with the entry it ended
        on (None: it took none): how far back that page really reached."""
        self._settled.append(callback)

    def settle(self, last: TimeEntry | None) -> None:
        """The first page ended on ``last`` (the merge's reader says so, once)."""
        callbacks, self._settled = self._settled, []
        for callback in callbacks:
            callback(last)


# Work on entries a connector has mapped and will yield later (``TimeEntryQuery.ahead``).
EntriesAhead = Callable[[list[TimeEntry]], None]


@dataclass(frozen=True, slots=True)
class TimeEntryQuery:
    """Filters for a time-entry listing. Dates are inclusive; ids are native to the source."""

    date_from: date | None = None
    date_to: date | None = None
    updated_since: datetime | None = None
    user_ids: frozenset[str] | None = None
    project_ids: frozenset[str] | None = None
    client_ids: frozenset[str] | None = None
    billable: bool | None = None
    running: bool | None = None
    order: Order = Order.DESC
    # The TimeEntry fields (GraphQL names) the caller will read; None: all of them. Lets a
    # connector skip a call only some fields need (Toggl's tag names cost a request at 1/s).
    fields: frozenset[str] | None = None
    # About how many entries the caller expects to take (the dashboard's latest 50), or None
    # when it reads the whole range. A hint for how to cut the range: a connector must still
    # yield every entry the caller goes on to read.
    limit: int | None = None
    # Where the caller merges the listing in its order, where the connector may tell it the
    # listing can be cut (``Cuts``); None: nobody asks.
    cuts: Cuts | None = field(default=None, compare=False)
    # How far the page being read still needs entries (``Floor``); None: nobody says.
    floor: Floor | None = field(default=None, compare=False)
    # What the caller does with entries as it reads them (the GraphQL layer renders them), for
    # a connector to call on entries it has mapped well before it yields them, so that the
    # work is done while it still waits on the vendor. Each must then be yielded as the very
    # object passed (the work is kept by identity); one that never is costs only the work.
    # Never raises. None: nobody asks.
    ahead: EntriesAhead | None = field(default=None, compare=False)

    def wants(self, field: str) -> bool:
        return self.fields is None or field in self.fields


@dataclass(frozen=True, slots=True)
class Capabilities:
    kinds: frozenset[Kind]
    # Time entries come out sorted by date in this direction (lets the service stop early).
    time_entry_order: Order | None = None
    # Time entries come in bursts (Hubstaff: a batch of activity windows), each burst's all at
    # once and ``marked``: a cut before its last entry (when the listing asks for cuts). The
    # merge then takes a burst as one group, not one per date: a group per date lets it take
    # nothing sooner (a burst's dates arrive together) and costs it a task and a pass of the
    # event loop each, ~0.6 ms (a month's Hubstaff entries: ~12 ms after its last answer).
    entries_by_window: bool = False
    pushed_filters: frozenset[str] = frozenset()
    # "list": references are resolved from the full (cached) listing; "ids": by id lookups.
    reference_lookup: Literal["list", "ids"] = "list"
    writes: bool = False
    timers: bool = False
    webhooks: bool = False


class Connector(Protocol):
    source: str
    vendor: str
    capabilities: Capabilities

    def time_entries(self, query: TimeEntryQuery) -> AsyncIterator[TimeEntry]:
        """Entries matching ``query`` (at least; extra ones are filtered out by the caller)."""

    def references(self, kind: Kind) -> AsyncIterator[Reference]:
        """Every object of a reference kind (users, projects, clients, tasks)."""

    async def references_by_id(self, kind: Kind, ids: Sequence[str]) -> Mapping[str, Reference]:
        """Objects by native id; missing ids are absent from the result."""

    async def time_entry(self, native_id: str) -> TimeEntry | None:
        """One entry by native id, or ``None``."""

    async def whoami(self) -> str:
        """A cheap authenticated call, for ``hourglass check``: who the credentials belong to."""

    async def aclose(self) -> None: ...


@runtime_checkable
class Warms(Protocol):
    """An optional capability of a connector: work every request needs first (a token
    exchange) that it can start before the request is built."""

    def warm(self) -> asyncio.Future[Any] | None:
        """Start that work if it is due, without waiting for it; never raises. Returns the
        work under way that the connector's calls will wait for, if any."""


@dataclass(frozen=True, slots=True)
class TimeEntryDraft:
    """What a caller wants written. Ids are native to the source; unset fields are ``None``.

    For a create, the vendor decides which fields it needs (date + duration, or start + end);
    a connector raises ``UserInputError`` naming a missing one. For an update, ``None`` means
    "leave as is".
    """

    project_id: str | None = None
    task_id: str | None = None
    user_id: str | None = None
    date: date | None = None
    start: datetime | None = None
    end: datetime | None = None
    duration_seconds: int | None = None
    description: str | None = None
    billable: bool | None = None
    tags: tuple[str, ...] | None = None


class TimeEntryWriter(Protocol):
    """Connectors with ``capabilities.writes``. Writes are never retried blindly."""

    async def create_time_entry(self, draft: TimeEntryDraft) -> TimeEntry: ...

    async def update_time_entry(self, native_id: str, draft: TimeEntryDraft) -> TimeEntry: ...

    async def delete_time_entry(self, native_id: str) -> None: ...


class TimerControl(Protocol):
    """Connectors with ``capabilities.timers``."""

    async def start_timer(self, draft: TimeEntryDraft) -> TimeEntry:
        """Start a timer now (at ``draft.start`` if the vendor takes one); returns the entry."""

    async def stop_timer(
        self, native_id: str | None = None, *, user_id: str | None = None
    ) -> TimeEntry:
        """Stop a running entry (by id, or the user's current timer); returns the stopped entry."""


@dataclass(frozen=True, slots=True)
class ConnectorContext:
    """What the app hands every connector factory."""

    user_agent: str
    # Replaces the network for a source (demo: the in-process simulator; tests: mocks).
    transport: httpx.AsyncBaseTransport | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)
    # The process-wide ``[retry]`` policy.
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    # The source's breaker: every client the connector builds for the source shares it (its
    # token client too), so the source has one circuit and an open one costs no vendor call.
    breaker: CircuitBreaker | None = None

    def build_client(
        self,
        base_url: str,
        timeout: float,
        *,
        limiter: RateLimiter,
        auth: httpx.Auth | None = None,
        retry: RetryPolicy | None = None,
        observe: ResponseObserver | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> httpx.AsyncClient:
        """A client of the source (:func:`gateway.http.build_client`) with this context's user
        agent, retry policy (unless ``retry`` replaces it), network (unless ``transport`` does)
        and breaker, so no connector can leave one of them out."""
        options = ClientOptions(
            base_url=base_url,
            user_agent=self.user_agent,
            timeout=timeout,
            retry=retry or self.retry,
            observe=observe,
        )
        return build_client(
            options,
            limiter=limiter,
            auth=auth,
            transport=transport or self.transport,
            breaker=self.breaker,
        )


ConnectorFactory = Callable[[Any, ConnectorContext], Connector]
