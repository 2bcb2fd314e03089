"""End to end over real HTTP: the demo app (Harvest simulated in process) like a real client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.demo import build_demo
from tests.conftest import gql, serve

NESTED = """
query($first: Int!, $sources: [String!]) {
  timeEntries(first: $first, sources: $sources) {
    pageInfo { hasNextPage }
    sourceResults { source complete supported }
    nodes { id date durationSeconds hours running
            user { name email } project { name client { name } } task { name } }
  }
}"""

HARVEST_STATS = "/simulators/harvest/_simulator/stats"


@pytest.fixture(scope="module")
def root() -> Iterator[str]:
    demo = build_demo()
    with serve(create_app(demo.settings, transports=demo.transports, mounts=demo.mounts)) as url:
        yield url


@pytest.fixture
async def client(root: str) -> Any:
    async with httpx.AsyncClient(base_url=root, timeout=30) as c:
        await c.post("/simulators/harvest/_simulator/reset")
        yield c


async def harvest_calls(client: httpx.AsyncClient) -> dict[str, int]:
    stats: dict[str, int] = (await client.get(HARVEST_STATS)).json()["requests"]
    return stats


async def test_500_nested_entries_cost_one_page_and_one_call_per_reference_type(
    client: httpx.AsyncClient,
) -> None:
    # This is the module's first test: the gateway's caches are cold.
    body = await gql(client, NESTED, first=500, sources=["harvest-demo"])
    assert "errors" not in body
    nodes = body["data"]["timeEntries"]["nodes"]
    assert len(nodes) == 500
    assert all(
        n["user"]["name"] and n["project"]["client"]["name"] and n["task"]["name"] for n in nodes
    )
    calls = await harvest_calls(client)
    assert calls.get("GET /v2/time_entries") == 1
    for route in ("GET /v2/users", "GET /v2/projects", "GET /v2/clients", "GET /v2/tasks"):
        assert calls.get(route, 0) <= 1, calls
    assert sum(calls.values()) <= 5

    again = await gql(client, NESTED, first=500, sources=["harvest-demo"])
    assert "errors" not in again and len(again["data"]["timeEntries"]["nodes"]) == 500
    assert sum((await harvest_calls(client)).values()) - sum(calls.values()) <= 1


async def test_paging_a_90_day_range_returns_each_entry_once_in_order(
    client: httpx.AsyncClient,
) -> None:
    today = datetime.now(UTC).date()
    start = today - timedelta(days=89)
    query = """query($after: String, $from: Date, $to: Date) {
      timeEntries(first: 100, after: $after, from: $from, to: $to, sources: ["harvest-demo"]) {
        pageInfo { hasNextPage endCursor } edges { cursor node { id date start } } } }"""
    seen: list[str] = []
    dates: list[str] = []
    after = None
    for _ in range(200):
        body = await gql(
            client, query, after=after, **{"from": start.isoformat(), "to": today.isoformat()}
        )
        assert "errors" not in body, body["errors"]
        page = body["data"]["timeEntries"]
        seen += [e["node"]["id"] for e in page["edges"]]
        dates += [e["node"]["date"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    else:
        pytest.fail("pagination did not end")
    assert len(seen) == len(set(seen))
    assert dates == sorted(dates, reverse=True)
    truth = await _simulator_total(client, start.isoformat(), today.isoformat())
    assert len(seen) == truth


async def _simulator_total(client: httpx.AsyncClient, start: str, end: str) -> int:
    from gateway.simulators.harvest import demo_source

    entry = demo_source("")
    response = await client.get(
        "/simulators/harvest/v2/time_entries",
        params={"from": start, "to": end, "per_page": 1},
        headers={
            "Authorization": f"Bearer {entry['token']}",
            "Harvest-Account-Id": str(entry["account_id"]),
        },
    )
    total: int = response.json()["total_entries"]
    return total


async def test_malformed_graphql_is_a_400_with_a_graphql_error(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ timeEntries(first: 2 { id }"})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert "Traceback" not in response.text


async def test_unknown_field_is_a_400_validation_error(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ timeEntries { nodes { colour } } }"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_graphiql_for_a_browser_and_health_endpoints(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = (await client.get("/readyz")).json()
    assert ready["status"] == "ready" and "harvest-demo" in ready["sources"]


async def test_hustle_says_what_it_supports_and_its_agents_are_users(
    client: httpx.AsyncClient,
) -> None:
    body = await gql(client, "{ sources { name capabilities { kinds } } }")
    kinds = {s["name"]: s["capabilities"]["kinds"] for s in body["data"]["sources"]}
    assert kinds["hustle-demo"] == ["Client", "Project", "User"]
    users = await gql(
        client,
        "{ users(first: 5000) { nodes { source { name } } sourceResults { source complete } } }",
    )
    sources = {n["source"]["name"] for n in users["data"]["users"]["nodes"]}
    assert "hustle-demo" in sources and "harvest-demo" in sources
    entries = await gql(
        client, "{ timeEntries(first: 5) { sourceResults { source supported complete } } }"
    )
    assert "errors" not in entries
    hustle = next(
        r for r in entries["data"]["timeEntries"]["sourceResults"] if r["source"] == "hustle-demo"
    )
    assert hustle == {"source": "hustle-demo", "supported": False, "complete": True}
