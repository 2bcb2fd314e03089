"""A query starts due token exchanges before its own work and gives them a head start."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
import strawberry
from starlette.types import Scope

from gateway import service
from gateway.graphql_http import GraphQLEndpoint
from gateway.response_cache import ResponseCache
from gateway.service import Gateway
from tests.conftest import fake_runtime


class Source:
    """A connector with a token exchange (``Warms``) taking ``exchange`` seconds."""

    def __init__(self, name: str, exchange: float | None) -> None:
        self.source = name
        self.exchange = exchange
        self.warmed = 0
        self.flight: asyncio.Future[str] | None = None

    def warm(self) -> asyncio.Future[str] | None:
        self.warmed += 1
        if self.exchange is None:
            return None  # the token is in hand
        if self.flight is None:
            self.flight = asyncio.get_running_loop().create_future()
            asyncio.get_running_loop().call_later(self.exchange, self.flight.set_result, "t")
        return self.flight


class Plain:
    source = "plain"


async def _head_start(*sources: Any) -> float:
    gateway = Gateway({s.source: fake_runtime(s) for s in sources})
    started = time.perf_counter()
    await gateway.head_start()
    return time.perf_counter() - started


async def test_every_due_exchange_starts_and_gets_the_head_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(service, "HEAD_START", 0.2)
    slow, held = Source("slow", exchange=5.0), Source("held", exchange=None)
    took = await _head_start(slow, held, Plain())
    assert slow.warmed == held.warmed == 1
    assert slow.flight is not None and not slow.flight.done()
    assert 0.2 <= took < 1.0  # no longer than the head start: the exchange runs on
    slow.flight.cancel()


async def test_no_wait_without_an_exchange_or_past_its_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(service, "HEAD_START", 0.5)
    assert await _head_start(Source("held", exchange=None), Plain()) < 0.1
    assert await _head_start(Source("quick", exchange=0.01)) < 0.3


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hi"


async def _posts(queries: list[str], cache: ResponseCache | None) -> list[str]:
    prepared: list[str] = []
    current = ""

    async def prepare(scope: Scope) -> None:
        prepared.append(current)

    endpoint = GraphQLEndpoint(
        strawberry.Schema(Query), lambda scope: None, cache=cache, prepare=prepare
    )
    transport = httpx.ASGITransport(app=endpoint)
    async with httpx.AsyncClient(transport=transport, base_url="http://h") as client:
        for current in queries:
            response = await client.post("/graphql", json={"query": current})
            assert response.status_code == 200, response.text
    return prepared


async def test_queries_that_read_data_prepare_introspection_does_not() -> None:
    queries = [
        "{ __typename }",
        "{ __schema { queryType { name } } }",
        "{ hello }",
        "{ __typename hello }",
    ]
    assert await _posts(queries, cache=None) == ["{ hello }", "{ __typename hello }"]


async def test_an_answer_from_the_cache_prepares_nothing() -> None:
    assert await _posts(["{ hello }", "{ hello }"], cache=ResponseCache(60)) == ["{ hello }"]
