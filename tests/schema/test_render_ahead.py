"""A root listing's items are completed as they are read (``schema.ahead.RenderAhead``), while
the query waits on a slower source, and the response is the one graphql-core gives.

Two in-memory sources, one answering ``LATENCY`` after it is asked; the whole-list
differential over generated queries is in ``test_compiled_differential``.
"""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import AsyncIterator, Iterator
from typing import Any

import orjson
import pytest

from bench.memory import TODAY, MemoryConnector, synthetic_entries
from gateway.connectors.base import TimeEntryQuery
from gateway.models import Kind, Reference, TimeEntry, User
from gateway.service import Gateway
from schema import Context, build_schema
from schema.ahead import RenderAhead
from tests.conftest import fake_runtime

LATENCY = 0.05
MONTH = """query($after: String) {
  timeEntries(first: 40, from: "2026-01-01", to: "2026-03-20", after: $after) {
    nodes { id date start end durationSeconds billable description source { name } }
    pageInfo { hasNextPage endCursor }
  }
}"""
NAMED = """{ timeEntries(first: 40, from: "2026-01-01") { nodes { id user { name } } } }"""


class Slow(MemoryConnector):
    """Answers ``LATENCY`` seconds after it is asked, as a vendor's chain of pages would."""

    answered: list[float] = []  # when each listing's answer came (the loop's clock)

    async def time_entries(self, query: TimeEntryQuery) -> AsyncIterator[TimeEntry]:
        await asyncio.sleep(LATENCY)
        self.answered.append(asyncio.get_running_loop().time())
        async for entry in super().time_entries(query):
            yield entry


class Early(MemoryConnector):
    """Maps its entries at once and hands them to the query's ``ahead`` then, but yields them
    only ``LATENCY`` seconds later, as Hubstaff does with the sessions its pages close."""

    async def time_entries(self, query: TimeEntryQuery) -> AsyncIterator[TimeEntry]:
        mapped = [entry async for entry in super().time_entries(query)]
        if query.ahead is not None:
            query.ahead(mapped)
        await asyncio.sleep(LATENCY)
        for entry in mapped:
            yield entry


def _gateway(slow_kind: type[MemoryConnector] = Slow) -> Gateway:
    users: list[Reference] = [User(s, str(i), f"{s} {i}") for s in "fs" for i in range(50)]
    fast = MemoryConnector("fast", synthetic_entries(400, source="fast"), {Kind.USER: users})
    slow = slow_kind("slow", synthetic_entries(100, source="slow"), {Kind.USER: users})
    runtimes = {c.source: fake_runtime(c, vendor="memory") for c in (fast, slow)}
    return Gateway(runtimes, today=lambda: TODAY)


class Seen:
    """When each group was completed ahead, and how many items of each list completed at
    the end came completed ahead."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.completed_at: list[tuple[float, str]] = []
        self.served: list[tuple[int, int]] = []
        call, feed = RenderAhead.__call__, RenderAhead.feed
        seen = self

        def called(self: RenderAhead, items: list[Any]) -> None:
            call(self, items)
            if self.plan is not None:
                seen.completed_at.append((asyncio.get_running_loop().time(), items[0].source))

        def fed(self: RenderAhead, items: list[Any], out: list[Any]) -> Iterator[Any]:
            handed = 0
            for item in feed(self, items, out):
                handed += 1
                yield item
            seen.served.append((len(items), len(items) - handed))

        monkeypatch.setattr(RenderAhead, "__call__", called)
        monkeypatch.setattr(RenderAhead, "feed", fed)


async def _pages(gateway: Gateway, *, compiled: bool) -> list[Any]:
    schema, pages, after = build_schema(compiled=compiled), [], None
    while True:
        result = await schema.execute(MONTH, {"after": after}, context_value=Context(gateway))
        assert result.errors is None and result.data is not None
        pages.append(result.data)
        info = result.data["timeEntries"]["pageInfo"]
        if not info["hasNextPage"]:
            return pages
        after = info["endCursor"]


async def test_the_items_read_first_are_completed_while_the_slow_source_is_waited_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen = Seen(monkeypatch)
    monkeypatch.setattr(Slow, "answered", [])
    pages = await _pages(_gateway(), compiled=True)
    assert len(pages) > 2
    # The fast source's entries were completed before the slow one had answered...
    fast = [at for at, source in seen.completed_at if source == "fast"]
    assert fast and min(fast) < Slow.answered[0]
    # ...and every page's list took all of its items completed ahead: the first page's, and
    # the later ones' too (read ahead and kept with the listing for them).
    assert len(seen.served) == len(pages)
    assert all(done == count > 0 for count, done in seen.served)
    # The same response as graphql-core's, page by page.
    plain = await _pages(_gateway(), compiled=False)
    assert orjson.dumps(pages) == orjson.dumps(plain)


async def test_entries_a_source_hands_ahead_are_completed_then_and_only_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    again: list[bool] = []  # for each item read that was completed ahead: completed anew?
    call = RenderAhead.__call__

    def checked(self: RenderAhead, items: list[Any]) -> None:
        ready = {id(i): self._ready[id(i)][1] for i in items if id(i) in self._ready}
        call(self, items)
        again.extend(self._ready[key][1] is not done for key, done in ready.items())

    monkeypatch.setattr(RenderAhead, "__call__", checked)
    seen = Seen(monkeypatch)
    pages = await _pages(_gateway(Early), compiled=True)
    # The early source's entries were completed while it still waited, and the group the
    # merge read later held those very objects: kept as they were, not completed again.
    early = sum(node["source"]["name"] == "slow" for p in pages for node in p["timeEntries"]["nodes"])
    assert early > 0 and len(again) == early and not any(again)
    assert all(done == count > 0 for count, done in seen.served)
    plain = await _pages(_gateway(Early), compiled=False)
    assert orjson.dumps(pages) == orjson.dumps(plain)


async def test_a_selection_that_reads_the_request_is_completed_at_the_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Users' names come from references prefetched for the page: nothing is completed
    # before that, and the answer is graphql-core's.
    seen = Seen(monkeypatch)
    result = await build_schema().execute(NAMED, context_value=Context(_gateway()))
    assert result.errors is None and result.data is not None
    assert seen.completed_at == [] and all(done == 0 for _, done in seen.served)
    plain = await build_schema(compiled=False).execute(NAMED, context_value=Context(_gateway()))
    assert orjson.dumps(result.data) == orjson.dumps(plain.data)


async def test_a_listing_kept_for_its_next_page_keeps_no_request_state() -> None:
    # The listing's RenderAhead lives with it until its next page; the request that began it
    # (its context, its loaders and prefetched references, its executor) must not.
    gateway = _gateway()
    context = Context(gateway)
    result = await build_schema().execute(MONTH, {"after": None}, context_value=context)
    assert result.errors is None and result.data is not None
    assert result.data["timeEntries"]["pageInfo"]["hasNextPage"]
    assert len(gateway.continuations) == 1  # kept for its next page
    gone = weakref.ref(context)
    del context, result
    gc.collect()
    assert gone() is None
