"""A connector that marks where its listing may be cut spares the merge its next window."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from gateway.connectors.base import Capabilities, Cuts, Order, TimeEntryQuery, marked
from gateway.listing import encode_cursor
from gateway.models import Kind, TimeEntry
from gateway.service import Gateway, TimeEntryFilter
from tests.conftest import fake_runtime

TODAY = date(2026, 3, 16)


def _at(day: date, hour: int) -> TimeEntry:
    start = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    return TimeEntry("windowed", f"{day}-{hour}", day, 600, start=start)


# Newest first, in two windows as Hubstaff reads the latest day: the first holds only
# today's newest entries; today is whole only once the second (yesterday's) is read.
WINDOWS = [
    [_at(TODAY, 10), _at(TODAY, 9), _at(TODAY, 8)],
    [_at(TODAY, 7), _at(TODAY - timedelta(days=1), 18)],
]


# Where each window's reach ends, as Hubstaff's lower edge: the first reached down to 7:50.
REACHED = [datetime(2026, 3, 16, 7, 50, tzinfo=UTC), None]


@dataclass
class Windowed:
    source: str = "windowed"
    marks: bool = True  # marks a cut where each window ends, when the caller asks
    reach: bool = False  # and says how far each window reached (``REACHED``)
    by_window: bool = False  # says so (``Capabilities.entries_by_window``)
    fetched: int = 0  # windows read: a vendor call each
    asked: list[Cuts | None] = field(default_factory=list)

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(
            kinds=frozenset(Kind), time_entry_order=Order.DESC, entries_by_window=self.by_window
        )

    async def time_entries(self, query: TimeEntryQuery) -> AsyncIterator[TimeEntry]:
        self.asked.append(query.cuts)
        for window, edge in zip(WINDOWS, REACHED, strict=True):
            self.fetched += 1
            kept = [e for e in window if query.date_from is None or e.date >= query.date_from]
            until = (edge.date(), edge) if self.reach and edge else None
            for entry in marked(kept, query.cuts if self.marks else None, until):
                yield entry

    async def aclose(self) -> None:
        pass


@dataclass
class Listed:
    """A source whose entries come in one call, newest first."""

    entries: list[TimeEntry]
    source: str = "listed"

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(kinds=frozenset(Kind), time_entry_order=Order.DESC)

    async def time_entries(self, query: TimeEntryQuery) -> AsyncIterator[TimeEntry]:
        for entry in self.entries:
            yield entry

    async def aclose(self) -> None:
        pass


def _gateway(source: Windowed, *others: Listed) -> Gateway:
    sources: list[Windowed | Listed] = [source, *others]
    runtimes = {s.source: fake_runtime(s) for s in sources}
    return Gateway(runtimes, today=lambda: TODAY)


def _listed(*times: tuple[int, int]) -> Listed:
    day = datetime(TODAY.year, TODAY.month, TODAY.day, tzinfo=UTC)
    return Listed(
        [
            TimeEntry("listed", f"{h}:{m}", TODAY, 60, start=day + timedelta(hours=h, minutes=m))
            for h, m in times
        ]
    )


@pytest.mark.parametrize("by_window", [True, False])
@pytest.mark.parametrize("reach", [True, False])
async def test_a_page_another_source_completes_past_a_window_costs_no_next_window(
    reach: bool, by_window: bool
) -> None:
    # The first window's sessions end at 8:00 but it reached down to 7:50, and the other
    # source's 7:55 and 7:52 complete the page: nothing of the second window comes first.
    source = Windowed(reach=reach, by_window=by_window)
    gw = _gateway(source, _listed((7, 55), (7, 52), (6, 0)))
    listing = await gw.time_entries(TimeEntryFilter(), first=5, after=None, order=Order.DESC)
    assert [e.id for e in listing.items] == [
        *(f"{TODAY}-{h}" for h in (10, 9, 8)),
        "7:55",
        "7:52",
    ] and listing.has_next
    assert source.fetched == (1 if reach else 2)


@pytest.mark.parametrize(("marks", "by_window"), [(True, True), (True, False), (False, False)])
@pytest.mark.parametrize(
    "flt", [TimeEntryFilter(), TimeEntryFilter(date_from=TODAY - timedelta(days=3))]
)
async def test_the_newest_entries_cost_one_window_where_the_source_marks_it(
    marks: bool, by_window: bool, flt: TimeEntryFilter
) -> None:
    source = Windowed(marks=marks, by_window=by_window)
    listing = await _gateway(source).time_entries(flt, first=2, after=None, order=Order.DESC)
    assert [e.start.hour for e in listing.items if e.start] == [10, 9] and listing.has_next
    assert all(isinstance(c, Cuts) for c in source.asked)  # the service asks for the marks
    # Marked, the first window is taken as it is; unmarked, the merge waits for an entry of
    # another day to know today is whole, and that is in the second window.
    assert source.fetched == (1 if marks else 2)


@pytest.mark.parametrize("by_window", [True, False])
@pytest.mark.parametrize(
    "flt", [TimeEntryFilter(), TimeEntryFilter(date_from=TODAY - timedelta(days=3))]
)
async def test_pages_read_over_marked_windows_are_every_entry_in_order(
    by_window: bool, flt: TimeEntryFilter
) -> None:
    gw = _gateway(Windowed(by_window=by_window), _listed((7, 55), (7, 52), (6, 0)))
    pages: list[list[str]] = []
    after: str | None = None
    while True:
        listing = await gw.time_entries(flt, first=2, after=after, order=Order.DESC)
        pages.append([e.id for e in listing.items])
        if not listing.has_next:
            break
        after = encode_cursor(listing.keys[-1])
    ours = [e.id for window in WINDOWS for e in window]
    everything = [*ours[:3], "7:55", "7:52", ours[3], "6:0", ours[4]]
    assert pages == [everything[i : i + 2] for i in range(0, len(everything), 2)]


@pytest.mark.parametrize(("by_window", "groups"), [(True, 2), (False, 3)])
async def test_a_source_read_by_window_is_merged_a_window_at_a_time(
    by_window: bool, groups: int
) -> None:
    """Each group the merge reads costs it a task and a pass of the event loop. A source
    that yields each window whole gives a group per window, whatever dates it holds; the
    others a group per date (the second window's two) as well as per cut."""
    prepared: list[list[str]] = []
    listing = await _gateway(Windowed(by_window=by_window)).time_entries(
        TimeEntryFilter(date_from=TODAY - timedelta(days=3)),
        first=10,
        after=None,
        order=Order.DESC,
        prepare=lambda items: prepared.append([e.id for e in items]),
    )
    assert [e.id for e in listing.items] == [e.id for w in WINDOWS for e in w]
    assert len(prepared) == groups
    assert [i for group in prepared for i in group] == [e.id for w in WINDOWS for e in w]


async def test_an_order_the_source_does_not_yield_in_asks_for_no_marks() -> None:
    source = Windowed()
    listing = await _gateway(source).time_entries(
        TimeEntryFilter(), first=5, after=None, order=Order.ASC
    )
    assert source.asked and all(c is None for c in source.asked)
    assert [e.id for e in listing.items] == [e.id for w in WINDOWS for e in w][::-1]
