"""The schema's roots and filters against the Harvest simulator, checked against its data."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import Any

import httpx
import pytest

from gateway import ids
from gateway.models import Kind
from gateway.settings import settings_from_dict
from gateway.simulators.harvest import create_app, demo_source
from gateway.simulators.kit import SimulatorConfig
from tests.conftest import app_client, gql

TODAY = date(2026, 3, 16)
FIELDS = (
    "id nativeId date billable running durationSeconds user { id } project { id client { id } }"
)


@pytest.fixture(scope="module")
def simulator() -> Any:
    return create_app(SimulatorConfig(seed=3, today=TODAY))


@pytest.fixture
async def client(simulator: Any) -> AsyncIterator[httpx.AsyncClient]:
    settings = settings_from_dict({"sources": [demo_source("http://h")]}, environ={})
    async with app_client(settings, {"harvest-demo": httpx.ASGITransport(app=simulator)}) as c:
        yield c


async def entries(client: httpx.AsyncClient, args: str) -> list[dict[str, Any]]:
    body = await gql(client, f"{{ timeEntries(first: 5000, {args}) {{ nodes {{ {FIELDS} }} }} }}")
    assert "errors" not in body, body
    nodes: list[dict[str, Any]] = body["data"]["timeEntries"]["nodes"]
    return nodes


async def test_sources_and_capabilities(client: httpx.AsyncClient) -> None:
    body = await gql(client, "{ sources { name vendor status capabilities { kinds writes } } }")
    assert body["data"]["sources"] == [
        {
            "name": "harvest-demo",
            "vendor": "harvest",
            "status": "OK",
            "capabilities": {
                "kinds": ["Client", "Project", "Task", "TimeEntry", "User"],
                "writes": False,
            },
        }
    ]


async def test_node_and_nodes_resolve_global_ids(client: httpx.AsyncClient) -> None:
    [entry] = (await entries(client, 'from: "2026-03-10", to: "2026-03-10"'))[:1]
    unknown = ids.encode(Kind.USER, "harvest-demo", "999999999")
    query = """query($ids: [ID!]!, $id: ID!) {
      node(id: $id) { __typename id ... on TimeEntry { nativeId } }
      nodes(ids: $ids) { __typename ... on User { name } ... on Project { name } }
    }"""
    body = await gql(
        client, query, id=entry["id"], ids=[entry["user"]["id"], entry["project"]["id"], unknown]
    )
    assert "errors" not in body
    assert body["data"]["node"] == {
        "__typename": "TimeEntry",
        "id": entry["id"],
        "nativeId": entry["nativeId"],
    }
    user, project, missing = body["data"]["nodes"]
    assert user["__typename"] == "User" and user["name"]
    assert project["__typename"] == "Project" and project["name"]
    assert missing is None


async def test_a_garbage_id_is_bad_user_input(client: httpx.AsyncClient) -> None:
    body = await gql(client, '{ node(id: "not an id!") { id } }')
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    ("args", "check"),
    [
        pytest.param("billable: true", lambda e: e["billable"] is True, id="billable"),
        pytest.param("running: false", lambda e: e["running"] is False, id="not-running"),
        pytest.param(
            'from: "2026-03-02", to: "2026-03-06"',
            lambda e: "2026-03-02" <= e["date"] <= "2026-03-06",
            id="range",
        ),
    ],
)
async def test_filters_keep_exactly_the_matching_entries(
    client: httpx.AsyncClient, args: str, check: Any
) -> None:
    everything = await entries(client, 'from: "2026-02-15"')
    filtered = await entries(client, args + ', from: "2026-02-15"' if "from" not in args else args)
    expected = [e["id"] for e in everything if check(e)]
    assert filtered and [e["id"] for e in filtered] == expected


async def test_id_filters_by_user_project_and_client(client: httpx.AsyncClient) -> None:
    everything = await entries(client, 'from: "2026-03-01"')
    sample = everything[0]
    picks: tuple[tuple[str, Callable[[dict[str, Any]], Any]], ...] = (
        ("userIds", lambda e: e["user"]["id"]),
        ("projectIds", lambda e: e["project"]["id"]),
        ("clientIds", lambda e: e["project"]["client"]["id"]),
    )
    for arg, pick in picks:
        wanted = pick(sample)
        got = await entries(client, f'from: "2026-03-01", {arg}: ["{wanted}"]')
        assert [e["id"] for e in got] == [e["id"] for e in everything if pick(e) == wanted], arg


async def test_an_id_of_the_wrong_type_is_rejected(client: httpx.AsyncClient) -> None:
    [entry] = (await entries(client, 'from: "2026-03-10", to: "2026-03-10"'))[:1]
    body = await gql(
        client, f'{{ timeEntries(userIds: ["{entry["project"]["id"]}"]) {{ nodes {{ id }} }} }}'
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "is a Project, not a User" in body["errors"][0]["message"]


async def test_reference_lists_page_by_name(client: httpx.AsyncClient) -> None:
    names: list[str] = []
    after = None
    while True:
        body = await gql(
            client,
            "query($a: String) { users(first: 4, after: $a) { pageInfo { hasNextPage endCursor } nodes { name } } }",
            a=after,
        )
        page = body["data"]["users"]
        names += [n["name"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(names) == 15 and names == sorted(names, key=str.casefold)


async def test_nesting_clients_projects_entries_users(client: httpx.AsyncClient) -> None:
    query = """{ clients(first: 2) { nodes { name projects(first: 3) { nodes { name
        timeEntries(first: 2, from: "2026-03-01") { nodes { hours user { name } } } } } } } }"""
    body = await gql(client, query)
    assert "errors" not in body
    clients = body["data"]["clients"]["nodes"]
    assert clients and all(c["projects"]["nodes"] for c in clients)


async def test_one_bad_id_nulls_only_its_item_in_nodes(client: httpx.AsyncClient) -> None:
    [entry] = (await entries(client, 'from: "2026-03-10", to: "2026-03-10"'))[:1]
    body = await gql(
        client,
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        ids=[entry["id"], "not an id!", entry["user"]["id"]],
    )
    assert [n and n["id"] for n in body["data"]["nodes"]] == [
        entry["id"],
        None,
        entry["user"]["id"],
    ]
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["path"] == ["nodes", 1]
