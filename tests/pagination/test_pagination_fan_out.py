"""The loop fetches the pages a first page announces together, in order, and cleans up.

A fake report of numbered items paged in the body (Clockify's detailed report shape). Pages
after the first can be held on an event, so what is in flight at once is observed, not timed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from gateway.pagination import Page, PageRequest, PaginationError, paginate
from gateway.pagination.base import MAX_IN_FLIGHT
from gateway.pagination.body_page_number import BodyPageNumberPaginator

SIZE = 3
# Fails a broken implementation instead of hanging it; never reached when the test passes.
GUARD_S = 1.0


def total(body: Any) -> int | None:
    return body["totals"][0]["entriesCount"] if body["totals"] else None


@dataclass
class Report:
    """``items`` served ``SIZE`` a page; each page reports ``total_for(page number)``."""

    items: int
    reported: int | None = None  # the total the first page reports (default: ``items``)
    later_total: int | None = None  # the total pages after the first report, if different
    together: int = 0  # hold pages >= 2 until this many are in flight at once
    fail_on: int | None = None
    hold_after: int | None = None  # pages past this one never answer (until cancelled)
    fetched: list[int] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    cancelled: int = 0
    all_there: asyncio.Event = field(default_factory=asyncio.Event)
    never: asyncio.Event = field(default_factory=asyncio.Event)

    def total_for(self, number: int) -> int | None:
        if number > 1 and self.later_total is not None:
            return self.later_total
        return self.items if self.reported is None else self.reported

    async def fetch(self, request: PageRequest) -> Page:
        number = int(request.json["detailedFilter"]["page"])
        self.fetched.append(number)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await self._wait(number)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self.in_flight -= 1
        if number == self.fail_on:
            raise RuntimeError(f"page {number} failed")
        start = (number - 1) * SIZE
        items = list(range(start, min(start + SIZE, self.items)))
        count = self.total_for(number)
        body = {"totals": [] if count is None else [{"entriesCount": count}]}
        return Page(request, items, body, httpx.Headers())

    async def _wait(self, number: int) -> None:
        if self.hold_after is not None and number > self.hold_after:
            await self.never.wait()
        if number > 1 and self.together:
            if self.in_flight >= self.together:
                self.all_there.set()
            await asyncio.wait_for(self.all_there.wait(), GUARD_S)


def first_request() -> PageRequest:
    body = {"dateRangeStart": "x", "detailedFilter": {"page": 1, "pageSize": SIZE}}
    return PageRequest("report", method="POST").with_json(body)


def walk(report: Report, *, with_total: bool = True, max_pages: int = 10_000) -> Any:
    paginator = BodyPageNumberPaginator(
        path=("detailedFilter",), total=total if with_total else None
    )
    return paginate(report.fetch, first_request(), paginator, max_pages=max_pages)


async def items_of(report: Report, **kwargs: Any) -> list[int]:
    return [i async for page in walk(report, **kwargs) for i in page.items]


def only_this_task_left() -> bool:
    return asyncio.all_tasks() == {asyncio.current_task()}


async def test_pages_after_the_first_are_in_flight_together() -> None:
    report = Report(items=14, together=4)  # 5 pages: 2..5 wait until all four are asked for

    assert await items_of(report) == list(range(14))
    assert report.fetched[0] == 1 and sorted(report.fetched) == [1, 2, 3, 4, 5]
    assert report.most_in_flight == 4
    assert only_this_task_left()


async def test_no_more_than_the_bound_in_flight() -> None:
    pages = MAX_IN_FLIGHT + 4
    report = Report(items=pages * SIZE, together=MAX_IN_FLIGHT)

    assert await items_of(report) == list(range(pages * SIZE))
    assert report.most_in_flight == MAX_IN_FLIGHT
    assert sorted(report.fetched) == list(range(1, pages + 1))


async def test_without_a_total_pages_come_one_at_a_time() -> None:
    report = Report(items=14)

    assert await items_of(report, with_total=False) == list(range(14))
    assert report.fetched == [1, 2, 3, 4, 5]
    assert report.most_in_flight == 1


@pytest.mark.parametrize(
    ("items", "reported"),
    [
        pytest.param(2, 10, id="first-page-short"),
        pytest.param(3, 3, id="total-fits-one-page"),
    ],
)
async def test_a_single_page_is_one_fetch(items: int, reported: int) -> None:
    report = Report(items=items, reported=reported)

    assert await items_of(report) == list(range(items))
    assert report.fetched == [1]


async def test_a_failed_page_propagates_and_nothing_is_left_running() -> None:
    report = Report(items=14, fail_on=3, hold_after=3)
    seen: list[int] = []

    with pytest.raises(RuntimeError, match="page 3 failed"):
        async for page in walk(report):
            seen += page.items

    assert seen == list(range(6))  # pages 1 and 2, as page by page would have yielded
    assert report.cancelled == 2  # pages 4 and 5
    assert only_this_task_left()


async def test_closing_early_cancels_the_pages_in_flight() -> None:
    report = Report(items=14, hold_after=2)
    pages = walk(report)

    numbers = [int((await anext(pages)).request.json["detailedFilter"]["page"]) for _ in "12"]
    await pages.aclose()

    assert numbers == [1, 2]
    assert sorted(report.fetched) == [1, 2, 3, 4, 5]
    assert report.cancelled == 3
    assert only_this_task_left()


async def test_a_grown_total_is_followed_page_by_page() -> None:
    # The first page says 9 (3 pages); by the time page 3 is read there are 11.
    report = Report(items=11, reported=9, later_total=11)

    assert await items_of(report) == list(range(11))
    assert report.fetched[3:] == [4]


async def test_a_shrunk_total_stops_at_the_short_page() -> None:
    # The first page says 5 pages; the data shrank to 7 items: page 3 is short.
    report = Report(items=7, reported=15, later_total=7)

    assert await items_of(report) == list(range(7))
    assert only_this_task_left()


async def test_a_total_beyond_the_cap_is_refused_before_fetching_more() -> None:
    report = Report(items=14)

    with pytest.raises(PaginationError, match="more than 3 pages"):
        await items_of(report, max_pages=3)
    assert report.fetched == [1]


async def test_repeated_remaining_requests_are_refused() -> None:
    class Repeating(BodyPageNumberPaginator):
        def remaining(self, page: Page) -> list[PageRequest] | None:
            return [page.request]

    report = Report(items=14)
    paginator = Repeating(path=("detailedFilter",), total=total)

    with pytest.raises(PaginationError, match="already returned"):
        [p async for p in paginate(report.fetch, first_request(), paginator)]
    assert report.fetched == [1]
