"""Identical in-flight GETs share one upstream call; different credentials never do."""

from __future__ import annotations

import asyncio
import gzip

import httpx
import orjson
import pytest

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


async def test_leader_and_followers_read_the_same_decoded_body() -> None:
    """A gzip answer: every caller reads the JSON; copies drop the encoded body's headers."""
    body = gzip.compress(orjson.dumps({"page": 1}))

    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.05)
        headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
        return httpx.Response(200, headers=headers, content=body)

    transport = CoalescingTransport(httpx.MockTransport(handler))
    async with httpx.AsyncClient(transport=transport, base_url="http://v") as client:
        responses = await asyncio.gather(*(client.get("/x") for _ in range(3)))
    assert [r.json() for r in responses] == [{"page": 1}] * 3
    assert ["content-encoding" in r.headers for r in responses] == [True, False, False]


@pytest.mark.parametrize(
    ("first", "second", "calls"),
    [
        ({"Authorization": "a"}, {"Authorization": "a"}, 1),
        ({"Authorization": "a"}, {"authorization": "a"}, 1),  # header names are case-blind
        ({"Authorization": "a"}, {"Authorization": "b"}, 2),
        ({"Harvest-Account-Id": "1"}, {"Harvest-Account-Id": "2"}, 2),
        ({"X-Api-Key": "k"}, {"X-Api-Key": "l"}, 2),
        ({"Cookie": "s=1"}, {"Cookie": "s=2"}, 2),
        ({"Accept": "a/b"}, {"Accept": "c/d"}, 1),  # not a credential
    ],
)
async def test_the_key_is_the_url_and_the_credentials(
    first: dict[str, str], second: dict[str, str], calls: int
) -> None:
    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        await asyncio.sleep(0.02)
        return httpx.Response(200, json={})

    transport = CoalescingTransport(httpx.MockTransport(handler))
    async with httpx.AsyncClient(transport=transport, base_url="http://v") as client:
        await asyncio.gather(client.get("/x", headers=first), client.get("/x", headers=second))
    assert len(seen) == calls
