"""Paging a time-entry listing resumes the merge kept under the last page's cursor: the same
pages as re-reading from the cursor, one upstream pass over the range."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from gateway.connectors.base import Capabilities, Order, TimeEntryQuery
from gateway.continuations import ContinuationStore
from gateway.errors import UpstreamUnavailable
from gateway.http.deadline import deadline_scope, remaining
from gateway.listing import Listing, Merge, encode_cursor
from gateway.models import Kind, TimeEntry
from gateway.service import Gateway, TimeEntryFilter
from tests.conftest import fake_runtime

TODAY = date(2026, 3, 16)
RANGE = TimeEntryFilter(date_from=TODAY - timedelta(days=19), date_to=TODAY)


@dataclass
class Fake:
    """A source with 1-3 entries a day over 25 days; counts its listings and closes."""

    source: str
    ordered: bool = True  # yields by date, newest first (else in no useful order)
    entries_kind: bool = True  # False: a vendor without time entries
    broken_before: date | None = None  # fails upstream on reaching an entry before this day
    listings: int = 0
    closed: int = 0
    yielded: int = 0
    deadlines: list[float | None] = field(default_factory=list)

    @property
    def capabilities(self) -> Capabilities:
        kinds = frozenset(Kind) if self.entries_kind else frozenset({Kind.USER})
        return Capabilities(kinds=kinds, time_entry_order=Order.DESC if self.ordered else None)

    def data(self) -> list[TimeEntry]:
        out = []
        for day in range(25):
            for k in range(1 + (day * 7 + len(self.source)) % 3):
                start = datetime(2026, 1, 1, 8 + k, tzinfo=UTC) + timedelta(days=70 - day)
                entry = TimeEntry(self.source, f"{day}-{k}", start.date(), 600, start=start)
                out.append(entry)
        out.sort(key=lambda e: e.date, reverse=True)
        return out if self.ordered else out[1::2] + out[0::2]

    async def time_entries(self, query: TimeEntryQuery) -> AsyncIterator[TimeEntry]:
        self.listings += 1
        try:
            for entry in self.data():
                if (query.date_from and entry.date < query.date_from) or (
                    query.date_to and entry.date > query.date_to
                ):
                    continue  # the range is pushed down: the vendor reads nothing outside it
                if self.broken_before and entry.date < self.broken_before:
                    raise UpstreamUnavailable(self.source, f"source {self.source!r} is down")
                await asyncio.sleep(0)
                self.deadlines.append(remaining())
                self.yielded += 1
                yield entry
        finally:
            self.closed += 1

    async def aclose(self) -> None:
        pass


def gateway(*fakes: Fake, store: ContinuationStore[Merge[TimeEntry]] | None = None) -> Gateway:
    runtimes = {f.source: fake_runtime(f) for f in fakes}
    return Gateway(
        runtimes, today=lambda: TODAY, continuations=ContinuationStore() if store is None else store
    )


def fakes(*, broken: bool = False) -> list[Fake]:
    healthy = [Fake("a"), Fake("bb", ordered=False), Fake("ccc"), Fake("d", entries_kind=False)]
    # Fails from day 12 back: every page from the one that reaches it on flags it.
    return [*healthy, Fake("e", broken_before=TODAY - timedelta(days=12))] if broken else healthy


Page = tuple[list[str], list[Any], bool, list[tuple[str, bool, bool, str | None]]]


def page_of(listing: Listing[TimeEntry]) -> Page:
    outcomes = [
        (o.source, o.supported, o.complete, o.error.code if o.error else None)
        for o in listing.outcomes
    ]
    items = [f"{e.source}/{e.id}" for e in listing.items]
    return items, listing.keys, listing.has_next, outcomes


async def page_through(
    gw: Gateway, flt: TimeEntryFilter, first: int, order: Order = Order.DESC
) -> list[Page]:
    pages: list[Page] = []
    after = None
    while True:
        listing = await gw.time_entries(flt, first=first, after=after, order=order)
        pages.append(page_of(listing))
        if not listing.has_next:
            return pages
        after = _cursor(listing)


def _cursor(listing: Listing[TimeEntry]) -> str:
    return encode_cursor(listing.keys[-1])


@pytest.mark.parametrize("broken", [False, True], ids=["healthy", "one-failing"])
@pytest.mark.parametrize(
    ("flt", "first", "order"),
    [
        pytest.param(RANGE, 7, Order.DESC, id="range-desc"),
        pytest.param(RANGE, 10, Order.ASC, id="range-asc"),
        pytest.param(TimeEntryFilter(), 5, Order.DESC, id="no-from-recent-first"),
        pytest.param(TimeEntryFilter(sources=["a", "bb"]), 150, Order.DESC, id="big-pages"),
    ],
)
async def test_pages_are_the_same_with_and_without_continuations(
    flt: TimeEntryFilter, first: int, order: Order, broken: bool
) -> None:
    kept, fresh = fakes(broken=broken), fakes(broken=broken)
    resumed = await page_through(gateway(*kept), flt, first, order)
    reread = await page_through(gateway(*fresh, store=ContinuationStore(0)), flt, first, order)
    assert resumed == reread and sum(len(p[0]) for p in resumed) > 0
    if not broken:  # one pass (without `from`: the near week, then the rest), not one a page
        one_pass = 1 if flt.date_from else 2
        assert [k.listings for k in kept] == [min(f.listings, one_pass) for f in fresh]


async def test_a_source_failing_while_resuming_is_flagged_on_that_page_only() -> None:
    broken = Fake("b", broken_before=TODAY - timedelta(days=40))
    gw = gateway(Fake("a"), broken)
    first = await gw.time_entries(RANGE, first=4, after=None, order=Order.DESC)
    broken.broken_before = TODAY  # the vendor goes down between the pages
    second = await gw.time_entries(RANGE, first=20, after=_cursor(first), order=Order.DESC)
    assert broken.listings == 1  # resumed, not re-read
    assert [(o.source, o.complete) for o in first.outcomes] == [("a", True), ("b", True)]
    assert [(o.complete, o.error and o.error.code) for o in second.outcomes] == [
        (True, None),
        (False, "UPSTREAM_UNAVAILABLE"),
    ]
    assert len(gw.continuations) == 0  # an incomplete page is not continued


async def test_resumed_sources_run_under_the_new_requests_deadline() -> None:
    fake = Fake("a")
    gw = gateway(fake)
    with deadline_scope(1000):
        first = await gw.time_entries(RANGE, first=3, after=None, order=Order.DESC)
    seen = len(fake.deadlines)
    with deadline_scope(5):
        await gw.time_entries(RANGE, first=20, after=_cursor(first), order=Order.DESC)
    assert fake.listings == 1 and len(fake.deadlines) > seen
    later = fake.deadlines[seen:]
    assert all(d is not None and d <= 5 for d in later), later


async def test_an_expired_continuation_falls_back_to_reading_again() -> None:
    now = [0.0]
    fake = Fake("a")
    gw = gateway(fake, store=ContinuationStore(ttl=120, clock=lambda: now[0]))
    first = await gw.time_entries(RANGE, first=3, after=None, order=Order.DESC)
    now[0] = 121
    second = await gw.time_entries(RANGE, first=3, after=_cursor(first), order=Order.DESC)
    assert fake.listings == 2 and fake.closed >= 1  # expired one closed, then read again
    reread = gateway(Fake("a"), store=ContinuationStore(0))
    again = await reread.time_entries(RANGE, first=3, after=_cursor(first), order=Order.DESC)
    assert page_of(second) == page_of(again)


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(replace(RANGE, billable=True), id="filter"),
        pytest.param(replace(RANGE, sources=["a"]), id="sources"),
        pytest.param(replace(RANGE, date_from=TODAY - timedelta(days=5)), id="range"),
    ],
)
async def test_a_continuation_serves_only_its_own_listing(other: TimeEntryFilter) -> None:
    a = Fake("a")
    gw = gateway(a, Fake("b"))
    first = await gw.time_entries(RANGE, first=3, after=None, order=Order.DESC)
    await gw.time_entries(other, first=3, after=_cursor(first), order=Order.DESC)
    assert a.listings == 2  # the other listing read on its own
    await gw.time_entries(RANGE, first=3, after=_cursor(first), order=Order.DESC)
    assert a.listings == 2  # and left the continuation to its own listing


async def test_a_cursor_used_twice_at_once_is_resumed_once_and_reread_once() -> None:
    fake = Fake("a")
    gw = gateway(fake)
    first = await gw.time_entries(RANGE, first=3, after=None, order=Order.DESC)
    after = _cursor(first)
    one, two = await asyncio.gather(
        *(gw.time_entries(RANGE, first=3, after=after, order=Order.DESC) for _ in range(2))
    )
    assert page_of(one) == page_of(two)
    assert fake.listings == 2


async def test_evicted_continuations_are_closed() -> None:
    fakes_ = [Fake("a"), Fake("b")]
    gw = gateway(*fakes_, store=ContinuationStore(maxsize=1))
    for fake in fakes_:
        flt = replace(RANGE, sources=[fake.source])
        await gw.time_entries(flt, first=3, after=None, order=Order.DESC)
    await asyncio.sleep(0.01)  # the close is scheduled on the loop
    assert [f.closed for f in fakes_] == [1, 0]  # the oldest went
    await gw.aclose()
    assert [f.closed for f in fakes_] == [1, 1]


async def test_an_idle_store_closes_what_expires() -> None:
    fake = Fake("a")
    gw = gateway(fake, store=ContinuationStore(ttl=0.02))
    await gw.time_entries(RANGE, first=3, after=None, order=Order.DESC)
    assert fake.closed == 0
    await asyncio.sleep(0.1)
    assert fake.closed == 1 and len(gw.continuations) == 0


async def test_the_last_page_keeps_nothing() -> None:
    fake = Fake("a")
    gw = gateway(fake)
    await page_through(gw, RANGE, 10)
    assert len(gw.continuations) == 0 and fake.closed == 1


async def test_every_source_is_warmed_before_any_is_listed() -> None:
    """A source with work every call needs first (Hubstaff's token exchange) starts it before
    the listing's other sources send their requests (``Warms``)."""
    events: list[str] = []

    class Warming(Fake):
        def warm(self) -> None:
            events.append(f"warm {self.source}")

        async def time_entries(self, query: TimeEntryQuery) -> AsyncIterator[TimeEntry]:
            events.append(f"list {self.source}")
            async for entry in super().time_entries(query):
                yield entry

    gw = gateway(Fake("a"), Warming("b"), Warming("c"))
    await gw.time_entries(RANGE, first=5, after=None, order=Order.DESC)
    assert events[:2] == ["warm b", "warm c"] and sorted(events[2:]) == ["list b", "list c"]


async def test_sources_hear_where_a_listings_first_page_ended_and_only_that_page() -> None:
    """``Floor.on_settled``: once a listing's first page is taken, each source that asked is
    told the entry it ended on (Hubstaff keeps how far back that reached); a page it goes on
    to (resumed under its cursor) says nothing more."""
    heard: list[TimeEntry | None] = []

    class Listening(Fake):
        async def time_entries(self, query: TimeEntryQuery) -> AsyncIterator[TimeEntry]:
            assert query.floor is not None
            query.floor.on_settled(heard.append)
            async for entry in super().time_entries(query):
                yield entry

    gw = gateway(Fake("a"), Listening("b"))
    first = await gw.time_entries(RANGE, first=5, after=None, order=Order.DESC)
    assert heard == [first.items[-1]]
    await gw.time_entries(RANGE, first=5, after=_cursor(first), order=Order.DESC)
    assert heard == [first.items[-1]] and len(gw.continuations) == 1  # resumed: said once
    gw.continuations = ContinuationStore(maxsize=0)  # none kept: the next page reads again
    await gw.time_entries(RANGE, first=5, after=_cursor(first), order=Order.DESC)
    assert heard == [first.items[-1]]  # a page after a cursor, read afresh: nothing either
    await gw.time_entries(TimeEntryFilter(date_from=TODAY), first=5, after=None, order=Order.DESC)
    assert heard[1:] == [None]  # a first page with nothing in it ended on no entry


async def test_what_the_pages_read_is_left_to_be_freed_when_the_process_is_idle(
    parked: deque[object],
) -> None:
    gw = gateway(Fake("a"), Fake("b"))
    first = await gw.time_entries(RANGE, first=10, after=None, order=Order.DESC)
    # The listing goes on, so its merge is kept; but the groups the page used up are done
    # with (their entries are the page's own): left to be freed once the process is idle.
    assert not any(isinstance(p, Merge) for p in parked)
    used = _used(parked)
    assert used and used <= set(map(id, first.items))
    parked.clear()
    after = encode_cursor(first.keys[-1])
    last = await gw.time_entries(RANGE, first=1000, after=after, order=Order.DESC)
    assert not last.has_next
    # Once the last page is read: the groups it used up (one may have begun on page 1),
    # and the whole merge.
    used, read = _used(parked), set(map(id, last.items))
    assert used & read and used <= read | set(map(id, first.items))
    assert [type(p) for p in parked if not isinstance(p, list)] == [Merge]


def _used(parked: deque[object]) -> set[int]:
    """The ids of the entries in the used-up groups ``parked`` holds (each park: a list of
    each head's groups)."""
    spent = [heads for heads in parked if isinstance(heads, list)]
    return {id(e) for heads in spent for groups in heads for group in groups for _, e in group}


async def _passes(count: int = 200) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


async def test_a_kept_listing_reads_on_while_the_client_reads_the_page() -> None:
    """Between pages the continuation reads its sources ahead by a page's worth, as the
    merge does while it waits for a slower source: the next page's entries are mapped while
    the client decodes this one, and that page is still what a fresh read gives."""
    first = 5
    source = Fake("a")
    gw = gateway(source)
    listing = await gw.time_entries(RANGE, first=first, after=None, order=Order.DESC)
    answered = source.yielded
    await _passes()
    # What the page took, then a page's worth held (give or take the date group read last).
    assert answered < first + first <= source.yielded <= 2 * first + 4
    resumed = await gw.time_entries(RANGE, first=first, after=_cursor(listing), order=Order.DESC)
    fresh = await gateway(Fake("a")).time_entries(
        RANGE, first=first, after=_cursor(listing), order=Order.DESC
    )
    assert page_of(resumed) == page_of(fresh)


async def test_a_listing_not_kept_or_closed_reads_no_further() -> None:
    disabled, closed = Fake("a"), Fake("a")
    await gateway(disabled, store=ContinuationStore(maxsize=0)).time_entries(
        RANGE, first=5, after=None, order=Order.DESC
    )
    store: ContinuationStore[Merge[TimeEntry]] = ContinuationStore()
    await gateway(closed, store=store).time_entries(RANGE, first=5, after=None, order=Order.DESC)
    await store.aclose()
    read = disabled.yielded, closed.yielded
    await _passes()
    assert (disabled.yielded, closed.yielded) == read
    assert disabled.closed == closed.closed == 1
