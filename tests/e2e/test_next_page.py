"""A listing read through is answered a page ahead (``gateway.next_page``), over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import httpx
import pytest
import strawberry
from graphql import OperationDefinitionNode, parse
from starlette.types import ASGIApp

from gateway.graphql_http import GraphQLEndpoint
from gateway.next_page import NextPages, next_variables
from gateway.response_cache import ResponseCache
from gateway.settings import Settings
from tests.e2e.test_graphql_http import gateway, listings

READ_THROUGH = """query($from: Date!, $after: String) {
  timeEntries(first: 4, from: $from, after: $after) {
    nodes { id } pageInfo { hasNextPage endCursor } } }"""
LATEST = """query($after: String) {
  timeEntries(first: 4, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }"""
WHOLE = """query($from: Date!) { timeEntries(first: 1000, from: $from) { nodes { id } } }"""


async def _page_through(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], pages: int
) -> tuple[list[str], list[str]]:
    """The ids of up to ``pages`` pages and each page's ``X-Hourglass-Cache``."""
    ids: list[str] = []
    labels: list[str] = []
    after = None
    for _ in range(pages):
        response = await client.post(
            "/graphql", json={"query": query, "variables": {**variables, "after": after}}
        )
        body = response.json()
        assert "errors" not in body, body
        page = body["data"]["timeEntries"]
        ids += [node["id"] for node in page["nodes"]]
        labels.append(response.headers["x-hourglass-cache"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    return ids, labels


async def test_paging_a_range_through_takes_each_next_page_computed_ahead(
    settings: Settings, harvest: ASGIApp
) -> None:
    since = {"from": (datetime.now(UTC).date() - timedelta(days=60)).isoformat()}
    async with gateway(settings, harvest, ResponseCache(10)) as client:
        ids, labels = await _page_through(client, READ_THROUGH, since, pages=5)
        listed = listings(harvest)
        whole = (await client.post("/graphql", json={"query": WHOLE, "variables": since})).json()
    assert labels == ["MISS", "AHEAD", "AHEAD", "AHEAD", "AHEAD"]
    # The pages computed ahead are the pages: the range's entries in order, none twice.
    assert ids == [node["id"] for node in whole["data"]["timeEntries"]["nodes"]][: len(ids)]
    assert len(set(ids)) == len(ids) == 20
    # And they were read from the listing kept after the first page: one pass upstream.
    assert listed == 1


async def test_latest_entries_are_not_read_ahead(
    settings: Settings, harvest: ASGIApp
) -> None:
    # No ``from``: a dashboard's latest entries, which its clients do not page through.
    async with gateway(settings, harvest, ResponseCache(10)) as client:
        _, labels = await _page_through(client, LATEST, {}, pages=2)
    assert labels == ["MISS", "MISS"]


# -- the endpoint's rules, over a small schema whose every execution is counted ---------------

state: dict[str, Any] = {}


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Items:
    nodes: list[int]
    page_info: PageInfo


@strawberry.type
class Query:
    @strawberry.field
    async def items(
        self,
        first: int,
        after: str | None = None,
        from_: Annotated[str | None, strawberry.argument(name="from")] = None,
    ) -> Items:
        start = int(after or 0)
        state["asked"].append(start if from_ == "x" else (from_, start))
        if start in state["failing"]:
            state["failing"].discard(start)
            raise ValueError("this one time")
        await asyncio.sleep(0)
        end = min(start + first, 10)
        nodes = [state["value"] * 100 + n for n in range(start, end)]
        return Items(nodes=nodes, page_info=PageInfo(has_next_page=end < 10, end_cursor=str(end)))


@strawberry.type
class Mutation:
    @strawberry.mutation
    def bump(self) -> int:
        state["value"] += 1
        return int(state["value"])


SCHEMA = strawberry.Schema(query=Query, mutation=Mutation)
PAGED = """query($from: String, $after: String) {
  items(first: 4, from: $from, after: $after) { nodes pageInfo { hasNextPage endCursor } } }"""


@asynccontextmanager
async def endpoint(next_pages: NextPages) -> AsyncIterator[httpx.AsyncClient]:
    state.update(value=0, asked=[], failing=set())
    app = GraphQLEndpoint(SCHEMA, lambda scope: None, next_pages=next_pages)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        yield client


async def _items(client: httpx.AsyncClient, after: str | None) -> Any:
    response = await client.post(
        "/graphql", json={"query": PAGED, "variables": {"from": "x", "after": after}}
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]["items"]["nodes"]


async def _settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_one_page_ahead_no_more() -> None:
    async with endpoint(NextPages()) as client:
        assert await _items(client, None) == [0, 1, 2, 3]
        await _settle()
        assert state["asked"] == [0, 4]  # the next page is computed at once
        await _settle()
        assert state["asked"] == [0, 4]  # ... and not the one after it
        assert await _items(client, "4") == [4, 5, 6, 7]
        await _settle()
        assert state["asked"] == [0, 4, 8]  # taking it sets off the next
        assert await _items(client, "8") == [8, 9]
        await _settle()
        assert state["asked"] == [0, 4, 8]  # the last page: nothing after it


async def test_a_write_drops_what_was_computed_before_it() -> None:
    async with endpoint(NextPages()) as client:
        await _items(client, None)
        await _settle()
        response = await client.post("/graphql", json={"query": "mutation { bump }"})
        assert response.json() == {"data": {"bump": 1}}
        # Computed before the write, the held page showed the old value: computed anew.
        assert await _items(client, "4") == [104, 105, 106, 107]
        assert state["asked"] == [0, 4, 4]


async def test_a_page_that_failed_ahead_is_computed_by_its_request() -> None:
    async with endpoint(NextPages()) as client:
        state["failing"] = {4}
        await _items(client, None)
        await _settle()
        assert await _items(client, "4") == [4, 5, 6, 7]
        assert state["asked"] == [0, 4, 4]


async def test_a_page_not_asked_for_in_time_is_dropped() -> None:
    next_pages = NextPages(hold=0.01)
    async with endpoint(next_pages) as client:
        await _items(client, None)
        await asyncio.sleep(0.05)
        assert len(next_pages) == 0
        assert await _items(client, "4") == [4, 5, 6, 7]
        assert state["asked"] == [0, 4, 4]


async def test_at_most_the_newest_are_held() -> None:
    next_pages = NextPages(most=1)
    async with endpoint(next_pages) as client:
        await _items(client, None)  # page 4 of "x" computed ahead
        await _settle()
        response = await client.post(
            "/graphql", json={"query": PAGED, "variables": {"from": "y", "after": None}}
        )
        assert response.status_code == 200
        await _settle()
        assert len(next_pages) == 1  # page 4 of "y" only: "x"'s was dropped
        assert await _items(client, "4") == [4, 5, 6, 7]
        assert state["asked"] == [0, 4, ("y", 0), ("y", 4), 4]


# -- which requests read a listing through --------------------------------------------------


def _operation(text: str) -> OperationDefinitionNode:
    node = parse(text).definitions[0]
    assert isinstance(node, OperationDefinitionNode)
    return node


PAGE = {"hasNextPage": True, "endCursor": "c2"}


@pytest.mark.parametrize(
    ("query", "variables", "data", "expected"),
    [
        pytest.param(
            "query($f: Date, $a: String) { t: timeEntries(from: $f, after: $a) { n } }",
            {"f": "2026-01-01", "a": "c1"},
            {"t": {"pageInfo": PAGE}},
            {"f": "2026-01-01", "a": "c2"},
            id="aliased",
        ),
        pytest.param(
            'query($a: String) { timeEntries(from: "2026-01-01", after: $a) { n } }',
            None,
            {"timeEntries": {"pageInfo": PAGE}},
            {"a": "c2"},
            id="literal-from",
        ),
        pytest.param(
            "query($f: Date, $a: String) { timeEntries(from: $f, after: $a) { n } }",
            {"f": None},
            {"timeEntries": {"pageInfo": PAGE}},
            None,
            id="no-from",
        ),
        pytest.param(
            'query { timeEntries(from: "2026-01-01", after: "c1") { n } }',
            None,
            {"timeEntries": {"pageInfo": PAGE}},
            None,
            id="literal-after",
        ),
        pytest.param(
            "query($f: Date, $a: String, $b: String) {"
            " x: timeEntries(from: $f, after: $a) { n } y: timeEntries(from: $f, after: $b) { n } }",
            {"f": "2026-01-01"},
            {"x": {"pageInfo": PAGE}, "y": {"pageInfo": PAGE}},
            None,
            id="two-listings",
        ),
        pytest.param(
            "query($f: Date, $a: String) { timeEntries(from: $f, after: $a) { n } }",
            {"f": "2026-01-01"},
            {"timeEntries": {"pageInfo": {"hasNextPage": False, "endCursor": "c2"}}},
            None,
            id="last-page",
        ),
        pytest.param(
            "query($f: Date, $a: String) { timeEntries(from: $f, after: $a) { n } }",
            {"f": "2026-01-01"},
            {"timeEntries": {"nodes": []}},
            None,
            id="no-page-info",
        ),
        pytest.param(
            "query($f: Date, $a: String) { ...F } fragment F on Query { timeEntries { n } }",
            {"f": "2026-01-01"},
            {"timeEntries": {"pageInfo": PAGE}},
            None,
            id="root-fragment",
        ),
    ],
)
def test_the_next_page_is_the_one_after_the_cursor_of_a_listing_read_through(
    query: str, variables: dict[str, Any] | None, data: Any, expected: dict[str, Any] | None
) -> None:
    assert next_variables(_operation(query), variables, data) == expected
