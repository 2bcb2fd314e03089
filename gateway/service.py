"""The gateway's operations over all configured sources; what the schema's resolvers call.

Resolvers stay thin: they translate GraphQL arguments into the filters of
``gateway.filters`` and domain objects back into GraphQL types. Everything about fan-out,
caching and ordering is here, with the nearest-week-first read in ``gateway.recent`` and
nested listings in ``gateway.nested``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Callable,
    Hashable,
    Sequence,
)
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from gateway import heap, nested, recent
from gateway.connectors.base import (
    Connector,
    Cuts,
    Floor,
    Order,
    SourceConfig,
    TimeEntryQuery,
)
from gateway.continuations import ContinuationStore
from gateway.errors import (
    HourglassError,
    NotSupported,
    UpstreamError,
    UpstreamNotFound,
    UserInputError,
    unreadable,
)
from gateway.filters import (
    Axis,
    EntryGroup,
    ParentPage,
    ReferenceFilter,
    TimeEntryFilter,
    by_date,
    date_order,
    entry_frontier,
    entry_key,
    matches,
    native,
    past,
    reference_key,
)
from gateway.http import critical
from gateway.http.breaker import BreakerSnapshot, CircuitBreaker
from gateway.ids import GlobalId, decode
from gateway.listing import (
    Listing,
    Merge,
    Prepare,
    SortKey,
    SourceOutcome,
    SourceStream,
    decode_cursor,
    encode_cursor,
    guarded,
)
from gateway.models import Kind, Project, Record, Reference, TimeEntry
from gateway.references import ReferenceStore

# The filter and key types live in gateway.filters; they are re-exported here because the
# schema and the loaders name them alongside the Gateway.
__all__ = [
    "Axis",
    "EntryGroup",
    "Gateway",
    "ParentPage",
    "ReferenceFilter",
    "SourceRuntime",
    "TimeEntryFilter",
    "entry_key",
    "reference_key",
]

log = logging.getLogger("hourglass.service")


@dataclass(slots=True)
class SourceRuntime:
    config: SourceConfig
    connector: Connector
    references: ReferenceStore
    # The breaker ``build_gateway`` also handed to the connector's clients; ``None`` when built
    # without one (tests, tools), which reads as a closed circuit with no failures.
    breaker: CircuitBreaker | None = None

    @property
    def name(self) -> str:
        return self.config.name

    def health(self) -> BreakerSnapshot:
        """The source's circuit as of now (what ``sources { status health }`` and /readyz show)."""
        return (self.breaker or CircuitBreaker(self.name)).snapshot()

    def warm(self) -> asyncio.Future[Any] | None:
        """Start what every call to the source first needs (``Warms``), if the connector has
        such work and it is due; returns that work while it is under way."""
        # Looked up, not ``isinstance(..., Warms)``: a runtime-checkable protocol walks its
        # members on every check (~7 us), and every query warms each source twice.
        warm: Callable[[], asyncio.Future[Any] | None] | None = getattr(
            self.connector, "warm", None
        )
        return None if warm is None else warm()


# The event loop time a query gives the token exchanges it starts before its own work: their
# connect and send take ~1 ms of loop passes here (cold dashboard: the token left at 2-4 ms
# instead of 10-13 ms, and the query ended ~8 ms sooner).
HEAD_START = 0.003


@dataclass
class Gateway:
    sources: dict[str, SourceRuntime]
    default_lookback_days: int = 365
    today: Callable[[], date] = field(default=lambda: datetime.now(UTC).date())
    # Paused listings that the next page resumes (``time_entries``); ``maxsize=0`` disables.
    continuations: ContinuationStore[Merge[TimeEntry]] = field(default_factory=ContinuationStore)
    # Where listings read nearest first last ended their first page (``recent.Reached``).
    reached: recent.Reached = field(default_factory=recent.Reached)

    def select(self, names: Sequence[str] | None) -> list[SourceRuntime]:
        """The sources a listing reads (all of them for ``None``), each warmed (``Warms``):
        every caller reads them next, so their first-call work starts before any request."""
        if names is None:
            chosen = list(self.sources.values())
        else:
            unknown = [n for n in names if n not in self.sources]
            if unknown:
                raise UserInputError(f"unknown source(s): {', '.join(unknown)}")
            chosen = [self.sources[n] for n in dict.fromkeys(names)]
        for rt in chosen:
            # The request decodes other answers after it (``critical``): the longer path.
            if (flight := rt.warm()) is not None:
                critical.hold(flight)
        return chosen

    async def head_start(self) -> None:
        """Before a query is validated and planned: start every source's due token exchange
        and give it ``HEAD_START`` of the event loop, so that its request is sent before the
        query's own work (validation, ~2 ms; the other vendors' requests, ~0.6 ms each) takes
        the loop. It is the first of two round trips in a row on the query's longest path.

        Every source: which ones the query reads is known only once it runs, and a due token
        is needed by the next query that reads the source anyway."""
        flights = [f for rt in self.sources.values() if (f := rt.warm()) is not None]
        if flights and not all(f.done() for f in flights):
            await asyncio.wait(flights, timeout=HEAD_START)

    async def time_entries(
        self,
        flt: TimeEntryFilter,
        *,
        first: int,
        after: str | None,
        order: Order,
        prepare: Prepare[TimeEntry] | None = None,
    ) -> Listing[TimeEntry]:
        """One page of ``flt`` in ``order``: ``first`` entries after the cursor ``after``.

        A page with more to come is kept as a continuation under its end cursor (and the
        listing's scope), and a page asked for with that cursor resumes it: the sources are
        read once over the range however many pages. Without one (another replica, expired,
        taken by a concurrent request) the page re-reads from the cursor, with the same result.

        ``prepare`` is the merge's (``Merge``): a resumed listing keeps the one it began with,
        which has prepared what it read for the pages after the first already.
        """
        if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
            raise UserInputError("`from` is after `to`")
        after_key = decode_cursor(after) if after else None
        runtimes = self.select(flt.sources)
        scope = self._scope(flt, order, runtimes)
        # A first page read nearest first: where the same one ended a moment ago (``Reached``).
        nearest = (scope, first) if after_key is None and _recent_first(flt, first) else None
        merged, floor = None, None
        if after_key is not None:
            merged = self.continuations.take((encode_cursor(after_key), scope))
        if merged is not None:
            assert after_key is not None
            merged.resume(lambda k: past(k, after_key, order))
        else:
            reached = self.reached.get(nearest) if nearest is not None else None
            merged, floor = self._entry_merge(
                runtimes, flt, after_key, order, first, prepare, reached
            )
        try:
            listing = await merged.page(first)
        except BaseException:
            await merged.aclose()
            raise
        if floor is not None and after_key is None:  # a first page, not one after a cursor
            floor.settle(listing.items[-1] if listing.items else None)
        if nearest is not None:
            self.reached.remember(nearest, listing.items, first)
        if listing.has_next and listing.keys and merged.complete:
            if self.continuations.put((encode_cursor(listing.keys[-1]), scope), merged):
                merged.read_on(first)
        else:
            await merged.aclose()
            # It holds every entry the listing read (a month's: ~200,000 memory blocks).
            heap.release_when_idle(merged)
        return listing

    def _entry_merge(
        self,
        runtimes: Sequence[SourceRuntime],
        flt: TimeEntryFilter,
        after_key: SortKey | None,
        order: Order,
        first: int,
        prepare: Prepare[TimeEntry] | None,
        reached: date | None = None,
    ) -> tuple[Merge[TimeEntry], Floor]:
        floor = Floor()
        # Sources that map entries long before they yield them prepare them then (Hubstaff's
        # sessions, closed page by page while its next pages are in flight).
        ahead = guarded(prepare) if prepare is not None else None
        streams = [
            self._entry_stream(rt, flt, after_key, order, first, floor, reached, ahead)
            for rt in runtimes
        ]
        merged = Merge(
            streams,
            key=entry_key,
            order=order,
            keep=lambda e: after_key is None or past(entry_key(e), after_key, order),
            prepare=prepare,
        )
        floor.bind(merged.floor)
        return merged, floor

    def _scope(
        self, flt: TimeEntryFilter, order: Order, runtimes: Sequence[SourceRuntime]
    ) -> Hashable:
        """What makes two listings the same listing: a continuation serves only its own.

        ``first`` is left out (pages of any size continue one listing); the default lookback
        is resolved, so a listing that crosses midnight is not continued with yesterday's range.
        """

        def ids(v: Sequence[GlobalId] | None) -> frozenset[GlobalId] | None:
            return None if v is None else frozenset(v)

        lookback = self.today() - timedelta(days=self.default_lookback_days)
        return (
            frozenset(rt.name for rt in runtimes),
            flt.date_from or lookback,
            flt.date_to,
            flt.updated_since,
            ids(flt.user_ids),
            ids(flt.project_ids),
            ids(flt.client_ids),
            flt.billable,
            flt.running,
            flt.fields,  # a listing read without tags must not serve a page that shows them
            order,
        )

    def _entry_stream(
        self,
        rt: SourceRuntime,
        flt: TimeEntryFilter,
        after: SortKey | None,
        order: Order,
        first: int,
        floor: Floor,
        reached: date | None = None,
        ahead: Prepare[TimeEntry] | None = None,
    ) -> SourceStream[TimeEntry]:
        """``rt``'s part of a listing whose page takes ``first`` entries; ``floor`` tells it
        how far the page being read still needs entries, ``reached`` where the same listing's
        first page ended a moment ago (``recent.Reached``)."""
        outcome = SourceOutcome(rt.name)
        if Kind.TIME_ENTRY not in rt.connector.capabilities.kinds:
            outcome.supported = False
            return SourceStream(outcome, _empty())
        query = self._entry_query(rt, flt, after, order)
        if query is None:
            return SourceStream(outcome, _empty())  # the filter names nothing of this source
        # A connector yielding entries in the listing's order may mark where it can be cut; in
        # any other order the merge (or ``recent_first``) sorts them itself.
        in_order = date_order(rt, order)
        cuts = Cuts(entry_frontier(order)) if in_order is not None else None
        query = replace(query, cuts=cuts, floor=floor, ahead=ahead)
        if _recent_first(flt, first):
            entries = recent.recent_first(
                replace(query, limit=first),
                declared=rt.connector.capabilities.time_entry_order,
                today=self.today(),
                filtered=lambda q: self._filtered(rt, q),
                reached=reached,
            )
            return SourceStream(outcome, entries, sorted_by=by_date, cuts=cuts)
        # A range the client bounded with ``from`` is one it reads through (a report, a
        # sync): each source may be read ahead of the merge by a page's worth (``first``), in
        # the time the merge waits for the slowest. Reading a page's worth early costs no call
        # a client reading on would not make; without ``from`` (a year's lookback) it could.
        by_window = cuts is not None and rt.connector.capabilities.entries_by_window
        return SourceStream(
            outcome,
            self._filtered(rt, query),
            # In groups closed by its cuts alone (a burst each), not one per date.
            sorted_by=None if by_window else in_order,
            read_ahead=flt.date_from is not None,
            cuts=cuts,
        )

    def _entry_query(
        self, rt: SourceRuntime, flt: TimeEntryFilter, after: SortKey | None, order: Order
    ) -> TimeEntryQuery | None:
        """What to ask ``rt`` for; ``None`` when an id filter names nothing of this source."""
        ids = {
            k: native(v, rt.name)
            for k, v in (
                ("user", flt.user_ids),
                ("project", flt.project_ids),
                ("client", flt.client_ids),
            )
        }
        if any(v is not None and not v for v in ids.values()):
            return None
        date_from = flt.date_from or self.today() - timedelta(days=self.default_lookback_days)
        date_to = flt.date_to
        if after is not None:  # keyset push-down: nothing before the cursor's date is needed
            cursor_day = date.fromordinal(int(after[0]))
            if order is Order.DESC:
                date_to = min(date_to, cursor_day) if date_to else cursor_day
            else:
                date_from = max(date_from, cursor_day)
        return TimeEntryQuery(
            date_from=date_from,
            date_to=date_to,
            updated_since=flt.updated_since,
            user_ids=ids["user"],
            project_ids=ids["project"],
            client_ids=ids["client"],
            billable=flt.billable,
            running=flt.running,
            order=order,
            fields=flt.fields,
        )

    async def time_entries_by_parent(
        self, group: EntryGroup, pages: Sequence[ParentPage]
    ) -> list[Listing[TimeEntry] | HourglassError]:
        """Each parent's page exactly as ``time_entries`` lists it for that parent alone
        (``sources=[group.source]`` and the parent's id filter), from ONE upstream listing of
        the source: every parent's id is pushed down together (or filtered locally, as the
        connector can), and the entries are split per parent as they arrive."""
        rt = self.select([group.source])[0]
        return await nested.time_entries_by_parent(
            rt,
            group,
            pages,
            entry_query=lambda flt: self._entry_query(rt, flt, None, group.order),
            filtered=lambda q: self._filtered(rt, q),
        )

    async def _filtered(
        self, rt: SourceRuntime, q: TimeEntryQuery
    ) -> AsyncGenerator[TimeEntry, None]:
        """The connector's entries with every filter applied locally too (push-down is a bonus)."""
        client_of: dict[str, str | None] = {}
        if q.client_ids is not None:
            projects = await rt.references.all(Kind.PROJECT)
            client_of = {p.id: p.client_id for p in projects.values() if isinstance(p, Project)}
        # Closing this listing (a page that needs no more, an evicted continuation) must end
        # the connector's own generator, and so its pagination, now, not when it is collected.
        found = rt.connector.time_entries(q)
        try:
            async for e in found:
                if matches(q, e, client_of):
                    yield e
        finally:
            closer = getattr(found, "aclose", None)  # typed AsyncIterator; a generator has it
            if closer is not None:
                await closer()

    async def references(
        self, kind: Kind, flt: ReferenceFilter, *, first: int, after: str | None
    ) -> Listing[Reference]:
        after_key = decode_cursor(after) if after else None
        runtimes = self.select(flt.sources)
        outcomes = [SourceOutcome(rt.name) for rt in runtimes]
        results = await asyncio.gather(
            *(self._all_of(rt, kind, o) for rt, o in zip(runtimes, outcomes, strict=True))
        )
        client_ids = {(g.source, g.native_id) for g in flt.client_ids} if flt.client_ids else None
        needle = flt.search.casefold() if flt.search else None
        kept = [
            ref
            for refs in results
            for ref in refs
            if (flt.active is None or ref.active is flt.active)
            and (needle is None or needle in ref.name.casefold())
            and (
                client_ids is None
                or (isinstance(ref, Project) and (ref.source, ref.client_id or "") in client_ids)
            )
            and (after_key is None or reference_key(ref) > after_key)
        ]
        kept.sort(key=reference_key)
        page = kept[:first]
        return Listing(page, [reference_key(r) for r in page], len(kept) > first, outcomes)

    async def _all_of(
        self, rt: SourceRuntime, kind: Kind, outcome: SourceOutcome
    ) -> list[Reference]:
        if kind not in rt.connector.capabilities.kinds:
            outcome.supported = False
            return []
        try:
            return list((await rt.references.all(kind)).values())
        except UpstreamError as exc:
            outcome.complete = False
            outcome.error = exc
            return []
        except Exception:
            log.exception("reading a source failed", extra={"fields": {"source": rt.name}})
            outcome.complete = False
            outcome.error = unreadable(rt.name)
            return []

    async def node(self, global_id: str) -> Record | None:
        gid = decode(global_id)
        rt = self.sources.get(gid.source)
        if rt is None or gid.kind not in rt.connector.capabilities.kinds:
            return None
        if gid.kind is Kind.TIME_ENTRY:
            try:
                return await rt.connector.time_entry(gid.native_id)
            except (UpstreamNotFound, NotSupported):
                return None
        (found,) = await rt.references.get_many(gid.kind, [gid.native_id])
        return found

    async def aclose(self) -> None:
        await self.continuations.aclose()  # before the clients their generators use
        await asyncio.gather(*(rt.connector.aclose() for rt in self.sources.values()))


def _recent_first(flt: TimeEntryFilter, first: int) -> bool:
    """Whether a listing is read nearest first (``recent.recent_first``): no ``from``, and a
    small page. ``first=0`` (only ``hasNextPage`` asked) has no page size to hint: the range
    at once."""
    return flt.date_from is None and 0 < first <= recent.RECENT_FIRST_MAX


async def _empty() -> AsyncIterator[TimeEntry]:
    return
    yield
