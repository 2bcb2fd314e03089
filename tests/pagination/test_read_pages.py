"""``read_pages``: the next page is asked for off the raw body, before the page is decoded.

A fake vendor in Hubstaff's shape (``page_start_id`` in, ``next_page_start_id`` out) behind
the real stack (``build_client`` over a ``MockTransport``). What happens when is read from an
event log, not timed.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import orjson
import pytest

from gateway.connectors.paging import items_at, read_pages
from gateway.errors import UpstreamBadResponse
from gateway.pagination import PageRequest
from gateway.pagination.start_id import StartIdPaginator
from tests.http_stack.helpers import upstream

PER, TOTAL = 3, 10  # pages start at ids 0, 3, 6, 9


class Vendor:
    """Activities ``0..TOTAL-1``, ``PER`` a page from ``page_start_id``; ``shape`` writes a
    page's body from its items and the next start id (``None`` on the last page)."""

    def __init__(self, events: list[tuple[str, int]], shape: Any = None) -> None:
        self.events = events
        self.shape = shape or (lambda items, nxt: {"activities": items, **_envelope(nxt)})

    def handle(self, request: httpx.Request) -> httpx.Response:
        start = int(request.url.params.get("page_start_id", 0))
        self.events.append(("asked", start))
        items = [{"id": i} for i in range(start, min(start + PER, TOTAL))] if start >= 0 else []
        nxt = start + PER if items and start + PER < TOTAL else None
        body = self.shape(items, nxt)
        return httpx.Response(200, content=body if isinstance(body, bytes) else orjson.dumps(body))


def _envelope(nxt: int | None) -> dict[str, Any]:
    return {"pagination": {"next_page_start_id": nxt}} if nxt is not None else {}


async def walk(vendor: Vendor, read: Any = None) -> list[Any]:
    up = upstream(httpx.MockTransport(vendor.handle))
    events = vendor.events

    def record(items: list[Any]) -> None:
        events.append(("read", items[0]["id"]))

    try:
        first = PageRequest("activities", (("page_limit", str(PER)),))
        pager = StartIdPaginator()
        return await read_pages(up, first, pager, items_at("activities"), read or record)
    finally:
        await up.aclose()


def asked(events: list[tuple[str, int]]) -> list[int]:
    return [n for what, n in events if what == "asked"]


async def test_every_page_is_read_in_order_with_one_call_each() -> None:
    events: list[tuple[str, int]] = []
    found = await walk(Vendor(events))
    assert [a["id"] for a in found] == list(range(TOTAL))
    assert asked(events) == [0, 3, 6, 9]
    assert [n for what, n in events if what == "read"] == [0, 3, 6, 9]


async def test_the_next_page_is_asked_for_before_this_one_is_read() -> None:
    events: list[tuple[str, int]] = []
    await walk(Vendor(events))
    # Page n is read (decoded, handed over) only once page n + 1 is asked for; the last
    # page has no next one.
    for start in (0, 3, 6):
        assert events.index(("asked", start + PER)) < events.index(("read", start))


async def test_a_body_that_misleads_the_peek_costs_a_call_and_loses_nothing() -> None:
    # The envelope first and an item carrying the key last: read from the end, the body
    # names start id 1, which the decoded page does not. That answer is dropped and the
    # page the envelope names is asked for.
    def shape(items: list[dict[str, Any]], nxt: int | None) -> dict[str, Any]:
        misleading = [{**item, "next_page_start_id": 1} for item in items]
        return {**_envelope(nxt), "activities": misleading}

    events: list[tuple[str, int]] = []
    found = await walk(Vendor(events, shape))
    assert [a["id"] for a in found] == list(range(TOTAL))
    # One call more, for the first guess; the later ones name a page asked for already,
    # which the walk would refuse: those pages are decoded first instead.
    assert asked(events) == [0, 1, 3, 6, 9]


async def test_a_body_with_nothing_to_peek_at_is_decoded_first() -> None:
    # A start id written as a string: no guess, the page is decoded and then followed.
    def shape(items: list[dict[str, Any]], nxt: int | None) -> dict[str, Any]:
        envelope = {"pagination": {"next_page_start_id": str(nxt)}} if nxt is not None else {}
        return {"activities": items, **envelope}

    events: list[tuple[str, int]] = []
    found = await walk(Vendor(events, shape))
    assert [a["id"] for a in found] == list(range(TOTAL))
    assert asked(events) == [0, 3, 6, 9]
    assert events.index(("read", 0)) < events.index(("asked", 3))


async def test_a_page_that_fails_to_be_read_fails_the_walk() -> None:
    # Read in a callback while the next page is in flight, the failure is raised in the
    # walk's own task, never dropped with its page.
    def read(items: list[Any]) -> None:
        if items[0]["id"] == 3:
            raise RuntimeError("a bug in reading")

    with pytest.raises(RuntimeError, match="a bug in reading"):
        await walk(Vendor([]), read)


async def test_a_page_that_is_not_json_fails_the_walk_with_a_precise_error() -> None:
    def shape(items: list[dict[str, Any]], nxt: int | None) -> bytes:
        envelope = b'"pagination":{"next_page_start_id":%d}' % nxt if nxt else b""
        return (
            b"{" + envelope + b", garbage"
            if items[0]["id"] == 3
            else orjson.dumps({"activities": items, **_envelope(nxt)})
        )

    with pytest.raises(UpstreamBadResponse, match="body that is not JSON"):
        await walk(Vendor([], shape))


async def test_a_start_id_named_twice_is_refused() -> None:
    def shape(items: list[dict[str, Any]], nxt: int | None) -> dict[str, Any]:
        return {"activities": items, **_envelope(3 if nxt is not None else None)}

    events: list[tuple[str, int]] = []
    with pytest.raises(UpstreamBadResponse, match="paginated inconsistently"):
        await walk(Vendor(events, shape))
    assert asked(events) == [0, 3]


async def test_a_walk_cancelled_mid_flight_ends_there() -> None:
    events: list[tuple[str, int]] = []
    arrived = asyncio.Event()

    async def handle(request: httpx.Request) -> httpx.Response:
        response = vendor.handle(request)
        if int(request.url.params.get("page_start_id", 0)) == 3:
            arrived.set()
            await asyncio.Event().wait()  # never answers
        return response

    vendor = Vendor(events)
    up = upstream(httpx.MockTransport(handle))
    read: list[Any] = []
    first = PageRequest("activities", (("page_limit", str(PER)),))
    task = asyncio.ensure_future(
        read_pages(up, first, StartIdPaginator(), items_at("activities"), read.append)
    )
    await arrived.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.01)
    await up.aclose()
    assert [items[0]["id"] for items in read] == [0]
    assert asked(events) == [0, 3]
