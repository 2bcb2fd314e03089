"""Fault injection in the simulator kit: every fault kind, plans, determinism, real HTTP."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from gateway.simulators import harvest, hubstaff, hustle
from gateway.simulators.kit import (
    FaultInjector,
    SimulatorConfig,
    SimulatorState,
    SimulatorTransport,
    install,
    parse_plan,
    set_faults,
    state_of,
)
from tests.conftest import serve

ITEMS = {"items": [{"id": i, "name": f"item {i}"} for i in range(20)]}


def tiny_app() -> FastAPI:
    app = FastAPI()

    @app.get("/v1/items")
    async def items() -> dict[str, Any]:
        return ITEMS

    @app.post("/v1/items")
    async def create() -> dict[str, int]:
        return {"id": 99}

    install(app, SimulatorState(vendor="tiny"))
    return app


@dataclass(frozen=True)
class Target:
    """A simulator app, the headers it needs and a path whose answer is a JSON document."""

    make: Callable[[], FastAPI]
    headers: dict[str, str]
    path: str


HARVEST = harvest.demo_source("http://sim")
TARGETS = {
    "tiny": Target(tiny_app, {}, "/v1/items"),
    "harvest": Target(
        lambda: harvest.create_app(SimulatorConfig(seed=5)),
        {
            "Authorization": f"Bearer {HARVEST['token']}",
            "Harvest-Account-Id": str(HARVEST["account_id"]),
            "User-Agent": "hourglass-tests (dev@example.org)",
        },
        "/v2/clients",
    ),
}


def client_for(app: FastAPI, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=SimulatorTransport(app), base_url="http://sim", headers=headers
    )


def not_json(response: httpx.Response) -> bool:
    try:
        json.loads(response.content)
    except ValueError:
        return True
    return False


# (rule, expected status, check on the response given the unfaulted answer's body)
Check = Callable[[httpx.Response, bytes], bool]
KINDS: list[Any] = [
    pytest.param(
        {"fault": "rate_limit", "retry_after": 30},
        429,
        lambda r, _: r.headers["retry-after"] == "30" and r.json()["error"] == "rate_limited",
        id="rate_limit-retry_after",
    ),
    pytest.param(
        {"fault": "rate_limit"}, 429, lambda r, _: "retry-after" not in r.headers, id="rate_limit"
    ),
    pytest.param(
        {"fault": "status", "status": 502}, 502, lambda r, _: "error" in r.json(), id="502"
    ),
    pytest.param({"fault": "status"}, 503, lambda r, _: "error" in r.json(), id="status-default"),
    pytest.param(
        {"fault": "html"},
        200,
        lambda r, _: r.headers["content-type"].startswith("text/html") and "<html>" in r.text,
        id="html",
    ),
    pytest.param({"fault": "html", "status": 503}, 503, lambda r, _: not_json(r), id="html-503"),
    pytest.param(
        {"fault": "truncated"},
        200,
        lambda r, real: (
            real.startswith(r.content)
            and len(r.content) == len(real) // 2
            and r.headers["content-length"] == str(len(r.content))
            and not_json(r)
        ),
        id="truncated",
    ),
    pytest.param(
        {"fault": "malformed_json"},
        200,
        lambda r, _: r.headers["content-type"] == "application/json" and not_json(r),
        id="malformed_json",
    ),
    pytest.param(
        {"fault": "expired_token"},
        401,
        lambda r, _: (
            r.headers["www-authenticate"] == 'Bearer error="invalid_token"'
            and r.json()["error"] == "invalid_token"
        ),
        id="expired_token-api_key",
    ),
    pytest.param(
        {"fault": "hang", "seconds": 0.05}, 504, lambda r, _: "error" in r.json(), id="hang"
    ),
    pytest.param(
        {"fault": "latency", "ms": 60}, 200, lambda r, real: r.content == real, id="latency"
    ),
]


@pytest.mark.parametrize("target", TARGETS.values(), ids=TARGETS.keys())
@pytest.mark.parametrize(("rule", "status", "check"), KINDS)
async def test_each_fault_kind(
    target: Target, rule: dict[str, Any], status: int, check: Check
) -> None:
    async with client_for(target.make(), target.headers) as client:
        real = await client.get(target.path)
        assert real.status_code == 200, real.text
        await set_faults(client, {"rules": [{"path": target.path, **rule}]})
        started = time.monotonic()
        response = await client.get(target.path)
        assert response.status_code == status, response.text
        assert check(response, real.content)
        if rule["fault"] == "latency":
            assert time.monotonic() - started >= 0.06
        stats = (await client.get("/_simulator/stats")).json()
        assert stats["faults"] == {rule["fault"]: 1}
        assert stats["responses"][str(status)] == 1 + (status == 200)
        assert stats["rate_limited"] == (status == 429)
        log = (await client.get("/_simulator/requests")).json()
        assert [(r["status"], r["fault"]) for r in log] == [(200, None), (status, rule["fault"])]


@pytest.mark.parametrize("target", TARGETS.values(), ids=TARGETS.keys())
async def test_drop_in_process_is_a_protocol_error_and_no_response(target: Target) -> None:
    async with client_for(target.make(), target.headers) as client:
        await set_faults(client, {"rules": [{"fault": "drop", "count": 1}]})
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get(target.path)
        assert (await client.get(target.path)).status_code == 200
        stats = (await client.get("/_simulator/stats")).json()
        assert stats["faults"] == {"drop": 1} and stats["responses"] == {"200": 1}
        assert [r["status"] for r in (await client.get("/_simulator/requests")).json()] == [0, 200]


async def statuses(client: httpx.AsyncClient, n: int) -> list[int]:
    return [(await client.get("/v1/items")).status_code for _ in range(n)]


async def test_probability_is_deterministic_under_the_seed() -> None:
    def plan(seed: int) -> dict[str, Any]:
        return {"seed": seed, "rules": [{"fault": "status", "probability": 0.3}]}

    async with client_for(tiny_app()) as client:
        await set_faults(client, plan(7))
        first = await statuses(client, 60)
        await set_faults(client, plan(7))
        assert await statuses(client, 60) == first
        await set_faults(client, plan(8))
        other = await statuses(client, 60)
    assert other != first
    assert 8 <= first.count(503) <= 30  # about 30% of 60, and not all or nothing


async def test_count_faults_the_first_n_then_stops_and_reports_per_rule() -> None:
    async with client_for(tiny_app()) as client:
        await set_faults(
            client,
            {"rules": [{"fault": "status", "count": 2}, {"fault": "drop", "path": "/never"}]},
        )
        assert await statuses(client, 4) == [503, 503, 200, 200]
        shown = (await client.get("/_simulator/faults")).json()
        assert shown["injected"] == [2, 0]
        assert shown["plan"]["rules"][0] == {
            "path": "*",
            "count": 2,
            "fault": "status",
            "status": 503,
        }


@pytest.mark.parametrize(
    ("rule", "method", "path", "fires"),
    [
        ({}, "GET", "/v2/users", True),
        ({"path": "/v2/time_entries*"}, "GET", "/v2/time_entries/7", True),
        ({"path": "/v2/time_entries*"}, "GET", "/v2/users", False),
        ({"path": "/v2/*/time_entries"}, "GET", "/v2/organizations/5/time_entries", True),
        ({"path": "/V2/*"}, "GET", "/v2/users", False),  # case-sensitive, like URLs
        ({"method": "post"}, "POST", "/v2/users", True),
        ({"method": "GET"}, "POST", "/v2/users", False),
        ({"probability": 0.0}, "GET", "/v2/users", False),
    ],
)
def test_path_and_method_matching(
    rule: dict[str, Any], method: str, path: str, fires: bool
) -> None:
    injector = FaultInjector()
    injector.load({"rules": [{"fault": "status", **rule}]})
    assert (injector.decide(method, path).rule is not None) is fires


def test_first_rule_that_fires_wins_and_latency_lets_later_rules_apply() -> None:
    injector = FaultInjector()
    injector.load(
        {
            "rules": [
                {"fault": "latency", "ms": 100, "jitter_ms": 50},
                {"fault": "status", "status": 500, "path": "/a*"},
                {"fault": "status", "status": 502},
            ]
        }
    )
    first, second = injector.decide("GET", "/a/1"), injector.decide("GET", "/b")
    assert 0.1 <= first.delay <= 0.15 and first.rule is not None and first.rule.fault == "status"
    assert [first.rule.status, getattr(second.rule, "status", None)] == [500, 502]
    assert injector.snapshot()["injected"] == [2, 1, 1]
    assert injector.kinds == {"latency": 2, "status": 2}


TAGS = "'rate_limit', 'status', 'latency', 'hang', 'drop', 'truncated', 'malformed_json'"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"rules": [{"fault": "status", "status": 200}]},
            "rules[0] (fault status): status: Input should be greater than or equal to 400",
        ),
        (
            {"rules": [{"fault": "drop"}, {"fault": "teapot"}]},
            f"rules[1]: Input tag 'teapot' found using 'fault' does not match any of the "
            f"expected tags: {TAGS}",
        ),
        (
            {"rules": [{"path": "/x"}]},
            "rules[0]: Unable to extract tag using discriminator 'fault'",
        ),
        (
            {"rules": [{"fault": "drop", "count": 1, "probability": 0.5}]},
            "rules[0] (fault drop): give probability or count, not both",
        ),
        ({"rules": [{"fault": "latency"}]}, "rules[0] (fault latency): ms: Field required"),
        (
            {"rules": [{"fault": "drop", "ms": 5}]},
            "rules[0] (fault drop): ms: Extra inputs are not permitted",
        ),
        (
            {"rules": [{"fault": "hang", "probability": 1.5}]},
            "rules[0] (fault hang): probability: Input should be less than or equal to 1",
        ),
        (
            {"rules": [{"fault": "drop", "method": "GET /x"}]},
            "rules[0] (fault drop): method: must be an HTTP method such as GET",
        ),
        ({"seed": "x"}, "plan: seed: Input should be a valid integer"),
        ({"rule": []}, "plan: rule: Extra inputs are not permitted"),
        ("{not json", "plan: Invalid JSON"),
    ],
)
async def test_bad_plans_are_422_naming_rule_and_field(body: Any, message: str) -> None:
    async with client_for(tiny_app()) as client:
        await set_faults(client, {"rules": [{"fault": "status", "count": 1}]})
        if isinstance(body, str):
            response = await client.post("/_simulator/faults", content=body)
        else:
            response = await client.post("/_simulator/faults", json=body)
        assert response.status_code == 422
        assert response.json()["error"] == "invalid_fault_plan"
        assert response.json()["message"].startswith(message), response.json()["message"]
        assert "Traceback" not in response.text
        # The previous plan stays in force.
        assert await statuses(client, 2) == [503, 200]


async def test_reset_and_delete_clear_the_plan_and_control_paths_are_never_faulted() -> None:
    async with client_for(tiny_app()) as client:
        for clear in ("DELETE /_simulator/faults", "POST /_simulator/reset"):
            await set_faults(client, {"rules": [{"fault": "status", "status": 500}]})
            assert (await client.get("/_simulator/stats")).status_code == 200
            assert (await client.get("/_simulator/requests")).status_code == 200
            assert await statuses(client, 1) == [500]
            method, path = clear.split()
            assert (await client.request(method, path)).status_code == 200
            assert await statuses(client, 1) == [200]
            assert (await client.get("/_simulator/faults")).json()["plan"]["rules"] == []


async def test_a_post_body_reaches_the_app_after_a_latency_fault() -> None:
    async with client_for(tiny_app()) as client:
        await set_faults(client, {"rules": [{"fault": "latency", "ms": 1, "method": "POST"}]})
        response = await client.post("/v1/items", json={"name": "x"})
        assert response.json() == {"id": 99}
        assert (await client.get("/_simulator/requests")).json()[0]["body"] == '{"name":"x"}'


async def test_hang_in_process_ends_when_the_caller_gives_up() -> None:
    async with client_for(tiny_app()) as client:
        await set_faults(client, {"rules": [{"fault": "hang", "seconds": 30, "count": 1}]})
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(client.get("/v1/items"), 0.1)
        assert await statuses(client, 1) == [200]


async def test_over_real_http_drop_is_a_transport_error_and_hang_ends_on_disconnect() -> None:
    app = tiny_app()
    state_of(app).faults.load(
        {
            "rules": [
                {"fault": "drop", "path": "/v1/items", "method": "GET", "count": 1},
                {"fault": "hang", "seconds": 30, "method": "POST"},
            ]
        }
    )
    started = time.monotonic()
    with serve(app) as root:
        async with httpx.AsyncClient(base_url=root, timeout=0.3) as client:
            with pytest.raises(httpx.RemoteProtocolError):
                await client.get("/v1/items")
            assert (await client.get("/v1/items")).status_code == 200
            with pytest.raises(httpx.ReadTimeout):
                await client.post("/v1/items")
        # The hung request finishes (and is counted) once its client has gone.
        async with httpx.AsyncClient(base_url=root) as client:
            for _ in range(100):
                stats = (await client.get("/_simulator/stats")).json()
                if stats["total_requests"] == 3:
                    break
                await asyncio.sleep(0.02)
    assert stats["total_requests"] == 3 and stats["faults"] == {"drop": 1, "hang": 1}
    assert stats["responses"] == {"200": 1}
    assert time.monotonic() - started < 10  # the server shut down without waiting 30 s


@pytest.fixture
async def hubstaff_client() -> AsyncIterator[httpx.AsyncClient]:
    app = hubstaff.create_app(SimulatorConfig(seed=3))
    async with client_for(app) as client:
        yield client


async def hubstaff_login(client: httpx.AsyncClient, refresh: str) -> tuple[dict[str, str], str]:
    form = {"grant_type": "refresh_token", "refresh_token": refresh}
    body = (await client.post("/access_tokens", data=form)).json()
    return {"Authorization": f"Bearer {body['access_token']}"}, body["refresh_token"]


async def test_expired_token_really_expires_hubstaff_tokens(
    hubstaff_client: httpx.AsyncClient,
) -> None:
    client = hubstaff_client
    auth, refresh = await hubstaff_login(client, str(hubstaff.demo_source("x")["refresh_token"]))
    assert (await client.get("/v2/users/me", headers=auth)).status_code == 200
    await set_faults(client, {"rules": [{"fault": "expired_token", "count": 1}]})
    for _ in range(2):  # the rule fires once; the token stays expired
        response = await client.get("/v2/users/me", headers=auth)
        assert response.status_code == 401 and response.json()["code"] == "token_expired"
    auth, _ = await hubstaff_login(client, refresh)
    assert (await client.get("/v2/users/me", headers=auth)).status_code == 200


async def test_expired_token_really_expires_hustle_tokens() -> None:
    creds = hustle.demo_source("http://sim")
    form = {k: creds[k] for k in ("client_id", "client_secret")}
    form["grant_type"] = "client_credentials"
    async with client_for(hustle.create_app(SimulatorConfig(seed=3))) as client:

        async def login() -> dict[str, str]:
            body = (await client.post("/v3/oauth/token", json=form)).json()
            return {"Authorization": f"Bearer {body['access_token']}"}

        auth = await login()
        assert (await client.get("/v3/organizations", headers=auth)).status_code == 200
        await set_faults(client, {"rules": [{"fault": "expired_token", "path": "/v3/org*"}]})
        response = await client.get("/v3/organizations", headers=auth)
        assert response.status_code == 401
        assert response.json() == {"code": 401, "message": "Access token expired"}
        await set_faults(client, {"rules": []})
        assert (await client.get("/v3/groups", headers=auth)).status_code == 401
        assert (await client.get("/v3/groups", headers=await login())).status_code == 200


async def test_the_demo_loads_a_plan_into_every_simulator_behind_simulator_transports() -> None:
    from gateway.demo import build_demo, demo_vendors

    demo = build_demo(faults=parse_plan({"rules": [{"fault": "drop", "path": "/nowhere"}]}))
    assert len(demo.mounts) == len(demo.transports) == len(demo_vendors())
    for app in demo.mounts.values():
        assert state_of(app).faults.snapshot()["injected"] == [0]
    transport = next(iter(demo.transports.values()))
    assert isinstance(transport, SimulatorTransport)
    async with httpx.AsyncClient(transport=transport, base_url="http://sim") as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get("/nowhere")
