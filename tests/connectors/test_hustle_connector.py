"""The Hustle connector against the Hustle simulator (a black box) and canned transports.

Covers the issue's acceptance points that concern the connector: bad credentials never cost
more than one token request (no lockout), a token expiring mid-pagination is renewed once,
pagination stops on ``hasMore: false`` and on ``cursor: null`` and reports a cursor loop,
capabilities say "no time entries", and the 25 rps pacing keeps the simulator quiet.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from fastapi import FastAPI

from gateway.connectors.base import ConnectorContext, Order, TimeEntryQuery
from gateway.connectors.hustle import CONFIG, HustleConnector, create_connector
from gateway.errors import (
    NotSupported,
    UpstreamAuthError,
    UpstreamBadResponse,
    UpstreamUnavailable,
)
from gateway.models import Kind, Project
from gateway.references import ReferenceStore
from gateway.service import Gateway, ReferenceFilter, SourceRuntime, TimeEntryFilter
from gateway.simulators.hustle import create_app, demo_source
from gateway.simulators.kit import ManualClock, SimulatorConfig

TODAY = date(2026, 1, 15)
TOKEN_ROUTE = "POST /v3/oauth/token"
AGENTS_ROUTE = "GET /v3/agents"
WRONG_SECRET = "hs_live_definitely-not-the-secret"
FAST = (1_000_000, 1.0)  # the simulator's limit when a test is not about rate limits


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def sim(**kwargs: Any) -> FastAPI:
    return create_app(SimulatorConfig(seed=3, today=TODAY, **kwargs))


def connect(
    app: FastAPI | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Callable[[], float] | None = None,
    **overrides: Any,
) -> HustleConnector:
    config = CONFIG.model_validate({**demo_source("http://sim"), **overrides})
    if transport is None:
        assert app is not None
        transport = httpx.ASGITransport(app=app)
    context = ConnectorContext(user_agent="test", transport=transport)
    if clock is None:
        return create_connector(config, context)
    return create_connector(config, context, clock=clock)


async def control(app: FastAPI, what: str) -> Any:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sim") as client:
        return (await client.get(f"/_simulator/{what}")).json()


async def load(connector: HustleConnector, kind: Kind = Kind.USER) -> list[Any]:
    return [ref async for ref in connector.references(kind)]


# --- the demo account through the simulator -------------------------------------------------


async def test_references_map_the_demo_account() -> None:
    connector = connect(sim())
    kinds = (Kind.USER, Kind.CLIENT, Kind.PROJECT)
    users, clients, projects = [await load(connector, k) for k in kinds]
    assert (len(users), len(clients), len(projects)) == (250, 3, 10)
    assert all(u.name and u.email is None for u in users)
    org_ids = {c.id for c in clients}
    assert all(isinstance(p, Project) and p.client_id in org_ids for p in projects)


def test_capabilities_say_no_time_entries() -> None:
    caps = connect(sim()).capabilities
    assert caps.kinds == frozenset({Kind.USER, Kind.CLIENT, Kind.PROJECT})
    assert (caps.writes, caps.timers, caps.webhooks) == (False, False, False)


async def test_time_entry_calls_are_not_supported() -> None:
    app = sim()
    connector = connect(app)
    with pytest.raises(NotSupported) as caught:
        connector.time_entries(TimeEntryQuery())
    assert caught.value.code == "NOT_SUPPORTED"
    assert await connector.time_entry("anything") is None
    assert (await control(app, "stats"))["total_requests"] == 0


async def test_three_pages_follow_the_cursor() -> None:
    app = sim(rate_limit=FAST)
    users = await load(connect(app, page_size=100))
    assert len({u.id for u in users}) == 250
    log = await control(app, "requests")
    queries = [parse_qs(r["query"]) for r in log if r["path"] == "/v3/agents"]
    assert [q["limit"] for q in queries] == [["100"]] * 3
    assert "cursor" not in queries[0] and all("cursor" in q for q in queries[1:])


async def test_last_page_with_a_cursor_and_has_more_false_ends_the_listing() -> None:
    app = sim(rate_limit=FAST, options={"last_page_cursor": True})
    assert len(await load(connect(app, page_size=100))) == 250
    assert (await control(app, "stats"))["requests"][AGENTS_ROUTE] == 3


async def test_references_by_id_use_the_id_filter() -> None:
    app = sim(rate_limit=FAST)
    connector = connect(app)
    some = [u.id for u in (await load(connector))[:2]]
    found = await connector.references_by_id(Kind.USER, [*some, "nope"])
    assert sorted(found) == sorted(some)
    asked = [parse_qs(r["query"]).get("id") for r in (await control(app, "requests"))[-3:]]
    assert sorted(a[0] for a in asked if a) == sorted([*some, "nope"])


async def test_whoami_names_the_client_and_an_organization() -> None:
    who = await connect(sim()).whoami()
    assert who.startswith(demo_source("http://sim")["client_id"])  # type: ignore[arg-type]


# --- tokens -----------------------------------------------------------------------------------


async def test_fifty_concurrent_loads_share_one_token() -> None:
    app = sim(rate_limit=FAST)
    connector = connect(app)
    await asyncio.gather(*(load(connector, (Kind.USER, Kind.CLIENT)[i % 2]) for i in range(50)))
    assert (await control(app, "stats"))["requests"][TOKEN_ROUTE] == 1


async def test_wrong_credentials_cost_one_token_request_and_no_lockout() -> None:
    """Acceptance: 50 concurrent queries with wrong credentials -> at most 1 token request."""
    app = sim()
    connector = connect(app, client_secret=WRONG_SECRET)
    kinds = (Kind.USER, Kind.CLIENT, Kind.PROJECT)
    for _ in range(3):  # three waves: the failure stays latched, nothing is asked again
        results = await asyncio.gather(
            *(load(connector, kinds[i % 3]) for i in range(50)), return_exceptions=True
        )
        assert all(isinstance(r, UpstreamAuthError) for r in results)
    stats = await control(app, "stats")
    assert stats["requests"] == {TOKEN_ROUTE: 1}
    error = results[0]
    assert isinstance(error, UpstreamAuthError) and error.code == "UPSTREAM_AUTH_FAILED"
    assert "fix the credentials" in error.message
    for leak in (WRONG_SECRET, "http", "Invalid client credentials"):
        assert leak not in str(error)
    # Not locked out: the corrected configuration (a new connector) gets in at once.
    assert len(await load(connect(app), Kind.CLIENT)) == 3


async def test_latched_failure_is_retried_only_after_the_cooldown() -> None:
    app = sim()
    clock = FakeClock()
    connector = connect(app, clock=clock, client_secret=WRONG_SECRET, auth_failure_cooldown=900)
    for advance in (0, 899, 1, 0):
        clock.now += advance
        with pytest.raises(UpstreamAuthError) as caught:
            await load(connector)
        assert "900 seconds" in caught.value.message
    stats = await control(app, "stats")
    assert stats["requests"] == {TOKEN_ROUTE: 2}  # at t=0 and at t=900


async def test_token_expiring_mid_pagination_is_renewed_once() -> None:
    """Acceptance: a 3-page agent listing completes with one extra token call."""
    clock = ManualClock()
    app = sim(clock=clock, rate_limit=FAST, options={"token_ttl": 60})
    seen: list[str] = []
    async for user in connect(app, page_size=100).references(Kind.USER):
        seen.append(user.id)
        if len(seen) == 100:
            clock.advance(61)  # the token dies between page 1 and page 2
    assert len(set(seen)) == 250
    stats = await control(app, "stats")
    assert stats["requests"][TOKEN_ROUTE] == 2
    assert stats["requests"][AGENTS_ROUTE] == 4  # 3 pages + the one resent after the 401
    assert stats["responses"]["401"] == 1


async def test_token_is_renewed_before_it_expires() -> None:
    app = sim(rate_limit=FAST, options={"token_ttl": 100})
    clock = FakeClock()
    connector = connect(app, clock=clock)
    await load(connector, Kind.CLIENT)
    clock.now += 95  # inside the renewal margin (a tenth of a short lifetime)
    await load(connector, Kind.CLIENT)
    stats = await control(app, "stats")
    assert stats["requests"][TOKEN_ROUTE] == 2
    assert "401" not in stats["responses"]


# --- canned transports: what the simulator does not do ---------------------------------------

TOKEN = {"access_token": "jwt", "token_type": "Bearer", "scope": "read:account", "expires_in": 7200}


def agent(n: int) -> dict[str, Any]:
    return {"id": f"a{n}", "type": "agent", "name": f"A{n}", "fullName": f"Agent {n}",
            "organizationId": "o", "groupId": "g", "createdAt": "2021-01-01T00:00:00Z"}


def scripted(
    pages: dict[str | None, Any],
    calls: list[str],
    token_statuses: list[int] | None = None,
    resource_status: int = 200,
) -> httpx.MockTransport:
    """Agents pages keyed by the cursor asked for; token answers in order of ``token_statuses``."""
    statuses = iter(token_statuses or [])

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(f"{request.method} {request.url.path}")
        if request.url.path == "/v3/oauth/token":
            status = next(statuses, 200)
            body = TOKEN if status == 200 else {"code": status, "message": "nope"}
            return httpx.Response(status, json=body)
        if resource_status != 200:
            return httpx.Response(resource_status, json={"code": resource_status, "message": "no"})
        return httpx.Response(200, json=pages[request.url.params.get("cursor")])

    return httpx.MockTransport(handle)


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        pytest.param(
            {None: {"items": [agent(1)], "cursor": "c1", "hasMore": True},
             "c1": {"items": [agent(2)], "cursor": "c2", "hasMore": False}},
            ["a1", "a2"], id="has-more-false-with-a-cursor",
        ),
        pytest.param(
            {None: {"items": [agent(1)], "cursor": "c1", "hasMore": True},
             "c1": {"items": [agent(2)], "cursor": None, "hasMore": True}},
            ["a1", "a2"], id="cursor-null-with-has-more-true",
        ),
        pytest.param(
            {None: {"items": [], "cursor": "c1", "hasMore": True}}, [], id="empty-page-stops",
        ),
        pytest.param(
            {None: {"items": [agent(1)], "cursor": None, "hasMore": False}}, ["a1"], id="one-page",
        ),
    ],
)
async def test_pagination_ends(pages: dict[str | None, Any], expected: list[str]) -> None:
    calls: list[str] = []
    users = await load(connect(transport=scripted(pages, calls)))
    assert [u.id for u in users] == expected
    assert calls.count("GET /v3/agents") == len(pages)


@pytest.mark.parametrize(
    "pages",
    [
        pytest.param(
            {None: {"items": [agent(1)], "cursor": "c1", "hasMore": True},
             "c1": {"items": [agent(2)], "cursor": "c1", "hasMore": True}},
            id="same-cursor-twice",
        ),
        pytest.param({None: {"data": [agent(1)]}}, id="no-items-key"),
    ],
)
async def test_misbehaving_pagination_is_a_bad_response(pages: dict[str | None, Any]) -> None:
    calls: list[str] = []
    with pytest.raises(UpstreamBadResponse) as caught:
        await load(connect(transport=scripted(pages, calls)))
    assert caught.value.code == "UPSTREAM_BAD_RESPONSE"
    assert calls.count("GET /v3/agents") == len(pages)


async def test_a_token_endpoint_outage_is_not_latched() -> None:
    calls: list[str] = []
    pages: dict[str | None, Any] = {None: {"items": [agent(1)], "cursor": None, "hasMore": False}}
    connector = connect(transport=scripted(pages, calls, token_statuses=[503]))
    with pytest.raises(UpstreamUnavailable):
        await load(connector)
    assert calls == ["POST /v3/oauth/token"]  # never retried by the transport
    assert [u.id for u in await load(connector)] == ["a1"]


@pytest.mark.parametrize("status", [400, 401, 403])
async def test_a_refused_token_request_is_never_repeated(status: int) -> None:
    calls: list[str] = []
    connector = connect(transport=scripted({}, calls, token_statuses=[status, 200]))
    for _ in range(3):
        with pytest.raises(UpstreamAuthError):
            await load(connector)
    assert calls == ["POST /v3/oauth/token"]


async def test_a_401_after_renewal_is_an_auth_failure() -> None:
    calls: list[str] = []
    connector = connect(transport=scripted({}, calls, resource_status=401))
    with pytest.raises(UpstreamAuthError) as caught:
        await load(connector)
    assert "HTTP 401" in caught.value.message
    assert calls == ["POST /v3/oauth/token", "GET /v3/agents"] * 2  # renewed and resent once


# --- pacing -----------------------------------------------------------------------------------


async def test_pacing_to_a_low_limit_causes_no_429() -> None:
    app = sim(rate_limit=(5, 0.5))
    users = await load(connect(app, page_size=25, rate_limit={"requests": 5, "per_seconds": 0.5}))
    assert len(users) == 250
    stats = await control(app, "stats")
    assert stats["requests"][AGENTS_ROUTE] == 10 and stats["rate_limited"] == 0


async def test_429_without_retry_after_is_waited_out() -> None:
    app = sim(rate_limit=(4, 0.3))
    users = await load(connect(app, page_size=50, rate_limit={"requests": 100, "per_seconds": 1}))
    assert len(users) == 250
    assert (await control(app, "stats"))["rate_limited"] >= 1


# --- configuration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "message"),
    [
        pytest.param({"client_id": "not-an-email"}, "e-mail-like client id", id="client-id"),
        pytest.param({"client_secret": "  "}, "must not be empty", id="empty-secret"),
        pytest.param({"auth_failure_cooldown": 60}, "at least 900 seconds", id="short-cooldown"),
        pytest.param({"page_size": 1001}, "less than or equal to 1000", id="page-too-big"),
        pytest.param({"vendor": "harvest"}, "'hustle'", id="wrong-vendor"),
    ],
)
def test_config_is_validated(override: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        CONFIG.model_validate({**demo_source("http://sim"), **override})
    assert str(demo_source("http://sim")["client_secret"]) not in str(caught.value)


def test_config_keeps_the_secret_secret() -> None:
    config = CONFIG.model_validate(demo_source("http://sim"))
    secret = str(demo_source("http://sim")["client_secret"])
    assert secret not in repr(config) and config.secrets() == [secret]
    assert json.loads(config.model_dump_json())["client_secret"] != secret


# --- through the service ----------------------------------------------------------------------


async def test_service_reports_hustle_time_entries_as_not_supported() -> None:
    app = sim(rate_limit=FAST)
    connector = connect(app)
    runtime = SourceRuntime(
        CONFIG.model_validate(demo_source("http://sim")),
        connector,
        ReferenceStore(connector, ttl=60, maxsize=1000),
    )
    gateway = Gateway({runtime.name: runtime})
    entries = await gateway.time_entries(TimeEntryFilter(), first=10, after=None, order=Order.DESC)
    assert entries.items == []
    assert [(o.supported, o.error) for o in entries.outcomes] == [(False, None)]
    users = await gateway.references(Kind.USER, ReferenceFilter(), first=500, after=None)
    assert len(users.items) == 250 and users.outcomes[0].complete
