"""Within one request, answers are decoded after the token exchange it holds, and after the
request that exchange unblocks has gone out."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from gateway.http import Upstream, critical, deadline_scope


async def test_settled_waits_for_a_held_exchange_and_its_waiters() -> None:
    order: list[str] = []
    flight: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def waiter() -> None:  # what the token unblocks, waiting as the provider does
        await asyncio.shield(flight)
        order.append("unblocked request")

    async def answer(name: str) -> None:
        await critical.settled()
        order.append(name)

    with critical.critical_scope():
        critical.hold(flight)
        tasks = [asyncio.create_task(waiter()), asyncio.create_task(answer("early answer"))]
        await asyncio.sleep(0.01)
        assert order == []  # nothing decoded while the exchange is in flight
        flight.set_result("token")
        # An answer that comes in once the exchange has ended but before its waiter ran.
        tasks.append(asyncio.create_task(answer("late answer")))
        await asyncio.gather(*tasks)
    assert order[0] == "unblocked request"
    assert sorted(order[1:]) == ["early answer", "late answer"]


async def test_a_failed_exchange_releases_too() -> None:
    flight: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    with critical.critical_scope():
        critical.hold(flight)
        pending = asyncio.create_task(critical.settled())
        await asyncio.sleep(0)
        flight.set_exception(RuntimeError("refused"))
        flight.exception()
        await asyncio.wait_for(pending, 1)


async def test_nothing_is_held_outside_a_scope_or_without_an_exchange() -> None:
    flight: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    critical.hold(flight)  # no request scope: ignored
    await asyncio.wait_for(critical.settled(), 0.1)
    with critical.critical_scope():
        await asyncio.wait_for(critical.settled(), 0.1)

        async def exchange() -> None:  # the exchange's own task leaves the scope
            critical.outside()
            critical.hold(flight)
            await critical.settled()

        critical.hold(flight)
        await asyncio.wait_for(asyncio.create_task(exchange()), 0.1)
    flight.cancel()


async def test_upstream_reads_its_answer_after_the_held_exchange() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"ok": True})

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://v")
    upstream = Upstream("s", client)
    flight: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    with critical.critical_scope():
        critical.hold(flight)
        call = asyncio.create_task(upstream.get("x"))
        await asyncio.sleep(0.02)
        assert not call.done()
        flight.set_result("token")
        assert (await asyncio.wait_for(call, 1)).body == {"ok": True}
    await client.aclose()


async def test_no_wait_past_the_request_deadline() -> None:
    flight: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    with deadline_scope(0.05), critical.critical_scope():
        critical.hold(flight)
        await asyncio.wait_for(critical.settled(), 1)
    assert not flight.done()
    flight.cancel()


class CountingFuture(asyncio.Future[str]):
    added = 0

    def add_done_callback(self, fn: Any, *, context: Any = None) -> None:
        self.added += 1
        super().add_done_callback(fn, context=context)


async def test_each_listing_of_a_request_holding_the_exchange_adds_nothing() -> None:
    """The deep query selects its sources once per project: one release per exchange."""
    flight = CountingFuture()
    with critical.critical_scope():
        for _ in range(100):
            critical.hold(flight)
        assert flight.added == 1
        flight.set_result("token")
        await asyncio.wait_for(critical.settled(), 1)
