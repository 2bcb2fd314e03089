"""Listings read nearest first: the near days end in a boundary, and a listing asked again
reads its near days from where its first page ended (``gateway.recent``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from gateway.connectors.base import Capabilities, Order, TimeEntryQuery
from gateway.continuations import ContinuationStore
from gateway.listing import encode_cursor
from gateway.models import Kind, TimeEntry
from gateway.recent import REACHED_FOR, RECENT_DAYS, Reached
from gateway.service import Gateway, TimeEntryFilter
from tests.conftest import fake_runtime

TODAY = date(2026, 3, 16)
WEEK = TODAY - timedelta(days=RECENT_DAYS - 1)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


@dataclass
class Vendor:
    """Sends what a query's dates ask for, as a vendor does, and records every query."""

    source: str
    entries: list[TimeEntry]
    ordered: bool = True
    queries: list[TimeEntryQuery] = field(default_factory=list)

    @property
    def capabilities(self) -> Capabilities:
        order = Order.DESC if self.ordered else None
        return Capabilities(kinds=frozenset(Kind), time_entry_order=order)

    async def time_entries(self, query: TimeEntryQuery) -> AsyncIterator[TimeEntry]:
        self.queries.append(query)
        sent = [
            e
            for e in self.entries
            if (query.date_from is None or e.date >= query.date_from)
            and (query.date_to is None or e.date <= query.date_to)
        ]
        for entry in sorted(sent, key=lambda e: e.date, reverse=self.ordered):
            yield entry


def days(source: str, per_day: dict[int, int]) -> list[TimeEntry]:
    """``per_day[n]`` entries dated ``n`` days ago."""
    return [
        TimeEntry(source, f"{back}-{k}", ago(back), 60 * (k + 1))
        for back, count in per_day.items()
        for k in range(count)
    ]


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def gateway(*vendors: Vendor, clock: Clock | None = None) -> Gateway:
    runtimes = {v.source: fake_runtime(v) for v in vendors}
    return Gateway(runtimes, today=lambda: TODAY, reached=Reached(timer=clock or Clock()))


async def page(gw: Gateway, first: int = 5) -> list[str]:
    listing = await gw.time_entries(TimeEntryFilter(), first=first, after=None, order=Order.DESC)
    return [f"{e.source}:{e.id}" for e in listing.items]


def starts(vendor: Vendor) -> list[date | None]:
    return [q.date_from for q in vendor.queries]


@pytest.mark.parametrize("ordered", [True, False], ids=["in-date-order", "any-order"])
async def test_asked_again_the_near_days_start_a_day_before_the_page_ended(ordered: bool) -> None:
    a = Vendor("a", days("a", {0: 2, 1: 2, 3: 4, 8: 3}), ordered=ordered)
    b = Vendor("b", days("b", {2: 1, 5: 3}), ordered=ordered)
    gw = gateway(a, b)
    first = await page(gw)  # today's 2, yesterday's 2, then b's of 2 days back
    assert first[-1] == "b:2-0"
    # The near week each, not the rest: its boundary says a's day 3 is whole, and nothing
    # of either comes before the page's end past the week.
    assert starts(a) == starts(b) == [WEEK]
    assert await page(gw) == first
    assert starts(a)[1:] == starts(b)[1:] == [ago(3)]  # one listing each, from a day before


async def test_oldest_first_the_near_days_are_the_oldest_and_end_a_day_past_the_page() -> None:
    lookback = TODAY - timedelta(days=365)
    a = Vendor("a", days("a", {365: 2, 364: 2, 362: 3, 300: 2}))
    gw = gateway(a)

    async def oldest(first: int = 5) -> list[str]:
        found = await gw.time_entries(TimeEntryFilter(), first=first, after=None, order=Order.ASC)
        return [e.id for e in found.items]

    first = await oldest()
    assert first == ["365-0", "365-1", "364-0", "364-1", "362-0"]
    assert [(q.date_from, q.date_to) for q in a.queries] == [(lookback, lookback + timedelta(6))]
    assert await oldest() == first
    assert (a.queries[1].date_from, a.queries[1].date_to) == (lookback, lookback + timedelta(4))


async def test_with_nothing_in_the_near_days_the_rest_is_read() -> None:
    a = Vendor("a", days("a", {20: 3, 40: 4}))
    got = await page(gateway(a))
    assert got == ["a:20-2", "a:20-1", "a:20-0", "a:40-3", "a:40-2"]
    assert starts(a) == [WEEK, TODAY - timedelta(days=365)]


async def test_entries_added_since_are_shown_from_the_same_one_listing() -> None:
    a = Vendor("a", days("a", {0: 2, 1: 2, 3: 4}))
    gw = gateway(a)
    await page(gw)
    a.entries += [TimeEntry("a", "new", TODAY, 1)]
    again = await page(gw)
    assert "a:new" in again and again == await page(gateway(Vendor("a", a.entries)))
    assert starts(a) == [WEEK, ago(4)]  # the first page ended 3 days back


async def test_a_page_that_now_reaches_further_back_reads_the_rest() -> None:
    a = Vendor("a", days("a", {0: 3, 1: 2, 4: 3}))
    gw = gateway(a)
    assert (await page(gw))[-1] == "a:1-0"
    a.entries = [e for e in a.entries if e.date != TODAY]  # deleted since: it reaches day 4
    again = await page(gw)
    assert again == await page(gateway(Vendor("a", a.entries)))
    near, rest = a.queries[1:]
    assert near.date_from == ago(2) and rest.date_to == ago(3)


async def test_kept_per_page_size_and_for_a_while() -> None:
    clock = Clock()
    a = Vendor("a", days("a", {0: 2, 1: 2, 3: 4, 6: 2}))
    gw = gateway(a, clock=clock)
    await page(gw, first=3)  # ends yesterday
    await page(gw, first=7)  # another listing: the near week
    await page(gw, first=3)
    clock.now += REACHED_FOR + 1
    await page(gw, first=3)
    assert starts(a) == [WEEK, WEEK, ago(2), WEEK]


async def test_a_page_short_of_its_size_leaves_nothing_to_remember() -> None:
    a = Vendor("a", days("a", {0: 1, 2: 1, 40: 1}))
    gw = gateway(a)
    assert len(await page(gw)) == 3  # the near week, then the rest
    await page(gw)
    assert starts(a)[::2] == [WEEK, WEEK]


async def test_a_page_after_a_cursor_reads_the_week_before_the_cursor() -> None:
    a = Vendor("a", days("a", {0: 2, 1: 2, 3: 4, 8: 3}))
    gw = gateway(a)
    gw.continuations = ContinuationStore(maxsize=0)  # the next page re-reads from its cursor
    first = await gw.time_entries(TimeEntryFilter(), first=5, after=None, order=Order.DESC)
    a.queries.clear()
    cursor = encode_cursor(first.keys[-1])
    await gw.time_entries(TimeEntryFilter(), first=5, after=cursor, order=Order.DESC)
    assert (a.queries[0].date_from, a.queries[0].date_to) == (ago(3 + RECENT_DAYS - 1), ago(3))
