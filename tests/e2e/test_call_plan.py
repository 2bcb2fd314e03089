"""Upstream calls of the issue's scenarios over HTTP, counted by the simulators."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from gateway.simulators.clockify.data import DEMO_API_KEY, WORKSPACE_ID
from tests.conftest import gql
from tests.e2e.callplan import DASHBOARD, calls, demo_client, reset

ENTRY_ROUTES = {
    "clockify": "POST /v1/workspaces/{workspace_id}/reports/detailed",
    "everhour": "GET /team/time",
    "harvest": "GET /v2/time_entries",
    "hubplanner": "POST /v1/timeentry/search",
    "toggl": "POST /reports/api/v3/workspace/{wid}/search/time_entries",
}
# Hubstaff is left out of the deep query: its 6 months of activities make it slow to simulate.
DEEP = """query($from: Date, $sources: [String!]) {
  clients(first: 5000, sources: $sources) { nodes { projects(first: 5000) { nodes {
  source { name }
  timeEntries(first: 10, from: $from) { sourceResults { complete } nodes { hours user { name } } } } } } } }"""
SOURCES = ["clockify-demo", "everhour-demo", "harvest-demo", "hubplanner-demo", "toggl-demo"]


@pytest.fixture
async def demo() -> AsyncIterator[tuple[httpx.AsyncClient, list[str]]]:
    async with demo_client() as pair:
        yield pair


async def test_a_warm_dashboard_costs_only_the_entry_listings(
    demo: tuple[httpx.AsyncClient, list[str]],
) -> None:
    client, vendors = demo
    assert "errors" not in await gql(client, DASHBOARD)  # cold: references get cached
    await reset(client, vendors)
    assert "errors" not in await gql(client, DASHBOARD)
    found = await calls(client, vendors)
    assert found["harvest"] == {"GET /v2/time_entries": 1}
    assert found["hubplanner"] == {"POST /v1/timeentry/search": 1}
    assert found["everhour"] == {"GET /team/time": 1, "GET /team/timers": 1}
    assert found["toggl"] == {ENTRY_ROUTES["toggl"]: 1}  # the near week, not a year
    assert found["clockify"] == {  # one report page; the report omits running timers
        ENTRY_ROUTES["clockify"]: 1,
        "GET /v1/workspaces/{workspace_id}/time-entries/status/in-progress": 1,
    }
    assert found["hustle"] == {}
    activities = "GET /v2/organizations/{organization_id}/activities"
    assert found["hubstaff"].get(activities, 0) >= 1  # the near week's newest day(s)
    assert set(found["hubstaff"]) <= {activities, "POST /access_tokens"}  # (+ a token refresh)


CLOCKIFY_DASHBOARD = """{ timeEntries(first: 100, sources: ["clockify-demo"]) {
  nodes { end user { id name } project { id name } client { id name } } } }"""
CLOCKIFY_NAMES = """{ users(sources: ["clockify-demo"], first: 1000) { nodes { id name } }
  projects(sources: ["clockify-demo"], first: 1000) { nodes { id name client { id name } } } }"""


async def test_a_cold_clockify_dashboard_names_everything_from_the_report_alone(
    demo: tuple[httpx.AsyncClient, list[str]],
) -> None:
    # Running timers come from the in-progress listing with ids only, and many report rows
    # have a project without a client: the rows' names serve both, with no list call.
    client, vendors = demo
    await reset(client, vendors)  # rebuilds the vendor's data from its seed too
    # A timer running now, started with the vendor's own API: the seed runs timers on working
    # days only, and this must hold whatever day the suite runs.
    started = await client.post(
        f"/simulators/clockify/api/v1/workspaces/{WORKSPACE_ID}/time-entries",
        headers={"X-Api-Key": DEMO_API_KEY},
        json={"start": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "description": "on call"},
    )
    assert started.status_code == 201 and started.json()["timeInterval"]["end"] is None
    before = Counter((await calls(client, vendors))["clockify"])
    body = await gql(client, CLOCKIFY_DASHBOARD)
    assert "errors" not in body
    assert Counter((await calls(client, vendors))["clockify"]) - before == {
        ENTRY_ROUTES["clockify"]: 1,
        "GET /v1/workspaces/{workspace_id}/time-entries/status/in-progress": 1,
    }
    nodes = body["data"]["timeEntries"]["nodes"]
    assert any(n["end"] is None for n in nodes)  # running timers are among them (ours at least)
    assert any(n["project"] and n["client"] is None for n in nodes)  # and clientless projects
    # What the vendor's own listings say about the same ids.
    names = (await gql(client, CLOCKIFY_NAMES))["data"]
    users = {u["id"]: u["name"] for u in names["users"]["nodes"]}
    projects = {p["id"]: p for p in names["projects"]["nodes"]}
    for n in nodes:
        assert n["user"]["name"] == users[n["user"]["id"]]
        if n["project"]:
            assert n["project"]["name"] == projects[n["project"]["id"]]["name"]
            assert n["client"] == projects[n["project"]["id"]]["client"]


async def test_nested_entries_of_every_project_cost_one_listing_per_source(
    demo: tuple[httpx.AsyncClient, list[str]],
) -> None:
    client, vendors = demo
    since = (datetime.now(UTC).date() - timedelta(days=30)).isoformat()
    await reset(client, vendors)
    body = await gql(client, DEEP, sources=SOURCES, **{"from": since})
    assert "errors" not in body
    projects = [p for c in body["data"]["clients"]["nodes"] for p in c["projects"]["nodes"]]
    assert len(projects) > 20
    nested = await calls(client, vendors)
    per_source = Counter(p["source"]["name"].removesuffix("-demo") for p in projects)
    for vendor, route in ENTRY_ROUTES.items():
        # one listing (its pages or windows), never one per project
        assert 1 <= nested[vendor].get(route, 0) < per_source[vendor], (vendor, nested[vendor])
