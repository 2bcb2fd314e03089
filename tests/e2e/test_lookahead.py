"""Look-ahead over HTTP: a listing skips upstream calls only unselected fields need."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from gateway.settings import settings_from_dict
from gateway.simulators.kit import ManualClock, SimulatorConfig, SimulatorTransport
from gateway.simulators.toggl import create_app, demo_source
from tests.conftest import app_client, gql

TODAY = date(2026, 1, 15)
TAGS = "GET /api/v9/workspaces/{wid}/tags"
QUERY = """query($after: String) {
  timeEntries(first: 200, from: "2025-11-01", to: "2026-01-15", after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id %s }
  }
}"""


@pytest.fixture
async def toggl() -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    clock = ManualClock(datetime(2026, 1, 15, 10, tzinfo=UTC))
    app = create_app(SimulatorConfig(seed=4, today=TODAY, rate_limit=(1000, 1.0), clock=clock))
    source = {**demo_source("http://toggl.sim"), "rate_limit": {"requests": 1000, "per_seconds": 1}}
    settings = settings_from_dict({"sources": [source], "response_cache_ttl": 0}, environ={})
    async with app_client(settings, {"toggl-demo": SimulatorTransport(app=app)}) as client:
        yield app, client


async def tag_calls(app: Any) -> int:
    async with httpx.AsyncClient(transport=SimulatorTransport(app=app), base_url="http://s") as c:
        return int((await c.get("/_simulator/stats")).json()["requests"].get(TAGS, 0))


async def test_unselected_tags_cost_no_call_and_a_page_that_shows_them_reads_them(
    toggl: tuple[Any, httpx.AsyncClient],
) -> None:
    app, client = toggl
    first = await gql(client, QUERY % "", after=None)
    assert "errors" not in first and await tag_calls(app) == 0
    page = first["data"]["timeEntries"]
    assert page["pageInfo"]["hasNextPage"]
    # The next page asks for tags: the listing kept without them must not serve it.
    second = await gql(client, QUERY % "tags", after=page["pageInfo"]["endCursor"])
    assert "errors" not in second and await tag_calls(app) == 1
    assert any(n["tags"] for n in second["data"]["timeEntries"]["nodes"])


NESTED = """{ projects(first: 100) { nodes { name
  timeEntries(first: 5, from: "2026-01-01", to: "2026-01-15") { nodes { id %s } } } } }"""


@pytest.mark.parametrize(("fields", "calls"), [("hours", 0), ("hours tags", 1)])
async def test_nested_listings_look_ahead_too(
    toggl: tuple[Any, httpx.AsyncClient], fields: str, calls: int
) -> None:
    app, client = toggl
    body = await gql(client, NESTED % fields)
    assert "errors" not in body
    assert any(p["timeEntries"]["nodes"] for p in body["data"]["projects"]["nodes"])
    assert await tag_calls(app) == calls
