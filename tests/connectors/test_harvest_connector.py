"""The Harvest connector against the Harvest simulator, over HTTP semantics (ASGITransport)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from gateway.app import build_gateway
from gateway.connectors.base import TimeEntryQuery
from gateway.errors import UpstreamAuthError
from gateway.service import Gateway
from gateway.settings import settings_from_dict
from gateway.simulators.harvest import create_app, demo_source
from gateway.simulators.kit import SimulatorConfig
from tests.conftest import app_client, gql

TODAY = date(2026, 3, 16)


def harvest(
    sim_limit: tuple[int, float] | None = None, **overrides: Any
) -> tuple[Any, dict[str, Any]]:
    app = create_app(SimulatorConfig(seed=7, today=TODAY, rate_limit=sim_limit))
    entry = {**demo_source("http://harvest.sim"), **overrides}
    return app, entry


async def stats(app: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s") as c:
        body: dict[str, Any] = (await c.get("/_simulator/stats")).json()
        return body


@pytest.fixture
async def paced() -> AsyncIterator[tuple[Gateway, Any]]:
    app, entry = harvest(sim_limit=(100, 1.0), rate_limit={"requests": 100, "per_seconds": 1.0})
    settings = settings_from_dict({"sources": [entry]}, environ={})
    gateway = build_gateway(settings, {"harvest-demo": httpx.ASGITransport(app=app)})
    yield gateway, app
    await gateway.aclose()


async def entry_ids(gateway: Gateway, days: int) -> list[str]:
    connector = gateway.sources["harvest-demo"].connector
    query = TimeEntryQuery(date_from=TODAY - timedelta(days=days), date_to=TODAY)
    return [e.id async for e in connector.time_entries(query)]


async def test_300_concurrent_calls_are_paced_with_zero_429s(paced: tuple[Gateway, Any]) -> None:
    gateway, app = paced
    ids = (await entry_ids(gateway, 30))[:300]
    assert len(ids) == 300
    connector = gateway.sources["harvest-demo"].connector
    found = await asyncio.gather(*(connector.time_entry(i) for i in ids))
    assert all(e is not None for e in found)
    counts = await stats(app)
    assert counts["rate_limited"] == 0
    assert counts["requests"]["GET /v2/time_entries/{entry_id}"] == 300


async def test_a_lower_vendor_limit_is_honoured_through_retry_after() -> None:
    # The simulator allows 40/s while the connector believes 100/s: 429s happen, are waited
    # out as Retry-After says, and every call still completes.
    app, entry = harvest(sim_limit=(40, 1.0), rate_limit={"requests": 100, "per_seconds": 1.0})
    gateway = build_gateway(
        settings_from_dict({"sources": [entry]}, environ={}),
        {"harvest-demo": httpx.ASGITransport(app=app)},
    )
    try:
        ids = (await entry_ids(gateway, 30))[:120]
        connector = gateway.sources["harvest-demo"].connector
        found = await asyncio.gather(*(connector.time_entry(i) for i in ids))
    finally:
        await gateway.aclose()
    assert all(e is not None for e in found)
    assert (await stats(app))["rate_limited"] > 0


async def test_a_bad_token_is_one_auth_error_with_no_secret(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app, entry = harvest(token="wrong-token-value-123456")
    settings = settings_from_dict({"sources": [entry]}, environ={})
    query = "{ timeEntries(first: 50) { nodes { id user { name } } sourceResults { source complete problem { code } } } }"
    caplog.set_level(logging.DEBUG)
    async with app_client(settings, {"harvest-demo": httpx.ASGITransport(app=app)}) as client:
        body = await gql(client, query)
    assert body["data"]["timeEntries"]["nodes"] == []
    assert body["data"]["timeEntries"]["sourceResults"] == [
        {"source": "harvest-demo", "complete": False, "problem": {"code": "UPSTREAM_AUTH_FAILED"}}
    ]
    [error] = body["errors"]
    assert error["extensions"] == {"code": "UPSTREAM_AUTH_FAILED", "source": "harvest-demo"}
    text = str(body)
    for leak in ("wrong-token-value-123456", "Bearer", "Authorization", "http://", "/v2/"):
        assert leak not in text
    assert "wrong-token-value-123456" not in caplog.text


async def test_the_connector_refuses_to_hide_a_bad_token_from_check() -> None:
    app, entry = harvest(token="nope-nope-nope")
    gateway = build_gateway(
        settings_from_dict({"sources": [entry]}, environ={}),
        {"harvest-demo": httpx.ASGITransport(app=app)},
    )
    try:
        with pytest.raises(UpstreamAuthError) as raised:
            await gateway.sources["harvest-demo"].connector.whoami()
    finally:
        await gateway.aclose()
    assert "nope-nope-nope" not in str(raised.value)


@pytest.mark.parametrize(
    ("query", "params"),
    [
        pytest.param(
            TimeEntryQuery(date_from=date(2026, 3, 1), date_to=date(2026, 3, 2)),
            {"from": "2026-03-01", "to": "2026-03-02"},
            id="dates",
        ),
        pytest.param(TimeEntryQuery(user_ids=frozenset({"7"})), {"user_id": "7"}, id="one-user"),
        pytest.param(TimeEntryQuery(user_ids=frozenset({"7", "8"})), {}, id="two-users-local"),
        pytest.param(TimeEntryQuery(running=True), {"is_running": "true"}, id="running"),
    ],
)
async def test_filters_are_pushed_down(query: TimeEntryQuery, params: dict[str, str]) -> None:
    app, entry = harvest()
    gateway = build_gateway(
        settings_from_dict({"sources": [entry]}, environ={}),
        {"harvest-demo": httpx.ASGITransport(app=app)},
    )
    try:
        [e async for e in gateway.sources["harvest-demo"].connector.time_entries(query)]
    finally:
        await gateway.aclose()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s") as c:
        logged = (await c.get("/_simulator/requests")).json()[0]
    sent = dict(httpx.QueryParams(logged["query"]))
    assert {k: v for k, v in sent.items() if k not in ("per_page", "page")} == params
