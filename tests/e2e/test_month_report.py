"""The month report over HTTP: paging 30 days of every demo source costs one upstream pass."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.conftest import gql
from tests.e2e.callplan import MONTH, calls, demo_client, reset

WHOLE = """query($from: Date, $to: Date, $sources: [String!]) {
  timeEntries(first: 5000, from: $from, to: $to, sources: $sources) {
    pageInfo { hasNextPage } sourceResults { complete } nodes { id } } }"""


async def fresh(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    """An answer without errors; ``demo_client`` has no response cache, so it is executed."""
    body = await gql(client, query, **variables)
    assert "errors" not in body, body["errors"]
    return body


async def page_through(client: httpx.AsyncClient, span: dict[str, str]) -> list[int]:
    sizes: list[int] = []
    after = None
    while True:
        page = (await fresh(client, MONTH, after=after, **span))["data"]["timeEntries"]
        assert all(r["complete"] for r in page["sourceResults"])
        sizes.append(len(page["nodes"]))
        if not page["pageInfo"]["hasNextPage"]:
            return sizes
        after = page["pageInfo"]["endCursor"]


async def test_paging_a_month_reads_each_source_once_over_the_range() -> None:
    today = datetime.now(UTC).date()
    span = {"from": (today - timedelta(days=29)).isoformat(), "to": today.isoformat()}
    async with demo_client() as (client, vendors):
        sources = [f"{v}-demo" for v in vendors]

        async def one_pass() -> None:
            """Each source's month as one page: what one pass over the range costs."""
            for source in sources:
                body = await fresh(client, WHOLE, sources=[source], **span)
                assert not body["data"]["timeEntries"]["pageInfo"]["hasNextPage"], source

        await one_pass()  # references and tokens are warm from here on
        await reset(client, vendors)
        sizes = await page_through(client, span)
        paged = await calls(client, vendors)
        await reset(client, vendors)
        await one_pass()
        assert paged == await calls(client, vendors)
        assert len(sizes) > 5 and set(sizes[:-1]) == {1000}  # MONTH pages by 1000
