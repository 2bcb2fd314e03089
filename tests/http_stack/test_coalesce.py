"""Identical in-flight GETs share one upstream call; different credentials never do."""

from __future__ import annotations

import asyncio

import httpx

from gateway.http.coalesce import CoalescingTransport


async def test_identical_concurrent_gets_cost_one_call() -> None:
    calls: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.headers.get("authorization", ""))
        await asyncio.sleep(0.05)
        return httpx.Response(200, json={"n": len(calls)})

    transport = CoalescingTransport(httpx.MockTransport(handler))
    async with httpx.AsyncClient(transport=transport, base_url="http://v") as client:
        same = [client.get("/x", headers={"Authorization": "a"}) for _ in range(10)]
        other = client.get("/x", headers={"Authorization": "b"})
        responses = await asyncio.gather(*same, other)
    assert sorted(calls) == ["a", "b"]
    assert {r.json()["n"] for r in responses[:10]} == {responses[0].json()["n"]}
    # after completion nothing is cached
    async with httpx.AsyncClient(transport=transport, base_url="http://v") as client:
        await client.get("/x", headers={"Authorization": "a"})
    assert len(calls) == 3
