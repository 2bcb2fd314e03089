"""GraphQL over HTTP like a client: every refusal, GET and GraphiQL, and the response cache.

One vendor (the Harvest simulator, in process) behind the app; its request counter is the
upstream call count, and the ``X-Hourglass-Cache`` header says what the cache did.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import strawberry
from starlette.types import ASGIApp
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from gateway.app import create_app
from gateway.graphql_http import GraphQLEndpoint
from gateway.response_cache import ResponseCache
from gateway.settings import Settings
from gateway.simulators.kit.control import state_of
from tests.conftest import app_client, serve

ENTRIES = "query($first: Int!) { timeEntries(first: $first) { nodes { id } } }"
LISTING = "GET /v2/time_entries"
JSON = {"Content-Type": "application/json"}


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@asynccontextmanager
async def gateway(
    settings: Settings, harvest: ASGIApp, cache: ResponseCache | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        settings,
        transports={"harvest-demo": httpx.ASGITransport(app=harvest)},
        response_cache=cache,
    )
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://hourglass") as client,
    ):
        yield client


@pytest.fixture
async def clock_and_client(
    settings: Settings, harvest: ASGIApp
) -> AsyncIterator[tuple[Clock, httpx.AsyncClient]]:
    clock = Clock()
    async with gateway(settings, harvest, ResponseCache(10, clock=clock)) as client:
        yield clock, client


def listings(harvest: ASGIApp) -> int:
    return state_of(harvest).requests[LISTING]


async def entries(
    client: httpx.AsyncClient, first: int = 3, headers: dict[str, str] | None = None
) -> tuple[str, dict[str, Any], httpx.Response]:
    response = await client.post(
        "/graphql", json={"query": ENTRIES, "variables": {"first": first}}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.headers.get("x-hourglass-cache", ""), response.json(), response


def post(body: bytes, content_type: str = "application/json") -> dict[str, Any]:
    return {"method": "POST", "content": body, "headers": {"content-type": content_type}}


def post_json(data: object) -> dict[str, Any]:
    return {"method": "POST", "json": data}


def get(**params: str) -> dict[str, Any]:
    return {"method": "GET", "params": params, "headers": {"accept": "application/json"}}


@pytest.mark.parametrize(
    ("request_kw", "status", "code", "says"),
    [
        pytest.param(post(b"{nope"), 400, "BAD_REQUEST", "not valid JSON", id="body-not-json"),
        pytest.param(post_json({}), 400, "BAD_REQUEST", "`query`", id="no-query"),
        pytest.param(post_json({"query": 5}), 400, "BAD_REQUEST", "`query` must be a string",
                     id="query-not-string"),
        pytest.param(post_json({"query": "{ sources { name } }", "variables": [1]}), 400,
                     "BAD_REQUEST", "`variables` must be a JSON object", id="variables-list"),
        pytest.param(post_json({"query": "{ sources { name } }", "operationName": 1}), 400,
                     "BAD_REQUEST", "`operationName`", id="operation-name-not-string"),
        pytest.param(post_json([{"query": "{ sources { name } }"}]), 400, "BAD_REQUEST",
                     "batched", id="batch"),
        pytest.param(post_json("{ sources { name } }"), 400, "BAD_REQUEST", "JSON object",
                     id="body-a-string"),
        pytest.param(post(b"{ sources { name } }", "application/graphql"), 415,
                     "UNSUPPORTED_MEDIA_TYPE", "application/json", id="not-json-media-type"),
        pytest.param(post(b"x" * (1 << 20 + 1)), 413, "PAYLOAD_TOO_LARGE", "larger", id="huge"),
        pytest.param({"method": "PUT", "json": {"query": "{ sources { name } }"}}, 405,
                     "METHOD_NOT_ALLOWED", "GET and POST", id="put"),
        pytest.param(get(query="mutation { x }"), 405, "METHOD_NOT_ALLOWED", "use POST",
                     id="get-mutation"),
        pytest.param(get(), 400, "BAD_REQUEST", "`query`", id="get-no-query"),
        pytest.param(get(query="{ sources { name } }", variables="{x"), 400, "BAD_REQUEST",
                     "`variables` parameter is not valid JSON", id="get-variables-not-json"),
        pytest.param(post_json({"query": "{ sources { name "}), 400, "GRAPHQL_PARSE_FAILED",
                     "Syntax Error", id="parse"),
        pytest.param(post_json({"query": "{ timeEntries { nodes { colour } } }"}), 400,
                     "GRAPHQL_VALIDATION_FAILED", "colour", id="validation"),
        pytest.param(post_json({"query": ENTRIES, "variables": {"first": "x"}}), 400,
                     "BAD_USER_INPUT", "Variable '$first'", id="variable-coercion"),
        pytest.param(post_json({"query": ENTRIES}), 400, "BAD_USER_INPUT", "Variable '$first'",
                     id="variable-missing"),
        pytest.param(post_json({"query": "query A { sources { name } } query B { sources { name } }"}),
                     400, "BAD_REQUEST", "operationName", id="ambiguous-operation"),
        pytest.param(post_json({"query": "query A { sources { name } }", "operationName": "B"}),
                     400, "BAD_REQUEST", "unknown operation", id="unknown-operation"),
        pytest.param(post_json({"query": "subscription { x }"}), 400, "BAD_REQUEST",
                     "subscriptions", id="subscription"),
    ],
)  # fmt: skip
async def test_refusals_say_what_is_wrong_without_a_trace(
    settings: Settings,
    request_kw: dict[str, Any],
    status: int,
    code: str,
    says: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="hourglass.graphql")
    async with app_client(settings) as client:
        response = await client.request(url="/graphql", **request_kw)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == code
    assert says in error["message"]
    assert "Traceback" not in response.text and 'File "' not in response.text
    # A refusal of the document or its variables is logged with the code it is answered with.
    logged = [r.__dict__["fields"]["code"] for r in caplog.records if r.name == "hourglass.graphql"]
    assert logged == ([code] if code.startswith("GRAPHQL_") or code == "BAD_USER_INPUT" else [])
    if status == 405:
        assert response.headers["allow"] in {"GET, POST", "POST"}


async def test_graphiql_for_a_browser_and_json_for_a_query(settings: Settings) -> None:
    async with app_client(settings) as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})
        answer = await client.get(
            "/graphql", params={"query": "{ sources { name } }"}, headers={"Accept": "text/html"}
        )
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    assert answer.json() == {"data": {"sources": [{"name": "harvest-demo"}]}}


async def test_get_and_post_share_stored_answers_and_hits_cost_no_upstream_call(
    clock_and_client: tuple[Clock, httpx.AsyncClient], harvest: ASGIApp
) -> None:
    clock, client = clock_and_client
    status, body, _ = await entries(client)
    assert status == "MISS" and len(body["data"]["timeEntries"]["nodes"]) == 3
    clock.now += 4
    response = await client.get("/graphql", params={"query": ENTRIES, "variables": '{"first": 3}'})
    assert response.headers["x-hourglass-cache"] == "HIT" and response.headers["age"] == "4"
    assert response.json() == body
    assert listings(harvest) == 1


async def test_entries_expire_after_the_ttl(
    clock_and_client: tuple[Clock, httpx.AsyncClient], harvest: ASGIApp
) -> None:
    clock, client = clock_and_client
    seen = []
    for step in (0, 9.9, 0.1):
        clock.now += step
        seen.append((await entries(client))[0])
    assert seen == ["MISS", "HIT", "MISS"]
    assert listings(harvest) == 2


async def test_no_cache_executes_and_refreshes_the_stored_answer(
    clock_and_client: tuple[Clock, httpx.AsyncClient], harvest: ASGIApp
) -> None:
    clock, client = clock_and_client
    await entries(client)
    clock.now += 8
    assert (await entries(client, headers={"Cache-Control": "no-cache"}))[0] == "BYPASS"
    clock.now += 8  # 16 s after the first answer, 8 s after the refresh
    status, _, response = await entries(client)
    assert (status, response.headers["age"]) == ("HIT", "8")
    assert listings(harvest) == 2


async def test_answers_with_errors_are_never_stored(
    clock_and_client: tuple[Clock, httpx.AsyncClient], harvest: ASGIApp
) -> None:
    _, client = clock_and_client
    state_of(harvest).faults.load({"rules": [{"path": "/v2/time_entries", "fault": "status"}]})
    for _ in range(2):
        status, body, _ = await entries(client)
        assert status == "MISS" and body["errors"][0]["extensions"]["code"].startswith("UPSTREAM")
    state_of(harvest).faults.clear()
    assert [(await entries(client))[0] for _ in range(2)] == ["MISS", "HIT"]
    assert listings(harvest) == 3


async def test_different_variables_are_different_entries(
    clock_and_client: tuple[Clock, httpx.AsyncClient],
) -> None:
    _, client = clock_and_client
    seen = []
    for first in (1, 2, 1, 2):
        status, body, _ = await entries(client, first)
        seen.append((status, len(body["data"]["timeEntries"]["nodes"])))
    assert seen == [("MISS", 1), ("MISS", 2), ("HIT", 1), ("HIT", 2)]


async def test_concurrent_identical_queries_execute_once(
    clock_and_client: tuple[Clock, httpx.AsyncClient], harvest: ASGIApp
) -> None:
    _, client = clock_and_client
    state_of(harvest).latency_ms = 50  # the first is still executing when the others arrive
    try:
        answers = await asyncio.gather(*(entries(client) for _ in range(8)))
    finally:
        state_of(harvest).latency_ms = 0
    assert sorted(status for status, _, _ in answers) == ["HIT"] * 7 + ["MISS"]
    assert len({str(body) for _, body, _ in answers}) == 1
    assert listings(harvest) == 1


async def test_without_a_ttl_nothing_is_cached(settings: Settings, harvest: ASGIApp) -> None:
    off = settings.model_copy(update={"response_cache_ttl": 0})
    async with gateway(off, harvest) as client:
        assert [(await entries(client))[0] for _ in range(2)] == ["", ""]
    assert listings(harvest) == 2


async def test_a_mutation_clears_stored_queries() -> None:
    state = {"value": 0}

    @strawberry.type
    class Query:
        @strawberry.field
        def value(self) -> int:
            return state["value"]

    @strawberry.type
    class Mutation:
        @strawberry.mutation
        def bump(self) -> int:
            state["value"] += 1
            return state["value"]

    schema = strawberry.Schema(query=Query, mutation=Mutation)
    endpoint = GraphQLEndpoint(schema, lambda scope: None, cache=ResponseCache(10))
    transport = httpx.ASGITransport(app=endpoint)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:

        async def ask(query: str) -> tuple[str, object]:
            response = await client.post("/graphql", json={"query": query})
            assert response.status_code == 200, response.text
            return response.headers.get("x-hourglass-cache", ""), response.json()["data"]

        seen = [await ask(q) for q in ("{ value }", "{ value }", "mutation { bump }", "{ value }")]
    assert seen == [
        ("MISS", {"value": 0}),
        ("HIT", {"value": 0}),
        ("", {"bump": 1}),
        ("MISS", {"value": 1}),
    ]


async def test_an_exception_outside_the_resolvers_is_a_500_that_shows_none_of_its_text() -> None:
    secret = "https://api.vendor.example/v2?token=s3cret"

    class Broken(SchemaExtension):
        def on_validate(self) -> Iterator[None]:
            raise RuntimeError(secret)

    @strawberry.type
    class Query:
        value: int = 1

    schema = strawberry.Schema(query=Query, extensions=[Broken])
    endpoint = GraphQLEndpoint(schema, lambda scope: None)
    transport = httpx.ASGITransport(app=endpoint)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post("/graphql", json={"query": "{ value }"})
    assert response.status_code == 500
    assert response.json()["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "s3cret" not in response.text and "Traceback" not in response.text


async def test_over_a_real_socket(settings: Settings, harvest: ASGIApp) -> None:
    app = create_app(settings, transports={"harvest-demo": httpx.ASGITransport(app=harvest)})
    with serve(app) as root:
        async with httpx.AsyncClient(base_url=root) as client:
            statuses = [(await entries(client))[0] for _ in range(2)]
            bad = await client.post(
                "/graphql", content=b"{", headers={"X-Request-ID": "r-7", **JSON}
            )
    assert statuses == ["MISS", "HIT"]
    assert bad.status_code == 400 and bad.headers["x-request-id"] == "r-7"


async def test_an_answer_is_freed_once_the_process_is_idle_not_before_it_is_sent(
    parked: deque[object],
) -> None:
    """The executed result (every completed dict of a page) is parked for idle time: dropped
    where the answer is encoded, a month's page took ~3 ms to free before it was sent."""

    @strawberry.type
    class Query:
        @strawberry.field
        def values(self) -> list[int]:
            return [1, 2, 3]

    endpoint = GraphQLEndpoint(strawberry.Schema(query=Query), lambda scope: None)
    transport = httpx.ASGITransport(app=endpoint)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post("/graphql", json={"query": "{ values }"})
    assert response.json() == {"data": {"values": [1, 2, 3]}}
    kept = [p for p in parked if isinstance(p, ExecutionResult)]
    assert [r.data for r in kept] == [{"values": [1, 2, 3]}]
