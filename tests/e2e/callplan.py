"""Upstream calls per vendor and endpoint for the issue's three scenarios, cold and warm.

Run as ``python -m tests.e2e.callplan`` to print a table; the e2e test
``test_call_plan.py`` asserts the figures that matter.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from gateway.demo import build_demo
from gateway.settings import Settings
from tests.conftest import app_client, gql

DASHBOARD = """{ timeEntries(first: 50) { sourceResults { source complete }
  nodes { id hours user { name } project { name client { name } } } } }"""

MONTH = """query($after: String, $from: Date, $to: Date) {
  timeEntries(first: 1000, after: $after, from: $from, to: $to) {
    pageInfo { hasNextPage endCursor } sourceResults { source complete }
    nodes { id hours } } }"""

DEEP = """{ clients(first: 5000) { nodes { name projects(first: 5000) { nodes { name
  timeEntries(first: 10) { sourceResults { source complete }
    nodes { hours user { name } } } } } } } }"""

Calls = dict[str, dict[str, int]]


@asynccontextmanager
async def demo_client(
    latency_ms: float = 0.0,
) -> AsyncIterator[tuple[httpx.AsyncClient, list[str]]]:
    # Each query executes (no response cache), so every one shows its upstream calls.
    demo = build_demo(Settings(response_cache_ttl=0), latency_ms=latency_ms)
    async with app_client(demo.settings, demo.transports, demo.mounts) as client:
        yield client, [m.split("/")[-1] for m in demo.mounts]


async def calls(client: httpx.AsyncClient, vendors: list[str]) -> Calls:
    out: Calls = {}
    for vendor in vendors:
        stats = (await client.get(f"/simulators/{vendor}/_simulator/stats")).json()
        out[vendor] = stats["requests"]
    return out


async def reset(client: httpx.AsyncClient, vendors: list[str]) -> None:
    for vendor in vendors:
        await client.post(f"/simulators/{vendor}/_simulator/reset")


async def month(client: httpx.AsyncClient) -> dict[str, Any]:
    today = datetime.now(UTC).date()
    args = {"from": (today - timedelta(days=29)).isoformat(), "to": today.isoformat()}
    after = None
    total = 0
    while True:
        body = await gql(client, MONTH, after=after, **args)
        assert "errors" not in body, body["errors"]
        page = body["data"]["timeEntries"]
        total += len(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return {"entries": total}
        after = page["pageInfo"]["endCursor"]


async def run(client: httpx.AsyncClient, vendors: list[str], name: str) -> Calls:
    await reset(client, vendors)
    if name == "month":
        await month(client)
    else:
        body = await gql(client, DASHBOARD if name == "dashboard" else DEEP)
        assert "errors" not in body, body["errors"]
    return await calls(client, vendors)


async def main() -> None:
    for name in ("dashboard", "month", "deep"):
        async with demo_client() as (client, vendors):
            for phase in ("cold", "warm"):
                result = await run(client, vendors, name)
                print(f"== {name} {phase}: total {sum(sum(v.values()) for v in result.values())}")
                for vendor, routes in result.items():
                    print(f"  {vendor:11} {sum(routes.values()):4}  {dict(sorted(routes.items()))}")


if __name__ == "__main__":
    asyncio.run(main())
