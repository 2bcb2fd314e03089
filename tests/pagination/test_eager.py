"""``paginate(eager=True)``: the next page is asked for before the caller gets this one.

A fake chain of pages, each naming the next (Hubstaff's ``next_page_start_id`` shape). What
happens when is read from an event log, not timed.
"""

from __future__ import annotations

import asyncio
from contextlib import aclosing

import httpx
import pytest

from gateway.pagination import Page, PageRequest, PaginationError, paginate

LAST = 4


class Chain:
    """Page ``n`` names page ``n + 1`` until ``LAST`` (or names ``loop_to`` after ``LAST``)."""

    def __init__(self, loop_to: int | None = None) -> None:
        self.loop_to = loop_to

    def next_request(self, page: Page) -> PageRequest | None:
        number = page.body["n"]
        if number < LAST:
            return PageRequest("/pages", (("n", str(number + 1)),))
        return None if self.loop_to is None else PageRequest("/pages", (("n", str(self.loop_to)),))


class Vendor:
    def __init__(self, log: list[str], hold_from: int | None = None) -> None:
        self.log = log
        self.hold_from = hold_from
        self.cancelled: list[int] = []

    async def fetch(self, request: PageRequest) -> Page:
        number = int(request.param("n") or 1)
        self.log.append(f"ask {number}")
        try:
            if self.hold_from is not None and number >= self.hold_from:
                await asyncio.Event().wait()  # never answers
            await asyncio.sleep(0)
        except asyncio.CancelledError:
            self.cancelled.append(number)
            raise
        return Page(request, [number], {"n": number}, httpx.Headers())


async def read(vendor: Vendor, chain: Chain, *, eager: bool, stop_after: int = LAST) -> list[str]:
    async with aclosing(paginate(vendor.fetch, PageRequest("/pages"), chain, eager=eager)) as pages:
        async for page in pages:
            await asyncio.sleep(0.001)  # the caller's work on the page
            vendor.log.append(f"used {page.items[0]}")
            if page.items[0] == stop_after:
                break
    return vendor.log


@pytest.mark.parametrize("eager", [True, False])
async def test_the_next_page_is_asked_for_while_the_caller_works_on_this_one(eager: bool) -> None:
    log = await read(Vendor([]), Chain(), eager=eager)
    if eager:
        expected = ["ask 1", "ask 2", "used 1", "ask 3", "used 2", "ask 4", "used 3", "used 4"]
    else:
        expected = ["ask 1", "used 1", "ask 2", "used 2", "ask 3", "used 3", "ask 4", "used 4"]
    assert log == expected


async def test_a_caller_that_stops_early_cancels_the_page_asked_for_ahead() -> None:
    vendor = Vendor([], hold_from=3)
    log = await read(vendor, Chain(), eager=True, stop_after=2)
    assert log == ["ask 1", "ask 2", "used 1", "ask 3", "used 2"] and vendor.cancelled == [3]


async def test_a_page_named_twice_is_refused_before_it_is_asked_for() -> None:
    vendor = Vendor([])
    with pytest.raises(PaginationError):
        await read(vendor, Chain(loop_to=2), eager=True, stop_after=0)  # reads on past page 4
    assert vendor.log.count("ask 2") == 1


async def test_the_next_page_is_asked_for_before_a_caller_that_never_yields_gets_this_one() -> None:
    # A caller mapping a page is synchronous work: the request for the next page must already
    # be on its way when the caller gets the page, not wait until the caller next awaits.
    vendor = Vendor([])
    async with aclosing(
        paginate(vendor.fetch, PageRequest("/pages"), Chain(), eager=True)
    ) as pages:
        async for page in pages:
            vendor.log.append(f"used {page.items[0]}")
    assert vendor.log[:3] == ["ask 1", "ask 2", "used 1"]


@pytest.mark.parametrize("eager", [True, False])
@pytest.mark.parametrize("cap", [None, 3])
async def test_a_refused_page_stops_the_walk_after_the_page_naming_it(
    eager: bool, cap: int | None
) -> None:
    # Refused for naming page 2 again after page 4, or for being past a cap of 3 pages: every
    # page before the refused one is handed back, the one that names it included.
    chain = Chain(loop_to=2 if cap is None else None)
    limits = {} if cap is None else {"max_pages": cap}
    got: list[int] = []
    with pytest.raises(PaginationError):
        async for page in paginate(
            Vendor([]).fetch, PageRequest("/pages"), chain, eager=eager, **limits
        ):
            got += page.items
    assert got == ([1, 2, 3, 4] if cap is None else [1, 2, 3])
