"""Nested time-entry listings: many parents, one upstream listing per source, same pages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from gateway.connectors.base import Capabilities, Order, TimeEntryQuery
from gateway.errors import UpstreamUnavailable
from gateway.ids import GlobalId
from gateway.listing import Listing
from gateway.loaders import EntryBatches
from gateway.models import Kind, TimeEntry
from gateway.recent import RECENT_FIRST_MAX
from gateway.service import (
    Axis,
    EntryGroup,
    Gateway,
    ParentPage,
    TimeEntryFilter,
)
from tests.conftest import fake_runtime

TODAY = date(2026, 3, 16)
PROJECTS = ["p1", "p2", "p3", "p4"]


def entries(source: str) -> list[TimeEntry]:
    """Projects with 0..12 entries over 40 days, several per day, two users."""
    out = []
    for n in range(40):
        project = PROJECTS[n % 3]  # p4 has no entries at all
        for k in range(1 + n % 2):
            out.append(
                TimeEntry(
                    source=source,
                    id=f"{n}-{k}",
                    date=TODAY - timedelta(days=n // 2),
                    duration_seconds=60 * (n + k + 1),
                    user_id=f"u{(n + k) % 2}",
                    project_id=project,
                )
            )
    return out


@dataclass
class FakeConnector:
    source: str
    ordered: bool = True
    fail_after: int | None = None
    vendor: str = "fake"
    queries: list[TimeEntryQuery] = field(default_factory=list)

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(
            kinds=frozenset(Kind), time_entry_order=Order.DESC if self.ordered else None
        )

    async def time_entries(self, query: TimeEntryQuery) -> AsyncIterator[TimeEntry]:
        self.queries.append(query)
        found = sorted(entries(self.source), key=lambda e: e.date, reverse=self.ordered)
        for n, entry in enumerate(found):
            if n == self.fail_after:
                raise UpstreamUnavailable(self.source, "down")
            await asyncio.sleep(0)
            if query.project_ids is None or entry.project_id in query.project_ids:
                yield entry


def gateway(*connectors: FakeConnector) -> Gateway:
    runtimes = {c.source: fake_runtime(c) for c in connectors}
    return Gateway(runtimes, today=lambda: TODAY)


def ids(listing: Listing[TimeEntry] | Exception) -> tuple[list[str], bool, list[str]]:
    assert isinstance(listing, Listing)
    errors = [o.error.code for o in listing.outcomes if o.error]
    return [e.id for e in listing.items], listing.has_next, errors


async def standalone(
    gw: Gateway, group: EntryGroup, page: ParentPage
) -> tuple[list[str], bool, list[str]]:
    axis = {Axis.PROJECT: "project_ids", Axis.USER: "user_ids"}[group.axis]
    flt = TimeEntryFilter(
        sources=[group.source],
        date_from=group.date_from,
        date_to=group.date_to,
        **{axis: [GlobalId(group.axis.kind, group.source, page.parent)]},  # type: ignore[arg-type]
    )
    return ids(await gw.time_entries(flt, first=page.first, after=page.after, order=group.order))


@pytest.mark.parametrize("ordered", [True, False], ids=["date-ordered", "unordered"])
@pytest.mark.parametrize(
    ("axis", "order", "first", "window"),
    [
        pytest.param(Axis.PROJECT, Order.DESC, 3, (None, None), id="projects-desc"),
        pytest.param(Axis.PROJECT, Order.ASC, 5, (None, None), id="projects-asc"),
        pytest.param(Axis.PROJECT, Order.DESC, 100, (None, None), id="projects-all"),
        pytest.param(Axis.PROJECT, Order.DESC, 0, (None, None), id="first-0"),
        pytest.param(Axis.PROJECT, Order.DESC, 2, (TODAY - timedelta(days=9), TODAY), id="range"),
        pytest.param(Axis.USER, Order.DESC, 4, (None, None), id="users"),
    ],
)
async def test_batched_pages_equal_standalone_listings(
    ordered: bool, axis: Axis, order: Order, first: int, window: tuple[date | None, date | None]
) -> None:
    gw = gateway(FakeConnector("a", ordered=ordered))
    group = EntryGroup("a", axis, *window, order)
    parents = PROJECTS if axis is Axis.PROJECT else ["u0", "u1", "u9"]
    pages = [ParentPage(p, first, None) for p in parents]
    # A second round from each parent's end cursor checks `after` too.
    for _ in range(2):
        batched = await gw.time_entries_by_parent(group, pages)
        for page, got in zip(pages, batched, strict=True):
            assert ids(got) == await standalone(gw, group, page), page
        pages = [
            ParentPage(p.parent, first, encode(got)) for p, got in zip(pages, batched, strict=True)
        ]


def encode(listing: Listing[TimeEntry] | Exception) -> str | None:
    from gateway.listing import encode_cursor

    assert isinstance(listing, Listing)
    return encode_cursor(listing.keys[-1]) if listing.keys else None


async def test_many_parents_cost_one_listing_with_every_id_pushed_down() -> None:
    fake = FakeConnector("a")
    gw = gateway(fake)
    group = EntryGroup("a", Axis.PROJECT, None, None, Order.DESC)
    await gw.time_entries_by_parent(group, [ParentPage(p, 2, None) for p in PROJECTS])
    assert len(fake.queries) == 1
    assert fake.queries[0].project_ids == frozenset(PROJECTS)


async def test_a_failing_source_flags_every_parent_and_keeps_what_came_first() -> None:
    gw = gateway(FakeConnector("a", fail_after=10))
    group = EntryGroup("a", Axis.PROJECT, None, None, Order.DESC)
    pages = [ParentPage(p, 50, None) for p in PROJECTS]
    results = await gw.time_entries_by_parent(group, pages)
    for page, got in zip(pages, results, strict=True):
        assert ids(got)[2] == ["UPSTREAM_UNAVAILABLE"]
        assert ids(got) == await standalone(gw, group, page)


async def test_a_bad_cursor_fails_only_its_own_parent() -> None:
    gw = gateway(FakeConnector("a"))
    group = EntryGroup("a", Axis.PROJECT, None, None, Order.DESC)
    good, bad = await gw.time_entries_by_parent(
        group, [ParentPage("p1", 2, None), ParentPage("p2", 2, "not-a-cursor")]
    )
    assert ids(good)[0] and getattr(bad, "code", None) == "BAD_USER_INPUT"


async def test_siblings_loaded_a_few_turns_apart_share_one_batch() -> None:
    fake = FakeConnector("a")
    gw = gateway(fake)
    batches = EntryBatches(gw)
    group = EntryGroup("a", Axis.PROJECT, None, None, Order.DESC)

    async def late(parent: str, turns: int) -> Listing[TimeEntry]:
        for _ in range(turns):
            await asyncio.sleep(0)
        return await batches.load(group, ParentPage(parent, 2, None))

    got = await asyncio.gather(*(late(p, n * 3) for n, p in enumerate(PROJECTS)))
    # One batch: one listing, asked for every parent at once, and each parent its own page.
    assert len(fake.queries) == 1
    assert fake.queries[0].project_ids == frozenset(PROJECTS)
    for parent, listing in zip(PROJECTS, got, strict=True):
        assert ids(listing) == await standalone(gw, group, ParentPage(parent, 2, None))


@pytest.mark.parametrize(
    ("ordered", "first", "listings"),
    [
        pytest.param(True, 5, 1, id="ordered-near-week-enough"),
        pytest.param(False, 5, 1, id="unordered-near-week-enough"),
        pytest.param(False, 30, 2, id="near-week-short-then-the-rest"),
        pytest.param(False, RECENT_FIRST_MAX + 1, 1, id="big-page-reads-the-range-once"),
    ],
)
async def test_without_from_the_near_week_is_read_first(
    ordered: bool, first: int, listings: int
) -> None:
    fake = FakeConnector("a", ordered=ordered)
    gw = gateway(fake)
    got = await gw.time_entries(TimeEntryFilter(), first=first, after=None, order=Order.DESC)
    assert len(fake.queries) == listings
    assert fake.queries[0].date_from == (
        TODAY - timedelta(days=6) if first <= RECENT_FIRST_MAX else TODAY - timedelta(days=365)
    )
    # Read nearest first, the connector is told how many the page takes; a whole range is not.
    expected_limit = first if first <= RECENT_FIRST_MAX else None
    assert {q.limit for q in fake.queries} == {expected_limit}
    whole = TimeEntryFilter(date_from=TODAY - timedelta(days=365))
    expected = await gw.time_entries(whole, first=first, after=None, order=Order.DESC)
    assert [e.id for e in got.items] == [e.id for e in expected.items]
    assert got.has_next == expected.has_next
